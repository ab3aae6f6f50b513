"""Conversation service: the assistant's main chat loop."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import anthropic

log = logging.getLogger(__name__)

DEFAULT_MODEL = "claude-opus-4-7"
TITLE_MODEL = "claude-haiku-4-5"

CONTEXT_MANAGEMENT_BETA = "context-management-2025-06-27"
COMPACTION_BETA = "compact-2026-09-04"
CHAT_BETAS = [CONTEXT_MANAGEMENT_BETA, COMPACTION_BETA]

CLEAR_OLD_TOOL_RESULTS = {
    "edits": [{"type": "clear_tool_uses_20250919", "keep": {"type": "tool_uses", "value": 3}}],
}


@dataclass
class Conversation:
    system: str
    messages: list[dict[str, Any]] = field(default_factory=list)

    def add_user(self, text: str) -> None:
        self.messages.append({"role": "user", "content": text})

    def add_assistant(self, text: str) -> None:
        self.messages.append({"role": "assistant", "content": text})


class ChatService:
    """Holds one client for the process; safe to share between threads."""

    def __init__(self, model: str = DEFAULT_MODEL, api_key: str | None = None) -> None:
        self.model = model
        self.client = anthropic.Anthropic(api_key=api_key, max_retries=4)

    def reply(self, conversation: Conversation) -> str:
        response = self.client.beta.messages.create(
            model=self.model,
            max_tokens=2048,
            system=conversation.system,
            messages=conversation.messages,
            context_management=CLEAR_OLD_TOOL_RESULTS,
            betas=CHAT_BETAS,
        )
        text = "".join(block.text for block in response.content if block.type == "text")
        conversation.add_assistant(text)
        return text

    def stream_reply(self, conversation: Conversation) -> Iterator[str]:
        with self.client.beta.messages.stream(
            model=self.model,
            max_tokens=2048,
            system=conversation.system,
            messages=conversation.messages,
            context_management=CLEAR_OLD_TOOL_RESULTS,
            betas=[CONTEXT_MANAGEMENT_BETA],
        ) as stream:
            yield from stream.text_stream

    def title(self, first_message: str) -> str:
        # Titles are short: no retries and a tight timeout.
        response = self.client.with_options(timeout=10.0, max_retries=0).messages.create(
            model=TITLE_MODEL,
            max_tokens=30,
            messages=[{"role": "user", "content": f"A five-word title for: {first_message}"}],
        )
        return response.content[0].text.strip()

    def count_prompt_tokens(self, conversation: Conversation) -> int:
        result = self.client.beta.messages.count_tokens(
            model=self.model,
            system=conversation.system,
            messages=conversation.messages,
            context_management=CLEAR_OLD_TOOL_RESULTS,
            betas=[CONTEXT_MANAGEMENT_BETA],
        )
        log.debug("prompt is %d tokens", result.input_tokens)
        return result.input_tokens
