"""`--fix` and `--diff` over many files: each file fixed in a watched worker, as linting is.

A worker takes one file's result, fixes it to a fixed point with fix/apply.py (every edit for
that file only, the bytes verified, the write checked and atomic: all of it there, unchanged)
and sends back that file's outcome; the main process merges the outcomes in the order of the
results, so the report is the one a serial run gives, byte for byte. Each re-check after a fix
is bounded by `file-timeout` and the worker's memory cap; a worker that crashes costs that one
file (not fixed). On Ctrl-C the main process asks busy workers to stop: a write in progress is
finished or undone first (files/isolation.py's gentle stop), so no temporary file is left.

Standard input, and platforms without fork, are fixed in the main process, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from beta_lint.files.source import SourceFile
from beta_lint.fix.apply import Writer, applicable, apply_fixes
from beta_lint.fix.common import FixOutcome
from beta_lint.model import FileResult
from beta_lint.pipeline.hierarchy import LinterByPath
from beta_lint.pipeline.linter import FileTimeout, Linter, time_limit
from beta_lint.pipeline.parallel import load_libcst, one_collection_per_item


@dataclass(frozen=True)
class _Bounded:
    """One file's linter for its fixes: each re-check under the file's own `file-timeout`."""

    linter: Linter

    @property
    def max_file_size(self) -> int | None:
        return self.linter.max_file_size

    def lint_source(self, source: SourceFile) -> FileResult:
        with time_limit(self.linter.file_timeout):
            return self.linter.lint_source(source)


def fix_results(
    relinter: Linter | LinterByPath,
    results: Sequence[FileResult],
    *,
    unsafe: bool,
    write: bool,
    jobs: int,
    writer: Writer | None = None,
) -> FixOutcome:
    """apply_fixes's outcome for `results` (in their order), the files fixed in `jobs` workers.

    `writer` replaces apply_fixes's default writer (--fix-hard-links)."""
    from beta_lint.files.isolation import ChildError, Lost, can_isolate, supervised_map

    options: dict[str, Any] = {"unsafe": unsafe, "write": write, **({"writer": writer} if writer else {})}
    todo = [index for index, result in enumerate(results) if any(applicable(d, unsafe) for d in result.diagnostics)]
    if not todo or not can_isolate():
        return apply_fixes(relinter, results, **options)
    outcomes: dict[int, FixOutcome] = {}
    items = ((index, results[index]) for index in todo)
    answers = supervised_map(
        items, _fix_item(relinter, options), max(1, min(jobs, len(todo))), None, load_libcst, gentle=True
    )
    try:
        for (index, result), answer in answers:
            if isinstance(answer, Lost):
                answer = FixOutcome([result], errors=[f"{result.path}: cannot fix: {answer.reason}; not fixed"])
            outcomes[index] = answer
    except ChildError as failure:
        raise failure.error from None
    finally:
        answers.close()  # stops the workers now, whatever ended the loop (Ctrl-C included)
    return _merge([outcomes.get(index, FixOutcome([result])) for index, result in enumerate(results)])


def _fix_item(
    relinter: Linter | LinterByPath, options: dict[str, Any]
) -> Callable[[tuple[int, FileResult]], FixOutcome]:
    def fix_one(item: tuple[int, FileResult]) -> FixOutcome:
        # Runs in a worker.
        result = item[1]
        linter = relinter.linter_for(result.path) if isinstance(relinter, LinterByPath) else relinter
        try:
            return apply_fixes(_Bounded(linter), [result], **options)
        except FileTimeout:
            reason = f"took longer than {linter.file_timeout:g} s to check again after a fix (file-timeout)"
        except MemoryError:
            from beta_lint.files.isolation import describe_memory_limit

            reason = f"needs more than a worker's memory limit ({describe_memory_limit()}) to fix"
        return FixOutcome([result], errors=[f"{result.path}: {reason}; not fixed"])

    return one_collection_per_item(fix_one)


def _merge(outcomes: Sequence[FixOutcome]) -> FixOutcome:
    merged = FixOutcome(results=[])
    for outcome in outcomes:
        merged.results.extend(outcome.results)
        merged.fixed.update(outcome.fixed)
        merged.diff += outcome.diff
        merged.errors.extend(outcome.errors)
        merged.applied.extend(outcome.applied)
    return merged
