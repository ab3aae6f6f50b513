"""Google Vertex AI deployment, for customers billed through the GCP marketplace."""

from __future__ import annotations

import os
from typing import Any

import httpx
from anthropic import AnthropicVertex, AsyncAnthropicVertex

PROJECT_ID = os.environ.get("GCP_PROJECT", "acme-prod")
REGION = "us-east5"
VERTEX_MODEL = "claude-sonnet-4-5@20250929"
CONTEXT_BETA = "context-management-2025-06-27"


def make_vertex_client() -> AnthropicVertex:
    return AnthropicVertex(project_id=PROJECT_ID, region=REGION)


def summarize(text: str) -> str:
    client = make_vertex_client()
    response = client.beta.messages.create(
        model=VERTEX_MODEL,
        max_tokens=1024,
        messages=[{"role": "user", "content": f"Summarise:\n\n{text}"}],
        context_management={"edits": [{"type": "clear_tool_uses_20250919"}]},
        betas=[CONTEXT_BETA],
    )
    return response.content[0].text


def ask_about_file(file_id: str, question: str) -> str:
    client = make_vertex_client()
    response = client.beta.messages.create(
        model=VERTEX_MODEL,
        max_tokens=1024,
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "document", "source": {"type": "file", "file_id": file_id}},
                    {"type": "text", "text": question},
                ],
            }
        ],
        betas=["files-api-2025-04-14"],
    )
    return response.content[0].text


async def count(text: str) -> int:
    client = AsyncAnthropicVertex(project_id=PROJECT_ID, region=REGION)
    result = await client.beta.messages.count_tokens(
        model=VERTEX_MODEL,
        messages=[{"role": "user", "content": text}],
        betas=[CONTEXT_BETA],
    )
    return result.input_tokens


def raw_predict(prompt: str, access_token: str) -> dict[str, Any]:
    """rawPredict without the SDK, for the Cloud Function that only has httpx."""
    response = httpx.post(
        f"https://{REGION}-aiplatform.googleapis.com/v1/projects/{PROJECT_ID}/locations/{REGION}"
        f"/publishers/anthropic/models/{VERTEX_MODEL}:rawPredict",
        headers={"Authorization": f"Bearer {access_token}", "anthropic-beta": CONTEXT_BETA},
        json={
            "anthropic_version": "vertex-2023-10-16",
            "max_tokens": 1024,
            "messages": [{"role": "user", "content": prompt}],
        },
        timeout=60,
    )
    response.raise_for_status()
    return response.json()
