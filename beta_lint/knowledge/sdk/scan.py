"""Scanning an installed `anthropic` SDK statically for `beta-lint registry sync` (writer.py writes the result).

The SDK is never imported: importing it would run its code, need its dependencies, and tie the
result to this interpreter. Instead its sources are parsed with `ast` and followed by name:

- client classes (`Anthropic`, `AnthropicBedrock`, ...) and their resource accessors
  (`@cached_property`, class annotations, `self.x = Resource(self)`), recursively;
- each resource method's HTTP call (`self._post("/v1/agents", ...)`), the betas it adds by itself
  (an `"anthropic-beta"` header literal), and whether it takes `betas=`;
- helper methods (stream, tool_runner, thread, ...) through the `anthropic.lib` code they reference;
- every beta name (`x-YYYY-MM-DD`) the SDK lists (the `AnthropicBetaParam` Literal) or sends.

The sync classes are recorded: the async ones and `.with_raw_response` / `.with_streaming_response`
mirror them, which the generated file says (and the scan checks). Async-only helpers are added
with `async-only = true`.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

if sys.version_info >= (3, 11):
    pass
else:  # pragma: no cover - exercised on Python 3.10 only
    pass

from beta_lint.knowledge.sdk.guards import Scanner
from beta_lint.knowledge.sdk.methods import compress
from beta_lint.knowledge.sdk.modules import Def, Package, Value, beta_names_in, compared_ids, docstring_ids, exact_beta
from beta_lint.knowledge.sdk.records import (
    BETA_LITERAL,
    CLIENT_BASES,
    FIRST_PARTY,
    PACKAGE,
    SdkBetaName,
    SdkClient,
    SdkMethod,
    SdkScan,
    SyncError,
)


def find_sdk(explicit: Path | None = None) -> Path:
    """The folder of the installed `anthropic` package, found without importing it."""
    if explicit is not None:
        for candidate in (explicit, explicit / PACKAGE):
            if (candidate / "__init__.py").is_file() and (candidate / "_version.py").is_file():
                return candidate
        raise SyncError(f"no anthropic package at {explicit}")
    try:
        # find_spec of a top-level name locates it without executing it.
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError) as error:
        raise SyncError(f"cannot locate the anthropic package: {error}") from None
    locations = list(spec.submodule_search_locations or ()) if spec is not None else []
    if not locations:
        raise SyncError("the anthropic package is not installed here; pass its folder explicitly")
    return Path(locations[0])


def _read_version(package_dir: Path) -> str:
    path = package_dir / "_version.py"
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError) as error:
        raise SyncError(f"cannot read the SDK version from {path}: {error}") from None
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__version__" for t in stmt.targets
        ):
            if isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
                return stmt.value.value
    raise SyncError(f"no __version__ string in {path}")


def _public_modules(pkg: Package) -> Iterator[str]:
    """The package itself and the public modules of `anthropic.lib`: where client classes are exported."""
    for name in sorted(pkg.modules):
        parts = name.split(".")
        if any(part.startswith("_") for part in parts):
            continue
        if name == PACKAGE or name.startswith(f"{PACKAGE}.lib"):
            yield name


def _exported_classes(pkg: Package, module: str) -> Iterator[tuple[str, Def]]:
    info = pkg.modules[module]
    bindings = pkg.bindings(module)
    names = set(bindings)
    if info.is_package:  # a package also re-exports what it star-imports
        for star in info.stars:
            if star in pkg.modules:
                names |= {n for n in pkg.bindings(star) if not n.startswith("_")}
    for name in sorted(names):
        if name.startswith("_"):
            continue
        binding = bindings.get(name)
        # A plain module exports what it defines; what it merely imports is not its API.
        if not info.is_package and not isinstance(binding, (ast.ClassDef, ast.Name, ast.Attribute)):
            continue
        found = pkg.resolve_name(module, name)
        if isinstance(found, Def) and isinstance(found.node, ast.ClassDef):
            yield name, found


def scan_sdk(package_dir: Path) -> SdkScan:
    """Read an `anthropic` package folder statically."""
    if not (package_dir / "__init__.py").is_file():
        raise SyncError(f"no anthropic package at {package_dir}")
    version = _read_version(package_dir)
    scanner = Scanner(package_dir)
    pkg = scanner.pkg

    # Clients: classes exported from public modules that derive from the SDK's API clients.
    qualified: dict[Def, set[str]] = {}
    for module in _public_modules(pkg):
        for name, cls in _exported_classes(pkg, module):
            kind = pkg.derives_from(cls, CLIENT_BASES)
            if kind is not None and cls.module != CLIENT_BASES[0]:
                qualified.setdefault(cls, set()).add(f"{module}.{name}")
    references: dict[bool, Def] = {}
    for is_async, name in enumerate(FIRST_PARTY):
        found = pkg.resolve_name(PACKAGE, name)
        if not (isinstance(found, Def) and isinstance(found.node, ast.ClassDef)):
            raise SyncError(f"anthropic.{name} is not a class in {package_dir}")
        references[bool(is_async)] = found

    table = scanner.tree_of(references[False])
    async_table = scanner.tree_of(references[True])
    # Async-only helpers (`beta.environments.work.poller`) are recorded too: they exist on a client.
    async_only = {path: method for path, method in async_table.items() if path not in table}
    combined = {**async_only, **table}
    for method in combined.values():
        scanner.facts(method)
    scanner.resolve_helpers(combined)
    _check_async_mirror(scanner, table, async_table)

    methods: list[SdkMethod] = []
    for path, method in sorted(combined.items()):
        facts = scanner.facts(method)
        if facts.route_from_span:
            scanner.note(f"{path}: path is dynamic; route taken from its tracing span_route")
        elif facts.route is None and not facts.helper:
            scanner.note(f"{path}: HTTP call with a route not readable statically")
        methods.append(
            SdkMethod(
                path=path,
                http_method=facts.http_method,
                route=facts.route.split("?")[0] if facts.route else None,
                betas_param=facts.betas_param,
                adds=tuple(sorted(facts.adds)),
                helper=facts.helper,
                async_only=path in async_only,
            )
        )
    by_path = {m.path: m for m in methods}

    clients = [
        _client_record(scanner, cls, sorted(names), references, table, by_path) for cls, names in qualified.items()
    ]
    clients.sort(key=lambda c: c.name)
    beta_names = _scan_beta_names(scanner, methods)
    return SdkScan(
        version=version,
        clients=tuple(clients),
        methods=tuple(methods),
        beta_names=tuple(beta_names),
        mirror_accessors=tuple(sorted(scanner.mirrors)),
        unresolved=tuple(sorted(scanner.unresolved)),
    )


def _check_async_mirror(scanner: Scanner, sync_table: dict[str, Def], async_table: dict[str, Def]) -> None:
    """The file records sync methods only, on the promise that async ones mirror them: check it."""
    for path in sorted(sync_table.keys() - async_table.keys()):
        scanner.note(f"{path}: only on the sync client")
    for path in sorted(sync_table.keys() & async_table.keys()):
        mine, theirs = scanner.facts(sync_table[path]), scanner.facts(async_table[path])
        if mine.helper or theirs.helper:
            continue  # helpers are built differently (the sync stream defers its request)
        if (mine.http_method, mine.route, mine.adds) != (theirs.http_method, theirs.route, theirs.adds):
            scanner.note(f"{path}: the async method differs from the sync one")


def _client_record(
    scanner: Scanner,
    cls: Def,
    names: list[str],
    references: dict[bool, Def],
    sync_table: dict[str, Def],
    by_path: dict[str, SdkMethod],
) -> SdkClient:
    pkg = scanner.pkg
    is_async = pkg.derives_from(cls, CLIENT_BASES) == CLIENT_BASES[1][1]
    reference = references[is_async]
    reference_tree = sync_table if not is_async else scanner.tree_of(reference)
    tree = reference_tree if cls == reference else scanner.tree_of(cls)
    universe = set(reference_tree)
    absent = universe - set(tree)

    # Routes: from the sync table by path (async methods mirror it), else from the method itself.
    def route_of(path: str) -> tuple[str | None, str | None]:
        if path in by_path:
            return by_path[path].http_method, by_path[path].route
        facts = scanner.facts(tree[path])
        return facts.http_method, facts.route

    raising: set[str] = set()
    guards = scanner.url_guards(cls)
    for path in tree:
        verb, route = route_of(path)
        if route is None:
            continue
        for kind, url, guard_verb in guards:
            hit = route.startswith(url) if kind == "prefix" else route == url
            if hit and (guard_verb is None or guard_verb == verb):
                raising.add(path)
    for path, method in tree.items():
        if not scanner.facts(method).helper:
            continue  # a generated endpoint only sends its request: capabilities are checked by helpers
        for flag in scanner.capability_guards(method):
            value = pkg.class_attr(cls, flag)
            if isinstance(value, ast.Constant) and value.value is False:
                raising.add(path)

    # The platform is what the client reports to tracing; the first-party client leaves it None.
    platform_value = pkg.class_attr(cls, "_otel_platform")
    platform = "anthropic"
    if isinstance(platform_value, ast.Constant) and isinstance(platform_value.value, str):
        platform = platform_value.value
    elif platform_value is None:
        scanner.note(f"{cls.node.name}: no _otel_platform found; platform assumed anthropic")
    return SdkClient(
        name=cls.node.name,
        qualified_names=tuple(names),
        platform=platform,
        is_async=is_async,
        unsupported=tuple(compress(absent | raising, universe)),
        raises=tuple(compress(raising, set(tree))),
    )


def _scan_beta_names(scanner: Scanner, methods: list[SdkMethod]) -> list[SdkBetaName]:
    pkg = scanner.pkg
    literal: set[str] = set()
    found = pkg.resolve_name(*BETA_LITERAL)
    if isinstance(found, Value):
        for node in ast.walk(found.value):
            if isinstance(node, ast.Subscript) and _is_name(node.value, "Literal"):
                literal |= {
                    c.value for c in ast.walk(node.slice) if isinstance(c, ast.Constant) and isinstance(c.value, str)
                }
    else:
        scanner.note(f"{'.'.join(BETA_LITERAL)}: Literal of beta names not found")

    # Automatic betas by path, compressed to whole resources where every method adds the name.
    universe = {m.path for m in methods}
    adders: dict[str, set[str]] = {}
    for method in methods:
        for name in method.adds:
            adders.setdefault(name, set()).add(method.path)
    sent_by: dict[str, set[str]] = {name: set(compress(paths, universe)) for name, paths in adders.items()}

    # Every source file that mentions a beta name: values outside resources/ and types/ are sent
    # (OAuth headers, the fallback middleware, the session runner); the rest is prose or a test.
    mentions: dict[str, set[str]] = {}
    for module, info in sorted(pkg.modules.items()):
        text = info.path.read_text(encoding="utf-8")
        names_in_text = set(beta_names_in(text))
        if not names_in_text:
            continue
        top = info.rel.split("/")[0]
        if top in ("resources", "types"):
            # Generated code: its automatic betas are the methods' `adds`, anything else is prose.
            for name in names_in_text:
                mentions.setdefault(name, set()).add(info.rel)
            continue
        tree = pkg.tree(module)
        skip_docs = docstring_ids(tree)
        compared = compared_ids(tree)
        valued: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and id(node) not in skip_docs and id(node) not in compared:
                valued.update(exact_beta(node.value))
        for name in names_in_text:
            if name in valued:
                sent_by.setdefault(name, set()).add(info.rel)
            else:
                mentions.setdefault(name, set()).add(info.rel)

    records: list[SdkBetaName] = []
    for name in sorted(literal | set(sent_by) | set(mentions)):
        senders = sent_by.get(name, set())
        files = mentions.get(name, set()) - senders
        lib_files = {f for f in files if f.startswith("lib/")}
        # Non-lib prose is kept only as the sole evidence for a name the SDK neither lists nor sends.
        shown = lib_files if (name in literal or senders) else files
        records.append(
            SdkBetaName(
                name=name,
                in_literal=name in literal,
                sent_by=tuple(sorted(senders)),
                mentioned_in=tuple(sorted(shown)),
            )
        )
    return records


def _is_name(node: ast.expr, name: str) -> bool:
    return (isinstance(node, ast.Name) and node.id == name) or (isinstance(node, ast.Attribute) and node.attr == name)
