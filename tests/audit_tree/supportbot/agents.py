"""Agents that use tools over MCP and, for the legacy desktop flow, computer use."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from anthropic import Anthropic

from .config import PDF_BETA


@dataclass
class McpAgent:
    model: str = "claude-opus-4-1"
    betas: tuple[str, ...] = ("mcp-client-2025-04-04",)
    # Per-deployment additions; context management keeps long tool sessions in budget.
    extra_betas: list[str] = field(default_factory=lambda: ["context-management-2025-06-27"])
    client: Anthropic = field(default_factory=Anthropic)

    def run(self, prompt: str, servers: list[dict[str, str]]) -> object:
        return self.client.beta.messages.create(
            model=self.model,
            max_tokens=1024,
            mcp_servers=servers,
            messages=[{"role": "user", "content": prompt}],
            extra_headers={"anthropic-beta": ",".join([*self.betas, *self.extra_betas])},
        )


class DesktopAgent:
    def __init__(self) -> None:
        self.client = Anthropic(default_headers={"anthropic-beta": "computer-use-2024-10-22"})

    def step(self, screenshot: str) -> object:
        extra = os.environ.get("SUPPORTBOT_EXTRA_BETAS", "")
        return self.client.beta.messages.create(
            model="claude-3-5-sonnet-20241022",
            max_tokens=1024,
            messages=[{"role": "user", "content": screenshot}],
            betas=extra.split(","),
        )


def summarise_pdf(client: Anthropic, file_id: str) -> object:
    return client.messages.create(
        model="claude-sonnet-4-5",
        max_tokens=1024,
        messages=[{"role": "user", "content": [{"type": "document", "source": {"file_id": file_id}}]}],
        extra_headers={"anthropic-beta": PDF_BETA},
    )
