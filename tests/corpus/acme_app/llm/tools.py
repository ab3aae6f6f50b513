"""Tool-using assistant turns: weather, calendar and ticket lookups."""

from __future__ import annotations

import json
from typing import Any

from anthropic import Anthropic
from anthropic.types import Message

from acme_app.llm.betas import ADVISOR_TOOL_BETA

TOOLS: list[dict[str, Any]] = [
    {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
    {
        "name": "find_ticket",
        "description": "Look up a support ticket by its number.",
        "input_schema": {"type": "object", "properties": {"number": {"type": "integer"}}, "required": ["number"]},
    },
]

THINKING = {"type": "enabled", "budget_tokens": 6000}


def run_tool(name: str, arguments: dict[str, Any]) -> str:
    if name == "get_weather":
        return json.dumps({"city": arguments["city"], "forecast": "sunny", "celsius": 21})
    if name == "find_ticket":
        return json.dumps({"number": arguments["number"], "status": "open"})
    raise ValueError(f"unknown tool {name!r}")


def answer_with_tools(client: Anthropic, question: str) -> str:
    """Loop until the model stops asking for tools; think between tool calls."""
    messages: list[dict[str, Any]] = [{"role": "user", "content": question}]
    while True:
        response = client.beta.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=16000,
            thinking=THINKING,
            tools=TOOLS,
            messages=messages,
            betas=["interleaved-thinking-2025-05-14"],
        )
        if response.stop_reason != "tool_use":
            return "".join(block.text for block in response.content if block.type == "text")
        messages.append({"role": "assistant", "content": response.content})
        results = [
            {"type": "tool_result", "tool_use_id": block.id, "content": run_tool(block.name, block.input)}
            for block in response.content
            if block.type == "tool_use"
        ]
        messages.append({"role": "user", "content": results})


def quick_answer(client: Anthropic, question: str) -> Message:
    return client.messages.create(
        model="claude-haiku-4-5",
        max_tokens=16000,
        thinking=THINKING,
        tools=TOOLS,
        messages=[{"role": "user", "content": question}],
        betas=["interleaved-thinking-2025-05-14"],
    )


def legacy_answer(client: Anthropic, question: str) -> Message:
    return client.messages.create(
        model="claude-haiku-4-5",
        max_tokens=16000,
        thinking=THINKING,
        tools=TOOLS,
        messages=[{"role": "user", "content": question}],
        extra_headers={"anthropic-beta": "interleaved-thinking-2025-05-14"},
    )


def escalate(client: Anthropic, ticket_text: str) -> str:
    response = client.beta.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=4096,
        tools=[{"type": "advisor_20260301", "name": "advisor", "model": "claude-opus-4-8"}],
        messages=[{"role": "user", "content": f"Propose a resolution for:\n\n{ticket_text}"}],
        betas=[ADVISOR_TOOL_BETA],
    )
    return response.content[-1].text
