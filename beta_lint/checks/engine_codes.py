"""Rules BL9xx: codes about beta-lint's own view (dynamic values, unused suppressions, parse errors)."""

from __future__ import annotations

from collections.abc import Iterator

from beta_lint.checks.base import (
    Context,
    Finding,
    Rule,
    register,
    usage_rule,
)
from beta_lint.model import Severity, Usage


@usage_rule(
    "BL902",
    "dynamic-beta",
    default=False,
    severity="warning",
    summary="A beta value that cannot be resolved statically.",
)
def dynamic_beta(usage: Usage, ctx: Context) -> Iterator[Finding]:
    if usage.name is not None:
        return
    if usage.request is not None and usage.request.unknown_call:
        return  # not known to be a beta header at all
    yield Finding(usage.site, "beta value cannot be resolved statically; beta-lint cannot check it", None)


def _engine_rule(code: str, name: str, default: bool, severity: Severity, summary: str, fix: str | None = None) -> None:
    register(Rule(code, name, default, severity, summary, fix, engine=True))


_engine_rule(
    "BL901", "unused-suppression", False, "warning", "A suppression comment that suppressed nothing.", fix="safe"
)
_engine_rule("BL999", "parse-error", True, "error", "A file that cannot be read, decoded or parsed.")
