"""Applying fixes: choose non-overlapping edits, re-lint to a fixed point, verify, write atomically.

Nothing is ever lost: the fixed text must parse, or the file is left untouched; the write goes
to a temporary file in the same folder, is fsynced and renamed over the original, keeping its
mode, encoding, BOM and line endings; a file changed on disk since it was read is skipped.
"""

from __future__ import annotations

import codecs
import difflib
import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace

from beta_lint.files.source import Cell, ReadError, SourceFile, decode_python
from beta_lint.fix.common import FixError, FixOutcome, Relinter, describe, read_original, unchanged_since_lint
from beta_lint.model import Diagnostic, Edit, FileResult

MAX_ROUNDS = 10


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


def write_atomic(path: str, data: bytes, expected: bytes) -> None:
    """Replace `path` with `data` unless its content is no longer `expected`."""
    try:
        with open(path, "rb") as handle:
            if handle.read() != expected:
                raise FixError("the file changed on disk since it was read; not fixed")
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError as error:
        raise FixError(f"cannot re-read before writing: {error.strerror or error}") from None
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, temporary = tempfile.mkstemp(prefix=".beta-lint-", suffix=".tmp", dir=folder)
    except OSError as error:
        raise FixError(f"cannot write: {error.strerror or error}; file left unchanged") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise FixError(f"cannot write: {error.strerror or error}; file left unchanged") from None


Writer = Callable[[str, bytes, bytes], None]


def apply_fixes(
    linter: Relinter,
    results: Sequence[FileResult],
    *,
    unsafe: bool,
    write: bool,
    stdin_data: bytes | None = None,
    writer: Writer = write_atomic,
) -> FixOutcome:
    outcome = FixOutcome(results=[])
    for result in results:
        if not any(applicable(d, unsafe) for d in result.diagnostics):
            outcome.results.append(result)
            continue
        try:
            outcome.results.append(
                _fix_file(
                    linter, result, unsafe=unsafe, write=write, stdin_data=stdin_data, writer=writer, outcome=outcome
                )
            )
        except (FixError, ReadError) as error:
            outcome.errors.append(f"{result.path}: {error}")
            outcome.results.append(result)
    return outcome


def _fix_file(
    linter: Relinter,
    result: FileResult,
    *,
    unsafe: bool,
    write: bool,
    stdin_data: bytes | None,
    writer: Writer,
    outcome: FixOutcome,
) -> FileResult:
    path = result.path
    if path.endswith(".ipynb"):
        from beta_lint.fix.notebook import fix_notebook

        return fix_notebook(
            linter, result, unsafe=unsafe, write=write, writer=writer, outcome=outcome, fix_text=fix_text
        )
    if not path.endswith((".py", ".pyi")) and stdin_data is None:
        return result  # text files are reported, not rewritten
    original = stdin_data if stdin_data is not None else read_original(path)
    unchanged_since_lint(result, original)
    text, encoding = decode_python(original)
    bom = original.startswith(codecs.BOM_UTF8)
    fixed_text, fixed, remaining = fix_text(linter, path, text, result.diagnostics, unsafe)
    if not fixed:
        return result
    try:
        data = fixed_text.encode(encoding)
    except UnicodeEncodeError:
        raise FixError(f"the fix cannot be written in the file's encoding ({encoding}); not fixed") from None
    if bom and not data.startswith(codecs.BOM_UTF8):
        data = codecs.BOM_UTF8 + data
    outcome.fixed[path] = len(fixed)
    outcome.applied.extend(describe(d) for d in fixed)
    outcome.diff += "".join(
        difflib.unified_diff(
            text.splitlines(keepends=True), fixed_text.splitlines(keepends=True), fromfile=path, tofile=path
        )
    )
    if stdin_data is not None:
        outcome.stdin_text = fixed_text
    elif write:
        writer(path, data, original)
    return replace(result, diagnostics=tuple(remaining))
