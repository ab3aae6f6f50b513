"""From resolved values to usages and requests: every call, header mapping and string of the
module is looked at once, and what it sends is recorded with its location."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any, Literal

import libcst as cst

from beta_lint.model import (
    Export,
    HeaderKey,
    HeaderText,
    Location,
    Request,
    Role,
    Usage,
    UsageKind,
)
from beta_lint.python.facts import CallSite, DictSite, Frag, Item, ItemList, Scope, StringSite, Text
from beta_lint.python.known import RequestResolver
from beta_lint.python.literals import (
    empty_branches,
    is_header_key,
    literal_body,
    looks_dated,
    rebind,
    shift,
    slice_text,
    split_items,
    string_value,
    unique,
)
from beta_lint.python.patterns import COMMON_NON_REQUESTS, DATED_RE, RAW_HEADER_RE, TOKEN_RE
from beta_lint.python.scopes import Callee


class Resolver(RequestResolver):
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
                if items and (shape == "list" or DATED_RE.search(items[0][0])):
                    out.append(Export(name, shape, tuple(items)))
        return tuple(out)

    # -- the requests
    def run(self) -> None:
        self.find_anthropic_bases()
        for site in self.c.calls:
            self.call(site)
        for dict_site in self.c.dicts:
            if id(dict_site.node) not in self.consumed_dicts:
                self.header_mapping(dict_site)
        for string_site in self.c.strings:
            self.string(string_site)

    def call(self, site: CallSite) -> None:
        call, scope = site.node, site.scope
        keywords = {arg.keyword.value: arg for arg in call.args if arg.keyword is not None}
        carriers = [k for k in ("betas", "extra_headers", "default_headers", "headers") if k in keywords]
        if not carriers and not self._may_send(call):
            return
        # An expectation or a log line is never a request.
        callee = Callee("unknown") if site.mention else self.callee(call, scope)
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
            "known": not site.mention and self.known(callee, scope),
        }
        star_args = any(arg.star for arg in call.args)
        sent_header = False
        for carrier in carriers:
            arg = keywords[carrier]
            keyword_location = self.loc(arg)
            if carrier == "betas":
                request = self._request(call, "betas", site.mention, keyword_location=keyword_location, **base)
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
                    request = self._request(call, kind, site.mention, keyword_location=keyword_location, **base)
                    self._emit_header(request, key, value, value_scope, entry_site, "header")
                    sent_header = sent_header or is_header_key(key if isinstance(key, str) else string_value(key))
        resolved_call = (callee.kind == "sdk-method" and callee.resolved) or callee.kind == "http"
        if "betas" not in carriers and not sent_header and resolved_call:
            # A call that sends no beta of its own: still a request (the SDK may add one; a raw
            # call may need one). "unknown" when **kwargs or an unresolved mapping could hold it.
            self._request(call, "call", site.mention, beta_header="unknown" if star_args else "absent", **base)

    @staticmethod
    def _may_send(call: cst.Call) -> bool:
        """Cheap test before resolving a callee: a call that could be an SDK or HTTP request."""
        func = call.func
        return isinstance(func, cst.Attribute) and func.attr.value not in COMMON_NON_REQUESTS

    def header_mapping(self, site: DictSite) -> None:
        """A header mapping not passed to any call we followed: still a usage."""
        entries, _ = self.resolve_mapping(site.node, site.scope, None)
        # An expected value in a test (`expected = {...}; assert sent == expected`) sends nothing.
        mention = site.mention or self.c.mention_only(self.c.assigned_to.get(id(site.node)))
        for key, value, value_scope, entry_site in entries:
            request = self._request(site.node, "mapping", mention)
            self._emit_header(request, key, value, value_scope, entry_site, "header")

    def string(self, site: StringSite) -> None:
        node = site.node
        if id(node) in self.consumed:
            return
        texts = self.resolve_text(node, site.scope, None)
        text = texts[0] if len(texts) == 1 else None
        value = "".join(f.text for f in text) if text is not None else None
        if value is None:
            return
        if "anthropic-beta" in value.lower() and ":" in value:
            for match in RAW_HEADER_RE.finditer(value):
                self._raw_header(site, node, text or (), value, match)
            if RAW_HEADER_RE.search(value):
                return
        stripped = value.strip()
        if stripped in self.registry_names or (site.beta_named and looks_dated(stripped)):
            scope: Literal["all", "lifecycle"] = "all" if site.beta_named else "lifecycle"
            role = self.string_role(site)
            for item in split_items(text or ()):
                self.usages.extend(self._item_usages(None, "literal", item, scope, 0, node, role))

    def _raw_header(
        self, site: StringSite, node: cst.BaseExpression, text: Text, value: str, match: re.Match[str]
    ) -> None:
        endpoint = self.routes.endpoint_of_url(value)
        platform = self.routes.platform_of_url(value)
        known = self.anthropic_url(value) and not site.mention
        mention = self.string_role(site) == "mentioned"
        request = self._request(node, "header-string", mention, endpoint=endpoint, platform=platform, known=known)
        start, end = match.span("value")
        sliced = slice_text(text, start, end)
        self._emit_texts(request, "header-string", [sliced], element=node)

    # -- emitting
    def _request(self, node: cst.CSTNode, carrier: str, mention: bool = False, **fields: object) -> Request:
        location = self.loc(node)
        # Ids come from the position, not a counter: the same request gets the same id however
        # much of the file was parsed (slicing) and in whatever order calls are visited.
        count = self.per_node.get(location.offset, 0)
        self.per_node[location.offset] = count + 1
        request_id = location.offset * 64 + count
        request = Request(id=request_id, location=location, carrier=carrier, **fields)  # type: ignore[arg-type]
        if mention:
            self.mention_requests.add(request_id)
        self.requests.append(request)
        return request

    def _replace_request(self, old: Request, **fields: object) -> Request:

        new = replace(old, **fields)  # type: ignore[arg-type]
        self.requests[self.requests.index(old)] = new
        return new

    def _emit_list(self, request: Request, kind: UsageKind, lists: list[ItemList], arg: cst.Arg) -> None:
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
        for branch in empty_branches(arg.value):
            texts.append(HeaderText("", self.loc(branch), True, "empty-list"))
        request = self._replace_request(request, header_texts=unique(texts))
        self.usages.extend(rebind(usages, request))

    def _emit_header(
        self,
        request: Request,
        key: cst.BaseExpression | str,
        value: cst.BaseExpression,
        scope: Scope,
        site: cst.CSTNode | None,
        kind: UsageKind,
    ) -> None:
        key_text = key if isinstance(key, str) else (string_value(key) or "")
        if isinstance(key, cst.SimpleString) and literal_body(key)[2]:
            body_at, body, _ = literal_body(key)
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

    def _emit_texts(self, request: Request, kind: UsageKind, texts: list[Text], element: cst.CSTNode) -> None:
        usages: list[Usage] = []
        header_texts = [self._header_text(text, "header") for text in texts]
        for alternative, text in enumerate(texts):
            for item in split_items(text):
                usages.extend(self._item_usages(request, kind, item, "all", alternative, element))
        request = self._replace_request(request, header_texts=unique(header_texts))
        self.usages.extend(rebind(usages, request))

    def _header_text(self, frags: Sequence[Frag], kind: Literal["header", "item"]) -> HeaderText:
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
        item: Item,
        scope: Literal["all", "lifecycle"],
        alternative: int,
        element: cst.CSTNode | None = None,
        role: Role | None = None,
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
        extra: dict[str, Any] = {
            "role": role or self.role_of(request),
            "branch": next((f.branch for f in frags if f.branch), ()),
        }
        adder = next((f for f in frags if f.statement is not None), None)
        if adder is not None and len(frags) == 1 and adder.statement is not None:
            extra["statement"] = self.loc(adder.statement)
            extra["statement_alone"] = adder.alone
        if dynamic:
            node = dynamic[0].node
            assert node is not None
            location = self.loc(node)
            site = self.loc(dynamic[0].site) if dynamic[0].site is not None else location
            yield Usage(kind, None, text, location, site, request, scope, via, alternative, element_location, **extra)
            return
        for frag in frags:
            if frag.node is not None:
                self.consumed.add(id(frag.node))
        # Empty items ("a,,b") carry no name: the header check reports them.
        for token in TOKEN_RE.finditer(text):
            raw = token.group(0)
            location = self._token_location(frags, token.start(), token.end())
            same_place = site_node is None or (first is not None and site_node is first.node)
            site = location if same_place else self.loc(site_node)  # type: ignore[arg-type]
            yield Usage(kind, raw, raw, location, site, request, scope, via, alternative, element_location, **extra)

    def _token_location(self, frags: Sequence[Frag], start: int, end: int) -> Location:
        position = 0
        for index, frag in enumerate(frags):
            frag_end = position + len(frag.text)
            if position <= start < frag_end or (start == end == position):
                if frag.origin is not None:
                    return shift(frag.origin, start - position, end - start) if end <= frag_end else frag.origin
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
    def _last_node(frags: Sequence[Frag], end: int) -> cst.CSTNode | None:
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
    def _endpoint(self, callee: Callee, scope: Scope) -> tuple[str | None, str | None, str | None]:
        platform = callee.client.platform if callee.client is not None else None
        if callee.kind == "sdk-method" and callee.route is not None and callee.resolved:
            return callee.route.route, callee.route.http_method, platform
        if callee.kind == "http" and callee.url is not None:
            texts = self.resolve_text(callee.url, scope, None)
            if len(texts) == 1:
                url = (callee.base_url or "") + "".join("{}" if f.dynamic else f.text for f in texts[0])
                return self.routes.endpoint_of_url(url), callee.http_method, self.routes.platform_of_url(url)
        return None, callee.http_method, platform

    def _model(self, arg: cst.Arg | None, scope: Scope) -> tuple[str | None, Location | None]:
        if arg is None:
            return None, None
        texts = self.resolve_text(arg.value, scope, None)
        if len(texts) != 1 or any(f.dynamic for f in texts[0]):
            return None, None
        return "".join(f.text for f in texts[0]), self.loc(arg.value)
