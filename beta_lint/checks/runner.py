"""Running the enabled rules over one file's extraction: usages, requests, then the whole file.

Takes what it needs as arguments (the registry, the day, the enabled codes); imports the rule
registry and the model, nothing of the pipeline.
"""

from __future__ import annotations

import datetime as dt

from beta_lint.checks.base import Context, Finding, Rule
from beta_lint.checks.rules import RULES
from beta_lint.knowledge.registry import Registry
from beta_lint.model import Diagnostic, Extraction, Location, Request, Usage, escape_surrogates


def run_rules(
    extraction: Extraction, text: str, registry: Registry, today: dt.date, enabled: frozenset[str]
) -> list[Diagnostic]:
    """The diagnostics of every enabled rule, before suppressions and per-file ignores."""
    ctx = Context(registry, today, text)
    out: list[Diagnostic] = []
    rules = [RULES[code] for code in sorted(enabled) if code in RULES]
    by_request: dict[int, list[Usage]] = {}
    for usage in extraction.usages:
        if usage.role == "mentioned":
            continue  # compared, asserted, typed or logged: never sent, never reported
        if usage.request is not None:
            by_request.setdefault(usage.request.id, []).append(usage)
        known = usage.request is not None and usage.request.known
        for rule in rules:
            if rule.on_usage is None or (usage.scope == "lifecycle" and not rule.lifecycle):
                continue
            if rule.about_request and not known:
                continue
            out.extend(to_diagnostic(rule, finding, usage.request) for finding in rule.on_usage(usage, ctx))
    # Rules about a request only where beta-lint knows it is an Anthropic request.
    requests = [request for request in extraction.requests if request.known]
    for request in requests:
        members = by_request.get(request.id, [])
        for rule in rules:
            if rule.on_request is not None:
                out.extend(to_diagnostic(rule, f, request) for f in rule.on_request(request, members, ctx))
    for rule in rules:
        if rule.on_file is not None:
            for request, finding in rule.on_file(requests, by_request, ctx):
                out.append(to_diagnostic(rule, finding, request))
    return out


def to_diagnostic(rule: Rule, finding: Finding, request: Request | None) -> Diagnostic:
    return Diagnostic(
        code=rule.code,
        name=rule.name,
        severity=finding.severity or rule.severity,
        # Quoted source text may hold a lone surrogate no output stream can encode.
        message=escape_surrogates(finding.message),
        location=finding.location,
        beta=finding.beta,
        endpoint=request.endpoint if request is not None else None,
        related=finding.related,
        fix=finding.fix,
    )


def engine_error(
    path: str,
    message: str,
    cell: int | None = None,
    line: int = 1,
    column: int = 1,
    end_column: int | None = None,
) -> Diagnostic:
    """A BL999: a file (or cell) that could not be checked, with the reason."""
    rule = RULES["BL999"]
    end = column + 1 if end_column is None else end_column
    location = Location(path, line, column, line, end, cell=cell)
    return Diagnostic(rule.code, rule.name, rule.severity, message, location)
