"""Nightly report generation with Message Batches."""

from __future__ import annotations

import time
from typing import Any

from anthropic import Anthropic as Claude

REPORT_MODEL = "claude-opus-4-6"
OUTPUT_300K_BETA = "output-300k-2026-03-24"
POLL_SECONDS = 60


def make_client() -> Claude:
    return Claude(max_retries=2, timeout=600.0)


def _request(custom_id: str, prompt: str) -> dict[str, Any]:
    return {
        "custom_id": custom_id,
        "params": {
            "model": REPORT_MODEL,
            "max_tokens": 300000,
            "messages": [{"role": "user", "content": prompt}],
        },
    }


def submit_reports(prompts: dict[str, str]) -> str:
    client = make_client()
    batch = client.beta.messages.batches.create(
        requests=[_request(key, prompt) for key, prompt in prompts.items()],
        betas=[OUTPUT_300K_BETA],
    )
    return batch.id


def wait_for(batch_id: str) -> dict[str, str]:
    client = make_client()
    while client.beta.messages.batches.retrieve(batch_id).processing_status != "ended":
        time.sleep(POLL_SECONDS)
    reports = {}
    for result in client.beta.messages.batches.results(batch_id):
        if result.result.type == "succeeded":
            reports[result.custom_id] = result.result.message.content[0].text
    return reports


def regenerate_now(prompt: str) -> str:
    """Regenerate a single report immediately instead of waiting for tonight's batch."""
    response = make_client().beta.messages.create(
        model=REPORT_MODEL,
        max_tokens=64000,
        messages=[{"role": "user", "content": prompt}],
        betas=[OUTPUT_300K_BETA],
    )
    return response.content[0].text


def estimate_tokens(prompt: str) -> int:
    client = make_client()
    count = client.beta.messages.count_tokens(
        model=REPORT_MODEL,
        messages=[{"role": "user", "content": prompt}],
        betas=["token-counting-2024-11-01"],
    )
    return count.input_tokens


def cancel_stale(max_age_hours: int = 20) -> int:
    client = make_client()
    cancelled = 0
    for batch in client.messages.batches.list(limit=50):
        age = time.time() - batch.created_at.timestamp()
        if batch.processing_status == "in_progress" and age > max_age_hours * 3600:
            client.messages.batches.cancel(batch.id)
            cancelled += 1
    return cancelled
