"""Rules BL0xx: the name itself (malformed, unknown)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from beta_lint.checks.base import (
    API_REJECTS,
    Context,
    Finding,
    usage_rule,
)
from beta_lint.fix import edits as fixes
from beta_lint.knowledge.registry import BETA_NAME_RE, is_well_formed
from beta_lint.model import Usage


def _malformed_reason(name: str) -> str:
    if not name:
        return "it is empty"
    if any(ch.isspace() for ch in name):
        return "it contains whitespace"
    if name != name.lower():
        return "beta names are lowercase"
    if "_" in name:
        return "beta names use hyphens, not underscores"
    if "--" in name or name.startswith("-") or name.endswith("-"):
        return "it has an empty word between hyphens"
    match = re.search(r"-(\d+)-(\d+)-(\d+)$", name)
    if match is None:
        return "it does not end in a -YYYY-MM-DD date"
    year, month, day = match.groups()
    if len(year) != 4 or len(month) != 2 or len(day) != 2:
        return f"the date {year}-{month}-{day} is not written YYYY-MM-DD"
    if BETA_NAME_RE.match(name):
        return f"{year}-{month}-{day} is not a calendar date"
    return "it has characters other than lowercase letters, digits and hyphens"


def _suggestion(name: str, ctx: Context) -> list[str]:
    return ctx.registry.closest(name, limit=2)


@usage_rule(
    "BL001",
    "malformed-beta-name",
    default=True,
    severity="error",
    summary="A beta name that is not of the form feature-name-YYYY-MM-DD.",
    fix="unsafe",
)
def malformed_beta_name(usage: Usage, ctx: Context) -> Iterator[Finding]:
    name = usage.name
    if name is None or name == "" or ctx.registry.is_known(name) or is_well_formed(name):
        return
    candidates = _suggestion(name, ctx)
    hint = f'; did you mean "{candidates[0]}"?' if len(candidates) == 1 else ""
    fix = fixes.replace_name(usage, candidates[0], ctx.source) if len(candidates) == 1 else None
    message = f'"{name}" is not a valid beta name ({_malformed_reason(name)}): ' + API_REJECTS.format(name=name)
    yield Finding(usage.location, message + hint, name, fix=fix)


def _quoted(names: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _sdk_named(ctx: Context) -> str:
    sdk = ctx.registry.sdk
    return sdk.named() if sdk is not None else "the SDK table shipped with beta-lint"


@usage_rule(
    "BL002",
    "unknown-beta",
    default=True,
    severity="error",
    summary="A well-formed beta name that is a near miss of a known one (a typo or a date that does not exist).",
    fix="unsafe",
)
def unknown_beta(usage: Usage, ctx: Context) -> Iterator[Finding]:
    name = usage.name
    if name is None or not is_well_formed(name) or ctx.registry.is_known(name):
        return
    versions = ctx.registry.versions_of(name)
    candidates = ctx.registry.closest(name, limit=2)
    if not versions and not candidates:
        return  # far from every known name: BL003 says beta-lint does not know it
    # A near miss of a known name: the API's answer to a value it does not know is documented (BL002's page).
    message = f'unknown beta "{name}": ' + API_REJECTS.format(name=name)
    if versions:
        message += f"; known versions: {', '.join(versions)}"
    else:
        message += f"; did you mean {_quoted(candidates)}?"
    fix = fixes.replace_name(usage, candidates[0], ctx.source) if len(candidates) == 1 else None
    yield Finding(usage.location, message, name, fix=fix)


@usage_rule(
    "BL003",
    "unlisted-beta",
    default=True,
    severity="warning",
    summary="A well-formed beta name, far from every known one, that neither the registry nor the SDK lists.",
)
def unlisted_beta(usage: Usage, ctx: Context) -> Iterator[Finding]:
    name = usage.name
    if name is None or not is_well_formed(name) or ctx.registry.is_known(name) or ctx.registry.near_misses(name):
        return
    message = (
        f'"{name}" is not in beta-lint\'s registry (updated {ctx.registry.updated or "unknown"}) nor in '
        f"{_sdk_named(ctx)}: if it is not a typo, add it to `allow` or update beta-lint and anthropic"
    )
    yield Finding(usage.location, message, name)
