"""The one libcst walk over a module: `Collector` records scopes, bindings, imports, calls,
header mappings, strings and comments. It resolves nothing; `usages.Resolver` does, afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import libcst as cst

from beta_lint.python.contexts import ContextTracker, is_mention_call
from beta_lint.python.facts import Binding, BindingOp, CallSite, DictSite, HeaderWrite, Scope, StringSite
from beta_lint.python.literals import near_header_key, string_value, subscript_key
from beta_lint.python.patterns import COLLECTION_METHODS, LOG_CALLS


class Collector(ContextTracker):
    def __init__(self) -> None:
        super().__init__()
        self.module_scope = Scope("module", "<module>", None)
        self.scope = self.module_scope
        self.imports: dict[str, str] = {}  # local name -> qualified name
        self.from_imports: dict[str, tuple[int, str, str]] = {}  # local -> (level, module, name)
        self.calls: list[CallSite] = []
        self.dicts: list[DictSite] = []
        self.strings: list[StringSite] = []
        self.docstrings: set[int] = set()
        self.comments: list[cst.Comment] = []
        self._beta_named_nodes: dict[int, str] = {}
        self.functions: dict[str, Scope] = {}
        self.header_writes: list[HeaderWrite] = []
        self.betas_writes: list[HeaderWrite] = []  # `kwargs["betas"] = v`, `{"betas": v}`: betas= put off
        # Some mapping in the module gets a "betas" key: `create(**params)` may carry betas. Read
        # from the whole text by extract(), as the slicer may have left that statement out.
        self.betas_key = False

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
        self.scope = Scope("class", node.name.value, self.scope)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        assert self.scope.parent is not None
        self._bind(self.scope.parent, original_node.name.value, Binding("assign", None, self.scope.parent))
        self.scope = self.scope.parent

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        parent = self.scope
        scope = Scope("function", node.name.value, parent, return_annotation=_annotation(node.returns))
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
        elif parent.kind == "class":
            parent.methods[node.name.value] = scope
        rows = self.note_parametrized(node)
        scope.params = [param.name.value for param in (*node.params.posonly_params, *node.params.params)]
        for param in (*node.params.params, *node.params.kwonly_params, *node.params.posonly_params):
            annotation = _annotation(param.annotation)
            name = param.name.value
            if name in rows:
                # pytest calls the test once per row: each row's value, on an arm of its own.
                point = self._new_point()
                for index, value in enumerate(rows[name]):
                    arm = (*self.branch_path(), (point, index))
                    binding = Binding("assign", value, parent, annotation, branch=arm, row=True)
                    scope.bindings.setdefault(name, []).append(binding)
            else:
                self._bind(scope, name, Binding("param", param.default, scope, annotation))
        self.scope = scope

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        assert self.scope.parent is not None
        self.scope = self.scope.parent

    def visit_For(self, node: cst.For) -> None:
        self.scope.loops.append(node)

    def visit_While(self, node: cst.While) -> None:
        self.scope.loops.append(node)

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None and self.scope.kind == "function":
            self.scope.returns.append(node.value)

    # -- imports
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = dotted_name(alias.name)
            if dotted is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.imports[alias.asname.name.value] = dotted
            else:
                self.imports[dotted.split(".")[0]] = dotted.split(".")[0]

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        module = dotted_name(node.module) if node.module is not None else ""
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
            self._bind(self.scope, node.target.value, Binding("iadd", node.value, self.scope))
            self._mark_beta_named(node.target.value, node.value)
        elif (attr := self._self_attr(node.target)) is not None and isinstance(node.operator, cst.AddAssign):
            self._bind_self(attr, Binding("iadd", node.value, self.scope))
        elif isinstance(node.target, cst.Subscript) and isinstance(node.operator, cst.AddAssign):
            self._header_write(node.target, node.value)  # headers["anthropic-beta"] += ",name"

    def visit_With(self, node: cst.With) -> None:
        for item in node.items:
            if item.asname is not None and isinstance(item.asname.name, cst.Name):
                self._bind(self.scope, item.asname.name.value, Binding("with", item.item, self.scope))

    def visit_Expr(self, node: cst.Expr) -> None:
        value = node.value
        if isinstance(value, cst.SimpleString | cst.ConcatenatedString | cst.FormattedString):
            # A bare string statement is a docstring or a comment in disguise: never a usage.
            self.docstrings.add(id(value))
            return
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute):
            op = COLLECTION_METHODS.get(value.func.attr.value)
            target = value.func.value
            if op is None or not value.args:
                return
            arg = value.args[-1].value if op == "insert" else value.args[0].value
            binding_op: BindingOp = "update" if op == "update" else op  # type: ignore[assignment]
            statement, alone = self.statement_of(value) if _adds_one(op, arg) else (None, False)
            binding = Binding(binding_op, arg, self.scope, statement=statement, alone=alone)
            if isinstance(target, cst.Name):
                self._bind(self.scope, target.value, binding)
                self._mark_beta_named(target.value, arg)
            elif (attr := self._self_attr(target)) is not None:
                self._bind_self(attr, binding)

    def _assign(self, target: cst.BaseExpression, value: cst.BaseExpression | None, annotation: object) -> None:
        ann = annotation if isinstance(annotation, cst.BaseExpression) else None
        if isinstance(target, cst.Name):
            if value is not None:
                self.note_assigned(target.value, value)
            self._bind(self.scope, target.value, Binding("assign", value, self.scope, ann))
            if self.scope.kind == "class":
                # Class-body values (dataclass defaults included) are what `self.x` reads.
                self.scope.self_attrs.setdefault(target.value, []).append(Binding("assign", value, self.scope, ann))
            if value is not None:
                self._mark_beta_named(target.value, value)
        elif (attr := self._self_attr(target)) is not None:
            self._bind_self(attr, Binding("assign", value, self.scope, ann))
            if value is not None:
                self._mark_beta_named(attr, value)
        elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name) and value is not None:
            key = subscript_key(target)
            # Filling a mapping is a store, not a read: `want["betas"] = [...]; assert x == want`.
            self.stores[target.value.value] = self.stores.get(target.value.value, 0) + 1
            self._header_write(target, value)
            if key is not None:
                self._bind(self.scope, target.value.value, Binding("subscript", value, self.scope, key=key))
        elif isinstance(target, cst.Subscript) and value is not None and (attr := self._self_attr(target.value)):
            key = subscript_key(target)
            self._header_write(target, value)
            if key is not None:
                self._bind_self(attr, Binding("subscript", value, self.scope, key=key))
        elif isinstance(target, cst.Subscript) and value is not None:
            self._header_write(target, value)  # request.headers["anthropic-beta"] = ...

    def visit_Tuple(self, node: cst.Tuple) -> None:
        # A header as a (name, value) pair: `headers=(("anthropic-beta", "a,b"), ...)`.
        if len(node.elements) == 2 and near_header_key(string_value(node.elements[0].value)):
            key = string_value(node.elements[0].value)
            assert key is not None
            self.header_writes.append(HeaderWrite(node, key, node.elements[1].value, self.scope, self.in_mention))

    def _header_write(self, target: cst.Subscript, value: cst.BaseExpression) -> None:
        key = subscript_key(target)
        if key == "betas":
            self.betas_writes.append(HeaderWrite(target, key, value, self.scope, self.in_mention))
        if key is not None and near_header_key(key):
            self.header_writes.append(HeaderWrite(target, key, value, self.scope, self.in_mention))

    def _self_attr(self, node: cst.BaseExpression) -> str | None:
        if (
            isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and self.scope.self_name is not None
            and node.value.value == self.scope.self_name
        ):
            return node.attr.value
        return None

    def _bind_self(self, attr: str, binding: Binding) -> None:
        owner = self.scope.owner_class
        if owner is not None:
            binding.branch = self.branch_path()
            owner.self_attrs.setdefault(attr, []).append(binding)

    def _bind(self, scope: Scope, name: str, binding: Binding) -> None:
        binding.branch = self.branch_path()
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
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        mention_call = is_mention_call(name)
        self.calls.append(CallSite(node, self.scope, self.in_mention or mention_call))
        if name == "setdefault" and len(node.args) == 2 and not node.args[0].star and not node.args[1].star:
            key = string_value(node.args[0].value)
            if near_header_key(key):  # body.setdefault("anthropic_beta", betas.split(","))
                assert key is not None
                value = node.args[1].value
                self.header_writes.append(HeaderWrite(node, key, value, self.scope, self.in_mention))
                if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
                    self._bind(self.scope, func.value.value, Binding("subscript", value, self.scope, key=key))
        if name in LOG_CALLS and node.args:
            # A log message that mentions the header ("anthropic-beta: %s") sends nothing.
            self.docstrings.add(id(node.args[0].value))
        if mention_call:
            self.enter_mention(node)

    def visit_Dict(self, node: cst.Dict) -> None:
        for element in node.elements:
            if isinstance(element, cst.DictElement) and string_value(element.key) == "betas":
                self.betas_writes.append(HeaderWrite(node, "betas", element.value, self.scope, self.in_mention))
        for element in node.elements:
            if isinstance(element, cst.DictElement) and near_header_key(string_value(element.key)):
                self.dicts.append(DictSite(node, self.scope, self.in_mention))
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
        self.strings.append(StringSite(node, self.scope, name is not None, name, self.in_mention))

    def visit_Comment(self, node: cst.Comment) -> None:
        if "noqa" in node.value.lower() or "beta-lint" in node.value.lower():
            self.comments.append(node)


# ---------------------------------------------------------------- small helpers


def _adds_one(op: str, value: cst.BaseExpression) -> bool:
    """Whether a collection call adds exactly one element (so removing the call removes one name)."""
    if op in {"append", "insert"}:
        return True
    if op == "extend" and isinstance(value, cst.List | cst.Tuple | cst.Set):
        return len(value.elements) == 1 and isinstance(value.elements[0], cst.Element)
    return False


def _annotation(node: cst.Annotation | None) -> cst.BaseExpression | None:
    return node.annotation if node is not None else None


def _is_static(node: cst.FunctionDef) -> bool:
    return any(isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod" for d in node.decorators)


def dotted_name(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None
