"""Model routing: pick a model per task, and the betas that model supports."""

from __future__ import annotations

import anthropic as ai

FAST_MODE_BETA = "fast-mode-2026-02-01"
TASK_BUDGETS_BETA = "task-budgets-2026-03-13"
INTERLEAVED_THINKING_BETA = "interleaved-thinking-2025-05-14"

FAST_MODELS = ("claude-opus-5", "claude-opus-4-8")
BUDGETED_MODELS = ("claude-opus-5", "claude-opus-4-8", "claude-opus-4-7")

PLANNER_MODEL = "claude-opus-4-8"
DRAFT_MODEL = "claude-opus-4-7"

client = ai.Anthropic()


def betas_for(model: str, *, fast: bool = False) -> list[str]:
    """The betas to send with `model`: fast mode and task budgets only where the model has them."""
    betas = [INTERLEAVED_THINKING_BETA]
    if fast and model.startswith(FAST_MODELS):
        betas.append(FAST_MODE_BETA)
    if model.startswith(BUDGETED_MODELS):
        betas.append(TASK_BUDGETS_BETA)
    return betas


def plan(task: str, *, fast: bool = False) -> str:
    response = client.beta.messages.create(
        model=PLANNER_MODEL,
        max_tokens=16000,
        thinking={"type": "enabled", "budget_tokens": 8000},
        messages=[{"role": "user", "content": task}],
        betas=betas_for(PLANNER_MODEL, fast=fast),
    )
    return response.content[-1].text


def draft(task: str, model: str = DRAFT_MODEL, budget: int | None = None) -> str:
    budgeted = budget is not None and model.startswith(BUDGETED_MODELS)
    response = client.beta.messages.create(
        model=model,
        max_tokens=8192,
        output_config={"task_budget": {"type": "tokens", "total": budget}} if budgeted else ai.omit,
        messages=[{"role": "user", "content": task}],
        betas=[TASK_BUDGETS_BETA, INTERLEAVED_THINKING_BETA] if budgeted else [INTERLEAVED_THINKING_BETA],
    )
    return response.content[-1].text


def fast_plan(task: str) -> str:
    response = client.beta.messages.create(
        model=PLANNER_MODEL,
        max_tokens=4096,
        speed="fast",
        messages=[{"role": "user", "content": task}],
        betas=[FAST_MODE_BETA],
    )
    return response.content[-1].text


def fast_draft(task: str) -> str:
    response = client.beta.messages.create(
        model=DRAFT_MODEL,
        max_tokens=4096,
        speed="fast",
        messages=[{"role": "user", "content": task}],
        betas=[FAST_MODE_BETA],
    )
    return response.content[-1].text


def review(text: str) -> str:
    response = client.beta.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=4096,
        output_config={"task_budget": {"type": "tokens", "total": 20000}},
        messages=[{"role": "user", "content": f"Review this draft for factual errors:\n\n{text}"}],
        betas=[TASK_BUDGETS_BETA],
    )
    return response.content[-1].text


def budgeted_review(text: str) -> str:
    response = client.beta.messages.create(
        model="claude-opus-4-8",
        max_tokens=4096,
        output_config={"task_budget": {"type": "tokens", "total": 20000}},
        messages=[{"role": "user", "content": f"Review this draft for factual errors:\n\n{text}"}],
        betas=[TASK_BUDGETS_BETA],
    )
    return response.content[-1].text


def quick(task: str, *, think: bool = False) -> str:
    response = client.beta.messages.create(
        model=PLANNER_MODEL,
        max_tokens=16000 if think else 2048,
        thinking={"type": "enabled", "budget_tokens": 8000} if think else ai.omit,
        messages=[{"role": "user", "content": task}],
        betas=[INTERLEAVED_THINKING_BETA] if think else [],
    )
    return response.content[-1].text
