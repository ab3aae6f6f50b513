"""Prompt lab for staff: try a prompt with any model and any beta.

The betas come from the request or from ACME_EXTRA_BETAS, so they are only
known at run time.
"""

from __future__ import annotations

import os
from typing import Any

import anthropic

from acme_app.settings import SETTINGS

client = anthropic.Anthropic(timeout=SETTINGS.request_timeout)


def run(prompt: str, model: str | None = None, betas: list[str] | None = None) -> dict[str, Any]:
    response = client.beta.messages.create(
        model=model or SETTINGS.model,
        max_tokens=4096,
        messages=[{"role": "user", "content": prompt}],
        betas=betas or SETTINGS.extra_betas,
    )
    return {
        "text": "".join(block.text for block in response.content if block.type == "text"),
        "usage": response.usage.model_dump(),
        "stop_reason": response.stop_reason,
    }


def run_with_env_header(prompt: str) -> str:
    """Old entry point kept for the notebook users; reads the header from the environment."""
    response = client.messages.create(
        model=SETTINGS.model,
        max_tokens=4096,
        messages=[{"role": "user", "content": prompt}],
        extra_headers={"anthropic-beta": os.environ["ACME_BETA_HEADER"]},
    )
    return response.content[0].text


def compare(prompt: str, models: list[str]) -> dict[str, str]:
    """Same prompt on several models, without betas, for the side-by-side view."""
    results = {}
    for model in models:
        response = client.messages.create(
            model=model,
            max_tokens=2048,
            messages=[{"role": "user", "content": prompt}],
        )
        results[model] = response.content[0].text
    return results
