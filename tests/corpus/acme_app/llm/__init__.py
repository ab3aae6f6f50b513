"""Everything that talks to the Messages API."""

from acme_app.llm.chat import ChatService, Conversation

__all__ = ["ChatService", "Conversation"]
