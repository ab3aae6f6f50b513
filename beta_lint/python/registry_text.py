"""Whether a statement's text holds one of the registry's names, for the slicer.

The plain way is one regular expression, the names as alternatives, searched over the whole
statement. Python's `re` tries every alternative at every position, so that search was two
thirds of the slicer's time on a test module of 2,500 methods with a dated slug each (0.11 of
0.16 s). Nearly every name holds dated text (`files-api-2025-04-14`), and an occurrence of such
a name always overlaps a match of DATED_TEXT_RE: the alternation need only be tried in a short
window around each of those matches. The few names without dated text (`claude-code-20250219`)
are searched over the whole text, as before. The answer is the same as the plain search's;
tests/test_slicer_scan.py compares the two on generated text.
"""

from __future__ import annotations

from beta_lint.files.prefilter import literal_alternation
from beta_lint.python.statements import DATED_TEXT_RE


class RegistryText:
    """The registry's names, ready to be looked for in statement text."""

    def __init__(self, names: frozenset[str]) -> None:
        dated: list[str] = []
        plain: list[str] = []
        for name in sorted(names, key=len, reverse=True):  # the longest first, as the plain search had them
            (dated if DATED_TEXT_RE.search(name) else plain).append(name)
        self._dated = literal_alternation(dated)
        self._plain = literal_alternation(plain)
        # A match of DATED_TEXT_RE is at most 12 characters, and it overlaps any occurrence of
        # a dated name; the occurrence lies within this many characters of the match.
        self._reach = max((len(name) for name in dated), default=0)

    def found_in(self, text: str) -> bool:
        """Whether some registry name occurs in `text` (as `re.search` over all names answers)."""
        if self._plain is not None and self._plain.search(text) is not None:
            return True
        if self._dated is None:
            return False
        for match in DATED_TEXT_RE.finditer(text):
            window_start = max(match.start() - self._reach, 0)
            if self._dated.search(text, window_start, match.end() + self._reach) is not None:
                return True
        return False


_BY_NAMES: dict[frozenset[str], RegistryText] = {}


def registry_text(names: frozenset[str]) -> RegistryText:
    """One RegistryText per set of names (the linter keeps one set per run)."""
    found = _BY_NAMES.get(names)
    if found is None:
        found = _BY_NAMES[names] = RegistryText(names)
    return found
