"""From resolved values to records: each `Request` a call, mapping or string makes, and the
`Usage` of every name in it, with the exact location of the name, its role and its branch.
`usages.Resolver` decides which sites to look at; this module only writes them down."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any, Literal

import libcst as cst

from beta_lint.model import HeaderKey, HeaderText, Location, Request, Role, Usage, UsageKind
from beta_lint.python.facts import Frag, Item, ItemList, Scope, Text
from beta_lint.python.known import RequestResolver
from beta_lint.python.literals import (
    empty_branches,
    literal_body,
    rebind,
    shift,
    split_items,
    string_value,
    unique,
)
from beta_lint.python.patterns import TOKEN_RE


class Emitter(RequestResolver):
    def make_request(self, node: cst.CSTNode, carrier: str, mention: bool = False, **fields: object) -> Request:
        location = self.loc(node)
        # Ids come from the position, not a counter: the same request gets the same id however
        # much of the file was parsed (slicing) and in whatever order calls are visited.
        count = self.per_node.get(location.offset, 0)
        self.per_node[location.offset] = count + 1
        request_id = location.offset * 64 + count
        request = Request(id=request_id, location=location, carrier=carrier, **fields)  # type: ignore[arg-type]
        if mention:
            self.mention_requests.add(request_id)
        self.request_index[request_id] = len(self.requests)
        self.requests.append(request)
        return request

    def replace_request(self, old: Request, **fields: object) -> Request:

        new = replace(old, **fields)  # type: ignore[arg-type]
        # By id, not list.index: a file with thousands of requests must not search the list for each.
        self.requests[self.request_index[old.id]] = new
        return new

    def emit_list(self, request: Request, kind: UsageKind, lists: list[ItemList], arg: cst.Arg) -> None:
        texts: list[HeaderText] = []
        usages: list[Usage] = []
        for alternative, items in enumerate(lists):
            if not items:
                if len(lists) == 1:
                    texts.append(HeaderText("", self.loc(arg), True, "empty-list"))
                continue
            for item in items:
                texts.append(self.header_text(item.frags, "item"))
                usages.extend(self.item_usages(request, kind, item, "all", alternative))
        for branch in empty_branches(arg.value):
            texts.append(HeaderText("", self.loc(branch), True, "empty-list"))
        request = self.replace_request(request, header_texts=unique(texts))
        self.usages.extend(rebind(usages, request))

    def emit_header(
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
        request = self.replace_request(request, header_key=header_key)
        if key_text.strip().lower() == "anthropic_beta" and not isinstance(value, cst.SimpleString):
            # Bedrock's request body carries betas as a list under "anthropic_beta".
            lists = self.resolve_list(value, scope, site)
            if not any(f.dynamic for items in lists for item in items for f in item.frags):
                self.emit_list(request, "betas-argument", lists, cst.Arg(value))
                return
        self.emit_texts(request, kind, texts, element=value)

    def emit_texts(self, request: Request, kind: UsageKind, texts: list[Text], element: cst.CSTNode) -> None:
        usages: list[Usage] = []
        header_texts = [self.header_text(text, "header") for text in texts]
        for alternative, text in enumerate(texts):
            for item in split_items(text):
                usages.extend(self.item_usages(request, kind, item, "all", alternative, element))
        request = self.replace_request(request, header_texts=unique(header_texts))
        self.usages.extend(rebind(usages, request))

    def header_text(self, frags: Sequence[Frag], kind: Literal["header", "item"]) -> HeaderText:
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

    def item_usages(
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
            "fixable": all(f.fixable for f in frags),
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
            location = self.token_location(frags, token.start(), token.end())
            same_place = site_node is None or (first is not None and site_node is first.node)
            site = location if same_place else self.loc(site_node)  # type: ignore[arg-type]
            yield Usage(kind, raw, raw, location, site, request, scope, via, alternative, element_location, **extra)

    def token_location(self, frags: Sequence[Frag], start: int, end: int) -> Location:
        position = 0
        for index, frag in enumerate(frags):
            frag_end = position + len(frag.text)
            if position <= start < frag_end or (start == end == position):
                if frag.origin is not None:
                    return shift(frag.origin, start - position, end - start) if end <= frag_end else frag.origin
                if frag.start is not None and end <= frag_end:
                    return self.span(frag.start + start - position, frag.start + end - position)
                if frag.node is not None:
                    last = self.last_node(frags[index:], end - position)
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
    def last_node(frags: Sequence[Frag], end: int) -> cst.CSTNode | None:
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
