"""Fixing one text: choose non-overlapping edits, apply them, re-lint, repeat to a fixed point.

The building blocks both fixers share (plain files in apply.py, notebook cells in notebook.py).
Re-linting goes through the `Relinter` the caller passes: this stage never imports the pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from beta_lint.files.source import Cell, SourceFile, content_digest
from beta_lint.model import Diagnostic, Edit, FileResult


class Relinter(Protocol):
    """What the fixer needs of the linter: lint a text again after an edit."""

    def lint_source(self, source: SourceFile) -> FileResult: ...


MAX_ROUNDS = 10


class FixError(Exception):
    """A file that could not be fixed safely; the message is one line for the user."""


@dataclass
class FixOutcome:
    results: list[FileResult]
    fixed: dict[str, int] = field(default_factory=dict)
    diff: str = ""
    errors: list[str] = field(default_factory=list)
    applied: list[str] = field(default_factory=list)
    stdin_text: str | None = None


def applicable(diagnostic: Diagnostic, unsafe: bool) -> bool:
    fix = diagnostic.fix
    return fix is not None and bool(fix.edits) and (fix.applicability == "safe" or unsafe)


def choose_edits(diagnostics: Sequence[Diagnostic], unsafe: bool) -> tuple[list[Edit], list[Diagnostic]]:
    """Edits of the fixes that do not overlap each other (first by position wins)."""
    chosen: list[Edit] = []
    fixed: list[Diagnostic] = []
    taken: list[tuple[int, int]] = []
    for diagnostic in sorted(diagnostics, key=lambda d: (d.location.offset, d.code)):
        if not applicable(diagnostic, unsafe):
            continue
        assert diagnostic.fix is not None
        spans = [(e.location.offset, e.location.end_offset) for e in diagnostic.fix.edits]
        if any(_overlaps(span, other) for span in spans for other in taken):
            continue
        if any(e.location.offset == e2.location.offset for e in diagnostic.fix.edits for e2 in chosen):
            continue  # two insertions at one place: order would be ambiguous
        taken.extend(spans)
        chosen.extend(diagnostic.fix.edits)
        fixed.append(diagnostic)
    return chosen, fixed


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    for edit in sorted(edits, key=lambda e: (e.location.offset, e.location.end_offset), reverse=True):
        text = text[: edit.location.offset] + edit.content + text[edit.location.end_offset :]
    return text


def _parses(text: str) -> bool:
    import libcst

    try:
        libcst.parse_module(text)
    except (libcst.ParserSyntaxError, RecursionError):
        return False
    return True


def fix_text(
    linter: Relinter, path: str, text: str, diagnostics: Sequence[Diagnostic], unsafe: bool, cell: int | None = None
) -> tuple[str, list[Diagnostic], list[Diagnostic]]:
    """Fix, re-lint, fix again, up to MAX_ROUNDS. Returns (text, fixed, remaining)."""
    all_fixed: list[Diagnostic] = []
    current = list(diagnostics)
    for _ in range(MAX_ROUNDS):
        edits, fixed = choose_edits(current, unsafe)
        if not edits:
            break
        candidate = apply_edits(text, edits)
        if not _parses(candidate):
            raise FixError("the fixed code would not parse; file left unchanged")
        text = candidate
        all_fixed.extend(fixed)
        result = linter.lint_source(SourceFile(path, b"", "utf-8", text, (Cell(text, cell),)))
        current = list(result.diagnostics)
    return text, all_fixed, current


def _line_ending(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def describe(diagnostic: Diagnostic) -> str:
    loc = diagnostic.location
    fix = diagnostic.fix
    message = fix.message if fix is not None else diagnostic.message
    note = f" ({fix.note})" if fix is not None and fix.note else ""
    return f"{loc.path}:{loc.line}:{loc.column}: {diagnostic.code} fixed: {message}{note}"


def unchanged_since_lint(result: FileResult, data: bytes) -> None:
    if result.digest is not None and content_digest(data) != result.digest:
        raise FixError("the file changed on disk since it was read; not fixed")


def read_original(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise FixError(f"cannot read: {error.strerror or error}") from None
