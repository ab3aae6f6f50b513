"""Human output: `path:line:col: CODE message`, the source line and a caret (ruff style)."""

from __future__ import annotations

from collections.abc import Sequence

import click

from beta_lint.files.notebook_lines import NotebookLines
from beta_lint.model import LINE_END_RE, Diagnostic, FileResult
from beta_lint.report import ReportContext, all_diagnostics


def _where(diagnostic: Diagnostic) -> str:
    loc = diagnostic.location
    cell = f"cell {loc.cell}:" if loc.cell is not None else ""
    return f"{loc.path}:{cell}{loc.line}:{loc.column}"


def _style(text: str, ctx: ReportContext, **styles: object) -> str:
    return click.style(text, **styles) if ctx.color else text  # type: ignore[arg-type]


def _header(diagnostic: Diagnostic, ctx: ReportContext) -> str:
    code_color = "red" if diagnostic.severity == "error" else "yellow"
    fixable = ""
    if diagnostic.fix is not None:
        fixable = " [*]" if diagnostic.fix.applicability == "safe" else " [unsafe fix]"
    return (
        f"{_style(_where(diagnostic), ctx, bold=True)}: "
        f"{_style(diagnostic.code, ctx, fg=code_color, bold=True)}{fixable} {diagnostic.message}"
    )


def _source_text(diagnostic: Diagnostic, ctx: ReportContext, cells: dict[str, NotebookLines]) -> str | None:
    """The text the diagnostic's lines count in: the file's, or for a notebook its cell's source."""
    loc = diagnostic.location
    text = ctx.sources.get(loc.path)
    if text is None or loc.cell is None:
        return text
    if loc.path not in cells:
        cells[loc.path] = NotebookLines(text)  # `text` is the notebook's JSON
    return cells[loc.path].cell_source(loc.cell)


def _source_line(
    diagnostic: Diagnostic, ctx: ReportContext, cells: dict[str, NotebookLines], split: dict[int, list[str]]
) -> list[str]:
    text = _source_text(diagnostic, ctx, cells)
    if text is None or diagnostic.code == "BL999":
        return []
    # One split per text, not per diagnostic: 1,600 findings in one file were 2 s of splitting.
    lines = split.get(id(text))
    if lines is None:
        lines = split[id(text)] = LINE_END_RE.split(text)
    loc = diagnostic.location
    if not 1 <= loc.line <= len(lines):
        return []
    line = lines[loc.line - 1].expandtabs(1)
    if len(line) > 200:
        return []
    width = (loc.end_column - loc.column) if loc.end_line == loc.line else len(line) - loc.column + 1
    gutter = f"{loc.line} | "
    caret = " " * (len(gutter) + loc.column - 1) + _style("^" * max(1, width), ctx, fg="red", bold=True)
    return [f"{gutter}{line}", caret]


def _summary(results: Sequence[FileResult], diagnostics: list[Diagnostic], ctx: ReportContext) -> str:
    suppressed = sum(r.suppressed for r in results)
    fixed = sum(ctx.fixed.values())
    if not diagnostics:
        line = f"All checks passed ({len(results)} file{'s' if len(results) != 1 else ''})"
    else:
        # The files with problems, and how many were scanned when that is not all of them.
        scanned = len(results)
        flagged = sum(1 for result in results if result.diagnostics)
        plural = "s" if flagged != 1 else ""
        files = f"{flagged} of {scanned} files" if flagged != scanned else f"{flagged} file{plural}"
        line = f"Found {len(diagnostics)} problem{'s' if len(diagnostics) != 1 else ''} in {files}"
    extras = []
    if fixed:
        extras.append(f"{fixed} fixed")
    if suppressed:
        extras.append(f"{suppressed} suppressed")
    safe = sum(1 for d in diagnostics if d.fix is not None and d.fix.applicability == "safe")
    unsafe = sum(1 for d in diagnostics if d.fix is not None and d.fix.applicability == "unsafe")
    if safe:
        extras.append(f"{safe} fixable with --fix")
    if unsafe:
        extras.append(f"{unsafe} more with --unsafe-fixes")
    return line + (f" ({', '.join(extras)})" if extras else "") + "."


def render_text(results: Sequence[FileResult], ctx: ReportContext) -> str:
    diagnostics = all_diagnostics(results)
    out: list[str] = []
    cells: dict[str, NotebookLines] = {}
    split: dict[int, list[str]] = {}  # by id(): each text is held alive by ctx.sources or cells
    for diagnostic in diagnostics:
        out.append(_header(diagnostic, ctx))
        out.extend(_source_line(diagnostic, ctx, cells, split))
        label = "first sent at" if diagnostic.code == "BL301" else "defined at"
        for related in diagnostic.related:
            cell = f"cell {related.cell}:" if related.cell is not None else ""
            out.append(f"  = {label} {related.path}:{cell}{related.line}:{related.column}")
        if diagnostic.fix is not None and diagnostic.fix.note:
            out.append(f"  = note: {diagnostic.fix.note}")
        out.append("")
    out.append(_summary(results, diagnostics, ctx))
    return "\n".join(out) + "\n"


def render_concise(results: Sequence[FileResult], ctx: ReportContext) -> str:
    diagnostics = all_diagnostics(results)
    lines = [_header(d, ctx) for d in diagnostics]
    lines.append(_summary(results, diagnostics, ctx))
    return "\n".join(lines) + "\n"
