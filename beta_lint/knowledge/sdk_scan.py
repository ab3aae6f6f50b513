"""`beta-lint registry sync`: read an installed `anthropic` SDK statically and write `rules/sdk-routes.toml`.

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
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "ROUTES_FILE",
    "SdkBetaName",
    "SdkClient",
    "SdkMethod",
    "SdkScan",
    "SyncError",
    "diff_scans",
    "find_sdk",
    "load_routes_toml",
    "render_routes_toml",
    "scan_sdk",
    "sync",
]

ROUTES_FILE = "sdk-routes.toml"
PACKAGE = "anthropic"

# A beta name: dash-separated lowercase words ending in an ISO date. The look-ahead demands a
# letter so that a bare date (the `anthropic-version` value) never matches.
BETA_NAME = re.compile(r"(?<![a-z0-9-])(?=[a-z0-9-]*[a-z])[a-z0-9]+(?:-[a-z0-9]+)*-\d{4}-\d{2}-\d{2}(?![a-z0-9])")
# Model ids could take the same shape one day; they are never beta names.
_NOT_BETA_PREFIXES = ("claude-",)

# The request helpers of `SyncAPIResource` and the HTTP verb each sends.
_HTTP_VERBS = {
    "_get": "GET",
    "_get_api_list": "GET",
    "_post": "POST",
    "_put": "PUT",
    "_patch": "PATCH",
    "_delete": "DELETE",
}
_MIRROR_ACCESSORS = frozenset({"with_raw_response", "with_streaming_response"})
_ACCESSOR_DECORATORS = frozenset({"cached_property", "typed_cached_property", "property"})
_CLIENT_ATTRS = frozenset({"client", "_client"})
_MAX_DEPTH = 12  # resource nesting and call-time closure depth: a guard against cycles, not a real limit

# Where the SDK's own base classes live: their public methods are plumbing, not API methods.
_RESOURCE_BASES = (f"{PACKAGE}._resource", ("SyncAPIResource", "AsyncAPIResource"))
_CLIENT_BASES = (f"{PACKAGE}._base_client", ("SyncAPIClient", "AsyncAPIClient"))
_FIRST_PARTY = ("Anthropic", "AsyncAnthropic")
_BETA_LITERAL = (f"{PACKAGE}.types", "AnthropicBetaParam")


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


# --------------------------------------------------------------------------------------------
# Locating the SDK


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


# --------------------------------------------------------------------------------------------
# Static name resolution over the package's modules


@dataclass(frozen=True)
class _Import:
    module: str
    attr: str | None  # None: the module itself


@dataclass(frozen=True, eq=False)
class _Def:
    """A class or function definition; identity is the AST node's."""

    module: str
    node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
    owner: ast.ClassDef | None = None  # the class a method is defined in

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Def) and other.node is self.node

    def __hash__(self) -> int:
        return id(self.node)


@dataclass(frozen=True)
class _Mod:
    name: str


@dataclass(frozen=True, eq=False)
class _Value:
    """A module-level assignment that is not an alias of another definition."""

    module: str
    name: str
    value: ast.expr


_Ref = _Def | _Mod | _Value
_Binding = _Import | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef | ast.expr


@dataclass
class _ModuleInfo:
    name: str
    path: Path
    rel: str  # posix path relative to the package folder
    is_package: bool
    _tree: ast.Module | None = None
    _bindings: dict[str, _Binding] | None = None
    stars: list[str] = field(default_factory=list)


def _decorator_names(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> set[str]:
    names: set[str] = set()
    for deco in node.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        if isinstance(target, ast.Name):
            names.add(target.id)
        elif isinstance(target, ast.Attribute):
            names.add(target.attr)
    return names


def _docstring_ids(tree: ast.AST) -> set[int]:
    """ids of the docstring constants under `tree`: prose, never a value sent."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                if isinstance(first.value.value, str):
                    found.add(id(first.value))
    return found


def _compared_ids(tree: ast.AST) -> set[int]:
    """ids of the direct operands of comparisons: `"x" in betas` tests for a name, it does not send it."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            found.add(id(node.left))
            found.update(id(c) for c in node.comparators)
    return found


def _beta_names_in(text: str) -> list[str]:
    return [m.group(0) for m in BETA_NAME.finditer(text) if not m.group(0).startswith(_NOT_BETA_PREFIXES)]


def _exact_beta(value: object) -> list[str]:
    """The beta names a string value is made of ("a" or "a,b"), or [] if it is anything else."""
    if not isinstance(value, str):
        return []
    items = [item.strip() for item in value.split(",")]
    if items and all(BETA_NAME.fullmatch(item) and not item.startswith(_NOT_BETA_PREFIXES) for item in items):
        return items
    return []


def _attr_chain(node: ast.expr) -> list[str] | None:
    """`self._client.beta.messages.create` -> ["self", "_client", "beta", "messages", "create"]."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Call):  # cast("Anthropic", self._client).beta... : look through the call
        inner = node.args[-1] if node.args else None
        if inner is None:
            return None
        rest = _attr_chain(inner)
        return None if rest is None else [*rest, *reversed(parts)]
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return list(reversed(parts))


class _Package:
    """The modules of one package folder, parsed lazily, with import-following name resolution."""

    def __init__(self, root: Path, name: str = PACKAGE) -> None:
        self.root = root
        self.name = name
        self.modules: dict[str, _ModuleInfo] = {}
        self._mro: dict[_Def, list[_Def]] = {}
        self._local: dict[int, dict[str, _Binding]] = {}
        for path in sorted(root.rglob("*.py")):
            rel = path.relative_to(root)
            if "__pycache__" in rel.parts:
                continue
            parts = list(rel.with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            dotted = ".".join([name, *parts])
            self.modules[dotted] = _ModuleInfo(dotted, path, rel.as_posix(), is_package)

    # -- parsing ------------------------------------------------------------------------------

    def tree(self, module: str) -> ast.Module:
        info = self.modules[module]
        if info._tree is None:
            try:
                info._tree = ast.parse(info.path.read_text(encoding="utf-8"), filename=str(info.path))
            except (OSError, SyntaxError, ValueError) as error:
                raise SyncError(f"cannot parse {info.path}: {error}") from None
        return info._tree

    def _absolute(self, module: str, target: str | None, level: int) -> str:
        if level == 0:
            return target or ""
        info = self.modules[module]
        base = module.split(".") if info.is_package else module.split(".")[:-1]
        base = base[: len(base) - (level - 1)] if level > 1 else base
        return ".".join([*base, target] if target else base)

    def _imports_of(self, module: str, stmts: Iterable[ast.stmt], into: dict[str, _Binding]) -> list[str]:
        """Bind the names imported by `stmts`; return the modules star-imported."""
        stars: list[str] = []
        for stmt in stmts:
            if isinstance(stmt, ast.ImportFrom):
                source = self._absolute(module, stmt.module, stmt.level)
                for alias in stmt.names:
                    if alias.name == "*":
                        stars.append(source)
                    else:
                        into[alias.asname or alias.name] = _Import(source, alias.name)
            elif isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    if alias.asname:
                        into[alias.asname] = _Import(alias.name, None)
                    else:  # `import a.b` binds `a`
                        top = alias.name.split(".")[0]
                        into[top] = _Import(top, None)
        return stars

    def bindings(self, module: str) -> dict[str, _Binding]:
        info = self.modules[module]
        if info._bindings is not None:
            return info._bindings
        found: dict[str, _Binding] = {}
        info._bindings = found  # set first: a star-import cycle then sees a partial table, not a loop

        def visit(stmts: list[ast.stmt]) -> None:
            for stmt in stmts:
                if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                    info.stars.extend(self._imports_of(module, [stmt], found))
                elif isinstance(stmt, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                    found[stmt.name] = stmt
                elif isinstance(stmt, ast.Assign):
                    for target in stmt.targets:
                        if isinstance(target, ast.Name):
                            found[target.id] = stmt.value
                elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
                    found[stmt.target.id] = stmt.value
                elif isinstance(stmt, ast.If):  # `if TYPE_CHECKING:` imports count: they name the types
                    visit(stmt.body)
                    visit(stmt.orelse)
                elif isinstance(stmt, ast.Try):
                    visit(stmt.body)
                    for handler in stmt.handlers:
                        visit(handler.body)
                    visit(stmt.orelse)
                    visit(stmt.finalbody)

        visit(self.tree(module).body)
        return found

    def local_imports(self, module: str, node: ast.AST) -> dict[str, _Binding]:
        """Names imported inside a function or class body (`from .resources import Beta` in an accessor)."""
        cached = self._local.get(id(node))
        if cached is None:
            cached = {}
            imports = [n for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))]
            self._imports_of(module, imports, cached)
            self._local[id(node)] = cached
        return cached

    # -- resolution ---------------------------------------------------------------------------

    def resolve_name(self, module: str, name: str, _seen: frozenset[tuple[str, str]] = frozenset()) -> _Ref | None:
        if module not in self.modules or (module, name) in _seen:
            return None
        seen = _seen | {(module, name)}
        binding = self.bindings(module).get(name)
        if binding is None:
            for star in self.modules[module].stars:
                if not name.startswith("_"):
                    found = self.resolve_name(star, name, seen)
                    if found is not None:
                        return found
            return None
        return self._resolve_binding(module, name, binding, seen)

    def _resolve_binding(
        self, module: str, name: str, binding: _Binding, seen: frozenset[tuple[str, str]]
    ) -> _Ref | None:
        if isinstance(binding, _Import):
            if binding.attr is None:
                return _Mod(binding.module) if binding.module in self.modules else None
            found = self.resolve_name(binding.module, binding.attr, seen)
            if found is not None:
                return found
            submodule = f"{binding.module}.{binding.attr}"
            return _Mod(submodule) if submodule in self.modules else None
        if isinstance(binding, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            return _Def(module, binding)
        if isinstance(binding, (ast.Name, ast.Attribute)):  # `Client = Anthropic`: an alias
            return self.resolve_expr(module, binding, None, seen)
        return _Value(module, name, binding)

    def resolve_expr(
        self,
        module: str,
        expr: ast.expr,
        local: Mapping[str, _Binding] | None = None,
        _seen: frozenset[tuple[str, str]] = frozenset(),
    ) -> _Ref | None:
        if isinstance(expr, ast.Name):
            if local and expr.id in local:
                return self._resolve_binding(module, expr.id, local[expr.id], _seen)
            return self.resolve_name(module, expr.id, _seen)
        if isinstance(expr, ast.Attribute):
            base = self.resolve_expr(module, expr.value, local, _seen)
            if isinstance(base, _Mod):
                found = self.resolve_name(base.name, expr.attr, _seen)
                submodule = f"{base.name}.{expr.attr}"
                return found or (_Mod(submodule) if submodule in self.modules else None)
            if isinstance(base, _Def) and isinstance(base.node, ast.ClassDef):
                return self.class_member(base, expr.attr)
            return None
        if isinstance(expr, ast.Subscript):  # `BetaToolRunner[T]`, `Optional[X]` is not followed
            return self.resolve_expr(module, expr.value, local, _seen)
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):  # a string annotation
            try:
                parsed = ast.parse(expr.value, mode="eval").body
            except SyntaxError:
                return None
            return self.resolve_expr(module, parsed, local, _seen)
        return None

    def mro(self, cls: _Def) -> list[_Def]:
        """The class and its in-package bases in Python's (C3) order, most derived first.

        The order matters: `AnthropicGoogleCloud(BaseGoogleCloudClient, Anthropic)` takes
        `_supports_message_threads = True` from `Anthropic`, not the default of the shared `BaseClient`.
        """
        cached = self._mro.get(cls)
        if cached is not None:
            return cached
        self._mro[cls] = [cls]  # provisional: a cyclic base chain stops here instead of recursing
        bases: list[_Def] = []
        assert isinstance(cls.node, ast.ClassDef)
        for base in cls.node.bases:
            found = self.resolve_expr(cls.module, base)
            if isinstance(found, _Def) and isinstance(found.node, ast.ClassDef) and found != cls:
                bases.append(found)
        sequences = [list(self.mro(b)) for b in bases] + [list(bases)]
        order: list[_Def] = [cls]
        while any(sequences):
            sequences = [seq for seq in sequences if seq]
            for seq in sequences:
                head = seq[0]
                if not any(head in other[1:] for other in sequences):
                    break
            else:  # not linearizable (or a base outside the package broke it): fall back to depth-first
                head = sequences[0][0]
            order.append(head)
            sequences = [seq[1:] if seq[0] == head else seq for seq in sequences]
            sequences = [[k for k in seq if k != head] for seq in sequences]
        self._mro[cls] = order
        return order

    def class_member(self, cls: _Def, name: str) -> _Def | None:
        for klass in self.mro(cls):
            assert isinstance(klass.node, ast.ClassDef)
            for stmt in klass.node.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
                    if "overload" not in _decorator_names(stmt):
                        return _Def(klass.module, stmt, klass.node)
        return None

    def derives_from(self, cls: _Def, spec: tuple[str, tuple[str, ...]]) -> str | None:
        module, names = spec
        for klass in self.mro(cls):
            if klass.module == module and klass.node.name in names:
                return klass.node.name
        return None

    def class_attr(self, cls: _Def, name: str) -> ast.expr | None:
        """The value of a class-level assignment `name = ...`, looked up through the bases."""
        for klass in self.mro(cls):
            assert isinstance(klass.node, ast.ClassDef)
            for stmt in klass.node.body:
                if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
                    return stmt.value
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                    if stmt.target.id == name and stmt.value is not None:
                        return stmt.value
        return None

    def string_value(self, module: str, expr: ast.expr, local: Mapping[str, _Binding] | None = None) -> str | None:
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return expr.value
        if isinstance(expr, (ast.Name, ast.Attribute)):
            found = self.resolve_expr(module, expr, local)
            if isinstance(found, _Value) and isinstance(found.value, ast.Constant):
                if isinstance(found.value.value, str):
                    return found.value.value
        return None


# --------------------------------------------------------------------------------------------
# The resource tree


_REMOVED = "removed"  # an accessor overridden to return None (Foundry's `models`)


@dataclass
class _Members:
    accessors: dict[str, _Def | None] = field(default_factory=dict)  # None: removed on this class
    methods: dict[str, _Def] = field(default_factory=dict)
    mirrors: set[str] = field(default_factory=set)


class _Scanner:
    def __init__(self, package_dir: Path) -> None:
        self.pkg = _Package(package_dir)
        self.unresolved: list[str] = []
        self._members: dict[_Def, _Members] = {}
        self._facts: dict[_Def, _Facts] = {}
        self._guards: dict[_Def, set[str]] = {}
        self._summaries: dict[_Def, _Summary] = {}
        self.mirrors: set[str] = set()

    def note(self, text: str) -> None:
        if text not in self.unresolved:
            self.unresolved.append(text)

    # -- classes ------------------------------------------------------------------------------

    def is_resource(self, cls: _Def) -> bool:
        return self.pkg.derives_from(cls, _RESOURCE_BASES) is not None

    def _accessor_target(self, module: str, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> _Def | str | None:
        """The resource class an accessor returns, `_REMOVED` for `-> None`, or None if not a resource."""
        if isinstance(fn.returns, ast.Constant) and fn.returns.value is None:
            return _REMOVED
        local = self.pkg.local_imports(module, fn)
        # What is constructed wins over the annotation: Foundry's `beta` is annotated `Beta`
        # but returns `BetaFoundry(self)`, which drops `messages.batches`.
        for node in ast.walk(fn):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
                found = self.pkg.resolve_expr(module, node.value.func, local)
                if isinstance(found, _Def) and isinstance(found.node, ast.ClassDef) and self.is_resource(found):
                    return found
        if fn.returns is not None:
            found = self.pkg.resolve_expr(module, fn.returns, local)
            if isinstance(found, _Def) and isinstance(found.node, ast.ClassDef) and self.is_resource(found):
                return found
        return None

    def members(self, cls: _Def) -> _Members:
        cached = self._members.get(cls)
        if cached is not None:
            return cached
        result = _Members()
        self._members[cls] = result
        skip_modules = {_RESOURCE_BASES[0], _CLIENT_BASES[0]}
        for klass in reversed(self.pkg.mro(cls)):  # bases first, so subclasses override
            if klass.module in skip_modules:
                continue
            assert isinstance(klass.node, ast.ClassDef)
            self._collect(klass, result)
        return result

    def _set_accessor(self, into: _Members, name: str, target: _Def | None) -> None:
        into.accessors[name] = target
        into.methods.pop(name, None)

    def _collect(self, klass: _Def, into: _Members) -> None:
        assert isinstance(klass.node, ast.ClassDef)
        module = klass.module
        for stmt in klass.node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                decorators = _decorator_names(stmt)
                if stmt.name in _MIRROR_ACCESSORS:
                    into.mirrors.add(stmt.name)
                    continue
                if stmt.name == "__init__":
                    self._collect_init(module, stmt, into)
                if stmt.name.startswith("_"):
                    continue
                if decorators & _ACCESSOR_DECORATORS:
                    target = self._accessor_target(module, stmt)
                    if target == _REMOVED:
                        self._set_accessor(into, stmt.name, None)
                    elif isinstance(target, _Def):
                        self._set_accessor(into, stmt.name, target)
                    continue
                if "overload" in decorators:
                    continue  # the implementation that follows is the one recorded
                into.methods[stmt.name] = _Def(module, stmt, klass.node)
                into.accessors.pop(stmt.name, None)
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                name = stmt.target.id
                if name.startswith("_") or name in _MIRROR_ACCESSORS:
                    continue
                found = self.pkg.resolve_expr(module, stmt.annotation)
                if isinstance(found, _Def) and isinstance(found.node, ast.ClassDef) and self.is_resource(found):
                    self._set_accessor(into, name, found)
            elif isinstance(stmt, ast.Assign):
                # `create = FirstPartyMessagesAPI.create`: platform resources reuse first-party methods.
                found = self.pkg.resolve_expr(module, stmt.value)
                if isinstance(found, _Def) and isinstance(found.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    for alias in stmt.targets:
                        if isinstance(alias, ast.Name) and not alias.id.startswith("_"):
                            into.methods[alias.id] = found
                            into.accessors.pop(alias.id, None)

    def _collect_init(self, module: str, init: ast.FunctionDef | ast.AsyncFunctionDef, into: _Members) -> None:
        """`self.messages = Messages(self)` in a client's `__init__` (Bedrock, Vertex, Mantle)."""
        local = self.pkg.local_imports(module, init)
        for node in ast.walk(init):
            if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
                continue
            for target in node.targets:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "self"
                    and not target.attr.startswith("_")
                ):
                    found = self.pkg.resolve_expr(module, node.value.func, local)
                    if isinstance(found, _Def) and isinstance(found.node, ast.ClassDef) and self.is_resource(found):
                        self._set_accessor(into, target.attr, found)

    def tree_of(self, cls: _Def) -> dict[str, _Def]:
        """Every method reachable from an instance of `cls`, by attribute path."""
        out: dict[str, _Def] = {}

        def walk(current: _Def, prefix: str, stack: tuple[_Def, ...]) -> None:
            if current in stack or len(stack) > _MAX_DEPTH:
                return
            members = self.members(current)
            self.mirrors |= members.mirrors
            if stack:  # a client's own methods (close, copy, with_options) are not API calls
                for name, method in members.methods.items():
                    out[prefix + name] = method
            for name, target in members.accessors.items():
                if target is not None:
                    walk(target, f"{prefix}{name}.", (*stack, current))

        walk(cls, "", ())
        return out

    # -- method facts -------------------------------------------------------------------------

    def facts(self, method: _Def) -> _Facts:
        cached = self._facts.get(method)
        if cached is None:
            cached = self._direct_facts(method)
            self._facts[method] = cached
        return cached

    def _betas_param(self, method: _Def) -> bool:
        fn = method.node
        assert isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
        args = fn.args
        if any(a.arg == "betas" for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]):
            return True
        # `**params: Unpack[ThreadCreateParams]`: the TypedDict's fields are keyword arguments too.
        annotation = args.kwarg.annotation if args.kwarg else None
        if isinstance(annotation, ast.Subscript):
            typed = self.pkg.resolve_expr(method.module, annotation.slice)
            if isinstance(typed, _Def) and isinstance(typed.node, ast.ClassDef):
                for klass in self.pkg.mro(typed):
                    assert isinstance(klass.node, ast.ClassDef)
                    for stmt in klass.node.body:
                        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                            if stmt.target.id == "betas":
                                return True
        return False

    def _header_adds(self, module: str, fn: ast.AST) -> set[str]:
        """Beta names written into an `"anthropic-beta"` header literal: the method's automatic betas."""
        found: set[str] = set()
        for node in ast.walk(fn):
            if not isinstance(node, ast.Dict):
                continue
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    if key.value.lower() == "anthropic-beta":
                        found |= self._beta_values(module, value)
        return found

    def _beta_values(self, module: str, expr: ast.AST) -> set[str]:
        found: set[str] = set()
        for node in ast.walk(expr):
            if isinstance(node, ast.Constant):
                found.update(_exact_beta(node.value))
            elif isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node, ast.expr):
                value = self.pkg.string_value(module, node)
                if value is not None:
                    found.update(_exact_beta(value))
        return found

    def _route_of(self, module: str, call: ast.Call) -> tuple[str | None, bool]:
        """The route template of a request call, and whether it came from the path argument itself."""
        if call.args:
            first = call.args[0]
            value = self.pkg.string_value(module, first)
            if value is not None:
                return value, True
            if isinstance(first, ast.Call) and isinstance(first.func, (ast.Name, ast.Attribute)):
                name = first.func.id if isinstance(first.func, ast.Name) else first.func.attr
                if name == "path_template" and first.args:
                    value = self.pkg.string_value(module, first.args[0])
                    if value is not None:
                        return value, True
        # A dynamic path (`batch.results_url`): the tracing span still names the route template.
        for node in ast.walk(call):
            if isinstance(node, ast.keyword) and node.arg == "span_route":
                value = self.pkg.string_value(module, node.value)
                if value is not None:
                    return value, False
        return None, False

    def _direct_facts(self, method: _Def) -> _Facts:
        fn = method.node
        assert isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
        returned: set[int] = set()
        for node in ast.walk(fn):
            if isinstance(node, ast.Return) and node.value is not None:
                inner = node.value.value if isinstance(node.value, ast.Await) else node.value
                returned.add(id(inner))
        direct: list[ast.Call] = []
        partials: list[tuple[str, ast.Call]] = []
        for node in ast.walk(fn):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "self"
                and func.attr in _HTTP_VERBS
            ):
                direct.append(node)
            elif (
                isinstance(func, (ast.Name, ast.Attribute))
                and (func.id if isinstance(func, ast.Name) else func.attr) == "partial"
                and node.args
                and isinstance(node.args[0], ast.Attribute)
                and isinstance(node.args[0].value, ast.Name)
                and node.args[0].value.id == "self"
                and node.args[0].attr in _HTTP_VERBS
            ):
                # `partial(self._post, "/v1/messages", ...)`: the stream helper's deferred request.
                partials.append(
                    (
                        node.args[0].attr,
                        ast.Call(func=node.args[0], args=node.args[1:], keywords=node.keywords),
                    )
                )
        facts = _Facts(betas_param=self._betas_param(method), adds=self._header_adds(method.module, fn))
        if direct:
            # The call whose result is returned is the method's request (batches.results first retrieves).
            chosen = next((c for c in direct if id(c) in returned), direct[-1])
            assert isinstance(chosen.func, ast.Attribute)
            facts.http_method = _HTTP_VERBS[chosen.func.attr]
            facts.route, from_path = self._route_of(method.module, chosen)
            facts.route_from_span = facts.route is not None and not from_path
        else:
            facts.helper = True
            if partials:
                verb, call = partials[-1]
                facts.http_method = _HTTP_VERBS[verb]
                facts.route, _ = self._route_of(method.module, call)
        return facts

    # -- helpers: follow what they reference --------------------------------------------------

    def resolve_helpers(self, table: dict[str, _Def]) -> None:
        """Fill route and adds of helper methods from the code they delegate to."""
        for path, method in sorted(table.items()):
            facts = self.facts(method)
            if facts.helper and not facts.followed:
                self._follow(path, method, table, ())

    def _follow(self, path: str, method: _Def, table: dict[str, _Def], stack: tuple[_Def, ...]) -> _Facts:
        facts = self.facts(method)
        if not facts.helper or facts.followed or method in stack:
            return facts
        facts.followed = True
        routes: set[tuple[str, str]] = set()
        if facts.http_method and facts.route:
            routes.add((facts.http_method, facts.route))
        targets: dict[_Def, str] = {}
        owner = _Def(method.module, method.owner) if method.owner is not None else None
        # Calls on `self`: a helper built on another method of the same resource.
        siblings = self.members(owner).methods if owner is not None else {}
        for node in ast.walk(method.node):
            if isinstance(node, ast.Call):
                chain = _attr_chain(node.func)
                if chain and chain[0] == "self" and len(chain) == 2 and chain[1] in siblings:
                    targets[siblings[chain[1]]] = f"{path}->{chain[1]}"
        sent, reached = self._lib_closure(method, table)
        facts.adds |= sent
        for target, label in reached.items():
            targets.setdefault(target, label)
        for target, label in sorted(targets.items(), key=lambda item: item[1]):
            if target is method:
                continue
            inner = self._follow(label, target, table, (*stack, method))
            facts.adds |= inner.adds
            if inner.http_method and inner.route:
                routes.add((inner.http_method, inner.route.split("?")[0]))
        if len(routes) == 1:
            facts.http_method, facts.route = next(iter(routes))
        elif len(routes) > 1:
            facts.http_method = facts.route = None
            listed = ", ".join(f"{verb} {route}" for verb, route in sorted(routes))
            self.note(f"{path}: helper sends several requests ({listed}); no single route recorded")
        elif "->" not in path and path in table:
            self.note(f"{path}: helper sends no HTTP request that could be found statically")
        return facts

    def _resource_in(self, module: str, annotation: ast.expr | None, local: Mapping[str, _Binding]) -> _Def | None:
        """The resource class named in an annotation (`AsyncWork`, `AsyncEvents | None`), if any."""
        if annotation is None:
            return None
        for node in ast.walk(annotation):
            if isinstance(node, (ast.Name, ast.Attribute)) or (
                isinstance(node, ast.Constant) and isinstance(node.value, str)
            ):
                assert isinstance(node, ast.expr)
                found = self.pkg.resolve_expr(module, node, local)
                if isinstance(found, _Def) and isinstance(found.node, ast.ClassDef) and self.is_resource(found):
                    return found
        return None

    def _lib_closure(self, start: _Def, table: Mapping[str, _Def]) -> tuple[set[str], dict[_Def, str]]:
        """Beta names sent, and resource methods called, by the `anthropic.lib` code a helper references.

        A class reached brings all its methods (the helper returns an object whose methods send);
        only `anthropic.lib` is followed, the rest of the SDK is resources or plumbing. Resource
        methods are found as `<...>client.beta.x.y(...)` chains, or as calls on a name or attribute
        annotated with a resource class (`work: AsyncWork` ... `work.poll(...)`).
        """
        queue: list[_Def] = [start]
        seen: set[_Def] = {start}
        sent: set[str] = set()
        reached: dict[_Def, str] = {}
        while queue:
            summary = self._summary(queue.pop(), table)
            sent |= summary.sent
            for target, label in summary.reached.items():
                reached.setdefault(target, label)
            for ref in summary.refs:
                if ref not in seen:
                    seen.add(ref)
                    queue.append(ref)
        return sent, reached

    def _summary(self, current: _Def, table: Mapping[str, _Def]) -> _Summary:
        """What one definition sends, calls and references; memoized, helpers share lib classes."""
        cached = self._summaries.get(current)
        if cached is not None:
            return cached
        lib = f"{PACKAGE}.lib."
        summary = _Summary()
        node = current.node
        local = self.pkg.local_imports(current.module, node)
        skip = _docstring_ids(node) | _compared_ids(node)
        typed: dict[str, _Def] = {}
        for sub in ast.walk(node):
            if isinstance(sub, ast.arg):
                found_cls = self._resource_in(current.module, sub.annotation, local)
                if found_cls is not None:
                    typed[sub.arg] = found_cls
            elif isinstance(sub, ast.AnnAssign) and isinstance(sub.target, (ast.Name, ast.Attribute)):
                found_cls = self._resource_in(current.module, sub.annotation, local)
                if found_cls is not None:
                    typed[ast.unparse(sub.target)] = found_cls
        for sub in ast.walk(node):
            if id(sub) in skip:
                continue
            if isinstance(sub, ast.Constant):
                summary.sent.update(_exact_beta(sub.value))
            elif isinstance(sub, (ast.Name, ast.Attribute)) and isinstance(sub.ctx, ast.Load):
                found = self.pkg.resolve_expr(current.module, sub, local)
                if isinstance(found, _Value) and found.module.startswith(lib):
                    summary.sent |= self._beta_values(found.module, found.value)
                elif isinstance(found, _Def) and found.module.startswith(lib):
                    summary.refs.add(found)
            elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute):
                receiver = ast.unparse(sub.func.value)
                if receiver in typed:
                    target = self.members(typed[receiver]).methods.get(sub.func.attr)
                    if target is not None:
                        summary.reached.setdefault(target, f"{receiver}.{sub.func.attr}")
                    continue
                chain = _attr_chain(sub.func)
                if chain:
                    cut = max((i for i, part in enumerate(chain) if part in _CLIENT_ATTRS), default=-1)
                    path = ".".join(chain[cut + 1 :])
                    if cut >= 0 and path in table:
                        summary.reached.setdefault(table[path], path)
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                found = self.pkg.resolve_expr(current.module, base)
                if isinstance(found, _Def) and found.module.startswith(lib):
                    summary.refs.add(found)
        self._summaries[current] = summary
        return summary

    # -- what raises when called --------------------------------------------------------------

    def capability_guards(self, method: _Def) -> set[str]:
        """Client flags (`_supports_message_threads`) whose absence makes the call raise at once.

        Follows only what runs during the call: functions called by name and constructors of classes
        called by name, not the methods of the object returned.
        """
        return self._guards_of(method, ())[0]

    def _guards_of(self, method: _Def, stack: tuple[_Def, ...]) -> tuple[set[str], bool]:
        """(flags, complete): an answer cut short by a call cycle is not memoized."""
        cached = self._guards.get(method)
        if cached is not None:
            return cached, True
        if method in stack or len(stack) > _MAX_DEPTH:
            return set(), False
        inner = (*stack, method)
        flags: set[str] = set()
        complete = True
        local = self.pkg.local_imports(method.module, method.node)
        for node in ast.walk(method.node):
            if isinstance(node, ast.If) and node.body and isinstance(node.body[0], ast.Raise):
                test = node.test
                if (
                    isinstance(test, ast.UnaryOp)
                    and isinstance(test.op, ast.Not)
                    and isinstance(test.operand, ast.Attribute)
                    and test.operand.attr.startswith("_supports_")
                ):
                    flags.add(test.operand.attr)
            elif isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Subscript)):
                found = self.pkg.resolve_expr(method.module, node.func, local)
                callee: _Def | None = None
                if isinstance(found, _Def) and isinstance(found.node, ast.ClassDef):
                    callee = self.pkg.class_member(found, "__init__")
                elif isinstance(found, _Def):
                    callee = found
                # SDK plumbing (`anthropic._utils`, `_base_client`) checks no client capability.
                if callee is not None and not callee.module.split(".")[1].startswith("_"):
                    more, done = self._guards_of(callee, inner)
                    flags |= more
                    complete = complete and done
        if complete:
            self._guards[method] = flags
        return flags, complete

    def url_guards(self, cls: _Def) -> list[tuple[str, str, str | None]]:
        """`if options.url.startswith("/v1/messages/batches"): raise ...` in the client's modules.

        Returns (kind, url, http verb or None) with kind "prefix" or "exact".
        """
        guards: list[tuple[str, str, str | None]] = []
        modules = sorted({k.module for k in self.pkg.mro(cls) if k.module != _CLIENT_BASES[0]})
        for module in modules:
            for node in ast.walk(self.pkg.tree(module)):
                if not (isinstance(node, ast.If) and node.body and isinstance(node.body[0], ast.Raise)):
                    continue
                parts = (
                    node.test.values
                    if isinstance(node.test, ast.BoolOp) and isinstance(node.test.op, ast.And)
                    else [node.test]
                )
                verb: str | None = None
                found: list[tuple[str, str]] = []
                for part in parts:
                    if isinstance(part, ast.Call) and isinstance(part.func, ast.Attribute):
                        if part.func.attr == "startswith" and _is_url(part.func.value) and part.args:
                            value = self.pkg.string_value(module, part.args[0])
                            if value is not None:
                                found.append(("prefix", value))
                    elif isinstance(part, ast.Compare) and len(part.ops) == 1:
                        op, right = part.ops[0], part.comparators[0]
                        if (
                            _is_url(part.left)
                            and isinstance(op, ast.In)
                            and isinstance(right, (ast.Set, ast.List, ast.Tuple))
                        ):
                            for element in right.elts:
                                value = self.pkg.string_value(module, element)
                                if value is not None:
                                    found.append(("exact", value))
                        elif _is_url(part.left) and isinstance(op, ast.Eq):
                            value = self.pkg.string_value(module, right)
                            if value is not None:
                                found.append(("exact", value))
                        elif _is_attr(part.left, "method") and isinstance(op, ast.Eq):
                            value = self.pkg.string_value(module, right)
                            verb = value.upper() if value else None
                guards.extend((kind, url.split("?")[0], verb) for kind, url in found)
        return sorted(set(guards), key=lambda g: (g[0], g[1], g[2] or ""))


def _is_attr(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == name


def _is_url(node: ast.expr) -> bool:
    return _is_attr(node, "url")


@dataclass
class _Summary:
    sent: set[str] = field(default_factory=set)
    reached: dict[_Def, str] = field(default_factory=dict)
    refs: set[_Def] = field(default_factory=set)


@dataclass
class _Facts:
    betas_param: bool
    adds: set[str]
    http_method: str | None = None
    route: str | None = None
    helper: bool = False
    followed: bool = False
    route_from_span: bool = False


# --------------------------------------------------------------------------------------------
# Scanning


def _compress(paths: set[str], universe: set[str]) -> list[str]:
    """Replace method paths by the shortest resource prefix whose every method is in `paths`."""
    under: dict[str, set[str]] = {}
    for path in universe:
        parts = path.split(".")
        for size in range(1, len(parts) + 1):
            under.setdefault(".".join(parts[:size]), set()).add(path)
    out: set[str] = set()
    for path in paths:
        parts = path.split(".")
        for size in range(1, len(parts) + 1):
            prefix = ".".join(parts[:size])
            members = under.get(prefix)
            if members and members <= paths:
                out.add(prefix)
                break
        else:
            out.add(path)
    return sorted(out)


def _public_modules(pkg: _Package) -> Iterator[str]:
    """The package itself and the public modules of `anthropic.lib`: where client classes are exported."""
    for name in sorted(pkg.modules):
        parts = name.split(".")
        if any(part.startswith("_") for part in parts):
            continue
        if name == PACKAGE or name.startswith(f"{PACKAGE}.lib"):
            yield name


def _exported_classes(pkg: _Package, module: str) -> Iterator[tuple[str, _Def]]:
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
        if isinstance(found, _Def) and isinstance(found.node, ast.ClassDef):
            yield name, found


def scan_sdk(package_dir: Path) -> SdkScan:
    """Read an `anthropic` package folder statically."""
    if not (package_dir / "__init__.py").is_file():
        raise SyncError(f"no anthropic package at {package_dir}")
    version = _read_version(package_dir)
    scanner = _Scanner(package_dir)
    pkg = scanner.pkg

    # Clients: classes exported from public modules that derive from the SDK's API clients.
    qualified: dict[_Def, set[str]] = {}
    for module in _public_modules(pkg):
        for name, cls in _exported_classes(pkg, module):
            kind = pkg.derives_from(cls, _CLIENT_BASES)
            if kind is not None and cls.module != _CLIENT_BASES[0]:
                qualified.setdefault(cls, set()).add(f"{module}.{name}")
    references: dict[bool, _Def] = {}
    for is_async, name in enumerate(_FIRST_PARTY):
        found = pkg.resolve_name(PACKAGE, name)
        if not (isinstance(found, _Def) and isinstance(found.node, ast.ClassDef)):
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


def _check_async_mirror(scanner: _Scanner, sync_table: dict[str, _Def], async_table: dict[str, _Def]) -> None:
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
    scanner: _Scanner,
    cls: _Def,
    names: list[str],
    references: dict[bool, _Def],
    sync_table: dict[str, _Def],
    by_path: dict[str, SdkMethod],
) -> SdkClient:
    pkg = scanner.pkg
    is_async = pkg.derives_from(cls, _CLIENT_BASES) == _CLIENT_BASES[1][1]
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
        unsupported=tuple(_compress(absent | raising, universe)),
        raises=tuple(_compress(raising, set(tree))),
    )


def _scan_beta_names(scanner: _Scanner, methods: list[SdkMethod]) -> list[SdkBetaName]:
    pkg = scanner.pkg
    literal: set[str] = set()
    found = pkg.resolve_name(*_BETA_LITERAL)
    if isinstance(found, _Value):
        for node in ast.walk(found.value):
            if isinstance(node, ast.Subscript) and _is_name(node.value, "Literal"):
                literal |= {
                    c.value for c in ast.walk(node.slice) if isinstance(c, ast.Constant) and isinstance(c.value, str)
                }
    else:
        scanner.note(f"{'.'.join(_BETA_LITERAL)}: Literal of beta names not found")

    # Automatic betas by path, compressed to whole resources where every method adds the name.
    universe = {m.path for m in methods}
    adders: dict[str, set[str]] = {}
    for method in methods:
        for name in method.adds:
            adders.setdefault(name, set()).add(method.path)
    sent_by: dict[str, set[str]] = {name: set(_compress(paths, universe)) for name, paths in adders.items()}

    # Every source file that mentions a beta name: values outside resources/ and types/ are sent
    # (OAuth headers, the fallback middleware, the session runner); the rest is prose or a test.
    mentions: dict[str, set[str]] = {}
    for module, info in sorted(pkg.modules.items()):
        text = info.path.read_text(encoding="utf-8")
        names_in_text = set(_beta_names_in(text))
        if not names_in_text:
            continue
        top = info.rel.split("/")[0]
        if top in ("resources", "types"):
            # Generated code: its automatic betas are the methods' `adds`, anything else is prose.
            for name in names_in_text:
                mentions.setdefault(name, set()).add(info.rel)
            continue
        tree = pkg.tree(module)
        skip_docs = _docstring_ids(tree)
        compared = _compared_ids(tree)
        valued: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and id(node) not in skip_docs and id(node) not in compared:
                valued.update(_exact_beta(node.value))
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


# --------------------------------------------------------------------------------------------
# TOML


def _q(text: str) -> str:
    """A TOML basic string: JSON's escapes are valid TOML, except that TOML also bars a raw DEL.

    `ensure_ascii=False` keeps non-ASCII as UTF-8: JSON would write astral characters as surrogate
    pairs, which TOML rejects.
    """
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _array(items: Iterable[str], indent: str = "") -> str:
    values = [_q(item) for item in items]
    one_line = "[" + ", ".join(values) + "]"
    if len(one_line) + len(indent) <= 100 or not values:
        return one_line
    inner = "".join(f"{indent}    {value},\n" for value in values)
    return "[\n" + inner + indent + "]"


def _bool(value: bool) -> str:
    return "true" if value else "false"


def render_routes_toml(scan: SdkScan) -> str:
    """The generated data file: deterministic (sorted, no timestamps), so a re-run changes nothing."""
    out: list[str] = [
        f"# Generated by `beta-lint registry sync` from anthropic {scan.version}. Do not edit by hand.",
        "# Read statically from the SDK's sources. Methods are the sync client's: the Async* clients and the",
        "# accessors in mirror-accessors mirror them; helpers only the async clients have say async-only.",
        f"sdk-version = {_q(scan.version)}",
        f"mirror-accessors = {_array(sorted(scan.mirror_accessors))}",
        "# What the scan could not read statically.",
        f"unresolved = {_array(sorted(scan.unresolved))}",
    ]
    for client in sorted(scan.clients, key=lambda c: c.name):
        out += [
            "",
            "[[client]]",
            f"name = {_q(client.name)}",
            f"qualified-names = {_array(sorted(client.qualified_names))}",
            f"platform = {_q(client.platform)}",
            f"async = {_bool(client.is_async)}",
            f"unsupported = {_array(sorted(client.unsupported))}",
            f"raises = {_array(sorted(client.raises))}",
        ]
    for method in sorted(scan.methods, key=lambda m: m.path):
        out += ["", "[[method]]", f"path = {_q(method.path)}"]
        if method.http_method is not None:
            out.append(f"http-method = {_q(method.http_method)}")
        if method.route is not None:
            out.append(f"route = {_q(method.route)}")
        out += [
            f"betas-param = {_bool(method.betas_param)}",
            f"adds = {_array(sorted(method.adds))}",
            f"helper = {_bool(method.helper)}",
        ]
        if method.async_only:
            out.append("async-only = true")
    for beta in sorted(scan.beta_names, key=lambda b: b.name):
        out += [
            "",
            "[[beta-name]]",
            f"name = {_q(beta.name)}",
            f"in-literal = {_bool(beta.in_literal)}",
            f"sent-by = {_array(sorted(beta.sent_by))}",
        ]
        if beta.mentioned_in:
            out.append(f"mentioned-in = {_array(sorted(beta.mentioned_in))}")
    return "\n".join(out) + "\n"


def _get(table: Mapping[str, Any], key: str, kind: type, default: Any = None) -> Any:
    value = table.get(key, default)
    if value is default and default is not None:
        return value
    if value is None:
        raise SyncError(f"{ROUTES_FILE}: missing key {key!r}")
    if not isinstance(value, kind):
        raise SyncError(f"{ROUTES_FILE}: {key!r} should be a {kind.__name__}")
    return value


def _strings(table: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = _get(table, key, list, [])
    if not all(isinstance(item, str) for item in value):
        raise SyncError(f"{ROUTES_FILE}: {key!r} should be a list of strings")
    return tuple(value)


def _optional_str(table: Mapping[str, Any], key: str) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        raise SyncError(f"{ROUTES_FILE}: {key!r} should be a string")
    return value


def _tables(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise SyncError(f"{ROUTES_FILE}: [[{key}]] should be an array of tables")
    return value


def load_routes_toml(text: str) -> SdkScan:
    """Read a file written by `render_routes_toml` back into an `SdkScan`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SyncError(f"{ROUTES_FILE} is not valid TOML: {error}") from None
    clients = tuple(
        SdkClient(
            name=_get(raw, "name", str),
            qualified_names=_strings(raw, "qualified-names"),
            platform=_get(raw, "platform", str),
            is_async=_get(raw, "async", bool, False),
            unsupported=_strings(raw, "unsupported"),
            raises=_strings(raw, "raises"),
        )
        for raw in _tables(data, "client")
    )
    methods = tuple(
        SdkMethod(
            path=_get(raw, "path", str),
            http_method=_optional_str(raw, "http-method"),
            route=_optional_str(raw, "route"),
            betas_param=_get(raw, "betas-param", bool, False),
            adds=_strings(raw, "adds"),
            helper=_get(raw, "helper", bool, False),
            async_only=_get(raw, "async-only", bool, False),
        )
        for raw in _tables(data, "method")
    )
    beta_names = tuple(
        SdkBetaName(
            name=_get(raw, "name", str),
            in_literal=_get(raw, "in-literal", bool, False),
            sent_by=_strings(raw, "sent-by"),
            mentioned_in=_strings(raw, "mentioned-in"),
        )
        for raw in _tables(data, "beta-name")
    )
    return SdkScan(
        version=_get(data, "sdk-version", str),
        clients=clients,
        methods=methods,
        beta_names=beta_names,
        mirror_accessors=_strings(data, "mirror-accessors"),
        unresolved=_strings(data, "unresolved"),
    )


# --------------------------------------------------------------------------------------------
# Diff and sync


def _listed(items: Iterable[str]) -> str:
    values = sorted(items)
    return ", ".join(values) if values else "(none)"


def _method_line(method: SdkMethod) -> str:
    where = " ".join(part for part in (method.http_method, method.route) if part)
    return f"{method.path} {where}".rstrip() + (" (helper)" if method.helper and not where else "")


def diff_scans(old: SdkScan | None, new: SdkScan) -> list[str]:
    """What changed, one human line each: `+` added, `-` removed, `~` changed."""
    lines: list[str] = []
    if old is None:
        old = SdkScan(version="", clients=(), methods=(), beta_names=())
    if old.version != new.version:
        lines.append(f"~ sdk-version {old.version or '(none)'} -> {new.version}")

    old_clients = {c.name: c for c in old.clients}
    new_clients = {c.name: c for c in new.clients}
    for name in sorted(old_clients.keys() | new_clients.keys()):
        before, after = old_clients.get(name), new_clients.get(name)
        if before is None and after is not None:
            lines.append(f"+ client {name} ({after.platform})")
        elif after is None and before is not None:
            lines.append(f"- client {name}")
        elif before is not None and after is not None:
            for label, a, b in (
                ("platform", (before.platform,), (after.platform,)),
                ("qualified-names", before.qualified_names, after.qualified_names),
                ("unsupported", before.unsupported, after.unsupported),
                ("raises", before.raises, after.raises),
            ):
                if sorted(a) != sorted(b):
                    lines.append(f"~ client {name} {label}: {_listed(a)} -> {_listed(b)}")

    old_methods = {m.path: m for m in old.methods}
    new_methods = {m.path: m for m in new.methods}
    for path in sorted(old_methods.keys() | new_methods.keys()):
        was, now = old_methods.get(path), new_methods.get(path)
        if was is None and now is not None:
            lines.append(f"+ method {_method_line(now)}")
        elif now is None and was is not None:
            lines.append(f"- method {_method_line(was)}")
        elif was is not None and now is not None:
            if (was.http_method, was.route) != (now.http_method, now.route):
                route_was = " ".join(p for p in (was.http_method, was.route) if p) or "(none)"
                route_now = " ".join(p for p in (now.http_method, now.route) if p) or "(none)"
                lines.append(f"~ method {path} route: {route_was} -> {route_now}")
            if sorted(was.adds) != sorted(now.adds):
                lines.append(f"~ method {path} adds: {_listed(was.adds)} -> {_listed(now.adds)}")
            if was.betas_param != now.betas_param:
                lines.append(f"~ method {path} betas-param: {_bool(was.betas_param)} -> {_bool(now.betas_param)}")
            if was.async_only != now.async_only:
                lines.append(f"~ method {path} async-only: {_bool(was.async_only)} -> {_bool(now.async_only)}")
            if was.helper != now.helper:
                lines.append(f"~ method {path} helper: {_bool(was.helper)} -> {_bool(now.helper)}")

    old_names = {b.name: b for b in old.beta_names}
    new_names = {b.name: b for b in new.beta_names}
    for name in sorted(old_names.keys() | new_names.keys()):
        had, has = old_names.get(name), new_names.get(name)
        if had is None and has is not None:
            lines.append(f"+ beta name {name}" + (" (in Literal)" if has.in_literal else ""))
        elif has is None and had is not None:
            lines.append(f"- beta name {name}")
        elif had is not None and has is not None:
            if had.in_literal != has.in_literal:
                lines.append(f"~ beta name {name} in-literal: {_bool(had.in_literal)} -> {_bool(has.in_literal)}")
            if sorted(had.sent_by) != sorted(has.sent_by):
                lines.append(f"~ beta name {name} sent-by: {_listed(had.sent_by)} -> {_listed(has.sent_by)}")
    return lines


def _write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, so readers never see half a file."""
    handle = tempfile.NamedTemporaryFile(
        "w",
        encoding="utf-8",
        newline="\n",
        dir=path.parent,
        prefix=f".{path.name}.",
        suffix=".tmp",
        delete=False,
    )
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def sync(rules_dir: Path, package_dir: Path, *, write: bool = True) -> list[str]:
    """Regenerate `rules_dir/sdk-routes.toml` from the SDK at `package_dir`; return what changed.

    With `write=False` nothing is written (a check mode): a non-empty result means the file is stale.
    """
    target = rules_dir / ROUTES_FILE
    old: SdkScan | None = None
    notes: list[str] = []
    old_text: str | None = None
    if target.is_file():
        old_text = target.read_text(encoding="utf-8")
        try:
            old = load_routes_toml(old_text)
        except SyncError as error:
            notes.append(f"! the existing file could not be read ({error}); everything is reported as new")
    new = scan_sdk(package_dir)
    text = render_routes_toml(new)
    changes = diff_scans(old, new)
    if old is not None and not changes and text != old_text:
        # Same data, different text (notes, layout, a hand edit): still stale for a `--check`.
        changes = [f"~ {ROUTES_FILE} text differs (unresolved notes or layout only)"]
    if write and text != old_text:
        if not rules_dir.is_dir():
            raise SyncError(f"no rules folder at {rules_dir}")
        _write_atomically(target, text)
    return notes + changes
