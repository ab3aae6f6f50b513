"""Admin API helpers for the provisioning scripts: webhooks, users, spend."""

from __future__ import annotations

import json
import os
import urllib.request
from typing import Any

import anthropic
import httpx

ADMIN_BASE = "https://api.anthropic.com/v1/organizations"
WEBHOOKS_BETA = "webhooks-2026-10-07"
SIGN_OUT_BETA = "admin-user-sign-out-2026-10-08"


def _admin_headers(beta: str | None = None) -> dict[str, str]:
    headers = {"x-api-key": os.environ["ANTHROPIC_ADMIN_KEY"], "anthropic-version": "2023-06-01"}
    return headers if beta is None else {**headers, "anthropic-beta": beta}


def list_webhooks() -> list[dict[str, Any]]:
    response = httpx.get(f"{ADMIN_BASE}/webhooks", headers=_admin_headers(WEBHOOKS_BETA), timeout=30)
    response.raise_for_status()
    return response.json()["data"]


def list_users(limit: int = 100) -> list[dict[str, Any]]:
    response = httpx.get(f"{ADMIN_BASE}/users", params={"limit": limit}, headers=_admin_headers(), timeout=30)
    response.raise_for_status()
    return response.json()["data"]


def sign_out(user_id: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{ADMIN_BASE}/users/{user_id}/sign_out",
        data=b"{}",
        headers={
            "x-api-key": os.environ["ANTHROPIC_ADMIN_KEY"],
            "anthropic-version": "2023-06-01",
            "anthropic-beta": SIGN_OUT_BETA,
            "content-type": "application/json",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


class OrgAdmin:
    """The same operations through the SDK, for scripts that can install it."""

    def __init__(self) -> None:
        self.client = anthropic.Anthropic(api_key=os.environ["ANTHROPIC_ADMIN_KEY"])

    def webhooks(self) -> list[str]:
        return [hook.id for hook in self.client.beta.organization.webhooks.list()]

    def sign_out(self, user_id: str) -> None:
        self.client.beta.organization.users.sign_out(user_id)

    def workspaces(self) -> list[str]:
        return [workspace.id for workspace in self.client.organization.workspaces.list(limit=100)]

    def spend_limits(self) -> list[dict[str, Any]]:
        return [limit.to_dict() for limit in self.client.beta.organization.spend_limits.list()]
