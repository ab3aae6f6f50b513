"""Token counting over plain HTTP: the SDK version we pin has no helper for it."""

from __future__ import annotations

import logging
import os
import subprocess

import httpx

API = "https://api.anthropic.com"
BETA_HEADER = "anthropic-beta"

log = logging.getLogger(__name__)


def count_tokens(text: str) -> int:
    response = httpx.post(
        f"{API}/v1/messages/count_tokens",
        headers={
            "x-api-key": os.environ["ANTHROPIC_API_KEY"],
            "anthropic-version": "2023-06-01",
            "anthropic-beta": "token-counting-2024-11-01",
        },
        json={"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": text}]},
    )
    log.debug("anthropic-beta: %s", response.request.headers.get(BETA_HEADER))
    return int(response.json()["input_tokens"])


def long_answer(payload_file: str) -> str:
    # Kept on curl so that ops can replay the exact request from the logs.
    command = [
        "curl", "-sS", f"{API}/v1/messages",
        "-H", f"x-api-key: {os.environ['ANTHROPIC_API_KEY']}",
        "-H", "anthropic-beta: output-128k-2025-02-19",
        "-d", f"@{payload_file}",
    ]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout
