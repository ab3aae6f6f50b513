"""Reporters: one module per output format, each a function from results to text."""

from __future__ import annotations

import json
import re
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


# UTF-16 surrogates: a str holds them as code points of their own, which UTF-8 cannot encode.
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _escape_surrogate(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(document: object) -> str:
    """`document` as JSON text (indented, newline-terminated) that is always valid UTF-8.

    JSON text must be UTF-8 (RFC 8259), but a str can hold lone surrogates: a file name that is
    not UTF-8 arrives with surrogate escapes (byte 0xE9 is U+DCE9) and a "\\ud800" escape in
    linted code evaluates to one. Those alone are written as \\uXXXX escapes, as ensure_ascii
    would write them: json.loads gives back the same str, whose os.fsencode is the file's real
    name, and the report stays pure UTF-8 whatever the stream's error handler. Other non-ASCII
    text stays as UTF-8 so that names like "café.py" remain readable in the report.
    """
    text = json.dumps(document, indent=2, ensure_ascii=False)
    # json.dumps writes non-ASCII characters only inside strings (never escaping them), so a
    # surrogate in its output always sits in a string, where this escape means the same thing.
    return _SURROGATE_RE.sub(_escape_surrogate, text) + "\n"


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
