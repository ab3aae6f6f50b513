"""Applying fixes: choose non-overlapping edits, re-lint to a fixed point, verify, write atomically.

Nothing is ever lost: only edits naming this file (and cell) are applied; the fixed text must
parse, and its bytes in the file's encoding must read back as exactly that text, or the file is
left untouched; a file changed on disk since it was read is skipped. Writing (temporary file,
atomic swap, what is kept and refused) is fix/write.py's; a fix is counted once it is written.
"""

from __future__ import annotations

import codecs
import difflib
from collections.abc import Callable, Sequence
from dataclasses import replace

from beta_lint.files.source import Cell, ReadError, SourceFile, decode_python
from beta_lint.fix.common import FixError, FixOutcome, Relinter, describe, read_original, unchanged_since_lint
from beta_lint.fix.write import target_of, write_atomic
from beta_lint.model import LINE_END_RE, Diagnostic, Edit, FileResult

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


def shift_spans(spans: Sequence[tuple[int, int]], edits: Sequence[Edit]) -> list[tuple[int, int]]:
    """Where the ranges `spans` of a text are after `edits`; an edit touching one is refused.

    Notebook cells protect their masked IPython lines this way: they come back by position, never
    by matching text (a blank line elsewhere can hold the same spaces)."""
    shifted = []
    for start, end in spans:
        delta = 0
        for edit in edits:
            e_start, e_end = edit.location.offset, edit.location.end_offset
            if e_end <= start and not (e_start == e_end == start and start < end):
                delta += len(edit.content) - (e_end - e_start)
            elif e_start == e_end == start:
                delta += len(edit.content)  # an insertion just before the range moves it
            elif e_start >= end:
                continue
            else:
                raise FixError("a fix would edit an IPython line (magic or shell escape); not fixed")
        shifted.append((start + delta, end + delta))
    return shifted


def _edits_for(diagnostic: Diagnostic, path: str, cell: int | None) -> bool:
    """Every edit of the fix is for this file (and notebook cell): an edit is applied only there."""
    assert diagnostic.fix is not None
    return all(e.location.path == path and e.location.cell == cell for e in diagnostic.fix.edits)


def _parses(text: str) -> bool:
    import libcst

    try:
        libcst.parse_module(text)
    except (libcst.ParserSyntaxError, RecursionError):
        return False
    return True


def fix_text(
    linter: Relinter,
    path: str,
    text: str,
    diagnostics: Sequence[Diagnostic],
    unsafe: bool,
    cell: int | None = None,
    protected: list[tuple[int, int]] | None = None,
) -> tuple[str, list[Diagnostic], list[Diagnostic]]:
    """Fix, re-lint, fix again, up to MAX_ROUNDS. Returns (text, fixed, remaining).

    Only fixes whose every edit names this `path` (and `cell`) are applied. `protected` ranges
    (masked notebook lines) must not be edited; the list is updated to where they end up."""
    all_fixed: list[Diagnostic] = []
    current = list(diagnostics)
    for _ in range(MAX_ROUNDS):
        edits, fixed = choose_edits([d for d in current if d.fix is None or _edits_for(d, path, cell)], unsafe)
        if not edits:
            break
        candidate = apply_edits(text, edits)
        if candidate == text:
            break  # the fixes change nothing (a successor cycle): nothing to report as fixed
        if not _parses(candidate):
            raise FixError("the fixed code would not parse; file left unchanged")
        if protected is not None:
            protected[:] = shift_spans(protected, edits)
        text = candidate
        all_fixed.extend(fixed)
        result = linter.lint_source(SourceFile(path, b"", "utf-8", text, (Cell(text, cell),)))
        current = list(result.diagnostics)
    return text, all_fixed, current


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
    notebook = path.endswith(".ipynb")
    if not notebook and not path.endswith((".py", ".pyi")) and stdin_data is None:
        return result  # text files are reported, not rewritten
    limit = getattr(linter, "max_file_size", None)
    original = stdin_data if stdin_data is not None else read_original(target_of(path), limit)
    unchanged_since_lint(result, original)
    if notebook:
        from beta_lint.fix.notebook import fix_notebook

        done = fix_notebook(linter, result, original, unsafe=unsafe, fix_text=fix_text)
        if done is None:
            return result
        data, text, fixed_text, fixed, remaining = done.data, done.old_text, done.new_text, done.fixed, done.remaining
    else:
        text, encoding = decode_python(original)
        fixed_text, fixed, remaining = fix_text(linter, path, text, result.diagnostics, unsafe)
        if not fixed or fixed_text == text:
            return result  # nothing changed (a successor cycle comes back to where it started)
        data = encode_like(original, encoding, fixed_text)
    if stdin_data is not None:
        outcome.stdin_text = fixed_text
        outcome.stdin_bytes = data
    elif write:
        writer(path, data, original)  # raises FixError: then nothing below is reported
    outcome.fixed[path] = len(fixed)
    outcome.applied.extend(describe(d) for d in fixed)
    outcome.diff += unified_diff(path, text, fixed_text)
    return replace(result, diagnostics=tuple(remaining))


def encode_like(original: bytes, encoding: str, fixed_text: str) -> bytes:
    """The fixed text in the original's encoding and BOM, verified: the bytes must decode back to
    exactly `fixed_text` the way Python reads source, keep every line break a line break, and
    parse with CPython if the original did. Otherwise the fix is refused (FixError)."""
    try:
        data = fixed_text.encode(encoding)
    except (UnicodeError, LookupError):
        raise FixError(f"the fix cannot be written in the file's encoding ({encoding}); not fixed") from None
    if original.startswith(codecs.BOM_UTF8) and not data.startswith(codecs.BOM_UTF8):
        data = codecs.BOM_UTF8 + data
    refused = FixError(f"the file's encoding ({encoding}) would not read the fix back as written; not fixed")
    try:
        back, _ = decode_python(data)
    except ReadError:
        raise refused from None
    breaks = [fixed_text.count(end) for end in ("\n", "\r")]
    if back != fixed_text or [data.count(end) for end in (b"\n", b"\r")] != breaks:
        raise refused
    if _cpython_parses(original) and not _cpython_parses(data):
        raise refused
    return data


def _cpython_parses(data: bytes) -> bool:
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError, UnicodeError, LookupError):
        return False
    return True


def unified_diff(path: str, old: str, new: str) -> str:
    """A diff GNU patch accepts: split on the line ends Python counts, with the
    `\\ No newline at end of file` marker after a last line that has none."""
    old_lines, new_lines = _diff_lines(old), _diff_lines(new)
    out = []
    for line in difflib.unified_diff(old_lines, new_lines, fromfile=path, tofile=path):
        if line.startswith(("---", "+++")) or line.endswith("\n"):
            out.append(line if line.endswith("\n") else line + "\n")
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _diff_lines(text: str) -> list[str]:
    """Lines split where Python splits them; \\r\\n kept, a lone \\r (old Mac files) shown as \\n."""
    out = []
    start = 0
    for match in LINE_END_RE.finditer(text):
        end = match.group()
        out.append(text[start : match.start()] + ("\r\n" if end == "\r\n" else "\n"))
        start = match.end()
    if start < len(text):
        out.append(text[start:])
    return out
