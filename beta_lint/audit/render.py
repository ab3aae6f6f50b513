"""The audit's four renderings of an inventory `Report`: table, Markdown, JSON (version 1, see inventory.py) and CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import Any

import click

from beta_lint.audit.inventory import CSV_COLUMNS, DYNAMIC_STATUS, BetaUses, Report, plural
from beta_lint.model import escape_surrogates

_STATUS_STYLE: dict[str, dict[str, Any]] = {
    "retired": {"fg": "red", "bold": True},
    "superseded": {"fg": "yellow"},
    "ga": {"fg": "yellow"},
    "active": {"fg": "green"},
    "unknown": {"dim": True},
    DYNAMIC_STATUS: {"fg": "magenta"},
}


def _days(beta: BetaUses) -> str:
    return "" if beta.days_left is None else str(beta.days_left)


def render_table(report: Report, color: bool = False) -> str:
    def styled(text: str, status: str) -> str:
        return click.style(text, **_STATUS_STYLE.get(status, {})) if color else text

    if not report.betas:
        return f"No beta uses found ({plural(report.files_scanned, 'file')} scanned).\n"
    headers = ("BETA", "STATUS", "SUCCESSOR", "RETIRES", "DAYS LEFT", "USES", "FILES")
    # Lone surrogates (a name that is not UTF-8, "\\ud800" in code) as the escapes that get
    # printed, before measuring: the columns line up in what the terminal shows.
    rows = [
        tuple(
            escape_surrogates(cell)
            for cell in (
                b.name,
                b.status,
                b.successor or "",
                b.retires or "",
                _days(b),
                str(len(b.uses)),
                str(len(b.files)),
            )
        )
        for b in report.betas
    ]
    widths = [max(len(row[i]) for row in (headers, *rows)) for i in range(len(headers))]
    numeric = {4, 5, 6}  # right-aligned, as numbers are

    def line(cells: Sequence[str], status: str | None = None) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        padded = [cell.rjust(w) if i in numeric else cell.ljust(w) for i, (cell, w) in pairs]
        if status is not None:
            # Pad first, colour after: escape codes must not count towards the width.
            padded[0], padded[1] = styled(padded[0], status), styled(padded[1], status)
        return "  ".join(padded).rstrip()

    all_uses = [use for b in report.betas for use in b.uses]
    where_width = max((len(escape_surrogates(use.where())) for use in all_uses), default=0)
    kind_width = max((len(use.kind) for use in all_uses), default=0)
    out = [line(headers)]
    for beta, row in zip(report.betas, rows, strict=True):
        out.append(line(row, beta.status))
        for use in beta.uses:
            where, kind = escape_surrogates(use.where()).ljust(where_width), use.kind.ljust(kind_width)
            out.append(f"    {where}  {kind}  {use.endpoint or ''}".rstrip())
    out.append("")
    out.append(report.summary())
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    """A table cell: pipes escaped, so a path or name cannot break the row."""
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _md_code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{_md(text)}{pad}{fence}"


def render_markdown(report: Report) -> str:
    """A summary table and one table of uses per beta, for a pull request or an issue."""
    out = ["## Beta audit", ""]
    if not report.betas:
        out.append(f"No beta uses found ({plural(report.files_scanned, 'file')} scanned).")
        return "\n".join(out) + "\n"
    out += [f"On {report.today.isoformat()}: {report.summary()}.", ""]
    out += [
        "| Beta | Status | Successor | Retires | Days left | Uses | Files |",
        "|---|---|---|---|---:|---:|---:|",
    ]
    for b in report.betas:
        successor = _md_code(b.successor) if b.successor else ""
        out.append(
            f"| {_md_code(b.name)} | {b.status} | {successor} | {b.retires or ''} | {_days(b)} "
            f"| {len(b.uses)} | {len(b.files)} |"
        )
    for b in report.betas:
        out += ["", f"### {_md_code(b.name)} ({b.status})", ""]
        out += ["| Location | Kind | Endpoint |", "|---|---|---|"]
        for use in b.uses:
            endpoint = _md_code(use.endpoint) if use.endpoint else ""
            out.append(f"| {_md_code(use.where())} | {use.kind} | {endpoint} |")
    return "\n".join(out) + "\n"


def render_json(report: Report) -> str:
    data = {
        "version": 1,
        "today": report.today.isoformat(),
        "betas": [
            {
                "name": b.name,
                "status": b.status,
                "successor": b.successor,
                "retires": b.retires,
                "days_left": b.days_left,
                "uses": [
                    {
                        "path": u.path,
                        "cell": u.cell,
                        "line": u.line,
                        "column": u.column,
                        "kind": u.kind,
                        "endpoint": u.endpoint,
                        "role": u.role,
                        "test": u.test,
                    }
                    for u in b.uses
                ],
            }
            for b in report.betas
        ],
    }
    # Valid UTF-8 with lone surrogates too: in JSON's output they sit in strings, as \\uXXXX.
    return escape_surrogates(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


def render_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for b in report.betas:
        for u in b.uses:
            writer.writerow(
                [
                    b.name,
                    b.status,
                    b.successor or "",
                    b.retires or "",
                    u.path,
                    "" if u.cell is None else u.cell,
                    u.line,
                    u.column,
                    u.kind,
                    u.endpoint or "",
                    u.role,
                    "yes" if u.test else "no",
                ]
            )
    return buffer.getvalue()


RENDERERS: dict[str, Callable[[Report], str]] = {
    "table": render_table,
    "markdown": render_markdown,
    "json": render_json,
    "csv": render_csv,
}
