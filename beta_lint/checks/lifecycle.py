"""Rules BL1xx: where a beta is in its life (GA, superseded, retired, retiring)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from beta_lint.checks.base import (
    Context,
    Finding,
    by_confidence,
    registry_entry,
    usage_rule,
)
from beta_lint.fix import edits as fixes
from beta_lint.knowledge.registry import Beta
from beta_lint.model import Applicability, Usage


def _retired_on(beta: Beta, ctx: Context) -> str | None:
    """The date it stopped being accepted, if it has (by status or by an announced date)."""
    if beta.status == "retired":
        return beta.retired_date or ""
    if beta.retires is not None and dt.date.fromisoformat(beta.retires) <= ctx.today:
        return beta.retires
    return None


@usage_rule(
    "BL101",
    "ga-beta",
    default=True,
    severity="warning",
    lifecycle=True,
    summary="The feature is generally available; the beta header is no longer needed.",
    fix="sometimes",
)
def ga_beta(usage: Usage, ctx: Context) -> Iterator[Finding]:
    beta = registry_entry(usage, ctx)
    if beta is None or beta.status != "ga" or _retired_on(beta, ctx) is not None:
        return
    since = f" since {beta.ga_date}" if beta.ga_date else ""
    if beta.changes_behaviour:
        message = f'"{beta.name}" is generally available{since}, but sending it is not a no-op'
        message += f" ({beta.note.rstrip('.')})" if beta.note else ""
    else:
        message = f'"{beta.name}" is generally available{since}: the header is no longer needed'
    applicability: Applicability = "unsafe" if beta.changes_behaviour else "safe"
    fix = fixes.remove_name(usage, ctx.source, applicability)
    yield Finding(usage.location, message, beta.name, fix=fix)


@usage_rule(
    "BL102",
    "superseded-beta",
    default=True,
    severity="warning",
    lifecycle=True,
    summary="A newer version of the beta exists.",
    fix="unsafe",
)
def superseded_beta(usage: Usage, ctx: Context) -> Iterator[Finding]:
    beta = registry_entry(usage, ctx)
    if beta is None or beta.status != "superseded" or _retired_on(beta, ctx) is not None:
        return
    request = usage.request
    if request is not None and beta.name in request.sdk_added:
        return  # the SDK method sends it itself (user-profiles-2026-09-04 on beta.user_profiles.providers)
    sdk = ctx.registry.sdk
    if request is not None and request.target == "http" and request.endpoint and sdk is not None:
        if sdk.sends_itself(request.endpoint, beta.name):
            return  # a raw request to a route where the SDK itself sends it
    if beta.successor:
        message = f'"{beta.name}" is superseded by "{beta.successor}"'
        fix = fixes.replace_name(usage, beta.successor, ctx.source)
    else:
        message, fix = f'"{beta.name}" is superseded', None
    if beta.note:
        message += f" ({beta.note.rstrip('.')})"
    yield Finding(usage.location, message, beta.name, fix=fix)


@usage_rule(
    "BL103",
    "retired-beta",
    default=True,
    severity="error",
    lifecycle=True,
    summary="The API no longer accepts this beta.",
    fix="unsafe",
)
def retired_beta(usage: Usage, ctx: Context) -> Iterator[Finding]:
    beta = registry_entry(usage, ctx)
    if beta is None:
        return
    retired = _retired_on(beta, ctx)
    if retired is None:
        return
    when = f" on {retired}" if retired else ""
    message = f'"{beta.name}" was retired{when}'
    # Say the API rejects it only where that is confirmed; otherwise the note says what is known.
    if beta.confidence == "high":
        message += ": the API no longer accepts it"
    if beta.successor:
        message += f'; its successor is "{beta.successor}"'
    if beta.note:
        message += f" ({beta.note.rstrip('.')})"
    fix = fixes.remove_name(usage, ctx.source, "unsafe")
    yield Finding(usage.location, message, beta.name, fix=fix, severity=by_confidence(beta))


@usage_rule(
    "BL104",
    "retiring-beta",
    default=True,
    severity="warning",
    lifecycle=True,
    summary="An end date is announced for this beta.",
)
def retiring_beta(usage: Usage, ctx: Context) -> Iterator[Finding]:
    beta = registry_entry(usage, ctx)
    if beta is None or beta.retires is None or _retired_on(beta, ctx) is not None:
        return
    days = (dt.date.fromisoformat(beta.retires) - ctx.today).days
    left = "1 day left" if days == 1 else f"{days} days left"
    message = f'"{beta.name}" retires on {beta.retires} ({left})'
    if beta.successor:
        message += f'; move to "{beta.successor}"'
    yield Finding(usage.location, message, beta.name)
