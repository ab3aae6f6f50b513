"""What a scan of the SDK finds: its methods (route, betas added, `betas=` or not), client classes
and beta names, plus the patterns and limits the scanner uses. Plain data; imports nothing of ours."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

if sys.version_info >= (3, 11):
    pass
else:  # pragma: no cover - exercised on Python 3.10 only
    pass


ROUTES_FILE = "sdk-routes.toml"
PACKAGE = "anthropic"

# A beta name: dash-separated lowercase words ending in an ISO date. The look-ahead demands a
# letter so that a bare date (the `anthropic-version` value) never matches.
BETA_NAME = re.compile(r"(?<![a-z0-9-])(?=[a-z0-9-]*[a-z])[a-z0-9]+(?:-[a-z0-9]+)*-\d{4}-\d{2}-\d{2}(?![a-z0-9])")
# Model ids could take the same shape one day; they are never beta names.
NOT_BETA_PREFIXES = ("claude-",)

# The request helpers of `SyncAPIResource` and the HTTP verb each sends.
HTTP_VERBS = {
    "_get": "GET",
    "_get_api_list": "GET",
    "_post": "POST",
    "_put": "PUT",
    "_patch": "PATCH",
    "_delete": "DELETE",
}
MIRROR_ACCESSORS = frozenset({"with_raw_response", "with_streaming_response"})
ACCESSOR_DECORATORS = frozenset({"cached_property", "typed_cached_property", "property"})
CLIENT_ATTRS = frozenset({"client", "_client"})
MAX_DEPTH = 12  # resource nesting and call-time closure depth: a guard against cycles, not a real limit

# Where the SDK's own base classes live: their public methods are plumbing, not API methods.
RESOURCE_BASES = (f"{PACKAGE}._resource", ("SyncAPIResource", "AsyncAPIResource"))
CLIENT_BASES = (f"{PACKAGE}._base_client", ("SyncAPIClient", "AsyncAPIClient"))
FIRST_PARTY = ("Anthropic", "AsyncAnthropic")
BETA_LITERAL = (f"{PACKAGE}.types", "AnthropicBetaParam")


class SyncError(Exception):
    """A sync that cannot go on; the message is one line, fit for the CLI."""


# --------------------------------------------------------------------------------------------
# Public data


@dataclass(frozen=True)
class SdkMethod:
    path: str  # attribute path from a client instance: "beta.agents.create"
    http_method: str | None
    # Template without the query: "/v1/agents/{agent_id}". None for a helper that sends nothing,
    # or several requests (environments.work.worker): see the file's `unresolved`.
    route: str | None
    betas_param: bool
    adds: tuple[str, ...]  # betas the method sends by itself (a helper: on any of its requests), sorted
    helper: bool  # no direct `self._<verb>(...)` call: stream, tool_runner, thread, webhooks ...
    async_only: bool = False  # only on the async clients (environments.work.poller ...)


@dataclass(frozen=True)
class SdkClient:
    name: str
    qualified_names: tuple[str, ...]
    platform: str
    is_async: bool
    # Method/resource paths (relative to the client) that are absent or raise at call time,
    # compared with the first-party client of the same sync/async kind.
    unsupported: tuple[str, ...]
    raises: tuple[str, ...] = ()  # the part of `unsupported` that exists but raises when called


@dataclass(frozen=True)
class SdkBetaName:
    name: str
    in_literal: bool  # listed in the SDK's `AnthropicBetaParam` Literal
    sent_by: tuple[str, ...]  # method/resource paths adding it, and SDK files (lib/...) holding it as a value
    mentioned_in: tuple[str, ...] = ()  # lib files that only test for it or document it


@dataclass(frozen=True)
class SdkScan:
    version: str
    clients: tuple[SdkClient, ...]
    methods: tuple[SdkMethod, ...]
    beta_names: tuple[SdkBetaName, ...]
    mirror_accessors: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()  # what the scan could not read statically, one line each

    def method(self, path: str) -> SdkMethod | None:
        return next((m for m in self.methods if m.path == path), None)

    def client(self, name: str) -> SdkClient | None:
        return next((c for c in self.clients if c.name == name), None)

    def beta_name(self, name: str) -> SdkBetaName | None:
        return next((b for b in self.beta_names if b.name == name), None)
