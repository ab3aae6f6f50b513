"""Where a piece of code sits, as the walk goes: in a mention context, and on which branch.

A mention context is a place whose values are checked or shown but never sent: an assertion, a
comparison, an annotation or `Literal[...]` type catalog, a `raise`, and the arguments of an
`assert*`/mock-expectation or log call. The branch path lists the exclusive arms (if/elif/else,
try/except, match) that enclose a statement, so that two values added on arms that never run
together are not counted as one request's duplicates.

`ContextTracker` is the base of the collector: its hooks run in the same walk. It imports only
libcst, the model, the name patterns and the literal helpers.
"""

from __future__ import annotations

import libcst as cst

from beta_lint.model import BranchPath
from beta_lint.python.literals import string_value
from beta_lint.python.patterns import LOG_CALLS


def is_mention_call(name: str) -> bool:
    """assertEqual, assert_called_once_with, logger.info, print: their arguments are shown or
    checked, never sent."""
    return name.startswith("assert") or name in LOG_CALLS


def _tail_name(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


def _argnames(node: cst.BaseExpression) -> list[str]:
    """parametrize's names: "a, b", or a list or tuple of strings."""
    if isinstance(node, cst.List | cst.Tuple):
        found = [string_value(e.value) for e in node.elements]
        return [name.strip() for name in found if name] if all(found) else []
    text = string_value(node)
    return [name.strip() for name in text.split(",") if name.strip()] if text else []


def _row_values(row: cst.BaseExpression, width: int) -> list[cst.BaseExpression]:
    """The values of one parametrize row, `pytest.param(...)` included, one per name."""
    if isinstance(row, cst.Call) and _tail_name(row.func) == "param":
        values = [arg.value for arg in row.args if arg.keyword is None]
        return values if width > 1 else values[:1]
    if width == 1:
        return [row]
    if isinstance(row, cst.List | cst.Tuple) and len(row.elements) == width:
        return [element.value for element in row.elements]
    return []


class ContextTracker(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self._mention = 0
        self._mention_nodes: set[int] = set()
        # How often each name is written in a mention context and elsewhere, and how often it
        # is assigned: a value assigned to a name that is only ever asserted on is an expectation.
        self.name_uses: dict[str, list[int]] = {}
        self.stores: dict[str, int] = {}
        self.assigned_to: dict[int, str] = {}  # id(value or list element) -> the name assigned
        self.branch: list[tuple[int, int]] = []
        self._arms: dict[int, tuple[int, int]] = {}  # id(child) -> (branch point, arm) it opens
        self._entered: set[int] = set()
        self._points = 0
        self.line: cst.CSTNode | None = None  # the statement line (or suite) being walked
        self.block_size: dict[int, int] = {}  # id(statement line) -> statements in its block

    @property
    def in_mention(self) -> bool:
        return self._mention > 0

    def branch_path(self) -> BranchPath:
        return tuple(self.branch)

    def mention_only(self, name: str | None) -> bool:
        """Whether a name is read only where values are checked (assertions, comparisons)."""
        if name is None:
            return False
        elsewhere, mentioned = self.name_uses.get(name, (0, 0))
        return mentioned > 0 and elsewhere <= self.stores.get(name, 0)

    def note_assigned(self, name: str, value: cst.BaseExpression) -> None:
        self.stores[name] = self.stores.get(name, 0) + 1
        self._assigned(name, value)

    def _assigned(self, name: str, value: cst.BaseExpression) -> None:
        self.assigned_to[id(value)] = name
        if isinstance(value, cst.List | cst.Tuple | cst.Set):
            for element in value.elements:
                self.assigned_to[id(element.value)] = name

    def note_parametrized(self, node: cst.FunctionDef) -> dict[str, list[cst.BaseExpression]]:
        """`@pytest.mark.parametrize("betas, expected", [(x, y), ...])`: each row's values are
        assigned to the test's parameters, so a value only ever asserted on is a mention.

        Returns the values each parameter takes, one per row, when every row could be read
        (and the values go to the test itself, not `indirect` to a fixture)."""
        taken: dict[str, list[cst.BaseExpression]] = {}
        for decorator in node.decorators:
            call = decorator.decorator
            if not isinstance(call, cst.Call) or _tail_name(call.func) != "parametrize" or len(call.args) < 2:
                continue
            names = _argnames(call.args[0].value)
            rows = call.args[1].value
            if not names or not isinstance(rows, cst.List | cst.Tuple):
                continue
            for name in names:
                self.stores[name] = self.stores.get(name, 0) + 1  # the parameter in the signature
            columns: dict[str, list[cst.BaseExpression]] = {name: [] for name in names}
            for row in rows.elements:
                values = _row_values(row.value, len(names))
                for name, value in zip(names, values, strict=False):
                    self._assigned(name, value)
                    columns[name].append(value)
            indirect = any(arg.keyword is not None and arg.keyword.value == "indirect" for arg in call.args)
            if not indirect:
                taken.update((name, values) for name, values in columns.items() if len(values) == len(rows.elements))
        return taken

    # -- mention contexts
    def enter_mention(self, node: cst.CSTNode) -> None:
        self._mention += 1
        self._mention_nodes.add(id(node))

    def _leave_mention(self, node: cst.CSTNode) -> None:
        if id(node) in self._mention_nodes:
            self._mention_nodes.discard(id(node))
            self._mention -= 1

    def visit_Assert(self, node: cst.Assert) -> None:
        self.enter_mention(node)

    def leave_Assert(self, original_node: cst.Assert) -> None:
        self._leave_mention(original_node)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self.enter_mention(node)

    def leave_Comparison(self, original_node: cst.Comparison) -> None:
        self._leave_mention(original_node)

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self.enter_mention(node)

    def leave_Annotation(self, original_node: cst.Annotation) -> None:
        self._leave_mention(original_node)

    def visit_Raise(self, node: cst.Raise) -> None:
        self.enter_mention(node)

    def leave_Raise(self, original_node: cst.Raise) -> None:
        self._leave_mention(original_node)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if _tail_name(node.value) == "Literal":
            self.enter_mention(node)  # a type catalog of names: `Literal["a-2025-01-01", ...]`

    def leave_Subscript(self, original_node: cst.Subscript) -> None:
        self._leave_mention(original_node)

    def leave_Call(self, original_node: cst.Call) -> None:
        self._leave_mention(original_node)  # entered by the collector's visit_Call

    def visit_Name(self, node: cst.Name) -> None:
        uses = self.name_uses.get(node.value)
        if uses is None:
            uses = self.name_uses[node.value] = [0, 0]
        uses[self._mention > 0] += 1

    # -- exclusive branches
    def _arm(self, child: cst.CSTNode | None, point: int, arm: int) -> None:
        if child is not None:
            self._arms[id(child)] = (point, arm)

    def _new_point(self) -> int:
        self._points += 1
        return self._points

    def _enter_arm(self, node: cst.CSTNode) -> None:
        arm = self._arms.pop(id(node), None)
        if arm is not None:
            self.branch.append(arm)
            self._entered.add(id(node))

    def _leave_arm(self, node: cst.CSTNode) -> None:
        if id(node) in self._entered:
            self._entered.discard(id(node))
            self.branch.pop()

    def visit_If(self, node: cst.If) -> None:
        self._enter_arm(node)  # an `elif` is the `else` arm of the `if` before it
        point = self._new_point()
        self._arm(node.body, point, 0)
        self._arm(node.orelse, point, 1)

    def leave_If(self, original_node: cst.If) -> None:
        self._leave_arm(original_node)

    def _try(self, node: cst.Try | cst.TryStar) -> None:
        point = self._new_point()
        self._arm(node.body, point, 0)
        self._arm(node.orelse, point, 0)  # runs after the body, never after a handler
        for index, handler in enumerate(node.handlers):
            self._arm(handler, point, index + 1)

    def visit_Try(self, node: cst.Try) -> None:
        self._try(node)

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self._try(node)

    def visit_Match(self, node: cst.Match) -> None:
        point = self._new_point()
        for index, case in enumerate(node.cases):
            self._arm(case, point, index)

    def visit_Module(self, node: cst.Module) -> None:
        for statement in node.body:
            self.block_size[id(statement)] = len(node.body)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._enter_arm(node)
        for statement in node.body:
            self.block_size[id(statement)] = len(node.body)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self._leave_arm(original_node)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._enter_arm(node)
        self.line = node

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        self._leave_arm(original_node)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.line = node

    def visit_Else(self, node: cst.Else) -> None:
        self._enter_arm(node)

    def leave_Else(self, original_node: cst.Else) -> None:
        self._leave_arm(original_node)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._enter_arm(node)

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler) -> None:
        self._leave_arm(original_node)

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._enter_arm(node)

    def leave_ExceptStarHandler(self, original_node: cst.ExceptStarHandler) -> None:
        self._leave_arm(original_node)

    def visit_MatchCase(self, node: cst.MatchCase) -> None:
        self._enter_arm(node)

    def leave_MatchCase(self, original_node: cst.MatchCase) -> None:
        self._leave_arm(original_node)

    def statement_of(self, value: cst.BaseExpression) -> tuple[cst.CSTNode | None, bool]:
        """The expression statement `value` is, if alone on its line, and whether it is the
        only statement of its block (removing it then needs a `pass`)."""
        line = self.line
        if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
            return value, self.block_size.get(id(line)) == 1
        if isinstance(line, cst.SimpleStatementSuite) and len(line.body) == 1:
            return value, True  # `if c: betas.append(x)`: the suite needs a statement left
        return None, False
