"""What both fixers share (plain files in apply.py, notebook cells in notebook.py): the outcome of
a run, the error for a file that cannot be fixed safely, and reading a file back before a fix.

Re-linting goes through the `Relinter` the caller passes: this stage never imports the pipeline.
A text fixer (`apply.fix_text`) is handed to the notebook fixer as a `TextFixer`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from beta_lint.files.source import SourceFile, content_digest
from beta_lint.model import Diagnostic, FileResult


class Relinter(Protocol):
    """What the fixer needs of the linter: lint a text again after an edit."""

    def lint_source(self, source: SourceFile) -> FileResult: ...


class TextFixer(Protocol):
    """Fix one text to a fixed point (apply.fix_text): (fixed text, fixed, remaining)."""

    def __call__(
        self,
        linter: Relinter,
        path: str,
        text: str,
        diagnostics: Sequence[Diagnostic],
        unsafe: bool,
        cell: int | None = None,
        protected: list[tuple[int, int]] | None = None,
    ) -> tuple[str, list[Diagnostic], list[Diagnostic]]: ...


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
    stdin_bytes: bytes | None = None  # the fixed standard input, in its own encoding and BOM


def describe(diagnostic: Diagnostic) -> str:
    loc = diagnostic.location
    fix = diagnostic.fix
    message = fix.message if fix is not None else diagnostic.message
    note = f" ({fix.note})" if fix is not None and fix.note else ""
    return f"{loc.path}:{loc.line}:{loc.column}: {diagnostic.code} fixed: {message}{note}"


def unchanged_since_lint(result: FileResult, data: bytes) -> None:
    if result.digest is not None and content_digest(data) != result.digest:
        raise FixError("the file changed on disk since it was read; not fixed")


def read_original(path: str, max_size: int | None = None) -> bytes:
    """The file's bytes before a fix, read as linting reads them: a FIFO or device put in its
    place since (which would block, or never end) is refused, and so is a file over the limit."""
    from beta_lint.files.source import ReadError, read_bytes

    try:
        return read_bytes(path, max_size)
    except ReadError as error:
        raise FixError(str(error)) from None
