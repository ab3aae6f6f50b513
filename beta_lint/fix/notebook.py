"""Fixing Jupyter notebooks: rewrite only the code cells' sources, keep the JSON layout.

The layout (indentation, key order, non-ASCII characters, trailing newline) is kept by
re-serialising the notebook the way Jupyter writes it; a notebook whose bytes that does not
reproduce exactly is reported and left alone rather than reformatted.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from typing import Any

from beta_lint.files.source import mask_ipython
from beta_lint.fix.common import FixError, Relinter, TextFixer
from beta_lint.model import Diagnostic, FileResult


def _layout(text: str) -> tuple[int | None, bool]:
    match = re.search(r"\n( +)\"", text)
    return (len(match.group(1)) if match else None), text.endswith("\n")


def dump_like(document: Any, indent: int | None, trailing_newline: bool) -> str:
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    return text + ("\n" if trailing_newline else "")


@dataclass
class NotebookFix:
    """A notebook's fixed bytes, the texts a diff compares, and what was (not) fixed."""

    data: bytes
    old_text: str
    new_text: str
    fixed: list[Diagnostic]
    remaining: list[Diagnostic]


def fix_notebook(
    linter: Relinter, result: FileResult, original: bytes, *, unsafe: bool, fix_text: TextFixer
) -> NotebookFix | None:
    """Fix the code cells of one notebook (its bytes `original`) with `fix_text` (apply.fix_text),
    keeping its JSON layout and BOM. None when nothing was fixed."""
    path = result.path
    bom = original.startswith(codecs.BOM_UTF8)
    try:
        text = original.decode("utf-8-sig")
        document = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise FixError("notebook is not valid UTF-8 JSON; not fixed") from None
    if not isinstance(document, dict) or not isinstance(document.get("cells"), list):
        raise FixError("notebook has no 'cells' list; not fixed")
    indent, trailing = _layout(text)
    if dump_like(document, indent, trailing) != text:
        raise FixError("notebook JSON layout is not the one Jupyter writes; not fixed (fix it by hand)")
    by_cell: dict[int, list[Diagnostic]] = {}
    for diagnostic in result.diagnostics:
        if diagnostic.location.cell is not None:
            by_cell.setdefault(diagnostic.location.cell, []).append(diagnostic)
    remaining: list[Diagnostic] = [d for d in result.diagnostics if d.location.cell is None]
    fixed_total: list[Diagnostic] = []
    for number, diagnostics in sorted(by_cell.items()):
        cells: list[Any] = document["cells"]
        cell = cells[number - 1] if 0 < number <= len(cells) else None
        source = cell.get("source") if isinstance(cell, dict) else None
        as_list = isinstance(source, list)
        if isinstance(source, list) and all(isinstance(part, str) for part in source):
            cell_text: str | None = "".join(source)
        else:
            cell_text = source if isinstance(source, str) else None
        if cell_text is None or not isinstance(cell, dict):
            remaining.extend(diagnostics)
            continue
        masked, lines = mask_ipython(cell_text)
        spans = _line_spans(masked, lines)
        protected = list(spans)
        new_masked, fixed, left = fix_text(linter, path, masked, diagnostics, unsafe, cell=number, protected=protected)
        remaining.extend(left)
        if not fixed or new_masked == masked:
            continue
        new_text = _unmask(cell_text, spans, new_masked, protected)
        cell["source"] = new_text.splitlines(keepends=True) if as_list else new_text
        fixed_total.extend(fixed)
    if not fixed_total:
        return None
    new = dump_like(document, indent, trailing)
    try:
        data = (codecs.BOM_UTF8 if bom else b"") + new.encode("utf-8")
    except UnicodeEncodeError:
        raise FixError("the fixed notebook cannot be written as UTF-8 (a lone surrogate); not fixed") from None
    return NotebookFix(data, text, new, fixed_total, sorted(remaining, key=Diagnostic.sort_key))


def _line_spans(text: str, numbers: tuple[int, ...]) -> list[tuple[int, int]]:
    """The (start, end) offsets of the given lines' bodies (1-based numbers, ends excluded)."""
    wanted = set(numbers)
    spans = []
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        if number in wanted:
            spans.append((offset, offset + len(line.rstrip("\r\n"))))
        offset += len(line)
    return spans


def _unmask(original: str, spans: list[tuple[int, int]], fixed: str, moved: list[tuple[int, int]]) -> str:
    """Put each masked (IPython) line back at the position its blank stand-in moved to."""
    out = fixed
    for (start, end), (new_start, new_end) in sorted(zip(spans, moved, strict=True), reverse=True):
        if out[new_start:new_end] != " " * (end - start):
            raise FixError("a fix would move an IPython line (magic or shell escape); not fixed")
        out = out[:new_start] + original[start:end] + out[new_end:]
    if mask_ipython(out)[0] != fixed:
        raise FixError("after the fix an IPython line would no longer be one; not fixed")
    return out
