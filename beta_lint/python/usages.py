"""From resolved values to usages and requests: every call, header mapping and string of the
module is looked at once, and what it sends is recorded with its location."""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from typing import Any, Literal

import libcst as cst

from beta_lint.model import (
    Export,
    Location,
)
from beta_lint.python.emit import Emitter
from beta_lint.python.facts import CallSite, DictSite, HeaderWrite, Item, ItemList, Scope, StringSite, Text
from beta_lint.python.literals import (
    is_header_key,
    limit,
    looks_dated,
    slice_text,
    split_items,
    string_value,
)
from beta_lint.python.patterns import COMMON_NON_REQUESTS, DATED_RE, RAW_HEADER_RE
from beta_lint.python.scopes import Callee


class Resolver(Emitter):
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
        for write in self.c.header_writes:
            if id(write.value) not in self.consumed_writes:
                self.header_write(write)
        for write in self.c.betas_writes:
            # Sent by a call followed above: only the constants it names are still to be listed.
            sent = id(write.value) in self.consumed_writes or id(write.target) in self.consumed_dicts
            self.betas_write(write, constants_only=sent)
        for string_site in self.c.strings:
            self.string(string_site)

    def call(self, site: CallSite) -> None:
        call, scope = site.node, site.scope
        keywords = {arg.keyword.value: arg for arg in call.args if arg.keyword is not None}
        carriers = [k for k in ("betas", "extra_headers", "default_headers", "headers") if k in keywords]
        splat = any(arg.star == "**" for arg in call.args)
        if not carriers and not splat and not self._may_send(call):
            return
        # An expectation or a log line is never a request.
        callee = Callee("unknown") if site.mention else self.callee(call, scope)
        if callee.kind == "unknown" and not site.mention and (carriers or splat):
            callee = self._forwarded(call, scope) or callee
        sdk_call = callee.kind == "sdk-method" and (callee.resolved or splat)
        if not carriers and not sdk_call and callee.kind != "http":
            return
        url = self.http_url(callee, scope) if callee.kind == "http" else None
        endpoint, http_method, platform = self._endpoint(callee, url)
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
            "known": not site.mention and self.known(callee, url),
        }
        star_args = any(arg.star for arg in call.args)
        sent_header = False
        for carrier in carriers:
            arg = keywords[carrier]
            keyword_location = self.loc(arg)
            if carrier == "betas":
                request = self.make_request(call, "betas", site.mention, keyword_location=keyword_location, **base)
                lists = self.resolve_list(arg.value, scope, None)
                self.emit_list(request, "betas-argument", lists, arg)
            else:
                if callee.kind == "sdk-copy" and carrier == "default_headers":
                    kind = "with_options"
                else:
                    kind = carrier
                entries, complete = self.resolve_mapping(arg.value, scope, None)
                star_args = star_args or not complete
                for key, value, value_scope, entry_site in entries:
                    request = self.make_request(call, kind, site.mention, keyword_location=keyword_location, **base)
                    self.emit_header(request, key, value, value_scope, entry_site, "header")
                    sent_header = sent_header or is_header_key(key if isinstance(key, str) else string_value(key))
        takes_betas = callee.route.betas_param if callee.route is not None else None
        if "betas" not in carriers and callee.kind == "sdk-method" and self.betas_from_kwargs(site, base, takes_betas):
            carriers.append("betas")
        if "extra_headers" not in carriers and callee.kind == "sdk-method":
            sent_header = self.headers_from_kwargs(site, base) or sent_header
        resolved_call = (callee.kind == "sdk-method" and callee.resolved) or callee.kind == "http"
        if "betas" not in carriers and not sent_header and resolved_call:
            # A call that sends no beta of its own: still a request (the SDK may add one; a raw
            # call may need one). "unknown" when **kwargs or an unresolved mapping could hold it.
            self.make_request(call, "call", site.mention, beta_header="unknown" if star_args else "absent", **base)

    def betas_from_kwargs(self, site: CallSite, base: dict[str, Any], takes_betas: bool | None) -> bool:
        """`create(**params)` where params gets a "betas" key (`params["betas"] = [...]`, a dict
        literal, `dict(betas=...)`): those betas are sent. A mapping that cannot be followed, in
        a module that gives some mapping a "betas" key, is a dynamic use at the `**` of a method
        that takes `betas` (into one that does not, the program's logic decides: not a use)."""
        for arg in site.node.args:
            if arg.star != "**":
                continue
            entries, complete = self.resolve_mapping(arg.value, site.scope, None, wanted=_is_betas_key)
            if not entries and (complete or not self.c.betas_key or takes_betas is False):
                continue
            # Only a mapping followed completely says for certain what the call receives.
            fields = base if complete else {**base, "beta_header": "unknown"}
            request = self.make_request(site.node, "betas", site.mention, keyword_location=self.loc(arg), **fields)
            lists: list[ItemList] = []
            for _, value, value_scope, entry_site in entries:
                lists.extend(self.resolve_list(value, value_scope, entry_site or arg.value))
            if not complete:
                lists.append((self._dynamic_item(arg.value, arg.value),))
            self.emit_list(request, "betas-argument", limit(lists), arg)
            return True
        return False

    def headers_from_kwargs(self, site: CallSite, base: dict[str, Any]) -> bool:
        """`create(**request)` where the mapping carries "extra_headers" with an anthropic-beta
        key (a retry that adds the header to a copy of the request). A header written into that
        mapping stays a use where it is written, too."""
        sent = False
        for arg in site.node.args:
            if arg.star != "**":
                continue
            found, _ = self.resolve_mapping(arg.value, site.scope, None, wanted=_is_extra_headers, consume=False)
            for _, value, value_scope, entry_site in found:
                entries, _ = self.resolve_mapping(value, value_scope, entry_site or arg.value, consume=False)
                for key, header, header_scope, header_site in entries:
                    request = self.make_request(
                        site.node, "extra_headers", site.mention, keyword_location=self.loc(arg), **base
                    )
                    self.emit_header(request, key, header, header_scope, header_site, "header")
                    sent = True
        return sent

    def betas_write(self, write: HeaderWrite, constants_only: bool) -> None:
        """`kwargs["betas"] = [...]` or `{"betas": [...]}`: the `betas=` of a request made later
        (here, by the caller or by a wrapper). Listed where the names are put, like the `betas=`
        of a call beta-lint does not know: a constant written there is listed there too (a local
        variable is listed where it is assigned). When a followed call sends the mapping, its
        names are already listed; `constants_only` then adds just the constants written here."""
        lists = self.resolve_list(write.value, write.scope, None)
        # An expected value (`expected = {"betas": [...]}` only asserted on) sends nothing.
        target = write.target
        holder = (
            target.value.value if isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name) else None
        )
        mention = write.mention or self.c.mention_only(holder or self.c.assigned_to.get(id(target)))
        request = None
        for alternative, items in enumerate(lists):
            for item in items:
                if not self._could_be_beta(item):
                    continue
                element = next((f.element for f in item.frags if f.element is not None), None)
                local = self._local_name(element, write.scope)
                if constants_only and (local or not isinstance(element, cst.Name | cst.Attribute)):
                    continue
                if local:
                    item = Item(tuple(replace(f, element=None) for f in item.frags))
                if request is None:
                    request = self.make_request(write.target, "betas", mention, keyword_location=self.loc(write.value))
                self.usages.extend(self.item_usages(request, "betas-argument", item, "all", alternative))

    def _could_be_beta(self, item: Item) -> bool:
        """A "betas" key is also an optimiser's (`{"betas": ...}` for Adam): in a module that
        never says anthropic or claude, only a dated or registry name under it is a beta."""
        if any(f.dynamic for f in item.frags) or self._about_anthropic:
            return True
        text = "".join(f.text for f in item.frags).strip()
        return text in self.registry_names or looks_dated(text)

    @functools.cached_property
    def _about_anthropic(self) -> bool:
        lowered = self.lines.text.lower()
        return "anthropic" in lowered or "claude" in lowered

    def _local_name(self, node: cst.CSTNode | None, scope: Scope) -> bool:
        """Whether `node` is a name bound in a function (not a module constant or an import)."""
        if not isinstance(node, cst.Name):
            return False
        bindings = self.lookup(node.value, scope)
        return bool(bindings) and bindings[0].scope.kind != "module"

    def header_write(self, write: HeaderWrite) -> None:
        """`headers["anthropic-beta"] = value` on a mapping no followed call took: still a usage."""
        request = self.make_request(write.target, "mapping", write.mention)
        self.emit_header(request, write.key, write.value, write.scope, None, "header")

    def _forwarded(self, call: cst.Call, scope: Scope) -> Callee | None:
        """`helper(client.beta.messages.create, **params)`, `asyncio.to_thread(create, betas=...)`:
        a call handed an SDK method together with arguments makes that request with them."""
        for arg in call.args:
            if arg.keyword is None and not arg.star:
                found = self.method_reference(arg.value, scope)
                if found is not None:
                    return found
        return None

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
            request = self.make_request(site.node, "mapping", mention)
            self.emit_header(request, key, value, value_scope, entry_site, "header")

    def string(self, site: StringSite) -> None:
        node = site.node
        if id(node) in self.consumed:
            return
        if isinstance(node, cst.SimpleString):
            # Most strings of a module are none of these: settled on the value, before
            # resolving, which places the literal.
            plain = string_value(node)
            if plain is None or not (_raw_header_text(plain) or self._name_to_report(plain, site)):
                return
        texts = self.resolve_text(node, site.scope, None)
        text = texts[0] if len(texts) == 1 else None
        value = "".join(f.text for f in text) if text is not None else None
        if value is None:
            return
        if _raw_header_text(value):
            for match in RAW_HEADER_RE.finditer(value):
                self._raw_header(site, node, text or (), value, match)
            if RAW_HEADER_RE.search(value):
                return
        if self._name_to_report(value, site):
            scope: Literal["all", "lifecycle"] = "all" if site.beta_named else "lifecycle"
            role = self.string_role(site)
            for item in split_items(text or ()):
                self.usages.extend(self.item_usages(None, "literal", item, scope, 0, node, role))

    def _name_to_report(self, value: str, site: StringSite) -> bool:
        """A registry name anywhere, or a dated name bound to a beta-named variable."""
        stripped = value.strip()
        return stripped in self.registry_names or (site.beta_named and looks_dated(stripped))

    def _raw_header(
        self, site: StringSite, node: cst.BaseExpression, text: Text, value: str, match: re.Match[str]
    ) -> None:
        endpoint = self.routes.endpoint_of_url(value)
        platform = self.routes.platform_of_url(value)
        known = self.anthropic_url(value) and not site.mention
        mention = self.string_role(site) == "mentioned"
        request = self.make_request(node, "header-string", mention, endpoint=endpoint, platform=platform, known=known)
        start, end = match.span("value")
        sliced = slice_text(text, start, end)
        self.emit_texts(request, "header-string", [sliced], element=node)

    # -- request context
    def _endpoint(self, callee: Callee, url: str | None) -> tuple[str | None, str | None, str | None]:
        platform = callee.client.platform if callee.client is not None else None
        if callee.kind == "sdk-method" and callee.route is not None and callee.resolved:
            return callee.route.route, callee.route.http_method, platform
        if callee.kind == "http" and url is not None:
            return self.routes.endpoint_of_url(url), callee.http_method, self.routes.platform_of_url(url)
        return None, callee.http_method, platform

    def _model(self, arg: cst.Arg | None, scope: Scope) -> tuple[str | None, Location | None]:
        if arg is None:
            return None, None
        texts = self.resolve_text(arg.value, scope, None)
        if len(texts) != 1 or any(f.dynamic for f in texts[0]):
            return None, None
        return "".join(f.text for f in texts[0]), self.loc(arg.value)


def _is_betas_key(key: str | None) -> bool:
    return key == "betas"


def _is_extra_headers(key: str | None) -> bool:
    return key == "extra_headers"


def _raw_header_text(value: str) -> bool:
    """Text that may hold a raw `anthropic-beta: ...` header line."""
    return "anthropic-beta" in value.lower() and ":" in value
