"""A support assistant that answers tickets with Claude."""

from .client import ClaudeClient

__all__ = ["ClaudeClient"]
