"""Runtime settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

# Private preview our account team enabled for the Acme organization only.
PRIVATE_PREVIEW_BETA = "acme-ticket-routing-2026-05-01"  # noqa: BL002

RELEASE_CHANNEL = "release-2026-11-18"


def _split_names(value: str) -> list[str]:
    """Split a comma-separated environment value, dropping blanks and spaces."""
    return [item.strip() for item in value.split(",") if item.strip()]


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    model: str = os.environ.get("ACME_MODEL", "claude-opus-4-7")
    fast_model: str = os.environ.get("ACME_FAST_MODEL", "claude-haiku-4-5")
    extra_betas: list[str] = field(default_factory=lambda: _split_names(os.environ.get("ACME_EXTRA_BETAS", "")))
    request_timeout: float = float(os.environ.get("ACME_TIMEOUT", "60"))
    use_bedrock: bool = _bool("ACME_USE_BEDROCK")
    use_vertex: bool = _bool("ACME_USE_VERTEX")
    aws_region: str = os.environ.get("AWS_REGION", "eu-central-1")
    gcp_project: str = os.environ.get("GCP_PROJECT", "acme-prod")

    def describe(self) -> str:
        platform = "bedrock" if self.use_bedrock else "vertex" if self.use_vertex else "anthropic"
        return f"{platform}:{self.model} (channel {RELEASE_CHANNEL}, {len(self.extra_betas)} extra betas)"


SETTINGS = Settings()
