"""The SDK's modules as the scanner sees them: parsed lazily with `ast`, imports followed by name,
class hierarchies and string constants resolved statically. The SDK is never imported."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    pass
else:  # pragma: no cover - exercised on Python 3.10 only
    pass

from beta_lint.knowledge.sdk.records import BETA_NAME, NOT_BETA_PREFIXES, PACKAGE, SyncError


@dataclass(frozen=True)
class _Import:
    module: str
    attr: str | None  # None: the module itself


@dataclass(frozen=True, eq=False)
class Def:
    """A class or function definition; identity is the AST node's."""

    module: str
    node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
    owner: ast.ClassDef | None = None  # the class a method is defined in

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Def) and other.node is self.node

    def __hash__(self) -> int:
        return id(self.node)


@dataclass(frozen=True)
class _Mod:
    name: str


@dataclass(frozen=True, eq=False)
class Value:
    """A module-level assignment that is not an alias of another definition."""

    module: str
    name: str
    value: ast.expr


_Ref = Def | _Mod | Value
Binding = _Import | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef | ast.expr


@dataclass
class _ModuleInfo:
    name: str
    path: Path
    rel: str  # posix path relative to the package folder
    is_package: bool
    _tree: ast.Module | None = None
    _bindings: dict[str, Binding] | None = None
    stars: list[str] = field(default_factory=list)


def decorator_names(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> set[str]:
    names: set[str] = set()
    for deco in node.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        if isinstance(target, ast.Name):
            names.add(target.id)
        elif isinstance(target, ast.Attribute):
            names.add(target.attr)
    return names


def docstring_ids(tree: ast.AST) -> set[int]:
    """ids of the docstring constants under `tree`: prose, never a value sent."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                if isinstance(first.value.value, str):
                    found.add(id(first.value))
    return found


def compared_ids(tree: ast.AST) -> set[int]:
    """ids of the direct operands of comparisons: `"x" in betas` tests for a name, it does not send it."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            found.add(id(node.left))
            found.update(id(c) for c in node.comparators)
    return found


def beta_names_in(text: str) -> list[str]:
    return [m.group(0) for m in BETA_NAME.finditer(text) if not m.group(0).startswith(NOT_BETA_PREFIXES)]


def exact_beta(value: object) -> list[str]:
    """The beta names a string value is made of ("a" or "a,b"), or [] if it is anything else."""
    if not isinstance(value, str):
        return []
    items = [item.strip() for item in value.split(",")]
    if items and all(BETA_NAME.fullmatch(item) and not item.startswith(NOT_BETA_PREFIXES) for item in items):
        return items
    return []


def attr_chain(node: ast.expr) -> list[str] | None:
    """`self._client.beta.messages.create` -> ["self", "_client", "beta", "messages", "create"]."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Call):  # cast("Anthropic", self._client).beta... : look through the call
        inner = node.args[-1] if node.args else None
        if inner is None:
            return None
        rest = attr_chain(inner)
        return None if rest is None else [*rest, *reversed(parts)]
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return list(reversed(parts))


class Package:
    """The modules of one package folder, parsed lazily, with import-following name resolution."""

    def __init__(self, root: Path, name: str = PACKAGE) -> None:
        self.root = root
        self.name = name
        self.modules: dict[str, _ModuleInfo] = {}
        self._mro: dict[Def, list[Def]] = {}
        self._local: dict[int, dict[str, Binding]] = {}
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

    def _imports_of(self, module: str, stmts: Iterable[ast.stmt], into: dict[str, Binding]) -> list[str]:
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

    def bindings(self, module: str) -> dict[str, Binding]:
        info = self.modules[module]
        if info._bindings is not None:
            return info._bindings
        found: dict[str, Binding] = {}
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

    def local_imports(self, module: str, node: ast.AST) -> dict[str, Binding]:
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
        self, module: str, name: str, binding: Binding, seen: frozenset[tuple[str, str]]
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
            return Def(module, binding)
        if isinstance(binding, (ast.Name, ast.Attribute)):  # `Client = Anthropic`: an alias
            return self.resolve_expr(module, binding, None, seen)
        return Value(module, name, binding)

    def resolve_expr(
        self,
        module: str,
        expr: ast.expr,
        local: Mapping[str, Binding] | None = None,
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
            if isinstance(base, Def) and isinstance(base.node, ast.ClassDef):
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

    def mro(self, cls: Def) -> list[Def]:
        """The class and its in-package bases in Python's (C3) order, most derived first.

        The order matters: `AnthropicGoogleCloud(BaseGoogleCloudClient, Anthropic)` takes
        `_supports_message_threads = True` from `Anthropic`, not the default of the shared `BaseClient`.
        """
        cached = self._mro.get(cls)
        if cached is not None:
            return cached
        self._mro[cls] = [cls]  # provisional: a cyclic base chain stops here instead of recursing
        bases: list[Def] = []
        assert isinstance(cls.node, ast.ClassDef)
        for base in cls.node.bases:
            found = self.resolve_expr(cls.module, base)
            if isinstance(found, Def) and isinstance(found.node, ast.ClassDef) and found != cls:
                bases.append(found)
        sequences = [list(self.mro(b)) for b in bases] + [list(bases)]
        order: list[Def] = [cls]
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

    def class_member(self, cls: Def, name: str) -> Def | None:
        for klass in self.mro(cls):
            assert isinstance(klass.node, ast.ClassDef)
            for stmt in klass.node.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
                    if "overload" not in decorator_names(stmt):
                        return Def(klass.module, stmt, klass.node)
        return None

    def derives_from(self, cls: Def, spec: tuple[str, tuple[str, ...]]) -> str | None:
        module, names = spec
        for klass in self.mro(cls):
            if klass.module == module and klass.node.name in names:
                return klass.node.name
        return None

    def class_attr(self, cls: Def, name: str) -> ast.expr | None:
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

    def string_value(self, module: str, expr: ast.expr, local: Mapping[str, Binding] | None = None) -> str | None:
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return expr.value
        if isinstance(expr, (ast.Name, ast.Attribute)):
            found = self.resolve_expr(module, expr, local)
            if isinstance(found, Value) and isinstance(found.value, ast.Constant):
                if isinstance(found.value.value, str):
                    return found.value.value
        return None


# What the scanner learns per method (Facts) and per followed helper (Summary).
@dataclass
class Summary:
    sent: set[str] = field(default_factory=set)
    reached: dict[Def, str] = field(default_factory=dict)
    refs: set[Def] = field(default_factory=set)


@dataclass
class Facts:
    betas_param: bool
    adds: set[str]
    http_method: str | None = None
    route: str | None = None
    helper: bool = False
    followed: bool = False
    route_from_span: bool = False
