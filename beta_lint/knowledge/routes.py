"""The SDK method-to-route table and the raw-HTTP table, both data in `rules/`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from beta_lint.knowledge.data import load_toml, rules_dir

_URL_PATH_RE = re.compile(r"(/v1/[A-Za-z0-9_{}./-]*)")


@dataclass(frozen=True)
class SdkRoute:
    path: str  # attribute path from a client instance: "beta.agents.create"
    http_method: str | None
    route: str | None
    betas_param: bool
    adds: tuple[str, ...]
    helper: bool


@dataclass(frozen=True)
class SdkClient:
    name: str
    qualified_names: tuple[str, ...]
    platform: str
    unsupported: tuple[str, ...]
    raises: tuple[str, ...] = ()  # the part of `unsupported` that exists but raises when called


@dataclass(frozen=True)
class HttpLibrary:
    module: str
    functions: tuple[str, ...]
    clients: tuple[str, ...]
    constructors: tuple[str, ...]


@dataclass(frozen=True)
class RouteTable:
    sdk_version: str
    methods: dict[str, SdkRoute]
    clients: dict[str, SdkClient]  # by qualified name
    libraries: tuple[HttpLibrary, ...]
    verbs: dict[str, str]
    generic: tuple[str, ...]
    hosts: tuple[tuple[str, str], ...]
    aliases: tuple[tuple[str, re.Pattern[str], str], ...] = ()  # (platform, URL pattern, endpoint)

    def missing_by_platform(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Per platform, the client paths that every client class of it lacks (AttributeError)."""
        missing: dict[str, set[str]] = {}
        for client in self.clients.values():
            absent = set(client.unsupported) - set(client.raises)
            missing[client.platform] = missing[client.platform] & absent if client.platform in missing else absent
        return tuple((platform, tuple(sorted(paths))) for platform, paths in sorted(missing.items()) if paths)

    def sent_on(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(route, betas) of every method with a route that adds betas by itself."""
        found: dict[str, set[str]] = {}
        for method in self.methods.values():
            if method.route is not None and method.adds:
                found.setdefault(method.route, set()).update(method.adds)
        return tuple((route, tuple(sorted(names))) for route, names in sorted(found.items()))

    def method(self, path: str) -> SdkRoute | None:
        return self.methods.get(path)

    def method_by_suffix(self, attrs: list[str]) -> SdkRoute | None:
        """The SDK method whose path is the longest tail of `attrs` ending in a method."""
        for start in range(len(attrs)):
            found = self.methods.get(".".join(attrs[start:]))
            if found is not None and (start == 0 or "." in found.path):
                return found
        return None

    def endpoint_of_url(self, url: str) -> str | None:
        """The API route a raw URL goes to: its /v1/ path, or a platform alias of one."""
        platform = self.platform_of_url(url)
        if platform not in (None, "anthropic"):
            for alias_platform, pattern, endpoint in self.aliases:
                if alias_platform == platform and pattern.search(url):
                    return endpoint
            return None
        match = _URL_PATH_RE.search(url)
        if match is None:
            return None
        return match.group(1).split("?")[0].rstrip("/.") or "/"

    def platform_of_url(self, url: str) -> str | None:
        for needle, platform in self.hosts:
            if needle in url:
                return platform
        return None

    def http_function(self, qualified: str) -> bool:
        module, _, name = qualified.rpartition(".")
        return any(lib.module == module and name in lib.functions for lib in self.libraries)

    def http_client_class(self, qualified: str) -> bool:
        return any(qualified in lib.clients for lib in self.libraries)

    def http_constructor(self, qualified: str) -> bool:
        return any(qualified in lib.constructors for lib in self.libraries)


def _strings(raw: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in raw or ())


def load_route_table(directory: Path | None = None) -> RouteTable:
    base = directory or rules_dir()
    return route_table_from(load_toml(base / "sdk-routes.toml"), load_toml(base / "http-clients.toml"))


def route_table_of_sdk(sdk_routes: dict[str, Any]) -> RouteTable:
    """The table of an SDK read at lint time (its parsed sdk-routes.toml) with the shipped HTTP data."""
    return route_table_from(sdk_routes, load_toml(rules_dir() / "http-clients.toml"))


def route_table_from(sdk: dict[str, Any], http: dict[str, Any]) -> RouteTable:
    methods = {
        str(raw["path"]): SdkRoute(
            path=str(raw["path"]),
            http_method=raw.get("http-method"),
            route=raw.get("route"),
            betas_param=bool(raw.get("betas-param", False)),
            adds=_strings(raw.get("adds")),
            helper=bool(raw.get("helper", False)),
        )
        for raw in sdk.get("method", [])
    }
    clients: dict[str, SdkClient] = {}
    for raw in sdk.get("client", []):
        client = SdkClient(
            name=str(raw["name"]),
            qualified_names=_strings(raw.get("qualified-names")),
            platform=str(raw.get("platform", "anthropic")),
            unsupported=_strings(raw.get("unsupported")),
            raises=_strings(raw.get("raises")),
        )
        for qualified in client.qualified_names:
            clients[qualified] = client
    libraries = tuple(
        HttpLibrary(
            module=str(raw["module"]),
            functions=_strings(raw.get("functions")),
            clients=_strings(raw.get("clients")),
            constructors=_strings(raw.get("constructors")),
        )
        for raw in http.get("library", [])
    )
    return RouteTable(
        sdk_version=str(sdk.get("sdk-version", "")),
        methods=methods,
        clients=clients,
        libraries=libraries,
        verbs={str(k): str(v) for k, v in http.get("verbs", {}).items()},
        generic=_strings(http.get("generic")),
        hosts=tuple((str(h["contains"]), str(h["platform"])) for h in http.get("host", [])),
        aliases=tuple(
            (str(a["platform"]), re.compile(str(a["pattern"])), str(a["endpoint"])) for a in http.get("route-alias", [])
        ),
    )


@cache
def default_route_table() -> RouteTable:
    return load_route_table()
