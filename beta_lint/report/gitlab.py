"""GitLab Code Quality: a JSON list of issues (a subset of the Code Climate format).

GitLab compares the issues of a merge request with those of its target branch by
`fingerprint`, so the fingerprint is content-based (see fingerprint.py), never line-based.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from beta_lint.model import Diagnostic, FileResult
from beta_lint.report import ReportContext, all_diagnostics, json_text
from beta_lint.report.fingerprint import SourceLines, display_path, fingerprints
from beta_lint.report.physical import physical_diagnostics

# GitLab's scale is info < minor < major < critical < blocker. An error is a request the API
# rejects or a wrong result (major, not blocker: the code still runs); a warning is advice.
SEVERITIES = {"error": "major", "warning": "minor"}


def _issue(diagnostic: Diagnostic, fingerprint: str, root: str, cell: int | None = None) -> dict[str, Any]:
    """One issue; a notebook's arrives with the file's own lines, `cell` names the cell it is in."""
    loc = diagnostic.location
    cell = loc.cell if cell is None else cell
    where = f"cell {cell}: " if cell is not None else ""
    return {
        "description": f"{diagnostic.code} {where}{diagnostic.message}",
        "check_name": diagnostic.code,
        "fingerprint": fingerprint,
        "severity": SEVERITIES.get(diagnostic.severity, "minor"),
        "location": {
            "path": display_path(loc.path, root),  # relative to the repository root
            "lines": {"begin": loc.line, "end": loc.end_line},
        },
    }


def render_gitlab(results: Sequence[FileResult], ctx: ReportContext) -> str:
    diagnostics = all_diagnostics(results)
    # Fingerprints from the cell's lines (as SARIF's); the reported lines are the file's own.
    prints = fingerprints(diagnostics, ctx.root, SourceLines(ctx.sources))
    cells = [d.location.cell for d in diagnostics]
    moved = physical_diagnostics(diagnostics)
    issues = [_issue(d, print_, ctx.root, cell) for d, print_, cell in zip(moved, prints, cells, strict=True)]
    return json_text(issues)
