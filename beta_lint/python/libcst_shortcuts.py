"""Every use of libcst internals, in one module, each with its fallback to libcst's public API.

- `walk`: the collector's hooks in libcst's order without libcst's visit, learning each node
  type's child order through `_visit_and_replace_children`; without it, `module.visit`.
- `spans`: node offsets as `PositionProvider` gives them, by replaying codegen through a
  subclass of the internal `CodegenState`; without it, the provider itself.

tests/test_libcst_shortcuts.py checks that both agree with libcst's own answers. A libcst
upgrade that breaks a shortcut touches this file only.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from beta_lint.python.positions import LineIndex

# ---------------------------------------------------------------- walking the tree

# Node type -> its child attributes, in the order libcst's own visit takes them.
_CHILD_ORDER: dict[type, tuple[str, ...]] = {}
# The order is learnt through a libcst internal; a libcst without it gets libcst's own visit.
OWN_WALK = hasattr(cst.Name, "_visit_and_replace_children")


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


def walk(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
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
                        walk(item, visitor)
            elif _is_node(kind):
                walk(value, visitor)
    visitor.on_leave(node)


_NODE_TYPES: dict[type, bool] = {}


def _is_node(kind: type) -> bool:
    # isinstance against CSTNode, an abstract base class, goes through ABCMeta's check on
    # every call; the answer per type never changes.
    found = _NODE_TYPES.get(kind)
    if found is None:
        found = _NODE_TYPES[kind] = issubclass(kind, cst.CSTNode)
    return found


def node_spans(module: cst.Module, lines: LineIndex) -> Callable[[cst.CSTNode], tuple[int, int]]:
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
