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
