"""The versioned JSON report (schema in README; `version` bumps on any incompatible change)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from beta_lint.model import Diagnostic, FileResult, Fix, Location
from beta_lint.report import ReportContext, all_diagnostics, json_text

JSON_VERSION = 1


def location_json(location: Location) -> dict[str, Any]:
    return {"path": location.path, "cell": location.cell, "line": location.line, "column": location.column}


def fix_json(fix: Fix | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    return {
        "applicability": fix.applicability,
        "message": fix.message,
        "note": fix.note,
        "edits": [
            {
                "content": edit.content,
                "line": edit.location.line,
                "column": edit.location.column,
                "end_line": edit.location.end_line,
                "end_column": edit.location.end_column,
            }
            for edit in fix.edits
        ],
    }


def diagnostic_json(diagnostic: Diagnostic) -> dict[str, Any]:
    loc = diagnostic.location
    return {
        "code": diagnostic.code,
        "name": diagnostic.name,
        "severity": diagnostic.severity,
        "message": diagnostic.message,
        "path": loc.path,
        "cell": loc.cell,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
        "beta": diagnostic.beta,
        "endpoint": diagnostic.endpoint,
        "related": [location_json(related) for related in diagnostic.related],
        "fix": fix_json(diagnostic.fix),
    }


def render_json(results: Sequence[FileResult], ctx: ReportContext) -> str:
    diagnostics = all_diagnostics(results)
    document = {
        "version": JSON_VERSION,
        "tool": {"name": "beta-lint", "version": ctx.tool_version},
        "registry": {"updated": ctx.registry_updated},
        "sdk": ctx.sdk,
        "diagnostics": [diagnostic_json(d) for d in diagnostics],
        "summary": {
            "files": len(results),
            "diagnostics": len(diagnostics),
            "suppressed": sum(r.suppressed for r in results),
        },
    }
    return json_text(document)
