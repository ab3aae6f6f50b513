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

# GitLab's scale is info < minor < major < critical < blocker. An error is a request the API
# rejects or a wrong result (major, not blocker: the code still runs); a warning is advice.
SEVERITIES = {"error": "major", "warning": "minor"}


def _issue(diagnostic: Diagnostic, fingerprint: str, root: str) -> dict[str, Any]:
    loc = diagnostic.location
    # A notebook's lines count from the start of a cell: name it, or the line means nothing.
    cell = f"cell {loc.cell}: " if loc.cell is not None else ""
    return {
        "description": f"{diagnostic.code} {cell}{diagnostic.message}",
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
    prints = fingerprints(diagnostics, ctx.root, SourceLines(ctx.sources))
    issues = [_issue(d, fingerprint, ctx.root) for d, fingerprint in zip(diagnostics, prints, strict=True)]
    return json_text(issues)
