"""Browser automation agent (computer use).

The Sonnet 4.5 fleet still runs the older tool version until the move to the
GA computer toolset is finished; everything else uses computer_20251124.
"""

from __future__ import annotations

from typing import Any

from anthropic import Anthropic

client = Anthropic()

LEGACY_COMPUTER_BETA = "computer-use-2025-01-24"
COMPUTER_BETA = "computer-use-2025-11-24"  # noqa: BL102

# Which beta each computer tool version needs.
TOOL_BETAS = {
    "computer_20241022": "computer-use-2024-10-22",
    "computer_20250124": LEGACY_COMPUTER_BETA,
    "computer_20251124": COMPUTER_BETA,
}

SCREEN = {"display_width_px": 1280, "display_height_px": 800}


def computer_tool(version: str) -> dict[str, Any]:
    return {"type": version, "name": "computer", **SCREEN}


def step(messages: list[dict[str, Any]], *, legacy: bool = False) -> Any:
    if legacy:
        return client.beta.messages.create(
            model="claude-sonnet-4-5",
            max_tokens=2048,
            tools=[computer_tool("computer_20250124")],
            messages=messages,
            betas=[LEGACY_COMPUTER_BETA],
        )
    return client.beta.messages.create(
        model="claude-opus-4-7",
        max_tokens=2048,
        tools=[computer_tool("computer_20251124")],
        messages=messages,
        betas=[COMPUTER_BETA],
    )


def step_with(version: str, messages: list[dict[str, Any]]) -> Any:
    """Replay a recorded session with the tool version it was recorded with."""
    return client.beta.messages.create(
        model="claude-sonnet-4-5",
        max_tokens=2048,
        tools=[computer_tool(version)],
        messages=messages,
        betas=[TOOL_BETAS[version]],
    )
