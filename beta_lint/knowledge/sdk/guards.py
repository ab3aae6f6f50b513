"""What raises when called: client flags whose absence makes a method raise at once, and URL
prefixes a client refuses (`if options.url.startswith(...): raise`). `Scanner` is the complete
scanner: resources, then method facts, then these guards."""

from __future__ import annotations

import ast
import sys

if sys.version_info >= (3, 11):
    pass
else:  # pragma: no cover - exercised on Python 3.10 only
    pass

from beta_lint.knowledge.sdk.methods import MethodScanner, is_attr, is_url
from beta_lint.knowledge.sdk.modules import Def
from beta_lint.knowledge.sdk.records import (
    CLIENT_BASES,
    MAX_DEPTH,
)


class Scanner(MethodScanner):
    def capability_guards(self, method: Def) -> set[str]:
        """Client flags (`_supports_message_threads`) whose absence makes the call raise at once.

        Follows only what runs during the call: functions called by name and constructors of classes
        called by name, not the methods of the object returned.
        """
        return self._guards_of(method, ())[0]

    def _guards_of(self, method: Def, stack: tuple[Def, ...]) -> tuple[set[str], bool]:
        """(flags, complete): an answer cut short by a call cycle is not memoized."""
        cached = self.guards_cache.get(method)
        if cached is not None:
            return cached, True
        if method in stack or len(stack) > MAX_DEPTH:
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
                callee: Def | None = None
                if isinstance(found, Def) and isinstance(found.node, ast.ClassDef):
                    callee = self.pkg.class_member(found, "__init__")
                elif isinstance(found, Def):
                    callee = found
                # SDK plumbing (`anthropic._utils`, `_base_client`) checks no client capability.
                if callee is not None and not callee.module.split(".")[1].startswith("_"):
                    more, done = self._guards_of(callee, inner)
                    flags |= more
                    complete = complete and done
        if complete:
            self.guards_cache[method] = flags
        return flags, complete

    def url_guards(self, cls: Def) -> list[tuple[str, str, str | None]]:
        """`if options.url.startswith("/v1/messages/batches"): raise ...` in the client's modules.

        Returns (kind, url, http verb or None) with kind "prefix" or "exact".
        """
        guards: list[tuple[str, str, str | None]] = []
        modules = sorted({k.module for k in self.pkg.mro(cls) if k.module != CLIENT_BASES[0]})
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
                        if part.func.attr == "startswith" and is_url(part.func.value) and part.args:
                            value = self.pkg.string_value(module, part.args[0])
                            if value is not None:
                                found.append(("prefix", value))
                    elif isinstance(part, ast.Compare) and len(part.ops) == 1:
                        op, right = part.ops[0], part.comparators[0]
                        if (
                            is_url(part.left)
                            and isinstance(op, ast.In)
                            and isinstance(right, (ast.Set, ast.List, ast.Tuple))
                        ):
                            for element in right.elts:
                                value = self.pkg.string_value(module, element)
                                if value is not None:
                                    found.append(("exact", value))
                        elif is_url(part.left) and isinstance(op, ast.Eq):
                            value = self.pkg.string_value(module, right)
                            if value is not None:
                                found.append(("exact", value))
                        elif is_attr(part.left, "method") and isinstance(op, ast.Eq):
                            value = self.pkg.string_value(module, right)
                            verb = value.upper() if value else None
                guards.extend((kind, url.split("?")[0], verb) for kind, url in found)
        return sorted(set(guards), key=lambda g: (g[0], g[1], g[2] or ""))
