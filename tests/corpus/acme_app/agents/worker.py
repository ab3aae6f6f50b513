"""Streams Managed Agents session events into the support dashboard."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

from anthropic import AsyncAnthropic

log = logging.getLogger(__name__)

OAUTH_BETA = "oauth-2025-04-20"


class SessionWatcher:
    """Wraps a shared async client; one watcher per dashboard connection."""

    def __init__(self, client: AsyncAnthropic) -> None:
        self._client = client

    async def events(self, session_id: str) -> AsyncIterator[dict[str, Any]]:
        stream = await self._client.beta.sessions.events.stream(session_id)
        async for event in stream:
            yield event.to_dict()

    async def say(self, session_id: str, text: str) -> None:
        await self._client.beta.sessions.events.send(
            session_id,
            events=[{"type": "user.message", "content": [{"type": "text", "text": text}]}],
        )

    async def close(self, session_id: str) -> None:
        await self._client.beta.sessions.archive(session_id)

    async def status(self, session_id: str) -> str:
        # A long poll: the session may be busy for a while.
        session = await self._client.with_options(timeout=300.0).beta.sessions.retrieve(session_id)
        return session.status


async def sessions_for_user(client: AsyncAnthropic) -> list[str]:
    """Called with the OAuth client of the signed-in user."""
    page = await client.beta.sessions.list(limit=50, betas=[OAUTH_BETA])
    return [session.id for session in page.data]


async def watch(session_ids: list[str]) -> None:
    async with AsyncAnthropic() as client:
        watcher = SessionWatcher(client)

        async def pump(session_id: str) -> None:
            async for event in watcher.events(session_id):
                log.info("session %s: %s", session_id, event.get("type"))

        await asyncio.gather(*(pump(session_id) for session_id in session_ids))


async def vault_for(client: AsyncAnthropic, name: str) -> str:
    vault = await client.beta.vaults.create(display_name=name)
    return vault.id
