"""Monthly export of the support knowledge base, generated in one large batch."""

from __future__ import annotations

from typing import Any

from anthropic import Anthropic

EXPORT_MODEL = "claude-sonnet-4-6"
SECTION_PROMPT = "Write the knowledge-base section '{title}' from these resolved tickets:\n\n{tickets}"

# Every request of this client may need long outputs.
client = Anthropic(
    default_headers={"anthropic-beta": "output-300k-2026-03-24"},
    timeout=900.0,
)


def _params(title: str, tickets: str, max_tokens: int) -> dict[str, Any]:
    return {
        "model": EXPORT_MODEL,
        "max_tokens": max_tokens,
        "messages": [{"role": "user", "content": SECTION_PROMPT.format(title=title, tickets=tickets)}],
    }


def submit_export(sections: dict[str, str]) -> str:
    batch = client.messages.batches.create(
        requests=[
            {"custom_id": title, "params": _params(title, tickets, 300000)} for title, tickets in sections.items()
        ],
    )
    return batch.id


def preview(title: str, tickets: str) -> str:
    """A quick synchronous preview of one section for the editors."""
    response = client.messages.create(**_params(title, tickets, 8000))
    return response.content[0].text
