"""Scopes and bindings at resolution time: locations of nodes, looking a name up through its
scopes, qualified names of imports, and constants imported from other scanned modules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import libcst as cst

from beta_lint.knowledge.routes import RouteTable, SdkClient, SdkRoute
from beta_lint.model import (
    Export,
    Location,
    Request,
    Usage,
)
from beta_lint.python.collect import Collector
from beta_lint.python.facts import Binding, Frag, Scope
from beta_lint.python.positions import LineIndex


@dataclass
class Callee:
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


class ScopeResolver:
    def __init__(
        self,
        collector: Collector,
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
        self.wanted_from: set[tuple[int, str, str]] = set()
        self.spans = spans
        self.lines = lines
        self.path = path
        self.cell = cell
        self.routes = routes
        self.registry_names = registry_names
        self.usages: list[Usage] = []
        self.requests: list[Request] = []
        self.request_index: dict[int, int] = {}  # Request.id -> its place in `requests`
        self.consumed: set[int] = set()  # literal nodes that reached a send context
        self.consumed_dicts: set[int] = set()
        self.consumed_writes: set[int] = set()  # `headers["anthropic-beta"] = v` followed into a call
        self.per_node: dict[int, int] = {}  # requests made so far at each node offset
        self.instances: dict[tuple[int, int], Callee] = {}
        self.mention_requests: set[int] = set()  # requests written in an assertion or log call
        self.anthropic_bases: list[str] = []  # base_url values given to Anthropic clients
        self.following: set[int] = set()  # bindings and functions being followed (a cycle ends there)
        # A function whose returns are being followed -> the call and the caller's scope, so that
        # its parameters read the call's arguments.
        self.frames: dict[int, tuple[cst.Call, Scope]] = {}

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
    def lookup(self, name: str, scope: Scope) -> list[Binding]:
        current: Scope | None = scope
        first = True
        while current is not None:
            # Class bodies are not visible from the methods inside them (Python's rule).
            if (first or current.kind != "class") and name in current.bindings:
                return current.bindings[name]
            first = False
            current = current.parent
        return []

    def self_bindings(self, node: cst.BaseExpression, scope: Scope) -> list[Binding] | None:
        if not isinstance(node, cst.Attribute) or not isinstance(node.value, cst.Name):
            return None
        if scope.self_name is None or node.value.value != scope.self_name or scope.owner_class is None:
            return None
        return scope.owner_class.self_attrs.get(node.attr.value, [])

    def called_function(self, call: cst.Call, scope: Scope) -> Scope | None:
        """The function of this module a call runs: `helper(...)`, or `self.method(...)` of the class."""
        func = call.func
        if isinstance(func, cst.Name) and not self.lookup(func.value, scope):
            return self.c.functions.get(func.value)
        if (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == scope.self_name
            and scope.owner_class is not None
        ):
            return scope.owner_class.methods.get(func.attr.value)
        return None

    def reaching(self, node: cst.Name, bindings: list[Binding], scope: Scope) -> list[Binding]:
        """The bindings of a name that can reach this use of it, when they are in its own scope:
        an assignment before the use, on a path that encloses an earlier binding's, replaces it
        (`request = {k: request[k] ...}`); a binding after the use counts only in a loop around
        both. A name of an enclosing scope keeps all its bindings (a function runs later)."""
        if not bindings or bindings[0].scope is not scope:
            return bindings
        at = self.spans(node)[0]
        before: list[Binding] = []
        after: list[Binding] = []
        for binding in bindings:
            if binding.op == "param" or binding.value is None or self.spans(binding.value)[1] <= at:
                before.append(binding)
            else:
                after.append(binding)
        kept: list[Binding] = []
        killers: list[tuple[tuple[int, int], ...]] = []
        for binding in reversed(before):
            if any(binding.branch[: len(path)] == path for path in killers):
                continue
            kept.append(binding)
            if binding.op == "assign" and binding.value is not None:
                killers.append(binding.branch)
        kept.reverse()
        loops = [self.spans(loop) for loop in scope.loops]
        for binding in after:
            assert binding.value is not None
            where = self.spans(binding.value)[0]
            if any(start <= at < end and start <= where < end for start, end in loops):
                kept.append(binding)
        return kept

    def argument(self, function: Scope, name: str) -> tuple[cst.BaseExpression, Scope] | None:
        """What the call being followed into `function` passes for its parameter `name`."""
        frame = self.frames.get(id(function))
        if frame is None:
            return None
        call, caller = frame
        method = function.parent is not None and function.parent.kind == "class" and function.self_name is not None
        params = function.params[1:] if method else function.params
        for index, arg in enumerate(call.args):
            if arg.star:
                return None
            if arg.keyword is not None:
                if arg.keyword.value == name:
                    return arg.value, caller
            elif index < len(params) and params[index] == name:
                return arg.value, caller
        return None

    def passed(self, node: cst.BaseExpression, scope: Scope) -> tuple[cst.BaseExpression, Scope]:
        """A value taken from a parameter never reassigned, in a function being followed: the
        argument the call gave it (`return {"extra_headers": headers}`), else the value itself."""
        for _ in range(8):
            if not isinstance(node, cst.Name):
                break
            bindings = self.lookup(node.value, scope)
            if len(bindings) != 1 or bindings[0].op != "param":
                break
            found = self.argument(bindings[0].scope, node.value)
            if found is None:
                break
            node, scope = found
        return node, scope

    def qualify(self, node: cst.BaseExpression, scope: Scope) -> str | None:
        """The imported qualified name of an expression such as `ai.Anthropic`."""
        if isinstance(node, cst.Name):
            if self.lookup(node.value, scope) and node.value not in self.c.imports:
                return None
            return self.c.imports.get(node.value)
        if isinstance(node, cst.Attribute):
            base = self.qualify(node.value, scope)
            return f"{base}.{node.attr.value}" if base else None
        return None

    def imported(self, node: cst.BaseExpression, scope: Scope) -> Export | None:
        """A constant imported from another scanned module, through the project table."""
        if not isinstance(node, cst.Name) or node.value not in self.c.from_imports or self.lookup(node.value, scope):
            return None
        level, module, name = self.c.from_imports[node.value]
        found = self.external(self.path, level, module, name) if self.external is not None else None
        if found is None:
            self.wanted.add(node.value)
            self.wanted_from.add((level, module, name))
        return found

    def imported_frags(self, export: Export, node: cst.Name, site: cst.CSTNode | None) -> list[Frag]:
        return [
            Frag(text, None, None, site=site or node, via=node.value, origin=location)
            for text, location in export.items
        ]
