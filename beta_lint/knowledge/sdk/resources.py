"""Resources: which attributes of a client or resource class lead to which resource class
(`@cached_property`, annotations, `self.x = Resource(self)`), and the tree of them under a client."""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    pass
else:  # pragma: no cover - exercised on Python 3.10 only
    pass

from beta_lint.knowledge.sdk.modules import Def, Facts, Package, Summary, decorator_names
from beta_lint.knowledge.sdk.records import (
    ACCESSOR_DECORATORS,
    CLIENT_BASES,
    MAX_DEPTH,
    MIRROR_ACCESSORS,
    RESOURCE_BASES,
)

_REMOVED = "removed"  # an accessor overridden to return None (Foundry's `models`)


@dataclass
class _Members:
    accessors: dict[str, Def | None] = field(default_factory=dict)  # None: removed on this class
    methods: dict[str, Def] = field(default_factory=dict)
    mirrors: set[str] = field(default_factory=set)


class ResourceScanner:
    def __init__(self, package_dir: Path) -> None:
        self.pkg = Package(package_dir)
        self.unresolved: list[str] = []
        self._members: dict[Def, _Members] = {}
        self.facts_cache: dict[Def, Facts] = {}
        self.guards_cache: dict[Def, set[str]] = {}
        self.summaries: dict[Def, Summary] = {}
        self.mirrors: set[str] = set()

    def note(self, text: str) -> None:
        if text not in self.unresolved:
            self.unresolved.append(text)

    # -- classes ------------------------------------------------------------------------------

    def is_resource(self, cls: Def) -> bool:
        return self.pkg.derives_from(cls, RESOURCE_BASES) is not None

    def _accessor_target(self, module: str, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> Def | str | None:
        """The resource class an accessor returns, `_REMOVED` for `-> None`, or None if not a resource."""
        if isinstance(fn.returns, ast.Constant) and fn.returns.value is None:
            return _REMOVED
        local = self.pkg.local_imports(module, fn)
        # What is constructed wins over the annotation: Foundry's `beta` is annotated `Beta`
        # but returns `BetaFoundry(self)`, which drops `messages.batches`.
        for node in ast.walk(fn):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
                found = self.pkg.resolve_expr(module, node.value.func, local)
                if isinstance(found, Def) and isinstance(found.node, ast.ClassDef) and self.is_resource(found):
                    return found
        if fn.returns is not None:
            found = self.pkg.resolve_expr(module, fn.returns, local)
            if isinstance(found, Def) and isinstance(found.node, ast.ClassDef) and self.is_resource(found):
                return found
        return None

    def members(self, cls: Def) -> _Members:
        cached = self._members.get(cls)
        if cached is not None:
            return cached
        result = _Members()
        self._members[cls] = result
        skip_modules = {RESOURCE_BASES[0], CLIENT_BASES[0]}
        for klass in reversed(self.pkg.mro(cls)):  # bases first, so subclasses override
            if klass.module in skip_modules:
                continue
            assert isinstance(klass.node, ast.ClassDef)
            self._collect(klass, result)
        return result

    def _set_accessor(self, into: _Members, name: str, target: Def | None) -> None:
        into.accessors[name] = target
        into.methods.pop(name, None)

    def _collect(self, klass: Def, into: _Members) -> None:
        assert isinstance(klass.node, ast.ClassDef)
        module = klass.module
        for stmt in klass.node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                decorators = decorator_names(stmt)
                if stmt.name in MIRROR_ACCESSORS:
                    into.mirrors.add(stmt.name)
                    continue
                if stmt.name == "__init__":
                    self._collect_init(module, stmt, into)
                if stmt.name.startswith("_"):
                    continue
                if decorators & ACCESSOR_DECORATORS:
                    target = self._accessor_target(module, stmt)
                    if target == _REMOVED:
                        self._set_accessor(into, stmt.name, None)
                    elif isinstance(target, Def):
                        self._set_accessor(into, stmt.name, target)
                    continue
                if "overload" in decorators:
                    continue  # the implementation that follows is the one recorded
                into.methods[stmt.name] = Def(module, stmt, klass.node)
                into.accessors.pop(stmt.name, None)
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                name = stmt.target.id
                if name.startswith("_") or name in MIRROR_ACCESSORS:
                    continue
                found = self.pkg.resolve_expr(module, stmt.annotation)
                if isinstance(found, Def) and isinstance(found.node, ast.ClassDef) and self.is_resource(found):
                    self._set_accessor(into, name, found)
            elif isinstance(stmt, ast.Assign):
                # `create = FirstPartyMessagesAPI.create`: platform resources reuse first-party methods.
                found = self.pkg.resolve_expr(module, stmt.value)
                if isinstance(found, Def) and isinstance(found.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
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
                    if isinstance(found, Def) and isinstance(found.node, ast.ClassDef) and self.is_resource(found):
                        self._set_accessor(into, target.attr, found)

    def tree_of(self, cls: Def) -> dict[str, Def]:
        """Every method reachable from an instance of `cls`, by attribute path."""
        out: dict[str, Def] = {}

        def walk(current: Def, prefix: str, stack: tuple[Def, ...]) -> None:
            if current in stack or len(stack) > MAX_DEPTH:
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
