"""Every anthropic-beta name the assistant sends, kept in one place.

Bump a version here when Anthropic ships a new revision of a beta; the rest of
the code base imports these constants instead of repeating the strings.
"""

from __future__ import annotations

from typing import Final

# Conversation management: context editing plus on-demand compaction.
CONTEXT_MANAGEMENT_BETA: Final = "context-management-2025-06-27"
COMPACTION_BETA: Final = "compact-2026-09-04"

# Planner: thinking between tool calls, and token budgets for long tasks.
INTERLEAVED_THINKING_BETA = "interleaved-thinking-2025-05-14"
TASK_BUDGETS_BETA = "task-budgets-2026-3-13"

# Advisor tool for the escalation flow (a second opinion from a larger model).
ADVISOR_TOOL_BETA: Final = "advisor-tool-2026-03-15"

# Nightly reports: up to 300k output tokens, Message Batches only.
OUTPUT_300K_BETA = "output-300k-2026-03-24"

# Server-side fallback to another model when the primary one is overloaded.
FALLBACK_BETAS = ("server-side-fallback-2026-07-01", "fallback-credit-2026-07-01")

# Sent with every chat request.
DEFAULT_BETAS = [CONTEXT_MANAGEMENT_BETA, COMPACTION_BETA]

# Managed Agents routes. The SDK adds these by itself; only raw HTTP callers need them.
MANAGED_AGENTS_BETA = "managed-agents-2026-04-01"
AGENT_MEMORY_BETA = "agent-memory-2026-07-22"

# Models that accept fast mode and task budgets.
FAST_MODE_MODELS = ("claude-opus-5", "claude-opus-4-8")
TASK_BUDGET_MODELS = ("claude-opus-5", "claude-opus-4-8", "claude-opus-4-7")


def describe() -> str:
    """One line for the startup log."""
    names = [*DEFAULT_BETAS, INTERLEAVED_THINKING_BETA, OUTPUT_300K_BETA]
    return "betas: " + ", ".join(sorted(names))
