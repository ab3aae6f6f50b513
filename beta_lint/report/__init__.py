"""Reporters: one module per output format, each a function from results to text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from beta_lint.model import Diagnostic, FileResult


@dataclass(frozen=True)
class ReportContext:
    tool_version: str
    registry_updated: str
    root: str  # folder that repository-relative paths (SARIF, GitLab) are relative to
    color: bool = False
    sources: dict[str, str] = field(default_factory=dict)  # path -> text, for showing source lines
    show_fixes: bool = False
    fixed: dict[str, int] = field(default_factory=dict)  # path -> number of fixes applied


Renderer = Callable[[Sequence[FileResult], ReportContext], str]


def all_diagnostics(results: Sequence[FileResult]) -> list[Diagnostic]:
    out = [d for result in results for d in result.diagnostics]
    out.sort(key=Diagnostic.sort_key)
    return out


def renderers() -> dict[str, Renderer]:
    from beta_lint.report import json_report, text

    found: dict[str, Renderer] = {
        "text": text.render_text,
        "concise": text.render_concise,
        "json": json_report.render_json,
    }
    # Formats for CI systems live in their own modules; each registers one renderer.
    for name, module_name, function in (
        ("sarif", "sarif", "render_sarif"),
        ("github", "github", "render_github"),
        ("junit", "junit", "render_junit"),
        ("gitlab", "gitlab", "render_gitlab"),
    ):
        try:
            module = __import__(f"beta_lint.report.{module_name}", fromlist=[function])
        except ImportError:
            continue
        found[name] = getattr(module, function)
    return found
