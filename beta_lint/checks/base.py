"""What a rule is: its code, name, default, severity and the function from usages to findings.

The family modules (names, lifecycle, requests, headers, engine_codes) register their rules here
through the decorators; `checks.rules.RULES` is the complete, ordered registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from beta_lint.knowledge.registry import Beta, Registry
from beta_lint.model import Fix, Location, Request, Severity, Usage

API_REJECTS = 'the API answers 400 "Unexpected value(s) `{name}` for the `anthropic-beta` header"'


@dataclass(frozen=True)
class Finding:
    location: Location
    message: str
    beta: str | None = None
    related: tuple[Location, ...] = ()
    fix: Fix | None = None
    # Lower than the rule's severity when the fact it rests on is not certain (a registry entry
    # whose confidence is below high): such a finding never fails a default run.
    severity: Severity | None = None


@dataclass(frozen=True)
class Context:
    registry: Registry
    today: dt.date
    source: str  # the text the usages' offsets refer to (for fixes)


UsageCheck = Callable[[Usage, Context], Iterable[Finding]]
RequestCheck = Callable[[Request, Sequence[Usage], Context], Iterable[Finding]]
# Rules about how requests relate (a client's default headers and the calls made through it).
FileCheck = Callable[[Sequence[Request], Mapping[int, Sequence[Usage]], Context], Iterable[tuple[Request, Finding]]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    default: bool
    severity: Severity
    summary: str
    fix: str | None = None  # "safe", "unsafe", "sometimes" (depends on the case) or None
    on_usage: UsageCheck | None = None
    on_request: RequestCheck | None = None
    on_file: FileCheck | None = None
    lifecycle: bool = False  # applies to strings that only equal a registry name
    engine: bool = False  # produced by the engine itself (parse errors, suppressions)

    @property
    def about_request(self) -> bool:
        """BL2xx and BL3xx judge a request: they need one beta-lint recognised (Request.known)."""
        return self.code.startswith(("BL2", "BL3"))


# Every rule, in the order the family modules register them (checks/rules.py imports them all).
REGISTERED: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    REGISTERED[rule.code] = rule
    return rule


def usage_rule(
    code: str,
    name: str,
    *,
    default: bool,
    severity: Severity,
    summary: str,
    fix: str | None = None,
    lifecycle: bool = False,
) -> Callable[[UsageCheck], UsageCheck]:
    def wrap(function: UsageCheck) -> UsageCheck:
        register(Rule(code, name, default, severity, summary, fix, on_usage=function, lifecycle=lifecycle))
        return function

    return wrap


def request_rule(
    code: str, name: str, *, default: bool, severity: Severity, summary: str, fix: str | None = None
) -> Callable[[RequestCheck], RequestCheck]:
    def wrap(function: RequestCheck) -> RequestCheck:
        register(Rule(code, name, default, severity, summary, fix, on_request=function))
        return function

    return wrap


def file_rule(
    code: str, name: str, *, default: bool, severity: Severity, summary: str, fix: str | None = None
) -> Callable[[FileCheck], FileCheck]:
    def wrap(function: FileCheck) -> FileCheck:
        register(Rule(code, name, default, severity, summary, fix, on_file=function))
        return function

    return wrap


def by_confidence(beta: Beta) -> Severity | None:
    """A finding about `beta` is an error only when the registry is certain of the fact."""
    return None if beta.confidence == "high" else "warning"


def site_related(usage: Usage) -> tuple[Location, ...]:
    return (usage.location,) if usage.site != usage.location else ()


def accepted(usage: Usage, ctx: Context) -> bool:
    return usage.name is not None and ctx.registry.is_known(usage.name)


def registry_entry(usage: Usage, ctx: Context) -> Beta | None:
    """The registry's entry for the usage's name, if it has a name and the registry knows it."""
    return ctx.registry.get(usage.name) if usage.name is not None else None


def is_header_request(request: Request) -> bool:
    """A request whose beta header is set by hand through `extra_headers`."""
    key = request.header_key
    return request.carrier == "extra_headers" and key is not None and key.text.strip().lower() == "anthropic-beta"
