"""Which requests beta-lint knows, and what role each name plays.

A request is known when the code says statically that it goes to Anthropic: an SDK method (on a
resolved client, or an SDK method path by its shape), a client built with default headers, or an
HTTP call or raw header string whose URL is an Anthropic host or a base URL the code gives to an
Anthropic client. Rules about a request and fixes that edit a call need one. A name's role
(model.Role) follows: sent to a known request, bound where a request may pick it up, or only
mentioned (asserted, compared, typed, logged).
"""

from __future__ import annotations

from beta_lint.model import Request, Role
from beta_lint.python.clients import ClientResolver
from beta_lint.python.facts import Scope, StringSite
from beta_lint.python.scopes import Callee


class RequestResolver(ClientResolver):
    def find_anthropic_bases(self) -> None:
        """`Anthropic(base_url=PROXY)`: URLs under PROXY are Anthropic requests too."""
        for site in self.c.calls:
            keywords = {a.keyword.value: a.value for a in site.node.args if a.keyword is not None}
            base = keywords.get("base_url")
            if base is None:
                continue
            text = self._constant_text(base, site.scope)
            if text and self.callee(site.node, site.scope).kind == "sdk-client":
                self.anthropic_bases.append(text.rstrip("/"))

    def http_url(self, callee: Callee, scope: Scope) -> str | None:
        """The URL of a raw HTTP call, with `{}` for its dynamic parts; None when it has several."""
        if callee.url is None:
            return None
        texts = self.resolve_text(callee.url, scope, None)
        if len(texts) != 1:
            return None
        return (callee.base_url or "") + "".join("{}" if f.dynamic else f.text for f in texts[0])

    def anthropic_url(self, url: str) -> bool:
        """Whether a URL goes to an Anthropic host (or a base URL given to an Anthropic client)."""
        if self.routes.platform_of_url(url) is not None:
            return True
        return any(url.startswith(base) for base in self.anthropic_bases if base)

    def known(self, callee: Callee, url: str | None) -> bool:
        """Whether a call is an Anthropic request beta-lint recognises (see Request.known);
        `url` is a raw HTTP call's URL (http_url)."""
        if callee.kind in {"sdk-client", "sdk-copy"}:
            return True
        if callee.kind == "sdk-method":
            # Resolved, or an unresolved receiver whose call is an SDK method path by its shape
            # (`self.client.beta.messages.create`, the client from a base class): the request
            # rules that need the receiver check `sdk_method_known` themselves.
            return True
        if callee.kind == "http":
            return url is not None and self.anthropic_url(url)
        if callee.kind == "http-client":
            return callee.base_url is not None and self.anthropic_url(callee.base_url)
        return False

    def role_of(self, request: Request | None) -> Role:
        if request is None:
            return "bound"
        if request.id in self.mention_requests:
            return "mentioned"
        return "sent" if request.known else "bound"

    def string_role(self, site: StringSite) -> Role:
        """A string outside any request: a mention where only checked or shown, else bound."""
        if site.mention or self.c.mention_only(self.c.assigned_to.get(id(site.node))):
            return "mentioned"
        return "bound"
