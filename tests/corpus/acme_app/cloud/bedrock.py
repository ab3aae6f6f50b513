"""Amazon Bedrock deployment of the assistant, for the EU data-residency tenants."""

from __future__ import annotations

import json
from typing import Any

import boto3
from anthropic import AnthropicBedrock as Bedrock
from anthropic import AsyncAnthropicBedrock

BEDROCK_MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0"
CONTEXT_BETA = "context-management-2025-06-27"
CLEAR_TOOL_USES = {"edits": [{"type": "clear_tool_uses_20250919"}]}


class BedrockAssistant:
    def __init__(self, region: str = "eu-central-1") -> None:
        self.client = Bedrock(aws_region=region)

    def reply(self, messages: list[dict[str, Any]]) -> str:
        response = self.client.beta.messages.create(
            model=BEDROCK_MODEL,
            max_tokens=1024,
            messages=messages,
            context_management=CLEAR_TOOL_USES,
            betas=[CONTEXT_BETA],
        )
        return response.content[0].text

    def ticket_lookup(self, question: str) -> str:
        response = self.client.beta.messages.create(
            model=BEDROCK_MODEL,
            max_tokens=1024,
            messages=[{"role": "user", "content": question}],
            mcp_servers=[{"type": "url", "url": "https://mcp.acme.internal/mcp", "name": "tracker"}],
            tools=[{"type": "mcp_toolset", "mcp_server_name": "tracker"}],
            betas=["mcp-client-2025-11-20"],
        )
        return response.content[-1].text

    def think(self, question: str) -> str:
        response = self.client.beta.messages.create(
            model=BEDROCK_MODEL,
            max_tokens=16000,
            thinking={"type": "enabled", "budget_tokens": 8000},
            messages=[{"role": "user", "content": question}],
            betas=["interleaved-thinking-2025-05-14"],
        )
        return response.content[-1].text


async def reply_async(messages: list[dict[str, Any]], region: str = "eu-central-1") -> str:
    client = AsyncAnthropicBedrock(aws_region=region)
    response = await client.beta.messages.create(
        model=BEDROCK_MODEL,
        max_tokens=1024,
        messages=messages,
        context_management=CLEAR_TOOL_USES,
        betas=[CONTEXT_BETA],
    )
    return response.content[0].text


def invoke_raw(prompt: str, region: str = "eu-central-1") -> dict[str, Any]:
    """InvokeModel directly, for the Lambda that cannot ship the anthropic package."""
    runtime = boto3.client("bedrock-runtime", region_name=region)
    body = {
        "anthropic_version": "bedrock-2023-05-31",
        "anthropic_beta": [CONTEXT_BETA],
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": prompt}],
        "context_management": CLEAR_TOOL_USES,
    }
    response = runtime.invoke_model(modelId=BEDROCK_MODEL, body=json.dumps(body))
    return json.loads(response["body"].read())
