"""Summaries of long support threads, with context editing and compaction."""

from __future__ import annotations

from typing import Any

from anthropic import Anthropic

SUMMARY_MODEL = "claude-sonnet-4-6"

CONTEXT_BETA = "context-management-2025-06-27"
COMPACT_BETA = "compact-2026-09-04"
AGENTS_BETA = "managed-agents-2026-04-01"
BASE_BETAS = [CONTEXT_BETA, COMPACT_BETA]

SUMMARY_PROMPT = "Summarise this support thread in five bullet points for the on-call engineer."
CLEAR_TOOL_USES = {"edits": [{"type": "clear_tool_uses_20250919"}]}


class ThreadSummarizer:
    """Summarises ticket threads; long threads are compacted server-side first."""

    def __init__(self, max_retries: int = 5) -> None:
        self._client = Anthropic(max_retries=max_retries)

    def summarize(self, thread: list[dict[str, Any]]) -> str:
        response = self._client.beta.messages.create(
            model=SUMMARY_MODEL,
            max_tokens=1024,
            system=SUMMARY_PROMPT,
            messages=thread,
            context_management=CLEAR_TOOL_USES,
            betas=[*BASE_BETAS, CONTEXT_BETA],
        )
        return response.content[0].text

    def summarize_for_handoff(self, thread: list[dict[str, Any]], agent_id: str) -> str:
        # The summary is attached to the triage agent's session afterwards.
        response = self._client.beta.messages.create(
            model=SUMMARY_MODEL,
            max_tokens=1024,
            system=f"{SUMMARY_PROMPT} The reader is agent {agent_id}.",
            messages=thread,
            context_management=CLEAR_TOOL_USES,
            betas=[CONTEXT_BETA, AGENTS_BETA],
        )
        return response.content[0].text

    def compact(self, thread: list[dict[str, Any]]) -> list[dict[str, Any]]:
        response = self._client.beta.messages.create(
            model=SUMMARY_MODEL,
            max_tokens=4096,
            messages=thread,
            compaction={"type": "summarize"},
            betas=BASE_BETAS,
        )
        return [{"role": "assistant", "content": response.content}]

    def attach_to_session(self, session_id: str, summary: str) -> None:
        self._client.beta.sessions.events.send(
            session_id,
            events=[{"type": "user.message", "content": [{"type": "text", "text": summary}]}],
        )
