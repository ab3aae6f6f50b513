"""The same assistant on Amazon Bedrock, through boto3 (the request body carries the betas)."""

from __future__ import annotations

import json

import boto3

runtime = boto3.client("bedrock-runtime")


def ask(prompt: str) -> str:
    body = {
        "anthropic_version": "bedrock-2023-05-31",
        "anthropic_beta": ["computer-use-2025-01-24"],
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": prompt}],
    }
    response = runtime.invoke_model(modelId="anthropic.claude-sonnet-4-5-v1:0", body=json.dumps(body))
    return str(json.loads(response["body"].read())["content"][0]["text"])
