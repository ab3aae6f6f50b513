"""Long-term memory for the triage agents, kept in memory stores."""

from __future__ import annotations

import asyncio
import os

import aiohttp
from anthropic import AsyncAnthropic

API_BASE = "https://api.anthropic.com"
MEMORY_BETA = "agent-memory-2026-07-22"


async def create_store(name: str) -> str:
    async with AsyncAnthropic() as client:
        store = await client.beta.memory_stores.create(name=name, description="Customer preferences")
        return store.id


async def remember(store_id: str, path: str, content: str) -> None:
    async with AsyncAnthropic() as client:
        await client.beta.memory_stores.memories.create(store_id, path=path, content=content)


async def create_shared_store(name: str) -> str:
    """A store shared by every triage agent of the team."""
    async with AsyncAnthropic() as client:
        store = await client.beta.memory_stores.create(
            name=name,
            description="Shared triage notes",
            betas=["managed-agents-2026-04-01"],
        )
        return store.id


async def export_memories(store_id: str) -> list[dict]:
    """Raw export for the compliance archive (the SDK pages too slowly for it)."""
    async with aiohttp.ClientSession() as http:
        async with http.get(
            f"{API_BASE}/v1/memory_stores/{store_id}/memories",
            headers={
                "x-api-key": os.environ["ANTHROPIC_API_KEY"],
                "anthropic-version": "2023-06-01",
                "anthropic-beta": MEMORY_BETA,
            },
            params={"limit": 1000},
        ) as response:
            response.raise_for_status()
            payload = await response.json()
    return payload["data"]


async def main() -> None:
    store_id = await create_store("customer-preferences")
    await asyncio.gather(
        remember(store_id, "/acme/tone.md", "Customers prefer short answers."),
        remember(store_id, "/acme/escalation.md", "Escalate billing issues to tier 2."),
    )
    print(len(await export_memories(store_id)))


if __name__ == "__main__":
    asyncio.run(main())
