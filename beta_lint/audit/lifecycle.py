"""Where a beta is heading: its successor chain followed to the end, and its sources as links.

Nothing here is a fact about a beta: the facts are the registry's; this module only follows
them (successor to successor) and turns the registry's source tags into the addresses the
tags stand for (rules/README.md lists the tags).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from beta_lint.knowledge.registry import Registry

# The pages the registry's source tags name (rules/README.md, "Source tags").
SOURCE_URLS: dict[str, str] = {
    "RN": "https://platform.claude.com/docs/en/release-notes/overview",
    "BH": "https://platform.claude.com/docs/en/api/beta-headers",
    "BH-jan": "https://github.com/brennacodes/claude-code-docs",
    "FO-jan": "https://github.com/brennacodes/claude-code-docs",
    "SDK": "https://github.com/anthropics/anthropic-sdk-python",
    "SDKhist": "https://pypi.org/project/anthropic/#history",
    "META": "https://platform.claude.com/docs",
}
_TAG_RE = re.compile(r"^\[(?P<tag>[A-Za-z0-9-]+)(?::[^\]]*)?\]")


@dataclass(frozen=True)
class Chain:
    steps: tuple[str, ...]  # every successor in turn, the first one first
    cycle: bool  # the chain came back to a name it had passed (steps stop before the repeat)

    @property
    def final(self) -> str | None:
        return self.steps[-1] if self.steps else None


def successor_chain(registry: Registry, name: str) -> Chain:
    """Follow `successor` from `name` until a beta without one (or a name the registry lacks)."""
    seen = {name}
    steps: list[str] = []
    beta = registry.get(name)
    while beta is not None and beta.successor:
        if beta.successor in seen:
            return Chain(tuple(steps), True)
        steps.append(beta.successor)
        seen.add(beta.successor)
        beta = registry.get(beta.successor)
    return Chain(tuple(steps), False)


def source_links(source: str) -> tuple[tuple[str, str | None], ...]:
    """Each `;`-separated source as (text, address); the address is None for a tag without one
    (`[3P]`: third-party evidence, named in the text itself)."""
    out: list[tuple[str, str | None]] = []
    for part in source.split(";"):
        text = part.strip()
        if not text:
            continue
        match = _TAG_RE.match(text)
        url = SOURCE_URLS.get(match.group("tag")) if match else None
        out.append((text, url))
    return tuple(out)
