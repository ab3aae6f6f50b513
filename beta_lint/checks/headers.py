"""Rules BL3xx: the request's beta header itself (redundant, duplicate, malformed, better as `betas=`)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from beta_lint.checks.base import (
    Context,
    Finding,
    is_header_request,
    request_rule,
    site_related,
)
from beta_lint.fix import edits as fixes
from beta_lint.model import HeaderText, Request, Usage, dominates, exclusive


@request_rule(
    "BL303",
    "redundant-sdk-beta",
    default=False,
    severity="warning",
    summary="A beta passed to an SDK method that already adds it.",
    fix="safe",
)
def redundant_sdk_beta(request: Request, usages: Sequence[Usage], ctx: Context) -> Iterator[Finding]:
    if request.carrier != "betas" or not request.sdk_added:
        return
    for usage in usages:
        if usage.name in request.sdk_added:
            message = (
                f'client.{request.target}() adds "{usage.name}" itself and does not remove duplicates: it is sent twice'
            )
            fix = fixes.remove_name(usage, ctx.source, "safe")
            yield Finding(usage.site, message, usage.name, related=site_related(usage), fix=fix)


@request_rule(
    "BL304",
    "prefer-betas-parameter",
    default=False,
    severity="warning",
    summary="extra_headers with anthropic-beta on an SDK method that takes betas=.",
)
def prefer_betas_parameter(request: Request, usages: Sequence[Usage], ctx: Context) -> Iterator[Finding]:
    if not is_header_request(request) or not request.sdk_method_known or request.target is None:
        return
    key = request.header_key
    assert key is not None
    if request.betas_param:
        message = f"pass betas=[...] to client.{request.target}() instead of an anthropic-beta extra header"
    else:
        message = (
            f"client.{request.target}() takes no betas=: call client.beta.{request.target}(betas=[...]) "
            "instead of sending an anthropic-beta extra header"
        )
    yield Finding(key.location, message)


# ---------------------------------------------------------------- BL3xx: the request's header


@request_rule(
    "BL301",
    "duplicate-beta",
    default=True,
    severity="error",
    summary="The same beta twice in one request.",
    fix="safe",
)
def duplicate_beta(request: Request, usages: Sequence[Usage], ctx: Context) -> Iterator[Finding]:
    by_alternative: dict[int, list[Usage]] = {}
    for usage in usages:
        by_alternative.setdefault(usage.alternative, []).append(usage)
    reported: set[tuple[int, int]] = set()
    for group in by_alternative.values():
        seen: dict[str, list[Usage]] = {}
        for usage in group:
            if usage.name is None or usage.name == "":
                continue
            earlier = seen.setdefault(usage.name, [])
            # Counted per path: a name added in the `if` arm and again in the `elif` arm is sent once.
            first = next((e for e in earlier if not exclusive(e.branch, usage.branch)), None)
            earlier.append(usage)
            if first is None:
                continue
            # Where the second copy is written (the append, the literal); the first elsewhere.
            where = usage.location if usage.location != first.location else usage.site
            key = (where.offset, where.end_offset)
            if key in reported:
                continue
            reported.add(key)
            other = first.location if first.location != where else first.site
            # Removing the second copy keeps the name only where the first one always runs too.
            kept = dominates(first.branch, usage.branch)
            fix = fixes.remove_name(usage, ctx.source, "safe", second=True) if kept else None
            yield Finding(
                where,
                f'"{usage.name}" is sent twice in this request (the SDK does not remove duplicates)',
                usage.name,
                related=(other,) if other != where else (),
                fix=fix,
            )


_HEADER_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\s*$"), "the value is empty"),
    (re.compile(r",\s*,"), "it has an empty item between commas"),
    (re.compile(r"^\s*,"), "it starts with a comma"),
    (re.compile(r",\s*$"), "it ends with a comma"),
    (re.compile(r";"), "items are separated by ';' instead of ','"),
    (re.compile(r"[^,\s]\s+[^,\s]"), "items are separated by spaces instead of ','"),
    (re.compile(r"\s,|,\s|^\s|\s$"), 'it has spaces around items (sent verbatim; the API rejects " name")'),
)


def _header_problem(text: HeaderText) -> str | None:
    if text.kind == "empty-list":
        return "betas=[] sends an empty anthropic-beta header, which the API rejects"
    for pattern, reason in _HEADER_PROBLEMS:
        if pattern.search(text.text):
            if text.kind == "item":
                if reason.startswith("it has spaces"):
                    return 'the item has spaces around the name (sent verbatim; the API rejects " name")'
                if reason == "the value is empty":
                    return "the item is empty"
            return reason
    return None


@request_rule(
    "BL302",
    "malformed-beta-header",
    default=True,
    severity="error",
    summary="Empty items, wrong separators, spaces or a misspelled key in the anthropic-beta header.",
    fix="safe",
)
def malformed_beta_header(request: Request, usages: Sequence[Usage], ctx: Context) -> Iterator[Finding]:
    key = request.header_key
    if key is not None and key.text.strip().lower() != "anthropic-beta":
        # "anthropic_beta" is also Bedrock's request-body field: only wrong as a header.
        bedrock_body = key.text.strip().lower() == "anthropic_beta" and request.carrier == "mapping"
        if request.carrier != "betas" and not bedrock_body:
            yield Finding(
                key.location,
                f'header key "{key.text}" is not "anthropic-beta": the API does not read it, '
                "so none of these betas is sent",
                fix=fixes.replace_text(
                    key.location, key.text, "anthropic-beta", ctx.source, "unsafe", 'Rename the key to "anthropic-beta"'
                ),
            )
    for text in request.header_texts:
        problem = _header_problem(text)
        if problem is None:
            continue
        yield Finding(
            text.location,
            f"malformed anthropic-beta value: {problem}",
            fix=fixes.normalise_header(request, text, ctx.source),
        )
