"""Method facts: the HTTP route a resource method calls, the betas it adds itself, whether it
takes `betas=`, and helpers (stream, tool_runner ...) followed through `anthropic.lib`."""

from __future__ import annotations

import ast
import sys
from collections.abc import Mapping

if sys.version_info >= (3, 11):
    pass
else:  # pragma: no cover - exercised on Python 3.10 only
    pass

from beta_lint.knowledge.sdk.modules import (
    Binding,
    Def,
    Facts,
    Summary,
    Value,
    attr_chain,
    compared_ids,
    docstring_ids,
    exact_beta,
)
from beta_lint.knowledge.sdk.records import CLIENT_ATTRS, HTTP_VERBS, PACKAGE
from beta_lint.knowledge.sdk.resources import ResourceScanner


class MethodScanner(ResourceScanner):
    def facts(self, method: Def) -> Facts:
        cached = self.facts_cache.get(method)
        if cached is None:
            cached = self._direct_facts(method)
            self.facts_cache[method] = cached
        return cached

    def _betas_param(self, method: Def) -> bool:
        fn = method.node
        assert isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
        args = fn.args
        if any(a.arg == "betas" for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]):
            return True
        # `**params: Unpack[ThreadCreateParams]`: the TypedDict's fields are keyword arguments too.
        annotation = args.kwarg.annotation if args.kwarg else None
        if isinstance(annotation, ast.Subscript):
            typed = self.pkg.resolve_expr(method.module, annotation.slice)
            if isinstance(typed, Def) and isinstance(typed.node, ast.ClassDef):
                for klass in self.pkg.mro(typed):
                    assert isinstance(klass.node, ast.ClassDef)
                    for stmt in klass.node.body:
                        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                            if stmt.target.id == "betas":
                                return True
        return False

    def _header_adds(self, module: str, fn: ast.AST) -> set[str]:
        """Beta names written into an `"anthropic-beta"` header literal: the method's automatic betas."""
        found: set[str] = set()
        for node in ast.walk(fn):
            if not isinstance(node, ast.Dict):
                continue
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    if key.value.lower() == "anthropic-beta":
                        found |= self._beta_values(module, value)
        return found

    def _beta_values(self, module: str, expr: ast.AST) -> set[str]:
        found: set[str] = set()
        for node in ast.walk(expr):
            if isinstance(node, ast.Constant):
                found.update(exact_beta(node.value))
            elif isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node, ast.expr):
                value = self.pkg.string_value(module, node)
                if value is not None:
                    found.update(exact_beta(value))
        return found

    def _route_of(self, module: str, call: ast.Call) -> tuple[str | None, bool]:
        """The route template of a request call, and whether it came from the path argument itself."""
        if call.args:
            first = call.args[0]
            value = self.pkg.string_value(module, first)
            if value is not None:
                return value, True
            if isinstance(first, ast.Call) and isinstance(first.func, (ast.Name, ast.Attribute)):
                name = first.func.id if isinstance(first.func, ast.Name) else first.func.attr
                if name == "path_template" and first.args:
                    value = self.pkg.string_value(module, first.args[0])
                    if value is not None:
                        return value, True
        # A dynamic path (`batch.results_url`): the tracing span still names the route template.
        for node in ast.walk(call):
            if isinstance(node, ast.keyword) and node.arg == "span_route":
                value = self.pkg.string_value(module, node.value)
                if value is not None:
                    return value, False
        return None, False

    def _direct_facts(self, method: Def) -> Facts:
        fn = method.node
        assert isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
        returned: set[int] = set()
        for node in ast.walk(fn):
            if isinstance(node, ast.Return) and node.value is not None:
                inner = node.value.value if isinstance(node.value, ast.Await) else node.value
                returned.add(id(inner))
        direct: list[ast.Call] = []
        partials: list[tuple[str, ast.Call]] = []
        for node in ast.walk(fn):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "self"
                and func.attr in HTTP_VERBS
            ):
                direct.append(node)
            elif (
                isinstance(func, (ast.Name, ast.Attribute))
                and (func.id if isinstance(func, ast.Name) else func.attr) == "partial"
                and node.args
                and isinstance(node.args[0], ast.Attribute)
                and isinstance(node.args[0].value, ast.Name)
                and node.args[0].value.id == "self"
                and node.args[0].attr in HTTP_VERBS
            ):
                # `partial(self._post, "/v1/messages", ...)`: the stream helper's deferred request.
                partials.append(
                    (
                        node.args[0].attr,
                        ast.Call(func=node.args[0], args=node.args[1:], keywords=node.keywords),
                    )
                )
        facts = Facts(betas_param=self._betas_param(method), adds=self._header_adds(method.module, fn))
        if direct:
            # The call whose result is returned is the method's request (batches.results first retrieves).
            chosen = next((c for c in direct if id(c) in returned), direct[-1])
            assert isinstance(chosen.func, ast.Attribute)
            facts.http_method = HTTP_VERBS[chosen.func.attr]
            facts.route, from_path = self._route_of(method.module, chosen)
            facts.route_from_span = facts.route is not None and not from_path
        else:
            facts.helper = True
            if partials:
                verb, call = partials[-1]
                facts.http_method = HTTP_VERBS[verb]
                facts.route, _ = self._route_of(method.module, call)
        return facts

    # -- helpers: follow what they reference --------------------------------------------------

    def resolve_helpers(self, table: dict[str, Def]) -> None:
        """Fill route and adds of helper methods from the code they delegate to."""
        for path, method in sorted(table.items()):
            facts = self.facts(method)
            if facts.helper and not facts.followed:
                self._follow(path, method, table, ())

    def _follow(self, path: str, method: Def, table: dict[str, Def], stack: tuple[Def, ...]) -> Facts:
        facts = self.facts(method)
        if not facts.helper or facts.followed or method in stack:
            return facts
        facts.followed = True
        routes: set[tuple[str, str]] = set()
        if facts.http_method and facts.route:
            routes.add((facts.http_method, facts.route))
        targets: dict[Def, str] = {}
        owner = Def(method.module, method.owner) if method.owner is not None else None
        # Calls on `self`: a helper built on another method of the same resource.
        siblings = self.members(owner).methods if owner is not None else {}
        for node in ast.walk(method.node):
            if isinstance(node, ast.Call):
                chain = attr_chain(node.func)
                if chain and chain[0] == "self" and len(chain) == 2 and chain[1] in siblings:
                    targets[siblings[chain[1]]] = f"{path}->{chain[1]}"
        sent, reached = self._lib_closure(method, table)
        facts.adds |= sent
        for target, label in reached.items():
            targets.setdefault(target, label)
        for target, label in sorted(targets.items(), key=lambda item: item[1]):
            if target is method:
                continue
            inner = self._follow(label, target, table, (*stack, method))
            facts.adds |= inner.adds
            if inner.http_method and inner.route:
                routes.add((inner.http_method, inner.route.split("?")[0]))
        if len(routes) == 1:
            facts.http_method, facts.route = next(iter(routes))
        elif len(routes) > 1:
            facts.http_method = facts.route = None
            listed = ", ".join(f"{verb} {route}" for verb, route in sorted(routes))
            self.note(f"{path}: helper sends several requests ({listed}); no single route recorded")
        elif "->" not in path and path in table:
            self.note(f"{path}: helper sends no HTTP request that could be found statically")
        return facts

    def _resource_in(self, module: str, annotation: ast.expr | None, local: Mapping[str, Binding]) -> Def | None:
        """The resource class named in an annotation (`AsyncWork`, `AsyncEvents | None`), if any."""
        if annotation is None:
            return None
        for node in ast.walk(annotation):
            if isinstance(node, (ast.Name, ast.Attribute)) or (
                isinstance(node, ast.Constant) and isinstance(node.value, str)
            ):
                assert isinstance(node, ast.expr)
                found = self.pkg.resolve_expr(module, node, local)
                if isinstance(found, Def) and isinstance(found.node, ast.ClassDef) and self.is_resource(found):
                    return found
        return None

    def _lib_closure(self, start: Def, table: Mapping[str, Def]) -> tuple[set[str], dict[Def, str]]:
        """Beta names sent, and resource methods called, by the `anthropic.lib` code a helper references.

        A class reached brings all its methods (the helper returns an object whose methods send);
        only `anthropic.lib` is followed, the rest of the SDK is resources or plumbing. Resource
        methods are found as `<...>client.beta.x.y(...)` chains, or as calls on a name or attribute
        annotated with a resource class (`work: AsyncWork` ... `work.poll(...)`).
        """
        queue: list[Def] = [start]
        seen: set[Def] = {start}
        sent: set[str] = set()
        reached: dict[Def, str] = {}
        while queue:
            summary = self._summary(queue.pop(), table)
            sent |= summary.sent
            for target, label in summary.reached.items():
                reached.setdefault(target, label)
            for ref in summary.refs:
                if ref not in seen:
                    seen.add(ref)
                    queue.append(ref)
        return sent, reached

    def _summary(self, current: Def, table: Mapping[str, Def]) -> Summary:
        """What one definition sends, calls and references; memoized, helpers share lib classes."""
        cached = self.summaries.get(current)
        if cached is not None:
            return cached
        lib = f"{PACKAGE}.lib."
        summary = Summary()
        node = current.node
        local = self.pkg.local_imports(current.module, node)
        skip = docstring_ids(node) | compared_ids(node)
        typed: dict[str, Def] = {}
        for sub in ast.walk(node):
            if isinstance(sub, ast.arg):
                found_cls = self._resource_in(current.module, sub.annotation, local)
                if found_cls is not None:
                    typed[sub.arg] = found_cls
            elif isinstance(sub, ast.AnnAssign) and isinstance(sub.target, (ast.Name, ast.Attribute)):
                found_cls = self._resource_in(current.module, sub.annotation, local)
                if found_cls is not None:
                    typed[ast.unparse(sub.target)] = found_cls
        for sub in ast.walk(node):
            if id(sub) in skip:
                continue
            if isinstance(sub, ast.Constant):
                summary.sent.update(exact_beta(sub.value))
            elif isinstance(sub, (ast.Name, ast.Attribute)) and isinstance(sub.ctx, ast.Load):
                found = self.pkg.resolve_expr(current.module, sub, local)
                if isinstance(found, Value) and found.module.startswith(lib):
                    summary.sent |= self._beta_values(found.module, found.value)
                elif isinstance(found, Def) and found.module.startswith(lib):
                    summary.refs.add(found)
            elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute):
                receiver = ast.unparse(sub.func.value)
                if receiver in typed:
                    target = self.members(typed[receiver]).methods.get(sub.func.attr)
                    if target is not None:
                        summary.reached.setdefault(target, f"{receiver}.{sub.func.attr}")
                    continue
                chain = attr_chain(sub.func)
                if chain:
                    cut = max((i for i, part in enumerate(chain) if part in CLIENT_ATTRS), default=-1)
                    path = ".".join(chain[cut + 1 :])
                    if cut >= 0 and path in table:
                        summary.reached.setdefault(table[path], path)
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                found = self.pkg.resolve_expr(current.module, base)
                if isinstance(found, Def) and found.module.startswith(lib):
                    summary.refs.add(found)
        self.summaries[current] = summary
        return summary

    # -- what raises when called --------------------------------------------------------------


def is_attr(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == name


def is_url(node: ast.expr) -> bool:
    return is_attr(node, "url")


def compress(paths: set[str], universe: set[str]) -> list[str]:
    """Replace method paths by the shortest resource prefix whose every method is in `paths`."""
    under: dict[str, set[str]] = {}
    for path in universe:
        parts = path.split(".")
        for size in range(1, len(parts) + 1):
            under.setdefault(".".join(parts[:size]), set()).add(path)
    out: set[str] = set()
    for path in paths:
        parts = path.split(".")
        for size in range(1, len(parts) + 1):
            prefix = ".".join(parts[:size])
            members = under.get(prefix)
            if members and members <= paths:
                out.add(prefix)
                break
        else:
            out.add(path)
    return sorted(out)
