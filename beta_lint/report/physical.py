"""Notebook locations as lines of the .ipynb file, for the formats that mark lines on disk.

SARIF (code scanning), GitHub annotations, GitLab Code Quality and JUnit are read by tools
that open the file itself: a line counted from the start of a cell marks the wrong line there.
The text and JSON reports keep the cell and its own lines, which is what a person reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from beta_lint.files.notebook_lines import NotebookLines
from beta_lint.files.source import ReadError, read_bytes
from beta_lint.model import Diagnostic, FileResult, Location


class _Notebooks:
    """Each notebook read once; None for one that cannot be read (standard input, gone)."""

    def __init__(self) -> None:
        self._read: dict[str, NotebookLines | None] = {}

    def get(self, path: str) -> NotebookLines | None:
        if path not in self._read:
            try:
                self._read[path] = NotebookLines(read_bytes(path).decode("utf-8-sig"))
            except (ReadError, UnicodeDecodeError):
                self._read[path] = None
        return self._read[path]

    def physical(self, location: Location) -> Location:
        if location.cell is None:
            return location
        lines = self.get(location.path)
        if lines is None:
            return location
        start = lines.physical(location.cell, location.line, location.column)
        end = lines.physical(location.cell, location.end_line, location.end_column, end=True)
        if start is None or end is None:
            return location
        return replace(location, line=start[0], column=start[1], end_line=end[0], end_column=end[1], cell=None)


def physical_diagnostics(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """Each diagnostic with its location (and related ones) on the file's own lines, in order.

    Fixes keep their cell-relative edits: they apply to a cell's source, not to the JSON text.
    """
    notebooks = _Notebooks()
    out: list[Diagnostic] = []
    for diagnostic in diagnostics:
        if diagnostic.location.cell is not None or any(r.cell is not None for r in diagnostic.related):
            diagnostic = replace(
                diagnostic,
                location=notebooks.physical(diagnostic.location),
                related=tuple(notebooks.physical(related) for related in diagnostic.related),
            )
        out.append(diagnostic)
    return out


def physical_results(results: Sequence[FileResult]) -> list[FileResult]:
    """`results` with every notebook location on the .ipynb file's own lines."""
    return [replace(result, diagnostics=tuple(physical_diagnostics(result.diagnostics))) for result in results]
