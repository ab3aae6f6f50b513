"""Provider-agnostic gateway: the Anthropic API, or the on-prem model for air-gapped tenants.

It mirrors the SDK's ``client.messages.create`` signature so call sites do not
change; ``betas=`` is forwarded to the beta namespace when the request goes to
Anthropic and dropped for the on-prem model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import anthropic
import httpx

ONPREM_URL = "http://llm.acme.internal:8080/generate"


class _Messages:
    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway

    def create(
        self,
        *,
        model: str,
        max_tokens: int,
        messages: list[dict[str, Any]],
        betas: Sequence[str] = (),
    ) -> dict[str, Any]:
        if self._gateway.onprem:
            payload = {"model": model, "max_tokens": max_tokens, "messages": messages}
            return httpx.post(ONPREM_URL, json=payload, timeout=120).json()
        message = self._gateway.anthropic.beta.messages.create(
            model=model,
            max_tokens=max_tokens,
            messages=messages,
            betas=list(betas),
        )
        return message.to_dict()


class Gateway:
    def __init__(self, onprem: bool = False) -> None:
        self.onprem = onprem
        self.anthropic = anthropic.Anthropic()
        self.messages = _Messages(self)


gateway = Gateway()


def triage(ticket: str) -> dict[str, Any]:
    return gateway.messages.create(
        model="claude-haiku-4-5",
        max_tokens=512,
        messages=[{"role": "user", "content": f"Which team should handle this ticket?\n\n{ticket}"}],
        betas=["context-management-2025-06-27"],
    )
