"""Text files (Markdown, shell, YAML, JS/TS ...) through the same checks and suppressions as Python."""

from __future__ import annotations

from collections.abc import Sequence

from beta_lint.files.source import ReadError, read_bytes
from beta_lint.model import FileResult
from beta_lint.pipeline.linter import Linter
from beta_lint.text.scan import scan_text


def lint_text_files(linter: Linter, paths: Sequence[str]) -> list[FileResult]:
    results: list[FileResult] = []
    for path in paths:
        try:
            data = read_bytes(path, linter.max_file_size)
        except ReadError as error:
            results.append(linter.failed(path, str(error)))
            continue
        lowered = data.lower()
        if b"anthropic-beta" not in lowered and b"betas" not in lowered:
            results.append(FileResult(path, ()))
            continue
        text = data.decode("utf-8", errors="replace")
        extraction, _notes = scan_text(linter, path, text)
        diagnostics = linter.check(extraction, text)
        results.append(linter.finish(path, diagnostics, list(extraction.usages), []))
    return results
