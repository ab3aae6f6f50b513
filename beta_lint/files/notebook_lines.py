"""Where a notebook cell's text sits in the .ipynb file itself: its physical lines and columns.

The linter counts lines from the start of a code cell, which is what a person reading the
notebook sees; code scanning and CI annotations mark lines of the file on disk, where a cell's
source is a JSON string (or a list of them, usually one per line) with escapes. This module
reads the JSON with positions, and maps each character of a cell's source to the range of the
file text that spells it.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass

from beta_lint.model import LINE_END_RE

_WHITESPACE_RE = re.compile(r"[ \t\n\r]*")
_SCALAR_RE = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")


class _Unmappable(Exception):
    """The text is not JSON as a notebook writes it: no physical positions, cell lines stay."""


@dataclass(frozen=True)
class _Str:
    start: int  # offset of the opening quote in the file text
    end: int  # one past the closing quote
    value: str


_Node = dict[str, "_Node"] | list["_Node"] | _Str | None


def _skip(text: str, index: int) -> int:
    match = _WHITESPACE_RE.match(text, index)
    return match.end() if match else index


def _parse(text: str, index: int, depth: int = 0) -> tuple[_Node, int]:
    """One JSON value at `index`: (its node, the offset after it). Strings keep their span."""
    if depth > 200:
        raise _Unmappable
    index = _skip(text, index)
    char = text[index : index + 1]
    if char == '"':
        try:
            value, end = json.decoder.scanstring(text, index + 1)  # type: ignore[attr-defined]
        except (json.JSONDecodeError, ValueError):
            raise _Unmappable from None
        return _Str(index, end, value), end
    if char in ("{", "["):
        closing = "}" if char == "{" else "]"
        items: list[_Node] = []
        members: dict[str, _Node] = {}
        index = _skip(text, index + 1)
        if text[index : index + 1] == closing:
            return (members if char == "{" else items), index + 1
        while True:
            if char == "{":
                key, index = _parse(text, index, depth + 1)
                index = _skip(text, index)
                if not isinstance(key, _Str) or text[index : index + 1] != ":":
                    raise _Unmappable
                members[key.value], index = _parse(text, index + 1, depth + 1)
            else:
                item, index = _parse(text, index, depth + 1)
                items.append(item)
            index = _skip(text, index)
            if text[index : index + 1] == ",":
                index += 1
                continue
            if text[index : index + 1] == closing:
                return (members if char == "{" else items), index + 1
            raise _Unmappable
    match = _SCALAR_RE.match(text, index)
    if match is None:
        raise _Unmappable
    return None, match.end()


def _spans(text: str, string: _Str) -> list[tuple[int, int]]:
    """For each character of the string's value, the [start, end) of the file text spelling it."""
    spans: list[tuple[int, int]] = []
    index, last = string.start + 1, string.end - 1
    while index < last:
        width = 1
        if text[index] == "\\":
            width = 2
            if text[index + 1] == "u":
                width = 6
                first = int(text[index + 2 : index + 6], 16)
                if 0xD800 <= first < 0xDC00 and text[index + 6 : index + 8] == "\\u":
                    second = int(text[index + 8 : index + 12], 16)
                    if 0xDC00 <= second < 0xE000:
                        width = 12  # a surrogate pair: one character of the value
        spans.append((index, index + width))
        index += width
    if len(spans) != len(string.value):
        raise _Unmappable
    return spans


class NotebookLines:
    """The physical position in a notebook's file text of any position in one of its code cells."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._cells: dict[int, tuple[str, list[tuple[int, int]]]] = {}
        self._line_starts = [0] + [match.end() for match in LINE_END_RE.finditer(text)]
        try:
            document, _ = _parse(text, 1 if text.startswith("\ufeff") else 0)
        except (_Unmappable, IndexError, ValueError):
            return
        cells = document.get("cells") if isinstance(document, dict) else None
        if not isinstance(cells, list):
            return
        for number, cell in enumerate(cells, 1):
            if not isinstance(cell, dict):
                continue
            source = cell.get("source")
            pieces = source if isinstance(source, list) else [source]
            if not all(isinstance(piece, _Str) for piece in pieces):
                continue
            try:
                spans = [span for piece in pieces if isinstance(piece, _Str) for span in _spans(text, piece)]
            except (_Unmappable, IndexError, ValueError):
                continue
            value = "".join(piece.value for piece in pieces if isinstance(piece, _Str))
            self._cells[number] = (value, spans)

    def cell_source(self, cell: int) -> str | None:
        """The cell's source as written (IPython magics included), or None when unknown."""
        found = self._cells.get(cell)
        return found[0] if found else None

    def physical(self, cell: int, line: int, column: int, end: bool = False) -> tuple[int, int] | None:
        """(line, column) in the file of a cell's (line, column), both 1-based; None if unknown.

        `end` is for the end of a range (one past its last character): it maps to one past the
        file text of that last character, so a range never runs into the next JSON string.
        """
        found = self._cells.get(cell)
        if found is None:
            return None
        value, spans = found
        starts = [0] + [match.end() for match in LINE_END_RE.finditer(value)]
        if not 1 <= line <= len(starts):
            return None
        offset = min(starts[line - 1] + column - 1, len(value))
        if end and offset > 0:
            raw = spans[offset - 1][1]
        elif offset < len(spans):
            raw = spans[offset][0]
        elif spans:
            raw = spans[-1][1]
        else:
            return None
        physical_line = bisect_right(self._line_starts, raw)
        return physical_line, raw - self._line_starts[physical_line - 1] + 1
