"""Settings shared by every module: model names and the betas we opt into."""

from __future__ import annotations

import os
from dataclasses import dataclass

# Uploads go through the Files API.
FILES_BETA = "files-api-2025-04-14"
PDF_BETA = "pdfs-2024-09-25"

DEFAULT_MODEL = os.environ.get("SUPPORTBOT_MODEL", "claude-sonnet-4-5")
# Used when the Anthropic API is down.
FALLBACK_MODEL = "gpt-4o-2024-08-06"


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL
    max_tokens: int = 2048
    betas: tuple[str, ...] = ("interleaved-thinking-2025-05-14",)


settings = Settings()
