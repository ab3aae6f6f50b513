"""The audit's text renderings of an inventory `Report`: table, Markdown and CSV. JSON is in
`json_format`, HTML in `html`.

Each rendering has the same three parts: the betas (most urgent first) with their dates, their
final successor and the number of send sites and definitions apart; per beta, what to do (the
registry's note in full, the sources as links) and every use with its role, owner, enclosing
function, last change and line of code; then the totals per status, per owner (and per
repository for merged audits), production code against tests.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from typing import Any

import click

from beta_lint.audit.html import render_html
from beta_lint.audit.inventory import DYNAMIC_STATUS, BetaUses, Report, Use, plural
from beta_lint.audit.json_format import render_json
from beta_lint.audit.totals import Count, totals
from beta_lint.model import escape_surrogates

_STATUS_STYLE: dict[str, dict[str, Any]] = {
    "retired": {"fg": "red", "bold": True},
    "superseded": {"fg": "yellow"},
    "ga": {"fg": "yellow"},
    "active": {"fg": "green"},
    "unknown": {"dim": True},
    DYNAMIC_STATUS: {"fg": "magenta"},
}

BETA_HEADERS = ("BETA", "STATUS", "CONFIDENCE", "MOVE TO", "GA", "RETIRES", "DAYS LEFT", "SEND SITES", "DEFINITIONS")
USE_HEADERS = ("WHERE", "KIND", "ROLE", "FILE", "OWNER", "IN", "LAST CHANGE", "ENDPOINT")
COUNT_HEADERS = ("BETAS", "SEND SITES", "DEFINITIONS", "PRODUCTION", "TESTS")
CSV_COLUMNS = (
    "repository",
    "name",
    "status",
    "confidence",
    "successor",
    "final_successor",
    "ga_date",
    "retires",
    "days_left",
    "path",
    "cell",
    "line",
    "column",
    "kind",
    "endpoint",
    "role",
    "test",
    "function",
    "owners",
    "author",
    "changed",
    "code",
)


def _days(beta: BetaUses) -> str:
    return "" if beta.days_left is None else str(beta.days_left)


def move_to(beta: BetaUses) -> str:
    """The final successor; `(cycle)` when the registry's successors loop."""
    final = beta.final_successor or ""
    return f"{final} (cycle)" if beta.cycle else final


def beta_row(beta: BetaUses) -> tuple[str, ...]:
    return (
        beta.name,
        beta.status,
        beta.confidence or "",
        move_to(beta),
        beta.ga_date or "",
        beta.retires or "",
        _days(beta),
        str(beta.send_sites),
        str(beta.definitions),
    )


def last_change(use: Use) -> str:
    return " ".join(part for part in (use.author, use.changed) if part)


def use_row(use: Use) -> tuple[str, ...]:
    where = f"{use.repository}:{use.where()}" if use.repository else use.where()
    return (
        where,
        use.kind,
        use.role,
        "test" if use.test else "production",
        " ".join(use.owners),
        use.function or "",
        last_change(use),
        use.endpoint or "",
    )


def count_row(count: Count) -> tuple[str, ...]:
    return (
        count.key,
        *(str(n) for n in (count.betas, count.send_sites, count.definitions, count.production, count.tests)),
    )


def days_text(beta: BetaUses) -> str:
    if beta.days_left is None:
        return "no retirement date known"
    if beta.days_left < 0:
        return f"retired {plural(-beta.days_left, 'day')} ago ({beta.retires})"
    return f"retires in {plural(beta.days_left, 'day')} ({beta.retires})"


# ---------------------------------------------------------------- table


def columns(
    headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: frozenset[int], indent: str = ""
) -> list[str]:
    # Lone surrogates (a name that is not UTF-8, "\ud800" in code) as the escapes that get
    # printed, before measuring: the columns line up in what the terminal shows.
    rows = [[escape_surrogates(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in (headers, *rows)) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        return indent + "  ".join(c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in pairs).rstrip()

    return [line(headers), *(line(row) for row in rows)]


def render_table(report: Report, color: bool = False) -> str:
    def styled(text: str, status: str) -> str:
        return click.style(text, **_STATUS_STYLE.get(status, {})) if color else text

    if not report.betas:
        return f"No beta uses found ({plural(report.files_scanned, 'file')} scanned).\n"
    lines = columns(BETA_HEADERS, [beta_row(b) for b in report.betas], frozenset({6, 7, 8}))
    out = [lines[0]]
    name_width = max(len(BETA_HEADERS[0]), *(len(escape_surrogates(b.name)) for b in report.betas))
    status_width = max(len(BETA_HEADERS[1]), *(len(b.status) for b in report.betas))
    cut = name_width + 2 + status_width
    for beta, line in zip(report.betas, lines[1:], strict=True):
        # Colour after padding: escape codes must not count towards the width.
        name, status = line[:name_width], line[name_width + 2 : cut]
        out.append(styled(name, beta.status) + "  " + styled(status, beta.status) + line[cut:])
    for beta in report.betas:
        out += ["", styled(f"{beta.name} ({beta.status})", beta.status)]
        if beta.status != DYNAMIC_STATUS:
            out.append(f"  {days_text(beta)}")
        if beta.chain:
            chain = " -> ".join((beta.name, *beta.chain)) + (" -> (cycle)" if beta.cycle else "")
            out.append(f"  successors: {chain}")
        if beta.note:
            out.append(f"  what to do: {beta.note}")
        for text, url in beta.sources:
            out.append(f"  source: {text}" + (f" <{url}>" if url else ""))
        rows = [use_row(use) for use in beta.uses]
        table = columns(USE_HEADERS, rows, frozenset(), indent="    ")
        out.append(table[0])
        for use, line in zip(beta.uses, table[1:], strict=True):
            out.append(line)
            if use.code:
                out.append(f"      | {use.code}")
    summary = totals(report)
    out += ["", "TOTALS"]
    out += columns(("STATUS", *COUNT_HEADERS), [count_row(c) for c in summary.by_status], frozenset(range(1, 6)), "  ")
    out.append("")
    out += columns(("OWNER", *COUNT_HEADERS), [count_row(c) for c in summary.by_owner], frozenset(range(1, 6)), "  ")
    if summary.by_repository:
        out.append("")
        rows = [count_row(c) for c in summary.by_repository]
        out += columns(("REPOSITORY", *COUNT_HEADERS), rows, frozenset(range(1, 6)), "  ")
    out += ["", report.summary()]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- markdown


def _md(text: str) -> str:
    """A table cell: pipes escaped, so a path or name cannot break the row."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_code(text: str) -> str:
    if not text:
        return ""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{_md(text)}{pad}{fence}"


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: frozenset[int]) -> list[str]:
    rule = "|".join("---:" if i in numeric else "---" for i in range(len(headers)))
    return [f"| {' | '.join(headers)} |", f"|{rule}|", *(f"| {' | '.join(row)} |" for row in rows)]


def render_markdown(report: Report) -> str:
    """The betas, one section per beta, and the totals: for a pull request or an issue."""
    out = ["## Beta audit", ""]
    if not report.betas:
        out.append(f"No beta uses found ({plural(report.files_scanned, 'file')} scanned).")
        return "\n".join(out) + "\n"
    out += [f"On {report.today.isoformat()}: {report.summary()}.", ""]
    headers = ("Beta", "Status", "Confidence", "Move to", "GA", "Retires", "Days left", "Send sites", "Definitions")
    rows = []
    for b in report.betas:
        row = beta_row(b)
        rows.append((_md_code(row[0]), row[1], row[2], _md_code(row[3]), *row[4:]))
    out += _md_table(headers, rows, frozenset({6, 7, 8}))
    for b in report.betas:
        out += ["", f"### {_md_code(b.name)} ({b.status})", ""]
        if b.status != DYNAMIC_STATUS:
            out += [f"- {days_text(b)}"]
        if b.chain:
            chain = " → ".join(_md_code(n) for n in (b.name, *b.chain)) + (" → (cycle)" if b.cycle else "")
            out.append(f"- Successors: {chain}")
        if b.note:
            out.append(f"- What to do: {_md(b.note)}")
        for text, url in b.sources:
            out.append(f"- Source: [{_md(text)}]({url})" if url else f"- Source: {_md(text)}")
        if out[-1] != "":
            out.append("")
        use_headers = ("Location", "Kind", "Role", "File", "Owner", "In", "Last change", "Endpoint", "Line")
        use_rows = []
        for use in b.uses:
            cells = use_row(use)
            use_rows.append(
                (
                    _md_code(cells[0]),
                    *(_md(c) for c in cells[1:5]),
                    _md_code(cells[5]),
                    _md(cells[6]),
                    _md_code(cells[7]),
                    _md_code(use.code or ""),
                )
            )
        out += _md_table(use_headers, use_rows, frozenset())
    summary = totals(report)
    out += ["", "### Totals", ""]
    count_headers = ("Send sites", "Definitions", "Production", "Tests")
    numeric = frozenset(range(1, 6))
    out += _md_table(("Status", "Betas", *count_headers), [count_row(c) for c in summary.by_status], numeric)
    out.append("")
    rows = [(_md(c.key), *count_row(c)[1:]) for c in summary.by_owner]
    out += _md_table(("Owner", "Betas", *count_headers), rows, numeric)
    if summary.by_repository:
        out.append("")
        rows = [(_md(c.key), *count_row(c)[1:]) for c in summary.by_repository]
        out += _md_table(("Repository", "Betas", *count_headers), rows, numeric)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- csv


def render_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for b in report.betas:
        for u in b.uses:
            writer.writerow(
                [
                    u.repository or "",
                    b.name,
                    b.status,
                    b.confidence or "",
                    b.successor or "",
                    b.final_successor or "",
                    b.ga_date or "",
                    b.retires or "",
                    _days(b),
                    u.path,
                    "" if u.cell is None else u.cell,
                    u.line,
                    u.column,
                    u.kind,
                    u.endpoint or "",
                    u.role,
                    "yes" if u.test else "no",
                    u.function or "",
                    " ".join(u.owners),
                    u.author or "",
                    u.changed or "",
                    u.code or "",
                ]
            )
    return buffer.getvalue()


RENDERERS: dict[str, Callable[[Report], str]] = {
    "table": render_table,
    "markdown": render_markdown,
    "json": render_json,
    "csv": render_csv,
    "html": render_html,
}
