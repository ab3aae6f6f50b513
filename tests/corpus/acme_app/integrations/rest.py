"""Thin REST client for the sandboxes where the SDK cannot be installed."""

from __future__ import annotations

import os
from typing import Any

import httpx
import requests

API_BASE = "https://api.anthropic.com"
ANTHROPIC_VERSION = "2023-06-01"
AGENTS_BETA = "managed-agents-2026-04-01"
AGENT_HEADERS = {"anthropic-version": ANTHROPIC_VERSION, "anthropic-beta": AGENTS_BETA}


def _auth_headers() -> dict[str, str]:
    return {"x-api-key": os.environ["ANTHROPIC_API_KEY"], "anthropic-version": ANTHROPIC_VERSION}


def create_message(prompt: str) -> dict[str, Any]:
    response = httpx.post(
        f"{API_BASE}/v1/messages",
        headers={
            "x-api-key": os.environ["ANTHROPIC_API_KEY"],
            "anthropic-version": ANTHROPIC_VERSION,
            "anthropic-beta": "context-management-2025-06-27,compact-2026-09-04",
        },
        json={"model": "claude-opus-4-7", "max_tokens": 1024, "messages": [{"role": "user", "content": prompt}]},
        timeout=60,
    )
    response.raise_for_status()
    return response.json()


def create_edited_message(prompt: str) -> dict[str, Any]:
    response = httpx.post(
        f"{API_BASE}/v1/messages",
        headers={
            **_auth_headers(),
            "anthropic-beta": "context-management-2025-06-27, compact-2026-09-04",
        },
        json={"model": "claude-opus-4-7", "max_tokens": 1024, "messages": [{"role": "user", "content": prompt}]},
        timeout=60,
    )
    return response.json()


def classify(text: str) -> str:
    response = httpx.post(
        f"{API_BASE}/v1/messages",
        headers={**_auth_headers(), "anthropic-beta": AGENTS_BETA},
        json={"model": "claude-haiku-4-5", "max_tokens": 16, "messages": [{"role": "user", "content": text}]},
        timeout=30,
    )
    return response.json()["content"][0]["text"]


def count_tokens(prompt: str) -> int:
    response = requests.post(
        API_BASE + "/v1/messages/count_tokens",
        headers={**_auth_headers(), "anthropic_beta": "context-management-2025-06-27"},
        json={"model": "claude-opus-4-7", "messages": [{"role": "user", "content": prompt}]},
        timeout=30,
    )
    return response.json()["input_tokens"]


def list_agents(api_key: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{API_BASE}/v1/agents", headers={"x-api-key": api_key, "anthropic-version": "2023-06-01"})
    return response.json()["data"]


def get_agent(agent_id: str) -> dict[str, Any]:
    response = requests.get(
        f"{API_BASE}/v1/agents/{agent_id}",
        headers={**_auth_headers(), "anthropic-beta": AGENTS_BETA},
        timeout=30,
    )
    return response.json()


def agent_versions(agent_id: str, api_key: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{API_BASE}/v1/agents/{agent_id}/versions", headers={**AGENT_HEADERS, "x-api-key": api_key})
    return response.json()["data"]


def session_events(session_id: str, api_key: str) -> list[dict[str, Any]]:
    with httpx.Client(
        headers={"x-api-key": api_key, "anthropic-version": ANTHROPIC_VERSION, "anthropic-beta": AGENTS_BETA},
        timeout=30,
    ) as http:
        response = http.get(f"{API_BASE}/v1/sessions/{session_id}/events")
        response.raise_for_status()
        return response.json()["data"]
