"""Extract every beta usage from one Python source with a single libcst walk.

The walk (`_Collector`) only records: scopes and their bindings, imports, calls, header
mappings, strings and comments. Resolution happens afterwards (`_Resolver`), on demand, so a
constant defined below the function that sends it still resolves, as it does at run time.
Nothing is guessed: a value that cannot be followed statically becomes a dynamic usage.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Literal

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from beta_lint.knowledge.routes import RouteTable, SdkClient, SdkRoute
from beta_lint.model import (
    LINE_END_RE,
    Export,
    Extraction,
    HeaderKey,
    HeaderText,
    Location,
    Request,
    Suppression,
    Usage,
    UsageKind,
)

HEADER_KEY = "anthropic-beta"
# Keys that were meant to be the anthropic-beta header but are not (in a headers mapping).
_NEAR_HEADER_KEY_RE = re.compile(r"^\s*(x-)?anthropic[-_ ]?betas?\s*:?\s*$", re.IGNORECASE)
# "anthropic-beta: a,b" inside any string (curl lines, raw HTTP, subprocess arguments).
_RAW_HEADER_RE = re.compile(r"anthropic-beta\s*:[ \t]*(?P<value>[^\"'\r\n\\]*)", re.IGNORECASE)
_TOKEN_RE = re.compile(r"[^,;\s]+")
_SUPPRESS_RE = re.compile(
    r"#\s*(?:noqa(?::\s*(?P<noqa>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?"
    r"|beta-lint:\s*ignore(?:\[(?P<ignore>[^\]]*)\])?)",
    re.IGNORECASE,
)
_COLLECTION_METHODS = {"append": "append", "extend": "extend", "add": "append", "insert": "insert", "update": "update"}
_PASSTHROUGH_ATTRS = {"with_raw_response", "with_streaming_response"}
_CLIENT_COPIES = {"with_options", "copy"}
DYNAMIC = "dynamic"  # placeholder word for an unresolved part of a header value
_MAX_ALTERNATIVES = 16
_DATED_RE = re.compile(r"[a-z0-9]-\d{4}-\d{1,2}-\d{1,2}")
_LOG_CALLS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "print"})
# Method names that are never API requests: skip resolving their receivers (the common case).
_COMMON_NON_REQUESTS = frozenset(
    {
        "append",
        "extend",
        "add",
        "update",
        "join",
        "split",
        "format",
        "strip",
        "replace",
        "startswith",
        "endswith",
        "items",
        "keys",
        "values",
        "get",
        "pop",
        "lower",
        "upper",
        "encode",
        "decode",
        "info",
        "debug",
        "warning",
        "error",
        "exception",
        "setdefault",
        "insert",
        "remove",
        "copy",
        "with_options",
    }
)
_MAX_DEPTH = 24


# ---------------------------------------------------------------- positions


class LineIndex:
    """Converts libcst's (line, 0-based column) positions to code-point offsets and back.

    With a line map (a sliced file), parsed line i is line line_map[i - 1] of `text`.
    """

    def __init__(self, text: str, line_map: Sequence[int] | None = None) -> None:
        self.text = text
        self.line_map = line_map
        self.starts = [0]
        for match in LINE_END_RE.finditer(text):
            self.starts.append(match.end())

    def offset(self, line: int, column: int) -> int:
        if self.line_map is not None:
            line = self.line_map[line - 1] if line <= len(self.line_map) else self.line_map[-1] + 1
        return self.starts[min(line, len(self.starts)) - 1] + column

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and 1-based column of a code-point offset."""
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


# ---------------------------------------------------------------- collected facts


@dataclass
class _Scope:
    kind: Literal["module", "class", "function"]
    name: str
    parent: _Scope | None
    bindings: dict[str, list[_Binding]] = field(default_factory=dict)
    returns: list[cst.BaseExpression] = field(default_factory=list)
    return_annotation: cst.BaseExpression | None = None
    # For a class: `self.x` attribute bindings from its methods; for a method: its class.
    self_attrs: dict[str, list[_Binding]] = field(default_factory=dict)
    owner_class: _Scope | None = None
    self_name: str | None = None


BindingOp = Literal["assign", "append", "extend", "insert", "update", "iadd", "param", "with", "subscript"]


@dataclass
class _Binding:
    op: BindingOp
    value: cst.BaseExpression | None
    scope: _Scope
    annotation: cst.BaseExpression | None = None
    key: str | None = None  # for subscript assignments: the key written


@dataclass
class _CallSite:
    node: cst.Call
    scope: _Scope


@dataclass
class _DictSite:
    node: cst.Dict
    scope: _Scope


@dataclass
class _StringSite:
    node: cst.BaseExpression
    scope: _Scope
    beta_named: bool  # bound (directly or as a list element) to a name containing "beta"
    bound_to: str | None


# ---------------------------------------------------------------- resolved values


@dataclass(frozen=True)
class _Frag:
    """A piece of text in a resolved value and where it came from."""

    text: str
    node: cst.CSTNode | None  # literal node holding it; None for a synthetic join separator
    start: int | None  # code-point offset of text[0] in the file when exactly known
    dynamic: bool = False
    site: cst.CSTNode | None = None  # first reference crossed from the send site
    via: str | None = None
    element: cst.CSTNode | None = None  # list element holding it
    origin: Location | None = None  # where text[0] is written in ANOTHER module (cross-module constant)


@dataclass(frozen=True)
class _Item:
    """One element of a resolved list: a text made of fragments."""

    frags: tuple[_Frag, ...]


_Text = tuple[_Frag, ...]
_List = tuple[_Item, ...]


class _Collector(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.module_scope = _Scope("module", "<module>", None)
        self.scope = self.module_scope
        self.imports: dict[str, str] = {}  # local name -> qualified name
        self.from_imports: dict[str, tuple[int, str, str]] = {}  # local -> (level, module, name)
        self.calls: list[_CallSite] = []
        self.dicts: list[_DictSite] = []
        self.strings: list[_StringSite] = []
        self.docstrings: set[int] = set()
        self.comments: list[cst.Comment] = []
        self._beta_named_nodes: dict[int, str] = {}
        self.functions: dict[str, _Scope] = {}

    # -- dispatch: libcst looks up visit_<Type> and visit_<Type>_<attribute> by name for every
    # node and attribute (a third of the walk's time); this collector has no attribute hooks,
    # and looks each node type's hooks up once.
    _visits: ClassVar[dict[type, Callable[[Any, Any], bool | None] | None]] = {}
    _leaves: ClassVar[dict[type, Callable[[Any, Any], None] | None]] = {}

    def on_visit(self, node: cst.CSTNode) -> bool:
        kind = type(node)
        try:
            hook = self._visits[kind]
        except KeyError:
            hook = self._visits[kind] = getattr(type(self), f"visit_{kind.__name__}", None)
        return hook is None or hook(self, node) is not False

    def on_leave(self, original_node: cst.CSTNode) -> None:
        kind = type(original_node)
        try:
            hook = self._leaves[kind]
        except KeyError:
            hook = self._leaves[kind] = getattr(type(self), f"leave_{kind.__name__}", None)
        if hook is not None:
            hook(self, original_node)

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        pass

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        pass

    # -- scopes
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scope = _Scope("class", node.name.value, self.scope)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        assert self.scope.parent is not None
        self._bind(self.scope.parent, original_node.name.value, _Binding("assign", None, self.scope.parent))
        self.scope = self.scope.parent

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        parent = self.scope
        scope = _Scope("function", node.name.value, parent, return_annotation=_annotation(node.returns))
        if parent.kind == "class":
            scope.owner_class = parent
            params = node.params.params
            if params and not _is_static(node):
                scope.self_name = params[0].name.value
        elif parent.owner_class is not None:
            scope.owner_class = parent.owner_class
            scope.self_name = parent.self_name
        if parent.kind == "module":
            self.functions[node.name.value] = scope
        for param in (*node.params.params, *node.params.kwonly_params, *node.params.posonly_params):
            annotation = _annotation(param.annotation)
            self._bind(scope, param.name.value, _Binding("param", param.default, scope, annotation))
        self.scope = scope

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        assert self.scope.parent is not None
        self.scope = self.scope.parent

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None and self.scope.kind == "function":
            self.scope.returns.append(node.value)

    # -- imports
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = _dotted(alias.name)
            if dotted is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.imports[alias.asname.name.value] = dotted
            else:
                self.imports[dotted.split(".")[0]] = dotted.split(".")[0]

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        module = _dotted(node.module) if node.module is not None else ""
        if module is None:
            return
        level = len(node.relative)
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):
                continue
            local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else None
            if not level:
                self.imports[local or alias.name.value] = f"{module}.{alias.name.value}"
            # Kept for the project-wide symbol table: `from .config import FILES_BETA`.
            self.from_imports[local or alias.name.value] = (level, module, alias.name.value)

    # -- bindings
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._assign(target.target, node.value, None)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._assign(node.target, node.value, _annotation(node.annotation))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name) and isinstance(node.operator, cst.AddAssign | cst.BitOrAssign):
            self._bind(self.scope, node.target.value, _Binding("iadd", node.value, self.scope))
            self._mark_beta_named(node.target.value, node.value)
        elif (attr := self._self_attr(node.target)) is not None and isinstance(node.operator, cst.AddAssign):
            self._bind_self(attr, _Binding("iadd", node.value, self.scope))

    def visit_With(self, node: cst.With) -> None:
        for item in node.items:
            if item.asname is not None and isinstance(item.asname.name, cst.Name):
                self._bind(self.scope, item.asname.name.value, _Binding("with", item.item, self.scope))

    def visit_Expr(self, node: cst.Expr) -> None:
        value = node.value
        if isinstance(value, cst.SimpleString | cst.ConcatenatedString | cst.FormattedString):
            # A bare string statement is a docstring or a comment in disguise: never a usage.
            self.docstrings.add(id(value))
            return
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute):
            op = _COLLECTION_METHODS.get(value.func.attr.value)
            target = value.func.value
            if op is None or not value.args:
                return
            arg = value.args[-1].value if op == "insert" else value.args[0].value
            binding_op: BindingOp = "update" if op == "update" else op  # type: ignore[assignment]
            if isinstance(target, cst.Name):
                self._bind(self.scope, target.value, _Binding(binding_op, arg, self.scope))
                self._mark_beta_named(target.value, arg)
            elif (attr := self._self_attr(target)) is not None:
                self._bind_self(attr, _Binding(binding_op, arg, self.scope))

    def _assign(self, target: cst.BaseExpression, value: cst.BaseExpression | None, annotation: object) -> None:
        ann = annotation if isinstance(annotation, cst.BaseExpression) else None
        if isinstance(target, cst.Name):
            self._bind(self.scope, target.value, _Binding("assign", value, self.scope, ann))
            if self.scope.kind == "class":
                # Class-body values (dataclass defaults included) are what `self.x` reads.
                self.scope.self_attrs.setdefault(target.value, []).append(_Binding("assign", value, self.scope, ann))
            if value is not None:
                self._mark_beta_named(target.value, value)
        elif (attr := self._self_attr(target)) is not None:
            self._bind_self(attr, _Binding("assign", value, self.scope, ann))
            if value is not None:
                self._mark_beta_named(attr, value)
        elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name) and value is not None:
            key = _subscript_key(target)
            if key is not None:
                self._bind(self.scope, target.value.value, _Binding("subscript", value, self.scope, key=key))
        elif isinstance(target, cst.Subscript) and value is not None and (attr := self._self_attr(target.value)):
            key = _subscript_key(target)
            if key is not None:
                self._bind_self(attr, _Binding("subscript", value, self.scope, key=key))

    def _self_attr(self, node: cst.BaseExpression) -> str | None:
        if (
            isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and self.scope.self_name is not None
            and node.value.value == self.scope.self_name
        ):
            return node.attr.value
        return None

    def _bind_self(self, attr: str, binding: _Binding) -> None:
        owner = self.scope.owner_class
        if owner is not None:
            owner.self_attrs.setdefault(attr, []).append(binding)

    @staticmethod
    def _bind(scope: _Scope, name: str, binding: _Binding) -> None:
        scope.bindings.setdefault(name, []).append(binding)

    def _mark_beta_named(self, name: str, value: cst.BaseExpression) -> None:
        if "beta" not in name.lower():
            return
        nodes: Iterable[cst.BaseExpression] = [value]
        if isinstance(value, cst.List | cst.Tuple | cst.Set):
            nodes = [el.value for el in value.elements if isinstance(el, cst.Element)]
        for item in nodes:
            if isinstance(item, cst.SimpleString | cst.ConcatenatedString):
                self._beta_named_nodes[id(item)] = name

    # -- things to resolve later
    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(_CallSite(node, self.scope))
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        if name in _LOG_CALLS and node.args:
            # A log message that mentions the header ("anthropic-beta: %s") sends nothing.
            self.docstrings.add(id(node.args[0].value))

    def visit_Dict(self, node: cst.Dict) -> None:
        for element in node.elements:
            if isinstance(element, cst.DictElement) and _near_header_key(_string_value(element.key)):
                self.dicts.append(_DictSite(node, self.scope))
                return

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._string(node)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> bool:
        self._string(node)
        return False  # its parts are not strings of their own

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._string(node)

    def _string(self, node: cst.BaseExpression) -> None:
        if id(node) in self.docstrings:
            return
        name = self._beta_named_nodes.get(id(node))
        self.strings.append(_StringSite(node, self.scope, name is not None, name))

    def visit_Comment(self, node: cst.Comment) -> None:
        if "noqa" in node.value.lower() or "beta-lint" in node.value.lower():
            self.comments.append(node)


# ---------------------------------------------------------------- small helpers


def _annotation(node: cst.Annotation | None) -> cst.BaseExpression | None:
    return node.annotation if node is not None else None


def _is_static(node: cst.FunctionDef) -> bool:
    return any(isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod" for d in node.decorators)


def _dotted(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


class InvalidLiteral(ValueError):
    """A string literal Python itself would reject (`"\\N{nonexistent}"`): the file is not valid."""


def _evaluated(node: cst.SimpleString | cst.ConcatenatedString) -> str | bytes | None:
    try:
        return node.evaluated_value
    except (SyntaxError, ValueError, UnicodeError) as error:
        raise InvalidLiteral(str(error)) from None


def _string_value(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
        value = _evaluated(node)
        return value if isinstance(value, str) else None
    return None


def _subscript_key(node: cst.Subscript) -> str | None:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    return _string_value(node.slice[0].slice.value)


def _near_header_key(key: str | None) -> bool:
    return key is not None and bool(_NEAR_HEADER_KEY_RE.match(key))


def is_header_key(key: str | None) -> bool:
    return key is not None and key.lower() == HEADER_KEY


def _literal_body(node: cst.SimpleString) -> tuple[int, str, bool]:
    """(offset of the body inside the token, body, exact) for a simple string literal."""
    prefix = node.prefix
    quote = node.quote
    body = node.value[len(prefix) + len(quote) : len(node.value) - len(quote)]
    raw = "r" in prefix.lower()
    exact = raw or "\\" not in body
    return len(prefix) + len(quote), body, exact and "b" not in prefix.lower()


@dataclass
class _Callee:
    kind: Literal["sdk-method", "sdk-client", "sdk-copy", "http", "http-client", "unknown"]
    path: str | None = None  # SDK method path relative to the client
    route: SdkRoute | None = None
    client: SdkClient | None = None
    resolved: bool = False  # the receiver is known to be an SDK client
    http_method: str | None = None
    url: cst.BaseExpression | None = None
    base_url: str | None = None
    origin: cst.CSTNode | None = None  # the call that created the client (its identity)


# ---------------------------------------------------------------- resolution


# (importing path, relative level, module, name) -> the export, or None when not in the scan.
ExternalLookup = Callable[[str, int, str, str], "Export | None"]


class _Resolver:
    def __init__(
        self,
        collector: _Collector,
        spans: Callable[[cst.CSTNode], tuple[int, int]],
        lines: LineIndex,
        path: str,
        cell: int | None,
        routes: RouteTable,
        registry_names: frozenset[str],
        external: ExternalLookup | None = None,
    ) -> None:
        self.c = collector
        self.external = external
        self.wanted: set[str] = set()
        self.spans = spans
        self.lines = lines
        self.path = path
        self.cell = cell
        self.routes = routes
        self.registry_names = registry_names
        self.usages: list[Usage] = []
        self.requests: list[Request] = []
        self.consumed: set[int] = set()  # literal nodes that reached a send context
        self.consumed_dicts: set[int] = set()
        self._per_node: dict[int, int] = {}  # requests made so far at each node offset
        self._instances: dict[tuple[int, int], _Callee] = {}

    # -- locations
    def loc(self, node: cst.CSTNode) -> Location:
        return self.span(*self.spans(node))

    def span(self, start: int, end: int) -> Location:
        line, column = self.lines.position(start)
        end_line, end_column = self.lines.position(end)
        return Location(self.path, line, column, end_line, end_column, start, end, self.cell)

    def literal_start(self, node: cst.CSTNode) -> int:
        return self.spans(node)[0]

    # -- scope lookups
    def lookup(self, name: str, scope: _Scope) -> list[_Binding]:
        current: _Scope | None = scope
        first = True
        while current is not None:
            # Class bodies are not visible from the methods inside them (Python's rule).
            if (first or current.kind != "class") and name in current.bindings:
                return current.bindings[name]
            first = False
            current = current.parent
        return []

    def self_bindings(self, node: cst.BaseExpression, scope: _Scope) -> list[_Binding] | None:
        if not isinstance(node, cst.Attribute) or not isinstance(node.value, cst.Name):
            return None
        if scope.self_name is None or node.value.value != scope.self_name or scope.owner_class is None:
            return None
        return scope.owner_class.self_attrs.get(node.attr.value, [])

    def qualify(self, node: cst.BaseExpression, scope: _Scope) -> str | None:
        """The imported qualified name of an expression such as `ai.Anthropic`."""
        if isinstance(node, cst.Name):
            if self.lookup(node.value, scope) and node.value not in self.c.imports:
                return None
            return self.c.imports.get(node.value)
        if isinstance(node, cst.Attribute):
            base = self.qualify(node.value, scope)
            return f"{base}.{node.attr.value}" if base else None
        return None

    def imported(self, node: cst.BaseExpression, scope: _Scope) -> Export | None:
        """A constant imported from another scanned module, through the project table."""
        if not isinstance(node, cst.Name) or node.value not in self.c.from_imports or self.lookup(node.value, scope):
            return None
        level, module, name = self.c.from_imports[node.value]
        found = self.external(self.path, level, module, name) if self.external is not None else None
        if found is None:
            self.wanted.add(node.value)
        return found

    def _imported_frags(self, export: Export, node: cst.Name, site: cst.CSTNode | None) -> list[_Frag]:
        return [
            _Frag(text, None, None, site=site or node, via=node.value, origin=location)
            for text, location in export.items
        ]

    # -- values: lists of items
    def resolve_list(
        self, node: cst.BaseExpression, scope: _Scope, site: cst.CSTNode | None, depth: int = 0
    ) -> list[_List]:
        """Alternatives of the list a `betas=` value evaluates to."""
        if depth > _MAX_DEPTH:
            return [(self._dynamic_item(node, site),)]
        if isinstance(node, cst.List | cst.Tuple | cst.Set):
            alternatives: list[_List] = [()]
            for element in node.elements:
                if isinstance(element, cst.StarredElement):
                    parts = self.resolve_list(element.value, scope, site or element.value, depth + 1)
                else:
                    parts = self.resolve_element(element.value, scope, site, depth + 1)
                alternatives = _product(alternatives, parts)
            return alternatives
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add | cst.BitOr):
            left = self.resolve_list(node.left, scope, site, depth + 1)
            right = self.resolve_list(node.right, scope, site, depth + 1)
            return _product(left, right)
        if isinstance(node, cst.IfExp):
            return _limit(
                self.resolve_list(node.body, scope, site, depth + 1)
                + self.resolve_list(node.orelse, scope, site, depth + 1)
            )
        if isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Name) and func.value in {"list", "tuple", "set", "sorted", "frozenset"}:
                if not node.args:
                    return [()]
                return self.resolve_list(node.args[0].value, scope, site, depth + 1)
            if isinstance(func, cst.Attribute) and func.attr.value == "split":
                texts = self.resolve_text(func.value, scope, site, depth + 1)
                return [tuple(_split_items(text)) for text in texts]
            if _dotted(func) in ("field", "dataclasses.field"):
                # A dataclass field: its default, or what its default_factory lambda returns.
                for arg in node.args:
                    if arg.keyword is not None and arg.keyword.value == "default":
                        return self.resolve_list(arg.value, scope, site, depth + 1)
                    if arg.keyword is not None and arg.keyword.value == "default_factory":
                        if isinstance(arg.value, cst.Lambda):
                            return self.resolve_list(arg.value.body, scope, site, depth + 1)
                        if isinstance(arg.value, cst.Name) and arg.value.value in {"list", "set", "tuple"}:
                            return [()]
        if isinstance(node, cst.Name | cst.Attribute):
            bindings = self._bindings_for(node, scope)
            if bindings:  # no binding here (a base class, another module): dynamic, never empty
                return self._list_from_bindings(node, bindings, scope, site, depth)
            export = self.imported(node, scope)
            if export is not None and isinstance(node, cst.Name):
                return [tuple(_Item((frag,)) for frag in self._imported_frags(export, node, site))]
        if isinstance(node, cst.SimpleString | cst.ConcatenatedString | cst.FormattedString):
            return [tuple(_Item(text) for text in self.resolve_text(node, scope, site, depth + 1))]
        return [(self._dynamic_item(node, site),)]

    def resolve_element(
        self, node: cst.BaseExpression, scope: _Scope, site: cst.CSTNode | None, depth: int
    ) -> list[_List]:
        """One list element: a string (one item) or a name bound to a string or a list."""
        export = self.imported(node, scope) if isinstance(node, cst.Name) else None
        if export is not None and isinstance(node, cst.Name):
            frags = self._imported_frags(export, node, site)
            if export.shape == "list":
                return [tuple(_Item((frag,)) for frag in frags)]
            return [(_Item(tuple(replace(f, element=node) for f in frags)),)]
        if isinstance(node, cst.Name | cst.Attribute):
            bindings = self._bindings_for(node, scope)
            if bindings is not None and bindings and all(_is_listish(b) for b in bindings):
                return self._list_from_bindings(node, bindings, scope, site, depth)
        texts = self.resolve_text(node, scope, site, depth)
        return [(_Item(_with_element(text, node)),) for text in texts]

    def _bindings_for(self, node: cst.BaseExpression, scope: _Scope) -> list[_Binding] | None:
        if isinstance(node, cst.Name):
            found = self.lookup(node.value, scope)
            return found if found else None
        return self.self_bindings(node, scope)

    def _list_from_bindings(
        self, node: cst.BaseExpression, bindings: list[_Binding], scope: _Scope, site: cst.CSTNode | None, depth: int
    ) -> list[_List]:
        name = _dotted(node)
        site = site or node
        base: list[_List] = []
        additions: list[list[_List]] = []
        for binding in bindings:
            if binding.value is None or binding.op in {"with", "subscript", "update"}:
                if binding.op == "param" and binding.value is None:
                    base.append((self._dynamic_item(node, site),))
                continue
            if binding.op == "param":
                # A parameter default is one possible value; callers may pass others.
                base.extend(self._via(self.resolve_list(binding.value, binding.scope, site, depth + 1), name))
                base.append((self._dynamic_item(node, site),))
            elif binding.op == "assign":
                base.extend(self._via(self.resolve_list(binding.value, binding.scope, site, depth + 1), name))
            elif binding.op in {"extend", "iadd"}:
                additions.append(self._via(self.resolve_list(binding.value, binding.scope, site, depth + 1), name))
            else:  # append / insert / add: one element
                additions.append(self._via(self.resolve_element(binding.value, binding.scope, site, depth + 1), name))
        if not base:
            base = [()]
        # Appends under any branch are collected into every alternative: an audit must see them.
        result = _limit(base)
        for added in additions:
            result = _product(result, added)
        return result

    def _via(self, lists: list[_List], name: str | None) -> list[_List]:
        if name is None:
            return lists
        return [
            tuple(_Item(tuple(_set_via(f, name) for f in item.frags)) for item in alternative) for alternative in lists
        ]

    def _dynamic_item(self, node: cst.CSTNode, site: cst.CSTNode | None) -> _Item:
        return _Item((_Frag(DYNAMIC, node, None, dynamic=True, site=site or node),))

    # -- values: texts
    def resolve_text(
        self, node: cst.BaseExpression, scope: _Scope, site: cst.CSTNode | None, depth: int = 0
    ) -> list[_Text]:
        """Alternatives of the string an expression evaluates to, as located fragments."""
        if depth > _MAX_DEPTH:
            return [(_Frag(DYNAMIC, node, None, dynamic=True, site=site or node),)]
        if isinstance(node, cst.SimpleString):
            value = _evaluated(node)
            if not isinstance(value, str):
                return [(_Frag(DYNAMIC, node, None, dynamic=True, site=site or node),)]
            body_at, body, exact = _literal_body(node)
            start = self.literal_start(node) + body_at if exact and body == value else None
            return [(_Frag(value, node, start, site=site or node),)]
        if isinstance(node, cst.ConcatenatedString):
            left = self.resolve_text(node.left, scope, site, depth + 1)
            right = self.resolve_text(node.right, scope, site, depth + 1)
            return [a + b for a in left for b in right][:_MAX_ALTERNATIVES]
        if isinstance(node, cst.FormattedString):
            alternatives: list[_Text] = [()]
            for part in node.parts:
                if isinstance(part, cst.FormattedStringText):
                    exact = "\\" not in part.value and "{{" not in part.value and "}}" not in part.value
                    text = part.value.replace("{{", "{").replace("}}", "}")
                    start = self.literal_start(part) if exact else None
                    pieces: list[_Text] = [(_Frag(text, part, start, site=site or part),)]
                elif isinstance(part, cst.FormattedStringExpression) and part.format_spec is None:
                    pieces = self.resolve_text(part.expression, scope, site, depth + 1)
                else:
                    pieces = [(_Frag(DYNAMIC, part, None, dynamic=True, site=site or part),)]
                alternatives = [a + b for a in alternatives for b in pieces][:_MAX_ALTERNATIVES]
            return alternatives
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            left = self.resolve_text(node.left, scope, site, depth + 1)
            right = self.resolve_text(node.right, scope, site, depth + 1)
            return [a + b for a in left for b in right][:_MAX_ALTERNATIVES]
        if isinstance(node, cst.IfExp):
            return (
                self.resolve_text(node.body, scope, site, depth + 1)
                + self.resolve_text(node.orelse, scope, site, depth + 1)
            )[:_MAX_ALTERNATIVES]
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "join":
            separator = self.resolve_text(node.func.value, scope, None, depth + 1)
            if len(separator) == 1 and node.args and not any(f.dynamic for f in separator[0]):
                sep = "".join(f.text for f in separator[0])
                results: list[_Text] = []
                for items in self.resolve_list(node.args[0].value, scope, site, depth + 1):
                    joined: list[_Frag] = []
                    for index, item in enumerate(items):
                        if index:
                            joined.append(_Frag(sep, None, None))
                        joined.extend(item.frags)
                    results.append(tuple(joined))
                return results[:_MAX_ALTERNATIVES]
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "str" and node.args:
            return self.resolve_text(node.args[0].value, scope, site, depth + 1)
        if isinstance(node, cst.Name | cst.Attribute):
            bindings = self._bindings_for(node, scope)
            if bindings:
                via = _dotted(node)
                found: list[_Text] = []
                for binding in bindings:
                    if binding.op == "param" and binding.value is None:
                        found.append((_Frag(DYNAMIC, node, None, dynamic=True, site=site or node),))
                        continue
                    if binding.value is None or binding.op not in {"assign", "param", "iadd"}:
                        continue
                    for resolved in self.resolve_text(binding.value, binding.scope, site or node, depth + 1):
                        found.append(tuple(_set_via(f, via) for f in resolved))
                if found:
                    return found[:_MAX_ALTERNATIVES]
            export = self.imported(node, scope)
            if export is not None and export.shape == "str" and isinstance(node, cst.Name):
                return [tuple(self._imported_frags(export, node, site))]
        return [(_Frag(DYNAMIC, node, None, dynamic=True, site=site or node),)]

    def _constant_text(self, node: cst.BaseExpression, scope: _Scope) -> str | None:
        texts = self.resolve_text(node, scope, None)
        if len(texts) != 1 or any(f.dynamic for f in texts[0]):
            return None
        return "".join(f.text for f in texts[0])

    # -- header mappings
    def resolve_mapping(
        self, node: cst.BaseExpression, scope: _Scope, site: cst.CSTNode | None, depth: int = 0
    ) -> tuple[list[tuple[cst.BaseExpression | str, cst.BaseExpression, _Scope, cst.CSTNode | None]], bool]:
        """Header entries with an anthropic-beta-like key: (key node, value, scope, site).

        The flag says whether the mapping was followed completely (no unknown parts).
        """
        entries: list[tuple[cst.BaseExpression | str, cst.BaseExpression, _Scope, cst.CSTNode | None]] = []
        if depth > _MAX_DEPTH:
            return entries, False
        if isinstance(node, cst.Dict):
            self.consumed_dicts.add(id(node))
            complete = True
            for element in node.elements:
                if isinstance(element, cst.DictElement):
                    key_text = _string_value(element.key)
                    if key_text is None and isinstance(element.key, cst.Name):
                        key_text = self._constant_text(element.key, scope)  # BETA_HEADER = "anthropic-beta"
                        if _near_header_key(key_text):
                            assert key_text is not None
                            entries.append((key_text, element.value, scope, site))
                            continue
                    if _near_header_key(key_text):
                        entries.append((element.key, element.value, scope, site))
                else:
                    found, whole = self.resolve_mapping(element.value, scope, site or element.value, depth + 1)
                    entries.extend(found)
                    complete = complete and whole
            return entries, complete
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "dict":
            complete = True
            for arg in node.args:
                if arg.keyword is None:
                    found, whole = self.resolve_mapping(arg.value, scope, site, depth + 1)
                    entries.extend(found)
                    complete = complete and whole
                elif _near_header_key(arg.keyword.value):
                    entries.append((arg.keyword.value, arg.value, scope, site))
            return entries, complete
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            left, left_whole = self.resolve_mapping(node.left, scope, site, depth + 1)
            right, right_whole = self.resolve_mapping(node.right, scope, site, depth + 1)
            return left + right, left_whole and right_whole
        if isinstance(node, cst.Name | cst.Attribute):
            bindings = self._bindings_for(node, scope)
            if bindings:
                complete = True
                for binding in bindings:
                    if binding.value is None:
                        complete = complete and binding.op != "param"
                        continue
                    if binding.op == "subscript":
                        if _near_header_key(binding.key):
                            assert binding.key is not None
                            entries.append((binding.key, binding.value, binding.scope, site or node))
                    elif binding.op in {"assign", "update", "param"}:
                        found, whole = self.resolve_mapping(binding.value, binding.scope, site or node, depth + 1)
                        entries.extend(found)
                        complete = complete and whole
                return entries, complete
        return entries, False

    # -- callees
    def callee(self, call: cst.Call, scope: _Scope) -> _Callee:
        func = call.func
        qualified = self.qualify(func, scope)
        if qualified is not None:
            client = self.routes.clients.get(qualified)
            if client is not None:
                return _Callee("sdk-client", client=client, resolved=True, origin=call)
            if self.routes.http_client_class(qualified):
                return _Callee("http-client")
            if self.routes.http_function(qualified) or self.routes.http_constructor(qualified):
                return self._http(call, qualified.rpartition(".")[2], None)
        if not isinstance(func, cst.Attribute):
            return _Callee("unknown")
        attrs: list[str] = []
        root: cst.BaseExpression = func
        copy: cst.Call | None = None  # the outermost client.with_options(...) in the chain
        while True:
            if isinstance(root, cst.Attribute) and self.self_bindings(root, scope) is not None:
                break  # `self.client`: the attribute itself is the receiver
            if isinstance(root, cst.Attribute):
                if root.attr.value not in _PASSTHROUGH_ATTRS:
                    attrs.append(root.attr.value)
                root = root.value
            elif (
                isinstance(root, cst.Call)
                and isinstance(root.func, cst.Attribute)
                and root.func.attr.value in _CLIENT_COPIES
            ):
                copy = copy or root
                root = root.func.value
            elif isinstance(root, cst.Await):
                root = root.expression
            else:
                break
        attrs.reverse()
        receiver = self.instance_of(root, scope, 0)
        if receiver.kind == "sdk-client":
            if attrs and attrs[-1] in _CLIENT_COPIES:
                return _Callee("sdk-copy", client=receiver.client, resolved=True, origin=call)
            path = ".".join(attrs)
            return _Callee(
                "sdk-method",
                path=path,
                route=self.routes.method(path),
                client=receiver.client,
                resolved=True,
                origin=copy or receiver.origin,
            )
        if receiver.kind == "http-client" and len(attrs) == 1:
            return self._http(call, attrs[0], receiver.base_url)
        if attrs and attrs[-1] in _CLIENT_COPIES:
            return _Callee("unknown")
        # An unresolved receiver: only the method path is known, from the chain's tail.
        route = self.routes.method_by_suffix(attrs)
        if route is not None:
            return _Callee("sdk-method", path=route.path, route=route, resolved=False)
        return _Callee("unknown")

    def _http(self, call: cst.Call, name: str, base_url: str | None) -> _Callee:
        verb = self.routes.verbs.get(name)
        positional = [arg.value for arg in call.args if arg.keyword is None and arg.star == ""]
        keywords = {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}
        url = keywords.get("url")
        method_node: cst.BaseExpression | None = keywords.get("method")
        if name in self.routes.generic:
            if method_node is None and positional:
                method_node = positional.pop(0)
            verb = _string_value(method_node) if method_node is not None else None
            verb = verb.upper() if verb else None
        elif name == "Request":  # urllib.request.Request(url, data, headers, ..., method)
            verb = (_string_value(method_node) or "").upper() or None
        if url is None and positional:
            url = positional[0]
        return _Callee("http", http_method=verb, url=url, base_url=base_url)

    def instance_of(self, node: cst.BaseExpression, scope: _Scope, depth: int) -> _Callee:
        """What an expression holds: an SDK client, an HTTP client, or unknown.

        Memoised per (expression, scope): factories calling factories (and recursion) would
        otherwise be explored once per path, which is exponential.
        """
        key = (id(node), id(scope))
        if key in self._instances:
            return self._instances[key]
        self._instances[key] = _Callee("unknown")  # a cycle back here resolves to unknown
        found = self._instance_of(node, scope, depth)
        self._instances[key] = found
        return found

    def _instance_of(self, node: cst.BaseExpression, scope: _Scope, depth: int) -> _Callee:
        if depth > 8:
            return _Callee("unknown")
        if isinstance(node, cst.Await):
            return self.instance_of(node.expression, scope, depth + 1)
        if isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value in _CLIENT_COPIES:
                inner = self.instance_of(func.value, scope, depth + 1)
                if inner.kind == "sdk-client":
                    return replace(inner, origin=node)  # a copy with its own options is a client of its own
                return inner
            qualified = self.qualify(func, scope)
            if qualified is not None:
                if qualified in self.routes.clients:
                    return _Callee("sdk-client", client=self.routes.clients[qualified], resolved=True, origin=node)
                if self.routes.http_client_class(qualified):
                    return _Callee("http-client", base_url=self._base_url(node, scope))
            if isinstance(func, cst.Name) and func.value in self.c.functions:
                return self._factory(self.c.functions[func.value], depth)
            return _Callee("unknown")
        if isinstance(node, cst.Name | cst.Attribute):
            bindings = self._bindings_for(node, scope)
            if not bindings:
                return _Callee("unknown")
            for binding in bindings:
                candidates: list[cst.BaseExpression] = []
                if binding.annotation is not None:
                    qualified = self.qualify(_unwrap_optional(binding.annotation), binding.scope)
                    if qualified in self.routes.clients:
                        assert qualified is not None
                        return _Callee("sdk-client", client=self.routes.clients[qualified], resolved=True)
                if binding.value is not None and binding.op in {"assign", "with", "param"}:
                    candidates.append(binding.value)
                for candidate in candidates:
                    found = self.instance_of(candidate, binding.scope, depth + 1)
                    if found.kind != "unknown":
                        return found
        return _Callee("unknown")

    def _factory(self, function: _Scope, depth: int) -> _Callee:
        if function.return_annotation is not None:
            qualified = self.qualify(_unwrap_optional(function.return_annotation), function)
            if qualified in self.routes.clients:
                assert qualified is not None
                return _Callee("sdk-client", client=self.routes.clients[qualified], resolved=True)
        for value in function.returns:
            found = self.instance_of(value, function, depth + 1)
            if found.kind != "unknown":
                return found
        return _Callee("unknown")

    def _base_url(self, call: cst.Call, scope: _Scope) -> str | None:
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "base_url":
                texts = self.resolve_text(arg.value, scope, None)
                if len(texts) == 1:
                    return "".join("{}" if f.dynamic else f.text for f in texts[0])
        return None

    def exports(self) -> tuple[Export, ...]:
        """Module-level beta constants: a dated string, or a list of strings, held by a name."""
        out: list[Export] = []
        for name, bindings in sorted(self.c.module_scope.bindings.items()):
            values = [b.value for b in bindings if b.op == "assign" and b.value is not None]
            if len(values) != 1 or len(bindings) != 1:
                continue
            value = values[0]
            if isinstance(value, cst.List | cst.Tuple | cst.Set):
                lists = self.resolve_list(value, self.c.module_scope, None)
                shape: Literal["str", "list"] = "list"
                if len(lists) != 1:
                    continue
                texts = [item.frags for item in lists[0]]
            elif isinstance(value, cst.SimpleString | cst.ConcatenatedString | cst.FormattedString | cst.Name):
                texts = [t for t in self.resolve_text(value, self.c.module_scope, None)]
                shape = "str"
                if len(texts) != 1:
                    continue
            else:
                continue
            items: list[tuple[str, Location]] = []
            for frags in texts:
                if len(frags) != 1 or frags[0].dynamic:
                    break
                frag = frags[0]
                if frag.origin is not None:
                    items.append((frag.text, frag.origin))
                elif frag.start is not None:
                    items.append((frag.text, self.span(frag.start, frag.start + len(frag.text))))
                else:
                    break
            else:
                if items and (shape == "list" or _DATED_RE.search(items[0][0])):
                    out.append(Export(name, shape, tuple(items)))
        return tuple(out)

    # -- the requests
    def run(self) -> None:
        for site in self.c.calls:
            self.call(site)
        for dict_site in self.c.dicts:
            if id(dict_site.node) not in self.consumed_dicts:
                self.header_mapping(dict_site)
        for string_site in self.c.strings:
            self.string(string_site)

    def call(self, site: _CallSite) -> None:
        call, scope = site.node, site.scope
        keywords = {arg.keyword.value: arg for arg in call.args if arg.keyword is not None}
        carriers = [k for k in ("betas", "extra_headers", "default_headers", "headers") if k in keywords]
        if not carriers and not self._may_send(call):
            return
        callee = self.callee(call, scope)
        if not carriers and not (callee.kind == "sdk-method" and callee.resolved) and callee.kind != "http":
            return
        endpoint, http_method, platform = self._endpoint(callee, scope)
        model, model_location = self._model(keywords.get("model"), scope)
        base = {
            "target": callee.path if callee.kind == "sdk-method" else ("http" if callee.kind == "http" else None),
            "endpoint": endpoint,
            "http_method": http_method,
            "platform": platform,
            "model": model,
            "model_location": model_location,
            "sdk_added": callee.route.adds if callee.route and callee.resolved else (),
            "sdk_method_known": callee.kind == "sdk-method" and callee.route is not None and callee.resolved,
            "betas_param": callee.route.betas_param if callee.route is not None and callee.resolved else None,
            "beta_namespace": (callee.path or "").startswith("beta.") if callee.resolved and callee.path else None,
            "client_wide": callee.kind in {"sdk-client", "sdk-copy", "http-client"},
            # Where the client was created: the same for every call through that client object.
            "client_key": self.loc(callee.origin).offset if callee.origin is not None else None,
        }
        star_args = any(arg.star for arg in call.args)
        sent_header = False
        for carrier in carriers:
            arg = keywords[carrier]
            keyword_location = self.loc(arg)
            if carrier == "betas":
                request = self._request(call, "betas", keyword_location=keyword_location, **base)
                lists = self.resolve_list(arg.value, scope, None)
                self._emit_list(request, "betas-argument", lists, arg)
            else:
                if callee.kind == "sdk-copy" and carrier == "default_headers":
                    kind = "with_options"
                else:
                    kind = carrier
                entries, complete = self.resolve_mapping(arg.value, scope, None)
                star_args = star_args or not complete
                for key, value, value_scope, entry_site in entries:
                    request = self._request(call, kind, keyword_location=keyword_location, **base)
                    self._emit_header(request, key, value, value_scope, entry_site, "header")
                    sent_header = sent_header or is_header_key(key if isinstance(key, str) else _string_value(key))
        resolved_call = (callee.kind == "sdk-method" and callee.resolved) or callee.kind == "http"
        if "betas" not in carriers and not sent_header and resolved_call:
            # A call that sends no beta of its own: still a request (the SDK may add one; a raw
            # call may need one). "unknown" when **kwargs or an unresolved mapping could hold it.
            self._request(call, "call", beta_header="unknown" if star_args else "absent", **base)

    @staticmethod
    def _may_send(call: cst.Call) -> bool:
        """Cheap test before resolving a callee: a call that could be an SDK or HTTP request."""
        func = call.func
        return isinstance(func, cst.Attribute) and func.attr.value not in _COMMON_NON_REQUESTS

    def header_mapping(self, site: _DictSite) -> None:
        """A header mapping not passed to any call we followed: still a usage."""
        entries, _ = self.resolve_mapping(site.node, site.scope, None)
        for key, value, value_scope, entry_site in entries:
            request = self._request(site.node, "mapping")
            self._emit_header(request, key, value, value_scope, entry_site, "header")

    def string(self, site: _StringSite) -> None:
        node = site.node
        if id(node) in self.consumed:
            return
        texts = self.resolve_text(node, site.scope, None)
        text = texts[0] if len(texts) == 1 else None
        value = "".join(f.text for f in text) if text is not None else None
        if value is None:
            return
        if "anthropic-beta" in value.lower() and ":" in value:
            for match in _RAW_HEADER_RE.finditer(value):
                self._raw_header(node, text or (), value, match)
            if _RAW_HEADER_RE.search(value):
                return
        stripped = value.strip()
        if stripped in self.registry_names or (site.beta_named and _looks_dated(stripped)):
            scope: Literal["all", "lifecycle"] = "all" if site.beta_named else "lifecycle"
            for item in _split_items(text or ()):
                self.usages.extend(self._item_usages(None, "literal", item, scope, 0, node))

    def _raw_header(self, node: cst.BaseExpression, text: _Text, value: str, match: re.Match[str]) -> None:
        endpoint = self.routes.endpoint_of_url(value)
        platform = self.routes.platform_of_url(value)
        request = self._request(node, "header-string", endpoint=endpoint, platform=platform)
        start, end = match.span("value")
        sliced = _slice(text, start, end)
        self._emit_texts(request, "header-string", [sliced], element=node)

    # -- emitting
    def _request(self, node: cst.CSTNode, carrier: str, **fields: object) -> Request:
        location = self.loc(node)
        # Ids come from the position, not a counter: the same request gets the same id however
        # much of the file was parsed (slicing) and in whatever order calls are visited.
        count = self._per_node.get(location.offset, 0)
        self._per_node[location.offset] = count + 1
        request_id = location.offset * 64 + count
        request = Request(id=request_id, location=location, carrier=carrier, **fields)  # type: ignore[arg-type]
        self.requests.append(request)
        return request

    def _replace_request(self, old: Request, **fields: object) -> Request:
        from dataclasses import replace

        new = replace(old, **fields)  # type: ignore[arg-type]
        self.requests[self.requests.index(old)] = new
        return new

    def _emit_list(self, request: Request, kind: UsageKind, lists: list[_List], arg: cst.Arg) -> None:
        texts: list[HeaderText] = []
        usages: list[Usage] = []
        for alternative, items in enumerate(lists):
            if not items:
                if len(lists) == 1:
                    texts.append(HeaderText("", self.loc(arg), True, "empty-list"))
                continue
            for item in items:
                texts.append(self._header_text(item.frags, "item"))
                usages.extend(self._item_usages(request, kind, item, "all", alternative))
        for branch in _empty_branches(arg.value):
            texts.append(HeaderText("", self.loc(branch), True, "empty-list"))
        request = self._replace_request(request, header_texts=_unique(texts))
        self.usages.extend(_rebind(usages, request))

    def _emit_header(
        self,
        request: Request,
        key: cst.BaseExpression | str,
        value: cst.BaseExpression,
        scope: _Scope,
        site: cst.CSTNode | None,
        kind: UsageKind,
    ) -> None:
        key_text = key if isinstance(key, str) else (_string_value(key) or "")
        if isinstance(key, cst.SimpleString) and _literal_body(key)[2]:
            body_at, body, _ = _literal_body(key)
            start = self.literal_start(key) + body_at
            key_location = self.span(start, start + len(body))
        else:
            key_location = self.loc(key) if not isinstance(key, str) else request.location
        header_key = HeaderKey(key_text, key_location)
        texts = self.resolve_text(value, scope, site)
        request = self._replace_request(request, header_key=header_key)
        if key_text.strip().lower() == "anthropic_beta" and not isinstance(value, cst.SimpleString):
            # Bedrock's request body carries betas as a list under "anthropic_beta".
            lists = self.resolve_list(value, scope, site)
            if not any(f.dynamic for items in lists for item in items for f in item.frags):
                self._emit_list(request, "betas-argument", lists, cst.Arg(value))
                return
        self._emit_texts(request, kind, texts, element=value)

    def _emit_texts(self, request: Request, kind: UsageKind, texts: list[_Text], element: cst.CSTNode) -> None:
        usages: list[Usage] = []
        header_texts = [self._header_text(text, "header") for text in texts]
        for alternative, text in enumerate(texts):
            for item in _split_items(text):
                usages.extend(self._item_usages(request, kind, item, "all", alternative, element))
        request = self._replace_request(request, header_texts=_unique(header_texts))
        self.usages.extend(_rebind(usages, request))

    def _header_text(self, frags: Sequence[_Frag], kind: Literal["header", "item"]) -> HeaderText:
        text = "".join(f.text for f in frags)
        literal_nodes = [f for f in frags if f.node is not None]
        exact = len(frags) == 1 and frags[0].start is not None and not frags[0].dynamic
        origins = [f.origin for f in frags if f.origin is not None]
        if origins and not literal_nodes:
            return HeaderText(text, origins[0], False, kind)  # written in another module: no fix here
        if exact:
            location = self.span(frags[0].start or 0, (frags[0].start or 0) + len(text))
        elif literal_nodes and literal_nodes[0].node is not None:
            location = self.loc(literal_nodes[0].node)
        else:
            location = Location(self.path, 1, 1, 1, 1, cell=self.cell)
        for frag in frags:
            if frag.node is not None and not frag.dynamic:
                self.consumed.add(id(frag.node))
        return HeaderText(text, location, exact, kind)

    def _item_usages(
        self,
        request: Request | None,
        kind: UsageKind,
        item: _Item,
        scope: Literal["all", "lifecycle"],
        alternative: int,
        element: cst.CSTNode | None = None,
    ) -> Iterator[Usage]:
        """One usage per name token in the item (an item `"a, b"` holds two)."""
        frags = item.frags
        text = "".join(f.text for f in frags)
        dynamic = [f for f in frags if f.dynamic]
        first = next((f for f in frags if f.node is not None or f.origin is not None), None)
        site_node = first.site if first is not None else None
        via = next((f.via for f in frags if f.via), None)
        element_node = next((f.element for f in frags if f.element is not None), element)
        element_location = self.loc(element_node) if element_node is not None else None
        if dynamic:
            node = dynamic[0].node
            assert node is not None
            location = self.loc(node)
            site = self.loc(dynamic[0].site) if dynamic[0].site is not None else location
            yield Usage(kind, None, text, location, site, request, scope, via, alternative, element_location)
            return
        for frag in frags:
            if frag.node is not None:
                self.consumed.add(id(frag.node))
        # Empty items ("a,,b") carry no name: the header check reports them.
        for token in _TOKEN_RE.finditer(text):
            raw = token.group(0)
            location = self._token_location(frags, token.start(), token.end())
            same_place = site_node is None or (first is not None and site_node is first.node)
            site = location if same_place else self.loc(site_node)  # type: ignore[arg-type]
            yield Usage(kind, raw, raw, location, site, request, scope, via, alternative, element_location)

    def _token_location(self, frags: Sequence[_Frag], start: int, end: int) -> Location:
        position = 0
        for index, frag in enumerate(frags):
            frag_end = position + len(frag.text)
            if position <= start < frag_end or (start == end == position):
                if frag.origin is not None:
                    return _shift(frag.origin, start - position, end - start) if end <= frag_end else frag.origin
                if frag.start is not None and end <= frag_end:
                    return self.span(frag.start + start - position, frag.start + end - position)
                if frag.node is not None:
                    last = self._last_node(frags[index:], end - position)
                    first_location = self.loc(frag.node)
                    if last is None or last is frag.node:
                        return first_location
                    # A name split across pieces ("files-api-" "2025-04-14"): every piece.
                    return self.span(first_location.offset, self.loc(last).end_offset)
            position = frag_end
        owner = next((f.node for f in frags if f.node is not None), None)
        if owner is not None:
            return self.loc(owner)
        return Location(self.path, 1, 1, 1, 1, cell=self.cell)

    @staticmethod
    def _last_node(frags: Sequence[_Frag], end: int) -> cst.CSTNode | None:
        """The node of the last fragment a token ending at `end` (counted from frags[0]) reaches."""
        position, last = 0, None
        for frag in frags:
            if position >= end:
                break
            if frag.origin is not None:
                return None  # part of it was written in another module
            if frag.node is not None:
                last = frag.node
            position += len(frag.text)
        return last

    # -- request context
    def _endpoint(self, callee: _Callee, scope: _Scope) -> tuple[str | None, str | None, str | None]:
        platform = callee.client.platform if callee.client is not None else None
        if callee.kind == "sdk-method" and callee.route is not None and callee.resolved:
            return callee.route.route, callee.route.http_method, platform
        if callee.kind == "http" and callee.url is not None:
            texts = self.resolve_text(callee.url, scope, None)
            if len(texts) == 1:
                url = (callee.base_url or "") + "".join("{}" if f.dynamic else f.text for f in texts[0])
                return self.routes.endpoint_of_url(url), callee.http_method, self.routes.platform_of_url(url)
        return None, callee.http_method, platform

    def _model(self, arg: cst.Arg | None, scope: _Scope) -> tuple[str | None, Location | None]:
        if arg is None:
            return None, None
        texts = self.resolve_text(arg.value, scope, None)
        if len(texts) != 1 or any(f.dynamic for f in texts[0]):
            return None, None
        return "".join(f.text for f in texts[0]), self.loc(arg.value)


# ---------------------------------------------------------------- list/text algebra


def _product(left: list[_List], right: list[_List]) -> list[_List]:
    return _limit([a + b for a in left for b in right])


def _limit(alternatives: list[_List]) -> list[_List]:
    if len(alternatives) <= _MAX_ALTERNATIVES:
        return alternatives
    # Too many branches to keep apart: merge the rest into the last one (nothing dropped).
    kept = alternatives[: _MAX_ALTERNATIVES - 1]
    merged: tuple[_Item, ...] = ()
    for alternative in alternatives[_MAX_ALTERNATIVES - 1 :]:
        merged += alternative
    return [*kept, merged]


def _empty_branches(node: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """`[] ` written as one branch of a conditional `betas=` value (sends an empty header)."""
    if isinstance(node, cst.IfExp):
        for branch in (node.body, node.orelse):
            if isinstance(branch, cst.List | cst.Tuple) and not branch.elements:
                yield branch
            else:
                yield from _empty_branches(branch)


def _is_listish(binding: _Binding) -> bool:
    if binding.op in {"append", "extend", "insert", "iadd"}:
        return True
    value = binding.value
    if isinstance(value, cst.List | cst.Tuple | cst.Set):
        return True
    if isinstance(value, cst.BinaryOperation):
        return isinstance(value.left, cst.List | cst.Tuple) or isinstance(value.right, cst.List | cst.Tuple)
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
        return value.func.value in {"list", "tuple", "set", "sorted", "frozenset", "field"}
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute):
        return value.func.attr.value == "split"
    return False


def _set_via(frag: _Frag, name: str | None) -> _Frag:
    if frag.via is not None or name is None or frag.dynamic:
        return frag
    return replace(frag, via=name)


def _with_element(text: _Text, element: cst.CSTNode) -> _Text:
    return tuple(replace(f, element=f.element or element) for f in text)


def _shift(origin: Location, offset: int, length: int) -> Location:
    """The part [offset, offset + length) of a one-line literal written elsewhere."""
    if origin.line != origin.end_line:
        return origin
    return replace(
        origin,
        column=origin.column + offset,
        end_column=origin.column + offset + length,
        offset=origin.offset + offset,
        end_offset=origin.offset + offset + length,
    )


def _split_items(text: Sequence[_Frag]) -> Iterator[_Item]:
    """Split a header value at commas, keeping each piece's origin."""
    current: list[_Frag] = []
    for frag in text:
        if frag.dynamic or "," not in frag.text:
            current.append(frag)
            continue
        pieces = frag.text.split(",")
        offset = 0
        for index, piece in enumerate(pieces):
            start = None if frag.start is None else frag.start + offset
            if piece or index == 0:
                origin = _shift(frag.origin, offset, len(piece)) if frag.origin is not None else None
                current.append(replace(frag, text=piece, start=start, dynamic=False, origin=origin))
            if index < len(pieces) - 1:
                yield _Item(tuple(current))
                current = []
            offset += len(piece) + 1
    yield _Item(tuple(current))


def _slice(text: Sequence[_Frag], start: int, end: int) -> _Text:
    out: list[_Frag] = []
    position = 0
    for frag in text:
        frag_end = position + len(frag.text)
        lo, hi = max(start, position), min(end, frag_end)
        if lo < hi or (frag.dynamic and position >= start and frag_end <= end):
            if frag.dynamic:
                out.append(frag)
            else:
                piece = frag.text[lo - position : hi - position]
                new_start = None if frag.start is None else frag.start + lo - position
                out.append(
                    _Frag(piece.rstrip() if hi == end else piece, frag.node, new_start, False, frag.site, frag.via)
                )
        position = frag_end
    return tuple(out)


def _unique(texts: list[HeaderText]) -> tuple[HeaderText, ...]:
    seen: dict[tuple[str, Location, str], HeaderText] = {}
    for text in texts:
        seen.setdefault((text.text, text.location, text.kind), text)
    return tuple(seen.values())


def _rebind(usages: list[Usage], request: Request) -> list[Usage]:
    from dataclasses import replace

    return [replace(usage, request=request) for usage in usages]


def _looks_dated(text: str) -> bool:
    from beta_lint.knowledge.registry import looks_like_beta

    return looks_like_beta(text)


def _unwrap_optional(node: cst.BaseExpression) -> cst.BaseExpression:
    """`Anthropic | None`, `Optional[Anthropic]` -> `Anthropic`."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return _unwrap_optional(node.left)
    if isinstance(node, cst.Subscript) and node.slice and isinstance(node.slice[0].slice, cst.Index):
        return node.slice[0].slice.value
    if isinstance(node, cst.SimpleString):  # "Anthropic" forward reference
        value = _evaluated(node)
        if isinstance(value, str) and value.isidentifier():
            return cst.Name(value)
    return node


# ---------------------------------------------------------------- suppressions


def parse_suppression(comment: str) -> tuple[str, ...] | None:
    """Codes a comment suppresses: () for all, None when it is no suppression."""
    match = _SUPPRESS_RE.search(comment)
    if match is None:
        return None
    listed = match.group("noqa") or match.group("ignore")
    if not listed:
        return ()
    return tuple(code.upper() for code in re.split(r"[\s,]+", listed.strip()) if code)


# ---------------------------------------------------------------- entry point


# ---------------------------------------------------------------- walking the tree

# Node type -> its child attributes, in the order libcst's own visit takes them.
_CHILD_ORDER: dict[type, tuple[str, ...]] = {}
# The order is learnt through a libcst internal; a libcst without it gets libcst's own visit.
_OWN_WALK = hasattr(cst.Name, "_visit_and_replace_children")


class _AttributeRecorder(cst.CSTVisitor):
    """Learns the order of a node type's child attributes from libcst itself, once per type."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        return False

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        self.names.append(attribute)

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        pass


def _child_order(node: cst.CSTNode) -> tuple[str, ...]:
    recorder = _AttributeRecorder()
    node._visit_and_replace_children(recorder)
    names = list(dict.fromkeys(recorder.names))
    # An attribute visited only when set (an f-string's format_spec) comes last, where it is written.
    names += [f.name for f in dataclasses.fields(node) if f.name not in names]
    order = _CHILD_ORDER[type(node)] = tuple(names)
    return order


def _walk(node: cst.CSTNode, visitor: _Collector) -> None:
    """The collector's hooks over the tree, in libcst's order, without libcst's visit.

    libcst's visit rebuilds every node it passes (it serves transformers too), which is most
    of a walk's cost; this reads the attributes instead. Same hooks, same order, same
    skipping of children when a visit hook returns False.
    """
    if visitor.on_visit(node):
        for name in _CHILD_ORDER.get(type(node)) or _child_order(node):
            value = getattr(node, name)
            kind = type(value)
            if kind is list or kind is tuple:
                for item in value:
                    if _is_node(type(item)):
                        _walk(item, visitor)
            elif _is_node(kind):
                _walk(value, visitor)
    visitor.on_leave(node)


_NODE_TYPES: dict[type, bool] = {}


def _is_node(kind: type) -> bool:
    # isinstance against CSTNode, an abstract base class, goes through ABCMeta's check on
    # every call; the answer per type never changes.
    found = _NODE_TYPES.get(kind)
    if found is None:
        found = _NODE_TYPES[kind] = issubclass(kind, cst.CSTNode)
    return found


def _spans(module: cst.Module, lines: LineIndex) -> Callable[[cst.CSTNode], tuple[int, int]]:
    """(start, end) offsets in the file of any node, as libcst's PositionProvider places it.

    The provider builds three position objects per node and splits every token on line ends
    (half the run on the SDK); _PositionState replays the same codegen counting characters, and
    a node's line and column in the generated code are worked out only when it is asked for.
    Lines and columns, not offsets, then place it in the file: where libcst's output differs
    from the source (it drops a form feed), the error stays on that line, as the provider's
    does. Where libcst lacks the internals it relies on, the provider answers.
    """
    if _PositionState is not None:
        state = _PositionState(module)
        module._codegen(state)
        found = state.spans
        generated = LineIndex("".join(state.tokens))

        def place(offset: int) -> int:
            line = bisect.bisect_right(generated.starts, offset)
            # min: the newline libcst adds and then drops at the end of a file without one.
            return min(lines.offset(line, offset - generated.starts[line - 1]), len(lines.text))

        def from_offsets(node: cst.CSTNode) -> tuple[int, int]:
            start, end = found[id(node)]
            return place(start), place(end)

        return from_offsets
    ranges: Mapping[cst.CSTNode, CodeRange] = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)

    def from_range(node: cst.CSTNode) -> tuple[int, int]:
        found = ranges[node]
        return (
            lines.offset(found.start.line, found.start.column),
            lines.offset(found.end.line, found.end.column),
        )

    return from_range


class _SyntacticPosition:
    """PositionState.record_syntactic_position as a plain context manager: libcst enters one
    for most nodes, and a generator-based one costs three times as much."""

    __slots__ = ("end_node", "node", "start", "start_node", "state")

    def __init__(self, state: Any, node: cst.CSTNode, start_node: cst.CSTNode | None, end_node: cst.CSTNode | None):
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node
        self.start = 0

    def __enter__(self) -> None:
        self.start = self.state.offset

    def __exit__(self, *exc_info: object) -> None:
        spans = self.state.spans
        start = spans[id(self.start_node)][0] if self.start_node is not None else self.start
        end = spans[id(self.end_node)][1] if self.end_node is not None else self.state.offset
        spans[id(self.node)] = (start, end)


def _position_state() -> type | None:
    try:
        from libcst._nodes.internal import CodegenState
    except ImportError:
        return None

    class PositionState(CodegenState):  # libcst's internal codegen state
        """PositionProvidingCodegenState's bookkeeping, as offsets into the generated code."""

        def __init__(self, module: cst.Module) -> None:
            super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
            self.offset = 0
            # Keyed by id(node): CSTNode.__hash__ is a Python-level call. The module keeps every
            # node alive while this is used.
            self.spans: dict[int, tuple[int, int]] = {}
            self.starts: list[int] = []

        def add_indent_tokens(self) -> None:
            super().add_indent_tokens()
            self.offset += sum(len(token) for token in self.indent_tokens)

        def add_token(self, value: str) -> None:
            self.tokens.append(value)
            self.offset += len(value)

        def before_codegen(self, node: cst.CSTNode) -> None:
            self.starts.append(self.offset)

        def after_codegen(self, node: cst.CSTNode) -> None:
            start = self.starts.pop()
            key = id(node)
            if key not in self.spans:  # a syntactic position recorded inside wins
                self.spans[key] = (start, self.offset)

        # libcst only enters what this returns: any context manager will do.
        def record_syntactic_position(  # type: ignore[override]
            self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None, end_node: cst.CSTNode | None = None
        ) -> _SyntacticPosition:
            return _SyntacticPosition(self, node, start_node, end_node)

    return PositionState


_PositionState = _position_state()


def extract(
    text: str,
    path: str,
    routes: RouteTable,
    registry_names: frozenset[str],
    cell: int | None = None,
    candidates: Sequence[re.Pattern[str]] = (),
    external: ExternalLookup | None = None,
) -> Extraction:
    """Parse `text` once and return every usage, request and suppression in it.

    With `candidates`, a large file is sliced to the statements that can matter (slicer.py).
    Raises libcst.ParserSyntaxError (and RecursionError on absurd nesting); the caller turns
    those into BL999.
    """
    from beta_lint.python.slicer import slice_source

    piece = slice_source(text, candidates) if candidates else None
    module = None
    if piece is not None:
        try:
            module = cst.parse_module(piece.text)
        except cst.ParserSyntaxError:
            piece = None  # the slice is not valid on its own: parse the whole file instead
    if module is None or piece is None:
        module = cst.parse_module(text)
    collector = _Collector()
    if _OWN_WALK:
        _walk(module, collector)
    else:
        module.visit(collector)
    lines = LineIndex(text, piece.line_map if piece is not None else None)
    resolver = _Resolver(collector, _spans(module, lines), lines, path, cell, routes, registry_names, external)
    resolver.run()
    suppressions = []
    for comment in collector.comments:
        codes = parse_suppression(comment.value)
        if codes is not None:
            location = resolver.loc(comment)
            suppressions.append(Suppression(location.line, codes, location))
    return Extraction(
        tuple(resolver.usages),
        tuple(resolver.requests),
        tuple(suppressions),
        resolver.exports() if cell is None else (),
        tuple(sorted(resolver.wanted)),
    )
