"""Value resolution: what a `betas=` list, a header text and a headers mapping evaluate to,
following names, `.append`/`+=`, `self` attributes and function returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import libcst as cst

from beta_lint.python.collect import dotted_name
from beta_lint.python.facts import Binding, Frag, Item, ItemList, Scope, Text
from beta_lint.python.literals import (
    added_by,
    evaluated,
    is_listish,
    limit,
    literal_body,
    near_header_key,
    product,
    set_via,
    split_items,
    string_value,
    with_element,
)
from beta_lint.python.patterns import DYNAMIC, MAX_ALTERNATIVES, MAX_DEPTH
from beta_lint.python.scopes import ScopeResolver


class ValueResolver(ScopeResolver):
    # -- values: lists of items
    def resolve_list(
        self, node: cst.BaseExpression, scope: Scope, site: cst.CSTNode | None, depth: int = 0
    ) -> list[ItemList]:
        """Alternatives of the list a `betas=` value evaluates to."""
        if depth > MAX_DEPTH:
            return [(self._dynamic_item(node, site),)]
        if isinstance(node, cst.List | cst.Tuple | cst.Set):
            alternatives: list[ItemList] = [()]
            for element in node.elements:
                if isinstance(element, cst.StarredElement):
                    parts = self.resolve_list(element.value, scope, site or element.value, depth + 1)
                else:
                    parts = self.resolve_element(element.value, scope, site, depth + 1)
                alternatives = product(alternatives, parts)
            return alternatives
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add | cst.BitOr):
            left = self.resolve_list(node.left, scope, site, depth + 1)
            right = self.resolve_list(node.right, scope, site, depth + 1)
            return product(left, right)
        if isinstance(node, cst.IfExp):
            return limit(
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
                return [tuple(split_items(text)) for text in texts]
            if dotted_name(func) in ("field", "dataclasses.field"):
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
            bindings = self.bindings_for(node, scope)
            if bindings:  # no binding here (a base class, another module): dynamic, never empty
                return self._list_from_bindings(node, bindings, scope, site, depth)
            export = self.imported(node, scope)
            if export is not None and isinstance(node, cst.Name):
                return [tuple(Item((frag,)) for frag in self.imported_frags(export, node, site))]
        if isinstance(node, cst.SimpleString | cst.ConcatenatedString | cst.FormattedString):
            return [tuple(Item(text) for text in self.resolve_text(node, scope, site, depth + 1))]
        return [(self._dynamic_item(node, site),)]

    def resolve_element(
        self, node: cst.BaseExpression, scope: Scope, site: cst.CSTNode | None, depth: int
    ) -> list[ItemList]:
        """One list element: a string (one item) or a name bound to a string or a list."""
        export = self.imported(node, scope) if isinstance(node, cst.Name) else None
        if export is not None and isinstance(node, cst.Name):
            frags = self.imported_frags(export, node, site)
            if export.shape == "list":
                return [tuple(Item((frag,)) for frag in frags)]
            return [(Item(tuple(replace(f, element=node) for f in frags)),)]
        if isinstance(node, cst.Name | cst.Attribute):
            bindings = self.bindings_for(node, scope)
            if bindings is not None and bindings and all(is_listish(b) for b in bindings):
                return self._list_from_bindings(node, bindings, scope, site, depth)
        texts = self.resolve_text(node, scope, site, depth)
        return [(Item(with_element(text, node)),) for text in texts]

    def bindings_for(self, node: cst.BaseExpression, scope: Scope) -> list[Binding] | None:
        if isinstance(node, cst.Name):
            found = self.lookup(node.value, scope)
            return found if found else None
        return self.self_bindings(node, scope)

    def _list_from_bindings(
        self, node: cst.BaseExpression, bindings: list[Binding], scope: Scope, site: cst.CSTNode | None, depth: int
    ) -> list[ItemList]:
        name = dotted_name(node)
        site = site or node
        base: list[ItemList] = []
        additions: list[list[ItemList]] = []
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
                assigned = self._via(self.resolve_list(binding.value, binding.scope, site, depth + 1), name)
                base.extend(added_by(assigned, binding))
            elif binding.op in {"extend", "iadd"}:
                added = self._via(self.resolve_list(binding.value, binding.scope, site, depth + 1), name)
                additions.append(added_by(added, binding))
            else:  # append / insert / add: one element
                added = self._via(self.resolve_element(binding.value, binding.scope, site, depth + 1), name)
                additions.append(added_by(added, binding))
        if not base:
            base = [()]
        # Appends under any branch are collected into every alternative: an audit must see them.
        result = limit(base)
        for added in additions:
            result = product(result, added)
        return result

    def _via(self, lists: list[ItemList], name: str | None) -> list[ItemList]:
        if name is None:
            return lists
        return [
            tuple(Item(tuple(set_via(f, name) for f in item.frags)) for item in alternative) for alternative in lists
        ]

    def _dynamic_item(self, node: cst.CSTNode, site: cst.CSTNode | None) -> Item:
        return Item((Frag(DYNAMIC, node, None, dynamic=True, site=site or node),))

    # -- values: texts
    def resolve_text(
        self, node: cst.BaseExpression, scope: Scope, site: cst.CSTNode | None, depth: int = 0
    ) -> list[Text]:
        """Alternatives of the string an expression evaluates to, as located fragments."""
        if depth > MAX_DEPTH:
            return [(Frag(DYNAMIC, node, None, dynamic=True, site=site or node),)]
        if isinstance(node, cst.SimpleString):
            value = evaluated(node)
            if not isinstance(value, str):
                return [(Frag(DYNAMIC, node, None, dynamic=True, site=site or node),)]
            body_at, body, exact = literal_body(node)
            start = self.literal_start(node) + body_at if exact and body == value else None
            return [(Frag(value, node, start, site=site or node),)]
        if isinstance(node, cst.ConcatenatedString):
            left = self.resolve_text(node.left, scope, site, depth + 1)
            right = self.resolve_text(node.right, scope, site, depth + 1)
            return [a + b for a in left for b in right][:MAX_ALTERNATIVES]
        if isinstance(node, cst.FormattedString):
            alternatives: list[Text] = [()]
            for part in node.parts:
                if isinstance(part, cst.FormattedStringText):
                    exact = "\\" not in part.value and "{{" not in part.value and "}}" not in part.value
                    text = part.value.replace("{{", "{").replace("}}", "}")
                    start = self.literal_start(part) if exact else None
                    pieces: list[Text] = [(Frag(text, part, start, site=site or part),)]
                elif isinstance(part, cst.FormattedStringExpression) and part.format_spec is None:
                    pieces = self.resolve_text(part.expression, scope, site, depth + 1)
                else:
                    pieces = [(Frag(DYNAMIC, part, None, dynamic=True, site=site or part),)]
                alternatives = [a + b for a in alternatives for b in pieces][:MAX_ALTERNATIVES]
            return alternatives
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            left = self.resolve_text(node.left, scope, site, depth + 1)
            right = self.resolve_text(node.right, scope, site, depth + 1)
            return [a + b for a in left for b in right][:MAX_ALTERNATIVES]
        if isinstance(node, cst.IfExp):
            return (
                self.resolve_text(node.body, scope, site, depth + 1)
                + self.resolve_text(node.orelse, scope, site, depth + 1)
            )[:MAX_ALTERNATIVES]
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "join":
            separator = self.resolve_text(node.func.value, scope, None, depth + 1)
            if len(separator) == 1 and node.args and not any(f.dynamic for f in separator[0]):
                sep = "".join(f.text for f in separator[0])
                results: list[Text] = []
                for items in self.resolve_list(node.args[0].value, scope, site, depth + 1):
                    joined: list[Frag] = []
                    for index, item in enumerate(items):
                        if index:
                            joined.append(Frag(sep, None, None))
                        joined.extend(item.frags)
                    results.append(tuple(joined))
                return results[:MAX_ALTERNATIVES]
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "str" and node.args:
            return self.resolve_text(node.args[0].value, scope, site, depth + 1)
        if isinstance(node, cst.Name | cst.Attribute):
            bindings = self.bindings_for(node, scope)
            if bindings:
                via = dotted_name(node)
                found: list[Text] = []
                for binding in bindings:
                    if binding.op == "param" and binding.value is None:
                        found.append((Frag(DYNAMIC, node, None, dynamic=True, site=site or node),))
                        continue
                    if binding.value is None or binding.op not in {"assign", "param", "iadd"}:
                        continue
                    for resolved in self.resolve_text(binding.value, binding.scope, site or node, depth + 1):
                        # A parametrize row is test data: what it holds is never rewritten.
                        fixable = not binding.row
                        found.append(tuple(replace(set_via(f, via), fixable=f.fixable and fixable) for f in resolved))
                if found:
                    return found[:MAX_ALTERNATIVES]
            export = self.imported(node, scope)
            if export is not None and export.shape == "str" and isinstance(node, cst.Name):
                return [tuple(self.imported_frags(export, node, site))]
        return [(Frag(DYNAMIC, node, None, dynamic=True, site=site or node),)]

    def _constant_text(self, node: cst.BaseExpression, scope: Scope) -> str | None:
        texts = self.resolve_text(node, scope, None)
        if len(texts) != 1 or any(f.dynamic for f in texts[0]):
            return None
        return "".join(f.text for f in texts[0])

    # -- header mappings
    def resolve_mapping(
        self,
        node: cst.BaseExpression,
        scope: Scope,
        site: cst.CSTNode | None,
        depth: int = 0,
        wanted: Callable[[str | None], bool] = near_header_key,
        consume: bool = True,
    ) -> tuple[list[tuple[cst.BaseExpression | str, cst.BaseExpression, Scope, cst.CSTNode | None]], bool]:
        """Entries with a wanted key (by default anthropic-beta-like): (key node, value, scope, site).

        `wanted` is also how `**params` carrying a "betas" key is read. The flag says whether the
        mapping was followed completely (no unknown parts). A mapping a function of this module
        returns is followed into its `return`s, never completely (its arguments vary). `consume`:
        a `headers["anthropic-beta"] = v` found here is still reported where it is written.
        """
        entries: list[tuple[cst.BaseExpression | str, cst.BaseExpression, Scope, cst.CSTNode | None]] = []
        if depth > MAX_DEPTH:
            return entries, False
        if isinstance(node, cst.Dict):
            if consume:
                self.consumed_dicts.add(id(node))
            complete = True
            for element in node.elements:
                if isinstance(element, cst.DictElement):
                    key_text = string_value(element.key)
                    if key_text is None and isinstance(element.key, cst.Name):
                        key_text = self._constant_text(element.key, scope)  # BETA_HEADER = "anthropic-beta"
                        if wanted(key_text):
                            assert key_text is not None
                            entries.append((key_text, *self.passed(element.value, scope), site))
                            continue
                    if wanted(key_text):
                        entries.append((element.key, *self.passed(element.value, scope), site))
                else:
                    found, whole = self.resolve_mapping(
                        element.value, scope, site or element.value, depth + 1, wanted, consume
                    )
                    entries.extend(found)
                    complete = complete and whole
            return entries, complete
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "dict":
            complete = True
            for arg in node.args:
                if arg.keyword is None:
                    found, whole = self.resolve_mapping(arg.value, scope, site, depth + 1, wanted, consume)
                    entries.extend(found)
                    complete = complete and whole
                elif wanted(arg.keyword.value):
                    entries.append((arg.keyword.value, arg.value, scope, site))
            return entries, complete
        if (isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr)) or isinstance(
            node, cst.BooleanOperation
        ):
            # `a | b` merges both; `a or b` is one of them.
            left, left_whole = self.resolve_mapping(node.left, scope, site, depth + 1, wanted, consume)
            right, right_whole = self.resolve_mapping(node.right, scope, site, depth + 1, wanted, consume)
            return left + right, left_whole and right_whole
        if isinstance(node, cst.Call) and (function := self.called_function(node, scope)) is not None:
            if id(function) not in self.following:
                self.following.add(id(function))
                self.frames[id(function)] = (node, scope)
                for value in function.returns:
                    found, _ = self.resolve_mapping(value, function, site, depth + 1, wanted, consume)
                    entries.extend(found)
                del self.frames[id(function)]
                self.following.discard(id(function))
            return entries, False
        if isinstance(node, cst.Name | cst.Attribute):
            bindings = self.bindings_for(node, scope)
            if bindings and isinstance(node, cst.Name):
                bindings = self.reaching(node, bindings, scope)
            name = node.value if isinstance(node, cst.Name) else None
            if bindings:
                complete = True
                for binding in bindings:
                    passed = self.argument(binding.scope, name) if binding.op == "param" and name else None
                    if passed is not None:
                        # A parameter of a function followed from a call: the argument it was given.
                        found, whole = self.resolve_mapping(passed[0], passed[1], site, depth + 1, wanted, consume)
                        entries.extend(found)
                        complete = complete and whole
                        continue
                    if binding.value is None:
                        complete = complete and binding.op != "param"
                        continue
                    if id(binding) in self.following:
                        complete = False  # `kwargs = {**kwargs, ...}`: the earlier value, already being read
                        continue
                    if binding.op == "subscript":
                        if wanted(binding.key):
                            assert binding.key is not None
                            if consume:
                                self.consumed_writes.add(id(binding.value))
                            entries.append((binding.key, binding.value, binding.scope, site or node))
                    elif binding.op in {"assign", "update", "param"}:
                        self.following.add(id(binding))
                        found, whole = self.resolve_mapping(
                            binding.value, binding.scope, site or node, depth + 1, wanted, consume
                        )
                        self.following.discard(id(binding))
                        entries.extend(found)
                        complete = complete and whole
                return entries, complete
        return entries, False
