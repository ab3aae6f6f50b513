"""GitHub Actions workflow commands: one `::error` / `::warning` annotation per diagnostic.

GitHub shows at most 10 annotations of each kind per step, so this is a convenience for small
changes; SARIF (code scanning) is the channel that carries every finding.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from beta_lint.model import Diagnostic, FileResult
from beta_lint.report import ReportContext, all_diagnostics
from beta_lint.report.fingerprint import repo_relative
from beta_lint.report.physical import physical_diagnostics


def escape_data(text: str) -> str:
    """Escape a command's message, as the Actions runner unescapes it (`%` first, or it is doubled)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: as data, plus the `:` and `,` that would end the value early."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation_path(path: str, workspace: str | None = None) -> str:
    """The file as GitHub names it: relative to the checkout (GITHUB_WORKSPACE) when inside it.

    The runner resolves `file=` against the repository root, not against the folder beta-lint
    ran in (`cd src && beta-lint check` must still annotate `src/x.py`).
    """
    if workspace:
        relative = repo_relative(path, workspace)
        if relative is not None:
            return relative
    return Path(path).as_posix()


def annotation(diagnostic: Diagnostic, workspace: str | None = None, cell: int | None = None) -> str:
    """One workflow command; `cell` names a notebook's cell when the lines are the file's own."""
    loc = diagnostic.location
    cell = loc.cell if cell is None else cell
    command = "error" if diagnostic.severity == "error" else "warning"
    properties = (
        ("file", annotation_path(loc.path, workspace)),
        ("line", str(loc.line)),
        ("col", str(loc.column)),
        ("endLine", str(loc.end_line)),
        ("endColumn", str(loc.end_column)),  # one past the end, like ruff's annotations
        ("title", f"{diagnostic.code} {diagnostic.name}"),
    )
    # Which cell of a notebook: where to look in Jupyter (and what its lines count from if unmapped).
    message = f"cell {cell}: {diagnostic.message}" if cell is not None else diagnostic.message
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{command} {rendered}::{escape_data(message)}"


def render_github(results: Sequence[FileResult], ctx: ReportContext) -> str:
    workspace = os.environ.get("GITHUB_WORKSPACE")
    diagnostics = all_diagnostics(results)
    lines = [
        annotation(moved, workspace, diagnostic.location.cell)
        for diagnostic, moved in zip(diagnostics, physical_diagnostics(diagnostics), strict=True)
    ]
    return "".join(line + "\n" for line in lines)
