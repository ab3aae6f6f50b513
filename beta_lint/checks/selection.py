"""Rule selection: which rules run, from select / extend-select / ignore (codes or prefixes, ruff's way)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from beta_lint.checks.rules import RULES

# A code that was split keeps covering its parts (ruff's redirects): a noqa comment for BL002,
# `ignore = ["BL002"]` or `--select BL002` written before BL003 existed still means both.
REDIRECTS: dict[str, tuple[str, ...]] = {"BL002": ("BL003",)}


def redirected(selectors: Sequence[str]) -> tuple[str, ...]:
    """`selectors` with the codes each redirected code now covers."""
    out = list(selectors)
    for selector in selectors:
        out.extend(code for code in REDIRECTS.get(selector, ()) if code not in out)
    return tuple(out)


def covers(selector: str, code: str) -> bool:
    """Whether a selector (a code or a prefix) names `code`, redirects included."""
    return code.startswith(selector) or code in REDIRECTS.get(selector, ())


@dataclass
class Selection:
    """Which rules run: from select / extend-select / ignore (codes or prefixes)."""

    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    enabled: frozenset[str] = field(default_factory=frozenset)

    @staticmethod
    def build(select: Sequence[str], extend_select: Sequence[str], ignore: Sequence[str]) -> Selection:
        # "ALL" is every rule, as in ruff.
        select = ["BL" if s == "ALL" else s for s in redirected(select)]
        extend_select = ["BL" if s == "ALL" else s for s in redirected(extend_select)]
        ignore = ["BL" if s == "ALL" else s for s in redirected(ignore)]
        codes = sorted(RULES)
        base = (
            {c for c in codes if any(c.startswith(p) for p in select)}
            if select
            else {c for c in codes if RULES[c].default}
        )
        base |= {c for c in codes if any(c.startswith(p) for p in extend_select)}
        # The most specific selector wins (ruff): --ignore BL1 --select BL101 keeps BL101.
        enabled = set()
        for code in base:
            best_select = max((len(p) for p in (*select, *extend_select) if code.startswith(p)), default=0)
            best_ignore = max((len(p) for p in ignore if code.startswith(p)), default=-1)
            if best_ignore < best_select or best_ignore == -1:
                enabled.add(code)
        return Selection(tuple(select), tuple(extend_select), tuple(ignore), frozenset(enabled))


def canonical_selector(selector: str) -> str | None:
    """A selector as the code (or prefix) it means: a rule name ("unknown-beta") gives its code.

    None when it names nothing: not a rule name, not ALL, not a code or a prefix of one.
    """
    text = selector.strip()
    for code, rule in RULES.items():
        if rule.name == text.lower():
            return code
    text = text.upper()
    return text if valid_selector(text) else None


def valid_selector(selector: str) -> bool:
    if selector == "ALL":
        return True
    return bool(re.fullmatch(r"BL\d{0,3}", selector)) and any(code.startswith(selector) for code in RULES)
