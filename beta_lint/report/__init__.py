"""Stage 5, reports: one module per output format, each a function from results to text.

May import: beta_lint.model, beta_lint.knowledge, beta_lint.files (fingerprints re-read the
linted lines) and beta_lint.checks (SARIF lists every rule with its page).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from beta_lint.model import Diagnostic, FileResult, escape_surrogates


@dataclass(frozen=True)
class ReportContext:
    tool_version: str
    registry_updated: str
    root: str  # folder that repository-relative paths (SARIF, GitLab) are relative to
    color: bool = False
    sources: dict[str, str] = field(default_factory=dict)  # path -> text, for showing source lines
    show_fixes: bool = False
    fixed: dict[str, int] = field(default_factory=dict)  # path -> number of fixes applied
    # The SDK whose facts the run used: {"version", "path" (None: no package read), "origin"}.
    sdk: dict[str, Any] | None = None


Renderer = Callable[[Sequence[FileResult], ReportContext], str]


def all_diagnostics(results: Sequence[FileResult]) -> list[Diagnostic]:
    out = [d for result in results for d in result.diagnostics]
    out.sort(key=Diagnostic.sort_key)
    return out


def json_text(document: object) -> str:
    """`document` as JSON text (indented, newline-terminated) that is always valid UTF-8.

    JSON text must be UTF-8 (RFC 8259), but a str can hold lone surrogates: a file name that is
    not UTF-8 arrives with surrogate escapes (byte 0xE9 is U+DCE9) and a "\\ud800" escape in
    linted code evaluates to one. Those alone are written as \\uXXXX escapes, as ensure_ascii
    would write them: json.loads gives back the same str, whose os.fsencode is the file's real
    name, and the report stays pure UTF-8 whatever the stream's error handler. Other non-ASCII
    text stays as UTF-8 so that names like "café.py" remain readable in the report.
    """
    import json

    text = json.dumps(document, indent=2, ensure_ascii=False)
    # json.dumps writes non-ASCII characters only inside strings (never escaping them), so a
    # surrogate in its output always sits in a string, where this escape means the same thing.
    return escape_surrogates(text) + "\n"


# Output format -> (module in beta_lint.report, its renderer). Only the chosen one is imported:
# a pre-commit run must not pay for loading SARIF's or JUnit's code.
FORMATS: dict[str, tuple[str, str]] = {
    "text": ("text", "render_text"),
    "concise": ("text", "render_concise"),
    "json": ("json_report", "render_json"),
    "sarif": ("sarif", "render_sarif"),
    "github": ("github", "render_github"),
    "junit": ("junit", "render_junit"),
    "gitlab": ("gitlab", "render_gitlab"),
}


def renderer(name: str) -> Renderer:
    import importlib

    module_name, function = FORMATS[name]
    found: Renderer = getattr(importlib.import_module(f"beta_lint.report.{module_name}"), function)
    return found


def renderers() -> dict[str, Renderer]:
    return {name: renderer(name) for name in FORMATS}
