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

from beta_lint.files.source import ReadError, decode_python
from beta_lint.fix.rounds import (
    MAX_ROUNDS,
    FixError,
    FixOutcome,
    Relinter,
    applicable,
    apply_edits,
    choose_edits,
    describe,
    fix_text,
    read_original,
    unchanged_since_lint,
)
from beta_lint.model import FileResult

# The fix stage's public face: apply_fixes, and the round helpers it is built from.
__all__ = [
    "MAX_ROUNDS",
    "FixError",
    "FixOutcome",
    "Writer",
    "applicable",
    "apply_edits",
    "apply_fixes",
    "choose_edits",
    "write_atomic",
]


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

        return fix_notebook(linter, result, unsafe=unsafe, write=write, writer=writer, outcome=outcome)
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
