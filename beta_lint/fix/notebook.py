"""Fixing Jupyter notebooks: rewrite only the code cells' sources, keep the JSON layout.

The layout (indentation, key order, non-ASCII characters, trailing newline) is kept by
re-serialising the notebook the way Jupyter writes it; a notebook whose bytes that does not
reproduce exactly is reported and left alone rather than reformatted.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from beta_lint.fix.common import (
    FixError,
    FixOutcome,
    Relinter,
    TextFixer,
    describe,
    read_original,
    unchanged_since_lint,
)
from beta_lint.model import Diagnostic, FileResult

if TYPE_CHECKING:
    from collections.abc import Callable


def _layout(text: str) -> tuple[int | None, bool]:
    match = re.search(r"\n( +)\"", text)
    return (len(match.group(1)) if match else None), text.endswith("\n")


def dump_like(document: Any, indent: int | None, trailing_newline: bool) -> str:
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    return text + ("\n" if trailing_newline else "")


def fix_notebook(
    linter: Relinter,
    result: FileResult,
    *,
    unsafe: bool,
    write: bool,
    writer: Callable[[str, bytes, bytes], None],
    outcome: FixOutcome,
    fix_text: TextFixer,
) -> FileResult:
    """Fix the code cells of one notebook with `fix_text` (apply.fix_text), keeping its JSON layout."""
    import difflib

    path = result.path
    original = read_original(path)
    unchanged_since_lint(result, original)
    text = original.decode("utf-8")
    document = json.loads(text)
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
        cell = document["cells"][number - 1]
        source = cell["source"]
        as_list = isinstance(source, list)
        cell_text = "".join(source) if as_list else source
        from beta_lint.files.source import mask_ipython

        masked, _ = mask_ipython(cell_text)
        new_masked, fixed, left = fix_text(linter, path, masked, diagnostics, unsafe, cell=number)
        remaining.extend(left)
        if not fixed:
            continue
        # Masked lines are spaces of the same length: put the original magic lines back.
        new_text = _unmask(cell_text, masked, new_masked)
        cell["source"] = new_text.splitlines(keepends=True) if as_list else new_text
        fixed_total.extend(fixed)
    if not fixed_total:
        return result
    new = dump_like(document, indent, trailing)
    outcome.fixed[path] = len(fixed_total)
    outcome.applied.extend(describe(d) for d in fixed_total)
    outcome.diff += "".join(
        difflib.unified_diff(text.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=path, tofile=path)
    )
    if write:
        writer(path, new.encode("utf-8"), original)
    return replace(result, diagnostics=tuple(sorted(remaining, key=Diagnostic.sort_key)))


def _unmask(original: str, masked: str, fixed: str) -> str:
    """Put the masked (IPython) lines back, in order; fixes never edit them."""
    pending = [
        (m, o)
        for o, m in zip(original.splitlines(keepends=True), masked.splitlines(keepends=True), strict=False)
        if o != m
    ]
    out: list[str] = []
    for line in fixed.splitlines(keepends=True):
        if pending and line == pending[0][0]:
            out.append(pending.pop(0)[1])
        else:
            out.append(line)
    return "".join(out)
