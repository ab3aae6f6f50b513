"""The audit as one self-contained HTML page (`--format html`): no script, no font, no image and
no address is loaded, so it opens the same offline, attached to a CI run or mailed.

Sections: a retirement timeline (one bar per dated beta, its length the days left, its label
the uses; retired betas in red at the left), the per-beta table, the per-owner and per-status
totals, then what to do and every use, beta by beta.
"""

from __future__ import annotations

from html import escape

from beta_lint.audit.inventory import DYNAMIC_STATUS, BetaUses, Report, plural
from beta_lint.audit.totals import Count, totals

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1b1b1b;background:#fff}
table{border-collapse:collapse;margin:.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f2f2f2}td.n{text-align:right}code{font:12px ui-monospace,monospace}
.retired{color:#b00020;font-weight:bold}.superseded,.ga{color:#8a5a00}.active{color:#1b6e20}
.timeline{margin:.5em 0 1.5em}.row{display:flex;align-items:center;gap:.5em;margin:.2em 0}
.label{width:22em;font:12px ui-monospace,monospace;overflow:hidden;text-overflow:ellipsis}
.track{flex:1;background:#f4f4f4;height:1.1em;position:relative}
.bar{position:absolute;top:0;height:100%;background:#3b73b9}.bar.past{background:#b00020}
.today{position:absolute;top:-.2em;height:1.5em;width:2px;background:#1b1b1b}.axis{font-size:12px;color:#555}
.days{width:16em;font-size:12px}
"""


def _cell(text: str, numeric: bool = False) -> str:
    return f"<td class=n>{escape(text)}</td>" if numeric else f"<td>{escape(text)}</td>"


def _table(headers: tuple[str, ...], rows: list[list[str]], numeric: frozenset[int] = frozenset()) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(_cell(c, i in numeric) for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _count_rows(counts: tuple[Count, ...]) -> list[list[str]]:
    return [
        [c.key, str(c.betas), str(c.send_sites), str(c.definitions), str(c.production), str(c.tests)] for c in counts
    ]


def timeline(report: Report) -> str:
    """One bar per beta with a date, on one axis of days: each bar runs from today (the dark
    line) to the beta's retirement, left of the line when it is already past."""
    dated = [b for b in report.betas if b.days_left is not None]
    if not dated:
        return "<p>No beta in this audit has a retirement date.</p>"
    low = min(0, *(b.days_left or 0 for b in dated))
    high = max(1, *(b.days_left or 0 for b in dated))

    def at(days: int) -> float:
        return round(100 * (days - low) / (high - low), 2)

    rows = []
    for beta in dated:
        days = beta.days_left or 0
        past = days < 0
        left, right = (at(days), at(0)) if past else (at(0), at(days))
        text = f"retired {plural(-days, 'day')} ago" if past else f"{plural(days, 'day')} left"
        bar, uses = "bar past" if past else "bar", plural(len(beta.uses), "use")
        style = f"left:{left}%;width:{max(right - left, 0.5)}%"
        rows.append(
            f'<div class=row data-beta="{escape(beta.name)}" data-days-left="{days}">'
            f"<span class=label>{escape(beta.name)}</span>"
            f'<span class=track><span class="{bar}" style="{style}"></span>'
            f'<span class=today style="left:{at(0)}%"></span></span>'
            f"<span class=days>{escape(text)} ({escape(beta.retires or '')}), {uses}</span></div>"
        )
    axis = f"<p class=axis>From {low} to {high} days around {report.today.isoformat()} (the dark line).</p>"
    return f"<div class=timeline id=timeline>{''.join(rows)}{axis}</div>"


def _beta_section(beta: BetaUses) -> str:
    parts = [
        f'<h3 id="{escape(beta.name)}"><code>{escape(beta.name)}</code> '
        f"<span class={beta.status}>{beta.status}</span></h3><ul>"
    ]
    if beta.status != DYNAMIC_STATUS:
        if beta.days_left is None:
            when = "no retirement date known"
        elif beta.days_left < 0:
            when = f"retired {plural(-beta.days_left, 'day')} ago ({beta.retires})"
        else:
            when = f"retires in {plural(beta.days_left, 'day')} ({beta.retires})"
        parts.append(f"<li>{escape(when)}</li>")
    if beta.chain:
        chain = " → ".join(escape(n) for n in (beta.name, *beta.chain)) + (" → (cycle)" if beta.cycle else "")
        parts.append(f"<li>Successors: {chain}</li>")
    if beta.note:
        parts.append(f"<li>What to do: {escape(beta.note)}</li>")
    for text, url in beta.sources:
        link = f'<a href="{escape(url)}">{escape(text)}</a>' if url else escape(text)
        parts.append(f"<li>Source: {link}</li>")
    parts.append("</ul>")
    headers = ("Location", "Kind", "Role", "File", "Owner", "In", "Last change", "Endpoint", "Line")
    rows = []
    for u in beta.uses:
        where = f"{u.repository}:{u.where()}" if u.repository else u.where()
        change = " ".join(p for p in (u.author, u.changed) if p)
        rows.append(
            [
                where,
                u.kind,
                u.role,
                "test" if u.test else "production",
                " ".join(u.owners),
                u.function or "",
                change,
                u.endpoint or "",
                u.code or "",
            ]
        )
    parts.append(_table(headers, rows))
    return "".join(parts)


def render_html(report: Report) -> str:
    title = f"Beta audit, {report.today.isoformat()}"
    body = [f"<h1>{escape(title)}</h1>", f"<p>{escape(report.summary())}.</p>"]
    if report.betas:
        summary = totals(report)
        body += ["<h2>Retirement timeline</h2>", timeline(report), "<h2>Betas</h2>"]
        rows = [
            [
                b.name,
                b.status,
                b.confidence or "",
                (b.final_successor or "") + (" (cycle)" if b.cycle else ""),
                b.ga_date or "",
                b.retires or "",
                "" if b.days_left is None else str(b.days_left),
                str(b.send_sites),
                str(b.definitions),
            ]
            for b in report.betas
        ]
        headers = ("Beta", "Status", "Confidence", "Move to", "GA", "Retires", "Days left", "Send sites", "Definitions")
        body.append(_table(headers, rows, frozenset({6, 7, 8})))
        count_headers = ("Betas", "Send sites", "Definitions", "Production", "Tests")
        body += [
            "<h2>Owners</h2>",
            _table(("Owner", *count_headers), _count_rows(summary.by_owner), frozenset(range(1, 6))),
        ]
        body += [
            "<h2>Statuses</h2>",
            _table(("Status", *count_headers), _count_rows(summary.by_status), frozenset(range(1, 6))),
        ]
        if summary.by_repository:
            rows = _count_rows(summary.by_repository)
            body += ["<h2>Repositories</h2>", _table(("Repository", *count_headers), rows, frozenset(range(1, 6)))]
        body += ["<h2>What to do, beta by beta</h2>", *(_beta_section(b) for b in report.betas)]
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )
