"""Rule selection: which rules run, from select / extend-select / ignore (codes or prefixes, ruff's way)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from beta_lint.checks.rules import RULES


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
        select = ["BL" if s == "ALL" else s for s in select]
        extend_select = ["BL" if s == "ALL" else s for s in extend_select]
        ignore = ["BL" if s == "ALL" else s for s in ignore]
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
