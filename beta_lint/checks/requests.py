"""Rules BL2xx: where a beta is sent (endpoint, client, model, platform, SDK defaults)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from beta_lint.checks.base import (
    REGISTERED,
    Context,
    Finding,
    Rule,
    by_confidence,
    file_rule,
    is_header_request,
    registry_entry,
    request_rule,
    site_related,
    usage_rule,
)
from beta_lint.fix import edits as fixes
from beta_lint.knowledge.versions import history_of
from beta_lint.model import Request, Usage


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
    beta = registry_entry(usage, ctx)
    request = usage.request
    if beta is None or request is None or request.endpoint is None or not beta.endpoints:
        return
    if endpoint_matches(request.endpoint, beta.endpoints):
        return
    verb = f"{request.http_method} " if request.http_method else ""
    message = (
        f'"{beta.name}" applies only to {", ".join(beta.endpoints)}, but this request goes to {verb}{request.endpoint}'
    )
    yield Finding(usage.site, message, beta.name, related=site_related(usage), severity=by_confidence(beta))


@request_rule(
    "BL203",
    "betas-outside-beta-namespace",
    default=True,
    severity="error",
    summary="betas= passed to a non-beta SDK method, which raises TypeError (AttributeError if the method is gone).",
    fix="unsafe",
)
def betas_outside_beta_namespace(request: Request, usages: Sequence[Usage], ctx: Context) -> Iterator[Finding]:
    if request.carrier != "betas" or request.target is None or request.beta_namespace is not False:
        return
    if request.keyword_location is None or request.beta_header == "unknown":
        return  # `**params` that may carry betas: the call raises only if it does
    sdk = ctx.registry.sdk
    history = history_of(request.target)
    version = sdk.version if sdk is not None else None
    for_version = f" in {sdk.named()}" if sdk is not None else ""
    if history is not None and version is not None:
        if history.removed(version):
            attribute = history.path.split(".")[0]
            message = (
                f"client.{history.path} does not exist{for_version} (removed in {history.removed_in}): "
                f"the call raises AttributeError (\"'Anthropic' object has no attribute '{attribute}'\")"
            )
            yield Finding(request.keyword_location, message)
            return
        if history.takes_betas(version):
            return  # this release's method still takes betas= (README: facts for the version in use)
    method = request.target.rsplit(".", 1)[-1]
    owner = request.target.rsplit(".", 1)[0].split(".")[-1]
    message = (
        f"`betas=` is not a parameter of client.{request.target}(){for_version}: the call raises TypeError "
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
            beta = registry_entry(usage, ctx)
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
            related = tuple(c.location for c in wrong[:3])
            yield wide, Finding(usage.site, message, beta.name, related=related, severity=by_confidence(beta))


# The usage-level BL201 above and this file-level one share a code: one rule, two views.
REGISTERED["BL201"] = Rule(
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
        message = f'{verb}{request.endpoint} needs the anthropic-beta header "{beta.name}"'
        if beta.confidence == "high":
            message += "; without it the API rejects the request (400, or 404 as if the endpoint did not exist)"
        else:
            message += f" (registry confidence: {beta.confidence})"
        yield Finding(request.location, message, beta.name, severity=by_confidence(beta))


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
    beta = registry_entry(usage, ctx)
    request = usage.request
    if beta is None or not beta.models or request is None or request.model is None:
        return
    model = _model_id(request.model)
    if model is None or any(model.startswith(prefix) for prefix in beta.models):
        return
    message = f'"{beta.name}" works only with {", ".join(beta.models)}; this request uses model "{request.model}"'
    related = (request.model_location,) if request.model_location is not None else ()
    yield Finding(usage.site, message, beta.name, related=related, severity=by_confidence(beta))


_PLATFORM_NAMES = {"bedrock": "Amazon Bedrock", "vertex": "Google Vertex AI", "foundry": "Microsoft Foundry"}


@usage_rule(
    "BL205",
    "platform-unsupported-beta",
    default=True,
    severity="error",
    summary="A beta sent through a platform (Bedrock, Vertex, Foundry) that does not accept it.",
)
def platform_unsupported_beta(usage: Usage, ctx: Context) -> Iterator[Finding]:
    beta = registry_entry(usage, ctx)
    request = usage.request
    if beta is None or request is None or request.platform not in beta.platforms_unsupported:
        return
    platform = _PLATFORM_NAMES.get(request.platform or "", request.platform)
    message = f'{platform} does not accept "{beta.name}"'
    if beta.confidence != "high":
        message += f" (registry confidence: {beta.confidence})"
    elif request.platform == "bedrock":
        message += ' (Bedrock answers 400 "invalid beta flag")'
    yield Finding(usage.site, message, beta.name, related=site_related(usage), severity=by_confidence(beta))


@request_rule(
    "BL206",
    "sdk-beta-overridden",
    default=True,
    severity="error",
    summary="extra_headers replaces the beta the SDK method adds itself.",
)
def sdk_beta_overridden(request: Request, usages: Sequence[Usage], ctx: Context) -> Iterator[Finding]:
    if not is_header_request(request) or not request.sdk_added or any(u.name is None for u in usages):
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
    "BL208",
    "method-missing-on-platform-client",
    default=True,
    severity="error",
    summary="An SDK method that the platform's client classes (Bedrock, Vertex, Foundry) do not have.",
)
def method_missing_on_platform_client(request: Request, usages: Sequence[Usage], ctx: Context) -> Iterator[Finding]:
    sdk = ctx.registry.sdk
    if sdk is None or request.target in (None, "http") or not request.sdk_method_known or request.client_wide:
        return
    target = request.target or ""
    missing = sdk.missing_on(request.platform, target)
    if missing is None:
        return
    platform = _PLATFORM_NAMES.get(request.platform or "", request.platform)
    message = (
        f"client.{missing} does not exist on the {platform} clients of {sdk.named()}: "
        f"client.{target}() raises AttributeError"
    )
    yield Finding(request.location, message)
