"""Client and route resolution: which SDK client and method a call goes through (following a
client to the call that built it), and raw HTTP calls (`httpx`, `requests`) to the API."""

from __future__ import annotations

from dataclasses import replace

import libcst as cst

from beta_lint.python.facts import Scope
from beta_lint.python.literals import string_value, unwrap_optional
from beta_lint.python.patterns import CLIENT_COPIES, PASSTHROUGH_ATTRS
from beta_lint.python.scopes import Callee
from beta_lint.python.values import ValueResolver


class ClientResolver(ValueResolver):
    # -- callees
    def callee(self, call: cst.Call, scope: Scope) -> Callee:
        func = call.func
        qualified = self.qualify(func, scope)
        if qualified is not None:
            client = self.routes.clients.get(qualified)
            if client is not None:
                return Callee("sdk-client", client=client, resolved=True, origin=call)
            if self.routes.http_client_class(qualified):
                return Callee("http-client")
            if self.routes.http_function(qualified) or self.routes.http_constructor(qualified):
                return self._http(call, qualified.rpartition(".")[2], None)
        if isinstance(func, cst.Name):
            return self.method_reference(func, scope) or Callee("unknown")
        if not isinstance(func, cst.Attribute):
            return Callee("unknown")
        return self._attribute_callee(func, call, scope)

    def method_reference(self, node: cst.BaseExpression, scope: Scope, depth: int = 0) -> Callee | None:
        """The SDK method an expression holds as a value, not called: `client.beta.messages.create`,
        or a name bound to it (`create = client.beta.messages.create if beta else client.messages.create`).

        Of several alternatives, one that takes `betas=` (the program sends betas only there)."""
        if depth > 4:
            return None
        if isinstance(node, cst.Attribute) and self.self_bindings(node, scope) is None:
            callee = self._attribute_callee(node, None, scope)
            return callee if callee.kind == "sdk-method" and callee.route is not None else None
        values: list[tuple[cst.BaseExpression, Scope]] = []
        if isinstance(node, cst.IfExp):
            values = [(node.body, scope), (node.orelse, scope)]
        elif isinstance(node, cst.Name) and node.value not in self.c.imports:
            values = [
                (b.value, b.scope)
                for b in self.lookup(node.value, scope)
                if b.op == "assign" and isinstance(b.value, cst.Attribute | cst.Name | cst.IfExp)
            ]
        options = [self.method_reference(value, value_scope, depth + 1) for value, value_scope in values]
        return _preferred([option for option in options if option is not None])

    def _attribute_callee(self, func: cst.Attribute, call: cst.Call | None, scope: Scope) -> Callee:
        """What `a.b.c` is, as the function of `call` (None: the attribute is only referred to)."""
        attrs: list[str] = []
        root: cst.BaseExpression = func
        copy: cst.Call | None = None  # the outermost client.with_options(...) in the chain
        while True:
            if isinstance(root, cst.Attribute) and self.self_bindings(root, scope) is not None:
                break  # `self.client`: the attribute itself is the receiver
            if isinstance(root, cst.Attribute):
                if root.attr.value not in PASSTHROUGH_ATTRS:
                    attrs.append(root.attr.value)
                root = root.value
            elif (
                isinstance(root, cst.Call)
                and isinstance(root.func, cst.Attribute)
                and root.func.attr.value in CLIENT_COPIES
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
            if attrs and attrs[-1] in CLIENT_COPIES:
                if call is None:
                    return Callee("unknown")
                return Callee("sdk-copy", client=receiver.client, resolved=True, origin=call)
            path = ".".join(attrs)
            return Callee(
                "sdk-method",
                path=path,
                route=self.routes.method(path),
                client=receiver.client,
                resolved=True,
                origin=copy or receiver.origin,
            )
        if receiver.kind == "http-client" and len(attrs) == 1 and call is not None:
            return self._http(call, attrs[0], receiver.base_url)
        if attrs and attrs[-1] in CLIENT_COPIES:
            return Callee("unknown")
        # An unresolved receiver: only the method path is known, from the chain's tail.
        route = self.routes.method_by_suffix(attrs)
        if route is not None:
            return Callee("sdk-method", path=route.path, route=route, resolved=False)
        return Callee("unknown")

    def _http(self, call: cst.Call, name: str, base_url: str | None) -> Callee:
        verb = self.routes.verbs.get(name)
        positional = [arg.value for arg in call.args if arg.keyword is None and arg.star == ""]
        keywords = {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}
        url = keywords.get("url")
        method_node: cst.BaseExpression | None = keywords.get("method")
        if name in self.routes.generic:
            if method_node is None and positional:
                method_node = positional.pop(0)
            verb = string_value(method_node) if method_node is not None else None
            verb = verb.upper() if verb else None
        elif name == "Request":  # urllib.request.Request(url, data, headers, ..., method)
            verb = (string_value(method_node) or "").upper() or None
        if url is None and positional:
            url = positional[0]
        return Callee("http", http_method=verb, url=url, base_url=base_url)

    def instance_of(self, node: cst.BaseExpression, scope: Scope, depth: int) -> Callee:
        """What an expression holds: an SDK client, an HTTP client, or unknown.

        Memoised per (expression, scope): factories calling factories (and recursion) would
        otherwise be explored once per path, which is exponential.
        """
        key = (id(node), id(scope))
        if key in self.instances:
            return self.instances[key]
        self.instances[key] = Callee("unknown")  # a cycle back here resolves to unknown
        found = self._instance_of(node, scope, depth)
        self.instances[key] = found
        return found

    def _instance_of(self, node: cst.BaseExpression, scope: Scope, depth: int) -> Callee:
        if depth > 8:
            return Callee("unknown")
        if isinstance(node, cst.Await):
            return self.instance_of(node.expression, scope, depth + 1)
        if isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value in CLIENT_COPIES:
                inner = self.instance_of(func.value, scope, depth + 1)
                if inner.kind == "sdk-client":
                    return replace(inner, origin=node)  # a copy with its own options is a client of its own
                return inner
            qualified = self.qualify(func, scope)
            if qualified is not None:
                if qualified in self.routes.clients:
                    return Callee("sdk-client", client=self.routes.clients[qualified], resolved=True, origin=node)
                if self.routes.http_client_class(qualified):
                    return Callee("http-client", base_url=self._base_url(node, scope))
            if isinstance(func, cst.Name) and func.value in self.c.functions:
                return self._factory(self.c.functions[func.value], depth)
            return Callee("unknown")
        if isinstance(node, cst.Name | cst.Attribute):
            bindings = self.bindings_for(node, scope)
            if not bindings:
                return Callee("unknown")
            for binding in bindings:
                candidates: list[cst.BaseExpression] = []
                if binding.annotation is not None:
                    qualified = self.qualify(unwrap_optional(binding.annotation), binding.scope)
                    if qualified in self.routes.clients:
                        assert qualified is not None
                        return Callee("sdk-client", client=self.routes.clients[qualified], resolved=True)
                if binding.value is not None and binding.op in {"assign", "with", "param"}:
                    candidates.append(binding.value)
                for candidate in candidates:
                    found = self.instance_of(candidate, binding.scope, depth + 1)
                    if found.kind != "unknown":
                        return found
        return Callee("unknown")

    def _factory(self, function: Scope, depth: int) -> Callee:
        if function.return_annotation is not None:
            qualified = self.qualify(unwrap_optional(function.return_annotation), function)
            if qualified in self.routes.clients:
                assert qualified is not None
                return Callee("sdk-client", client=self.routes.clients[qualified], resolved=True)
        for value in function.returns:
            found = self.instance_of(value, function, depth + 1)
            if found.kind != "unknown":
                return found
        return Callee("unknown")

    def _base_url(self, call: cst.Call, scope: Scope) -> str | None:
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "base_url":
                texts = self.resolve_text(arg.value, scope, None)
                if len(texts) == 1:
                    return "".join("{}" if f.dynamic else f.text for f in texts[0])
        return None


def _preferred(options: list[Callee]) -> Callee | None:
    """Of the SDK methods a value may hold, the first that takes `betas=`, else the first."""
    for option in options:
        if option.route is not None and option.route.betas_param:
            return option
    return options[0] if options else None
