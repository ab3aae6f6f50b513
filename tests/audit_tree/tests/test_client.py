"""Unit tests: the wrapper asks for the right betas (the client is mocked)."""

from unittest import mock

from supportbot import ClaudeClient


def test_opus_gets_interleaved_thinking() -> None:
    bot = ClaudeClient(model="claude-opus-4-1")
    with mock.patch.object(bot.client.beta.messages, "create") as create:
        bot.answer("hello")
    assert create.call_args.kwargs["betas"] == ["interleaved-thinking-2025-05-14"]


def test_sonnet_gets_the_long_context() -> None:
    bot = ClaudeClient(model="claude-sonnet-4-5")
    with mock.patch.object(bot.client.beta.messages, "create") as create:
        bot.answer("hello")
    assert "context-1m-2025-08-07" in create.call_args.kwargs["betas"]
