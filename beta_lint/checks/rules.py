"""The rules: each one a code, a name, a default and a function from a usage (or a request
with its usages) to findings. The engine adds code, name and severity to each finding.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from beta_lint.fix import edits as fixes
from beta_lint.knowledge.registry import BETA_NAME_RE, Beta, Registry, is_well_formed
from beta_lint.model import Applicability, Fix, HeaderText, Location, Request, Severity, Usage

API_REJECTS = 'the API answers 400 "Unexpected value(s) `{name}` for the `anthropic-beta` header"'


@dataclass(frozen=True)
class Finding:
    location: Location
    message: str
    beta: str | None = None
    related: tuple[Location, ...] = ()
    fix: Fix | None = None


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


RULES: dict[str, Rule] = {}


def _register(rule: Rule) -> Rule:
    RULES[rule.code] = rule
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
        _register(Rule(code, name, default, severity, summary, fix, on_usage=function, lifecycle=lifecycle))
        return function

    return wrap


def request_rule(
    code: str, name: str, *, default: bool, severity: Severity, summary: str, fix: str | None = None
) -> Callable[[RequestCheck], RequestCheck]:
    def wrap(function: RequestCheck) -> RequestCheck:
        _register(Rule(code, name, default, severity, summary, fix, on_request=function))
        return function

    return wrap


def file_rule(
    code: str, name: str, *, default: bool, severity: Severity, summary: str, fix: str | None = None
) -> Callable[[FileCheck], FileCheck]:
    def wrap(function: FileCheck) -> FileCheck:
        _register(Rule(code, name, default, severity, summary, fix, on_file=function))
        return function

    return wrap


def _site_related(usage: Usage) -> tuple[Location, ...]:
    return (usage.location,) if usage.site != usage.location else ()


def _accepted(usage: Usage, ctx: Context) -> bool:
    return usage.name is not None and ctx.registry.is_known(usage.name)


# ---------------------------------------------------------------- BL0xx: the name itself


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


@usage_rule(
    "BL002",
    "unknown-beta",
    default=True,
    severity="error",
    summary="A well-formed beta name that is not in the registry.",
    fix="unsafe",
)
def unknown_beta(usage: Usage, ctx: Context) -> Iterator[Finding]:
    name = usage.name
    if name is None or not is_well_formed(name) or ctx.registry.is_known(name):
        return
    versions = ctx.registry.versions_of(name)
    candidates = _suggestion(name, ctx)
    message = f'unknown beta "{name}": ' + API_REJECTS.format(name=name)
    if versions:
        message += f"; known versions: {', '.join(versions)}"
    elif candidates:
        message += f"; did you mean {', '.join(repr(c).replace(chr(39), chr(34)) for c in candidates)}?"
    fix = fixes.replace_name(usage, candidates[0], ctx.source) if len(candidates) == 1 else None
    yield Finding(usage.location, message, name, fix=fix)


# ---------------------------------------------------------------- BL1xx: lifecycle


def _entry(usage: Usage, ctx: Context) -> Beta | None:
    return ctx.registry.get(usage.name) if usage.name is not None else None


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
    beta = _entry(usage, ctx)
    if beta is None or beta.status != "ga" or _retired_on(beta, ctx) is not None:
        return
    since = f" since {beta.ga_date}" if beta.ga_date else ""
    if beta.changes_behaviour:
        message = f'"{beta.name}" is generally available{since}, but sending it is not a no-op'
        message += f" ({beta.note.rstrip('.')})" if beta.note else ""
    else:
        message = f'"{beta.name}" is generally available{since}: the header is no longer needed'
    applicability: Applicability = "unsafe" if beta.changes_behaviour else "safe"
    fix = fixes.remove_name(usage, ctx.source, applicability, f'Remove "{beta.name}"')
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
    beta = _entry(usage, ctx)
    if beta is None or beta.status != "superseded" or _retired_on(beta, ctx) is not None:
        return
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
    beta = _entry(usage, ctx)
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
    fix = fixes.remove_name(usage, ctx.source, "unsafe", f'Remove "{beta.name}"')
    yield Finding(usage.location, message, beta.name, fix=fix)


@usage_rule(
    "BL104",
    "retiring-beta",
    default=True,
    severity="warning",
    lifecycle=True,
    summary="An end date is announced for this beta.",
)
def retiring_beta(usage: Usage, ctx: Context) -> Iterator[Finding]:
    beta = _entry(usage, ctx)
    if beta is None or beta.retires is None or _retired_on(beta, ctx) is not None:
        return
    days = (dt.date.fromisoformat(beta.retires) - ctx.today).days
    left = "1 day left" if days == 1 else f"{days} days left"
    message = f'"{beta.name}" retires on {beta.retires} ({left})'
    if beta.successor:
        message += f'; move to "{beta.successor}"'
    yield Finding(usage.location, message, beta.name)


# ---------------------------------------------------------------- BL2xx: where it is sent


def _segment_matches(pattern: str, actual: str) -> bool:
    # "{agent_id}" in the registry or the SDK table, "{}" for a dynamic part of a raw URL.
    return pattern == actual or pattern.startswith("{") or actual.startswith("{")


def endpoint_matches(endpoint: str, prefixes: Iterable[str]) -> bool:
    """Whether `endpoint` is one of the route prefixes or below one, segment by segment."""
    actual = endpoint.strip("/").split("/")
    for prefix in prefixes:
        pattern = prefix.strip("/").split("/")
        if len(pattern) <= len(actual) and all(map(_segment_matches, pattern, actual)):
            return True
    return False


@usage_rule(
    "BL201",
    "wrong-endpoint",
    default=True,
    severity="error",
    summary="An endpoint-specific beta sent to an endpoint it does not apply to.",
)
def wrong_endpoint(usage: Usage, ctx: Context) -> Iterator[Finding]:
    beta = _entry(usage, ctx)
    request = usage.request
    if beta is None or request is None or request.endpoint is None or not beta.endpoints:
        return
    if endpoint_matches(request.endpoint, beta.endpoints):
        return
    verb = f"{request.http_method} " if request.http_method else ""
    message = (
        f'"{beta.name}" applies only to {", ".join(beta.endpoints)}, but this request goes to {verb}{request.endpoint}'
    )
    yield Finding(usage.site, message, beta.name, related=_site_related(usage))


@request_rule(
    "BL203",
    "betas-outside-beta-namespace",
    default=True,
    severity="error",
    summary="betas= passed to a non-beta SDK method, which raises TypeError.",
    fix="unsafe",
)
def betas_outside_beta_namespace(request: Request, usages: Sequence[Usage], ctx: Context) -> Iterator[Finding]:
    if request.carrier != "betas" or request.target is None or request.beta_namespace is not False:
        return
    if request.keyword_location is None:
        return
    method = request.target.rsplit(".", 1)[-1]
    owner = request.target.rsplit(".", 1)[0].split(".")[-1]
    message = (
        f"`betas=` is not a parameter of client.{request.target}(): the call raises TypeError "
        f"(\"{owner.title()}.{method}() got an unexpected keyword argument 'betas'\"); "
        f"use client.beta.{request.target}()"
    )
    fix = fixes.move_to_beta_namespace(request, ctx.source)
    yield Finding(request.keyword_location, message, fix=fix)


def _call_name(request: Request) -> str:
    where = f" (line {request.location.line})"
    if request.target and request.target != "http":
        return f"client.{request.target}(){where}"
    verb = f"{request.http_method} " if request.http_method else ""
    return f"{verb}{request.endpoint}{where}"


def _client_calls(requests: Sequence[Request], wide: Request) -> list[Request]:
    """SDK calls made through the client that `wide` (default_headers / with_options) configures."""
    return [
        r
        for r in requests
        if r is not wide
        and not r.client_wide
        and r.client_key is not None
        and r.client_key == wide.location.offset
        and r.sdk_method_known
    ]


def _own_beta_header(request: Request) -> bool:
    """Whether the call sends an anthropic-beta header of its own (which replaces the default)."""
    return request.carrier != "call" or bool(request.sdk_added)


@file_rule(
    "BL201",
    "wrong-endpoint",
    default=True,
    severity="error",
    summary="An endpoint-specific beta sent to an endpoint it does not apply to.",
)
def wrong_endpoint_client_wide(
    requests: Sequence[Request], usages: Mapping[int, Sequence[Usage]], ctx: Context
) -> Iterator[tuple[Request, Finding]]:
    """A client-wide default beta reaches every call of the client that sets no beta itself."""
    for wide in requests:
        if not wide.client_wide:
            continue
        receivers = [c for c in _client_calls(requests, wide) if not _own_beta_header(c) and c.endpoint]
        for usage in usages.get(wide.id, ()):
            beta = _entry(usage, ctx)
            if beta is None or not beta.endpoints:
                continue
            wrong = [c for c in receivers if not endpoint_matches(c.endpoint or "", beta.endpoints)]
            if not wrong:
                continue
            calls = ", ".join(_call_name(c) for c in wrong[:3]) + (" ..." if len(wrong) > 3 else "")
            message = (
                f'"{beta.name}" applies only to {", ".join(beta.endpoints)}, but this client sends it '
                f"with every call that sets no beta of its own: {calls}"
            )
            yield wide, Finding(usage.site, message, beta.name, related=tuple(c.location for c in wrong[:3]))


# The usage-level BL201 above and this file-level one share a code: one rule, two views.
RULES["BL201"] = Rule(
    "BL201",
    "wrong-endpoint",
    True,
    "error",
    "An endpoint-specific beta sent to an endpoint it does not apply to.",
    on_usage=wrong_endpoint,
    on_file=wrong_endpoint_client_wide,
)


@request_rule(
    "BL202",
    "missing-endpoint-beta",
    default=True,
    severity="error",
    summary="A raw HTTP request to an endpoint that needs a beta header, without it.",
)
def missing_endpoint_beta(request: Request, usages: Sequence[Usage], ctx: Context) -> Iterator[Finding]:
    # SDK calls are fine: the SDK adds these betas itself.
    if request.target != "http" and request.carrier != "header-string":
        return
    if request.endpoint is None or request.beta_header == "unknown":
        return
    if any(u.name is None for u in usages):
        return  # a dynamic value may hold it
    sent = {u.name for u in usages}
    for beta in ctx.registry.betas.values():
        if not beta.required_on or not endpoint_matches(request.endpoint, beta.required_on):
            continue
        if beta.name in sent:
            continue
        verb = f"{request.http_method} " if request.http_method else ""
        message = (
            f'{verb}{request.endpoint} needs the anthropic-beta header "{beta.name}"; without it the API '
            "rejects the request (400, or 404 as if the endpoint did not exist)"
        )
        yield Finding(request.location, message, beta.name)


def _model_id(model: str) -> str | None:
    """The Claude model id inside a first-party, Bedrock or Vertex model name."""
    at = model.find("claude-")
    return model[at:] if at != -1 else None


@usage_rule(
    "BL204",
    "model-incompatible-beta",
    default=True,
    severity="error",
    summary="A beta sent with a model it does not support.",
)
def model_incompatible_beta(usage: Usage, ctx: Context) -> Iterator[Finding]:
    beta = _entry(usage, ctx)
    request = usage.request
    if beta is None or not beta.models or request is None or request.model is None:
        return
    model = _model_id(request.model)
    if model is None or any(model.startswith(prefix) for prefix in beta.models):
        return
    message = f'"{beta.name}" works only with {", ".join(beta.models)}; this request uses model "{request.model}"'
    related = (request.model_location,) if request.model_location is not None else ()
    yield Finding(usage.site, message, beta.name, related=related)


_PLATFORM_NAMES = {"bedrock": "Amazon Bedrock", "vertex": "Google Vertex AI", "foundry": "Microsoft Foundry"}


@usage_rule(
    "BL205",
    "platform-unsupported-beta",
    default=True,
    severity="error",
    summary="A beta sent through a platform (Bedrock, Vertex, Foundry) that does not accept it.",
)
def platform_unsupported_beta(usage: Usage, ctx: Context) -> Iterator[Finding]:
    beta = _entry(usage, ctx)
    request = usage.request
    if beta is None or request is None or request.platform not in beta.platforms_unsupported:
        return
    platform = _PLATFORM_NAMES.get(request.platform or "", request.platform)
    message = f'{platform} does not accept "{beta.name}"'
    if request.platform == "bedrock":
        message += ' (Bedrock answers 400 "invalid beta flag")'
    yield Finding(usage.site, message, beta.name, related=_site_related(usage))


def _header_request(request: Request) -> bool:
    key = request.header_key
    return request.carrier == "extra_headers" and key is not None and key.text.strip().lower() == "anthropic-beta"


@request_rule(
    "BL206",
    "sdk-beta-overridden",
    default=True,
    severity="error",
    summary="extra_headers replaces the beta the SDK method adds itself.",
)
def sdk_beta_overridden(request: Request, usages: Sequence[Usage], ctx: Context) -> Iterator[Finding]:
    if not _header_request(request) or not request.sdk_added or any(u.name is None for u in usages):
        return
    sent = {u.name for u in usages}
    key = request.header_key
    assert key is not None
    for lost in request.sdk_added:
        if lost in sent:
            continue
        message = (
            f'extra_headers replaces the SDK\'s anthropic-beta header, so "{lost}", which '
            f"client.{request.target}() adds itself, is not sent; add it to the value or use betas="
        )
        yield Finding(key.location, message, lost)


@file_rule(
    "BL207",
    "default-beta-shadowed",
    default=False,
    severity="warning",
    summary="A client's default beta is replaced on calls that send betas of their own.",
)
def default_beta_shadowed(
    requests: Sequence[Request], usages: Mapping[int, Sequence[Usage]], ctx: Context
) -> Iterator[tuple[Request, Finding]]:
    """Reported once at the default header, naming the calls that replace it."""
    for wide in requests:
        if not wide.client_wide:
            continue
        shadowing = [c for c in _client_calls(requests, wide) if _own_beta_header(c)]
        if not shadowing:
            continue
        calls = ", ".join(_call_name(c) for c in shadowing[:3]) + (" ..." if len(shadowing) > 3 else "")
        for usage in usages.get(wide.id, ()):
            if usage.name is None:
                continue
            message = (
                f'"{usage.name}" is a default header of this client, but calls that send betas of their own '
                f"replace it (the SDK does not merge them), so it is not sent with: {calls}"
            )
            yield wide, Finding(usage.site, message, usage.name, related=tuple(c.location for c in shadowing[:3]))


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
            fix = fixes.remove_name(usage, ctx.source, "safe", f'Remove "{usage.name}"')
            yield Finding(usage.site, message, usage.name, related=_site_related(usage), fix=fix)


@request_rule(
    "BL304",
    "prefer-betas-parameter",
    default=False,
    severity="warning",
    summary="extra_headers with anthropic-beta on an SDK method that takes betas=.",
)
def prefer_betas_parameter(request: Request, usages: Sequence[Usage], ctx: Context) -> Iterator[Finding]:
    if not _header_request(request) or not request.sdk_method_known or request.target is None:
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
        seen: dict[str, Usage] = {}
        for usage in group:
            if usage.name is None or usage.name == "":
                continue
            first = seen.setdefault(usage.name, usage)
            if first is usage:
                continue
            key = (usage.site.offset, usage.site.end_offset)
            if key in reported:
                continue
            reported.add(key)
            fix = fixes.remove_name(usage, ctx.source, "safe", f'Remove the second "{usage.name}"')
            yield Finding(
                usage.site,
                f'"{usage.name}" is sent twice in this request (the SDK does not remove duplicates)',
                usage.name,
                related=(first.site,),
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


# ---------------------------------------------------------------- BL9xx


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
    yield Finding(usage.site, "beta value cannot be resolved statically; beta-lint cannot check it", None)


def _engine_rule(code: str, name: str, default: bool, severity: Severity, summary: str, fix: str | None = None) -> None:
    _register(Rule(code, name, default, severity, summary, fix, engine=True))


_engine_rule(
    "BL901", "unused-suppression", False, "warning", "A suppression comment that suppressed nothing.", fix="safe"
)
_engine_rule("BL999", "parse-error", True, "error", "A file that cannot be read, decoded or parsed.")


@dataclass
class Selection:
    """Which rules run: from select / extend-select / ignore (codes or prefixes)."""

    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    enabled: frozenset[str] = field(default_factory=frozenset)

    @staticmethod
    def build(select: Sequence[str], extend_select: Sequence[str], ignore: Sequence[str]) -> Selection:
        # "ALL" is every rule, as in ruff.
        select = ["BL" if s == "ALL" else s for s in select]
        extend_select = ["BL" if s == "ALL" else s for s in extend_select]
        ignore = ["BL" if s == "ALL" else s for s in ignore]
        codes = sorted(RULES)
        base = (
            {c for c in codes if any(c.startswith(p) for p in select)}
            if select
            else {c for c in codes if RULES[c].default}
        )
        base |= {c for c in codes if any(c.startswith(p) for p in extend_select)}
        # The most specific selector wins (ruff): --ignore BL1 --select BL101 keeps BL101.
        enabled = set()
        for code in base:
            best_select = max((len(p) for p in (*select, *extend_select) if code.startswith(p)), default=0)
            best_ignore = max((len(p) for p in ignore if code.startswith(p)), default=-1)
            if best_ignore < best_select or best_ignore == -1:
                enabled.add(code)
        return Selection(tuple(select), tuple(extend_select), tuple(ignore), frozenset(enabled))


def valid_selector(selector: str) -> bool:
    if selector == "ALL":
        return True
    return bool(re.fullmatch(r"BL\d{0,3}", selector)) and any(code.startswith(selector) for code in RULES)
