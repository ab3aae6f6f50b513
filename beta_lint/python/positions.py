"""Positions: libcst's (line, 0-based column) to code-point offsets in the file and back to
1-based lines and columns. Every output of the front end is placed through `LineIndex`."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from beta_lint.model import (
    LINE_END_RE,
)


class LineIndex:
    """Converts libcst's (line, 0-based column) positions to code-point offsets and back.

    With a line map (a sliced file), parsed line i is line line_map[i - 1] of `text`.
    """

    def __init__(self, text: str, line_map: Sequence[int] | None = None) -> None:
        self.text = text
        self.line_map = line_map
        self.starts = [0]
        for match in LINE_END_RE.finditer(text):
            self.starts.append(match.end())

    def offset(self, line: int, column: int) -> int:
        if self.line_map is not None:
            line = self.line_map[line - 1] if line <= len(self.line_map) else self.line_map[-1] + 1
        return self.starts[min(line, len(self.starts)) - 1] + column

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and 1-based column of a code-point offset."""
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1
