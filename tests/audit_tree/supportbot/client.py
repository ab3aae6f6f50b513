"""A thin wrapper around the Anthropic client: which betas a request needs depends on the model."""

from __future__ import annotations

import logging
from typing import Any

import anthropic

from .config import FILES_BETA, settings

log = logging.getLogger(__name__)

TOOL_STREAMING_BETA = "fine-grained-tool-streaming-2025-05-14"


class ClaudeClient:
    """Sends tickets to Claude.

    Long tickets need context-1m-2025-08-07 on Sonnet; see docs/usage.md.
    """

    def __init__(self, model: str = settings.model) -> None:
        self.client = anthropic.Anthropic()
        self.model = model
        self.extra_betas = ["token-efficient-tools-2025-02-19"]

    def answer(self, ticket: str) -> str:
        betas = []
        if "opus" in self.model:
            betas.append("interleaved-thinking-2025-05-14")
        elif self.model.startswith("claude-sonnet"):
            betas += ["context-1m-2025-08-07"]
        # computer-use-2024-10-22 stopped working in October: do not add it back.
        log.info("answering with betas %s", betas)
        response = self.client.beta.messages.create(
            model=self.model,
            max_tokens=settings.max_tokens,
            betas=betas,
            messages=[{"role": "user", "content": ticket}],
        )
        return str(response.content[0])

    def stream(self, ticket: str, tools: list[dict[str, Any]]) -> Any:
        return self.client.beta.messages.stream(
            model=self.model,
            max_tokens=1024,
            tools=tools,
            betas=[TOOL_STREAMING_BETA, *self.extra_betas],
            messages=[{"role": "user", "content": ticket}],
        )

    def upload(self, path: str) -> str:
        with open(path, "rb") as handle:
            uploaded = self.client.beta.files.upload(file=handle, betas=[FILES_BETA])
        log.info("uploaded %s with files-api-2025-04-14", path)
        return uploaded.id

    def think(self, ticket: str) -> str:
        # The settings object lives in another module: its betas are not followed.
        response = self.client.beta.messages.create(
            model=self.model,
            max_tokens=4096,
            betas=list(settings.betas),
            messages=[{"role": "user", "content": ticket}],
        )
        return str(response.content[0])
