"""Client construction for the Acme assistant.

Every service gets its client from here, so timeouts, retries and credentials
are configured in one place.
"""

from __future__ import annotations

import os
from functools import lru_cache

import anthropic
from anthropic import Anthropic, AsyncAnthropic

DEFAULT_TIMEOUT = 60.0
MAX_RETRIES = 3
HEALTHCHECK_MODEL = "claude-haiku-4-5"


def make_client() -> Anthropic:
    """Synchronous client used by the web workers."""
    return Anthropic(
        api_key=os.environ.get("ANTHROPIC_API_KEY"),
        timeout=DEFAULT_TIMEOUT,
        max_retries=MAX_RETRIES,
    )


def make_async_client() -> AsyncAnthropic:
    """Client for the asyncio services (agents, streaming dashboard)."""
    return AsyncAnthropic(timeout=DEFAULT_TIMEOUT, max_retries=MAX_RETRIES)


@lru_cache(maxsize=1)
def shared_client() -> Anthropic:
    return make_client()


def make_user_client(token: str) -> anthropic.Anthropic:
    """Client for requests made on behalf of a signed-in user (OAuth bearer token).

    Only used for plain Messages calls, which send no beta of their own, so the
    client-wide header reaches every request.
    """
    return anthropic.Anthropic(
        auth_token=token,
        default_headers={"anthropic-beta": "oauth-2025-04-20"},
        max_retries=MAX_RETRIES,
    )


def list_model_ids(client: Anthropic | None = None) -> list[str]:
    client = client or shared_client()
    return [model.id for model in client.models.list(limit=100)]


def healthcheck(client: Anthropic) -> bool:
    """A one-token request; the load balancer calls this every 30 seconds."""
    try:
        response = client.with_options(timeout=5.0, max_retries=0).messages.create(
            model=HEALTHCHECK_MODEL,
            max_tokens=1,
            messages=[{"role": "user", "content": "ping"}],
        )
    except anthropic.APIError:
        return False
    return response.stop_reason is not None


def user_greeting(token: str, name: str) -> str:
    client = make_user_client(token)
    response = client.messages.create(
        model=HEALTHCHECK_MODEL,
        max_tokens=64,
        messages=[{"role": "user", "content": f"Write a one-line greeting for {name}."}],
    )
    return response.content[0].text
