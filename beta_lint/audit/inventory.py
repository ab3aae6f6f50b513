"""`beta-lint audit`: every beta a tree sends, grouped by beta, for the day a beta is retired.

Data flow: the same extraction as `check` (FileResult.usages) -> uses -> grouped by beta ->
filters -> one of four renderers (table, markdown, json, csv).

What counts as a use (one row of the inventory):

- a name written where it is sent (`betas=[...]`, an `anthropic-beta` header value, an
  `"anthropic-beta: a,b"` string, a text file) is one use at the name, of the usage's kind;
- a name reached through another name (a constant, a list collected with `.append`/`+=`, a
  value kept on `self`) is one use of kind `constant` where the name is written, listed once
  however often it is sent, and one use at every place it is sent, with the resolved name;
- a string that is not sent anywhere beta-lint can see but equals a registry name, or is bound
  to a `*beta*` variable, is a `constant` use where it is written (an exported constant, a
  dataclass default). In test code (`tests/`, `test_*.py`, `*_test.py`, `conftest.py`) a bare
  registry name that is bound to nothing beta-like is an expectation, not a use: left out;
- a value that cannot be resolved statically is a use in the `<dynamic>` group at the place it
  is sent: never dropped.

JSON output (`--format json`), version 1. New keys may be added; existing ones keep their
meaning, and a change of meaning bumps `version`:

    {
      "version": 1,
      "today": "YYYY-MM-DD",                  # the day days_left counts from (--today)
      "betas": [                              # sorted by name, "<dynamic>" last
        {
          "name": "computer-use-2024-10-22",  # or "<dynamic>"
          "status": "retired",                # active|ga|superseded|retired|unknown|dynamic
          "successor": "computer-use-2025-01-24" | null,
          "retires": "YYYY-MM-DD" | null,     # registry `retires`, else `retired-date`
          "days_left": -392 | null,           # retires - today; negative: already past
          "uses": [                           # sorted by path, cell, line, column, kind
            {"path": "app/agent.py", "cell": null, "line": 3, "column": 9,
             "kind": "betas-argument",        # betas-argument|header|header-string|constant|text
             "endpoint": "/v1/messages" | null}
          ]
        }
      ]
    }

`cell` is the 1-based notebook cell for `.ipynb` files (lines then count from the cell's
start) and null elsewhere. Columns count Unicode code points, from 1.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import Any

import click

from beta_lint.files.discover import PYTHON_SUFFIXES
from beta_lint.knowledge.registry import STATUSES, Registry
from beta_lint.model import FileResult, Location, Usage
from beta_lint.pipeline.engine import Linter, lint_one, lint_paths

DYNAMIC = "<dynamic>"
DYNAMIC_STATUS = "dynamic"
# `dynamic` is accepted too, so a CI gate can insist that every beta is known statically.
FILTER_STATUSES: tuple[str, ...] = (*STATUSES, DYNAMIC_STATUS)
CSV_COLUMNS = ("name", "status", "successor", "retires", "path", "cell", "line", "column", "kind", "endpoint")
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

# A progress bar is worth drawing for this many files, or once a run has taken this long.
_PROGRESS_FILES = 200
_PROGRESS_SECONDS = 1.0
_TEST_DIRS = frozenset({"test", "tests"})
_STATUS_STYLE: dict[str, dict[str, Any]] = {
    "retired": {"fg": "red", "bold": True},
    "superseded": {"fg": "yellow"},
    "ga": {"fg": "yellow"},
    "active": {"fg": "green"},
    "unknown": {"dim": True},
    DYNAMIC_STATUS: {"fg": "magenta"},
}


# ---------------------------------------------------------------- uses


@dataclass(frozen=True)
class Use:
    path: str
    cell: int | None
    line: int
    column: int
    kind: str  # betas-argument | header | header-string | constant | text
    endpoint: str | None = None

    def where(self) -> str:
        """`path:line:col`, or `notebook.ipynb:cell N:line:col` (notebook lines count per cell)."""
        cell = f"cell {self.cell}:" if self.cell is not None else ""
        return f"{self.path}:{cell}{self.line}:{self.column}"

    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.path, self.cell or 0, self.line, self.column, self.kind)


def _use(location: Location, kind: str, endpoint: str | None) -> Use:
    return Use(location.path, location.cell, location.line, location.column, kind, endpoint)


def is_test_path(path: str) -> bool:
    """Test code by the usual layouts: there a bare registry name is an expectation, not a use."""
    parts = PurePath(path).parts
    name = parts[-1] if parts else path
    stem = name.rsplit(".", 1)[0]
    return (
        any(part in _TEST_DIRS for part in parts[:-1])
        or stem.startswith("test_")
        or stem.endswith("_test")
        or name == "conftest.py"
    )


def _within(inner: Location, outer: Location) -> bool:
    """Whether `inner` lies inside `outer`: a name written in the literal (or expression) sent."""
    return (
        inner.path == outer.path
        and inner.cell == outer.cell
        and (outer.line, outer.column) <= (inner.line, inner.column)
        and (inner.end_line, inner.end_column) <= (outer.end_line, outer.end_column)
    )


def uses_of(usage: Usage) -> Iterator[tuple[str, Use]]:
    """The (beta name, use) pairs one extracted usage stands for (see the module docstring)."""
    endpoint = usage.request.endpoint if usage.request is not None else None
    if usage.name is None:
        # Where the unknown value enters the request is what someone has to go and read.
        yield DYNAMIC, _use(usage.site, "constant" if usage.kind == "literal" else usage.kind, endpoint)
        return
    if usage.kind in ("literal", "constant"):
        if usage.scope == "lifecycle" and is_test_path(usage.location.path):
            return
        yield usage.name, _use(usage.location, "constant", None)
        return
    if not _within(usage.location, usage.site):
        # Reached through a name (the site is elsewhere): the definition, and where it is sent.
        yield usage.name, _use(usage.location, "constant", None)
        yield usage.name, _use(usage.site, usage.kind, endpoint)
        return
    yield usage.name, _use(usage.location, usage.kind, endpoint)


def collect_uses(results: Iterable[FileResult]) -> dict[str, list[Use]]:
    """Uses by beta name, each (path, cell, line, column, kind) once per beta."""
    found: dict[str, dict[tuple[str, int | None, int, int, str], Use]] = {}
    for result in results:
        for usage in result.usages:
            for name, use in uses_of(usage):
                key = (use.path, use.cell, use.line, use.column, use.kind)
                seen = found.setdefault(name, {}).get(key)
                # Alternatives of one request can repeat a use; keep an endpoint if any knows it.
                if seen is None or (seen.endpoint is None and use.endpoint is not None):
                    found[name][key] = use
    return {name: sorted(uses.values(), key=Use.sort_key) for name, uses in found.items()}


# ---------------------------------------------------------------- grouped by beta


@dataclass(frozen=True)
class BetaUses:
    name: str
    status: str  # a registry status, or "dynamic" for the <dynamic> group
    successor: str | None
    retires: str | None
    days_left: int | None
    uses: tuple[Use, ...]

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(sorted({use.path for use in self.uses}))


def group(uses: dict[str, list[Use]], registry: Registry, today: dt.date) -> list[BetaUses]:
    groups: list[BetaUses] = []
    for name, listed in uses.items():
        if name == DYNAMIC:
            groups.append(BetaUses(name, DYNAMIC_STATUS, None, None, None, tuple(listed)))
            continue
        beta = registry.get(name)
        if beta is None:
            groups.append(BetaUses(name, "unknown", None, None, None, tuple(listed)))
            continue
        retires = beta.retires or beta.retired_date
        days_left = (dt.date.fromisoformat(retires) - today).days if retires else None
        groups.append(BetaUses(name, beta.status, beta.successor, retires, days_left, tuple(listed)))
    return sorted(groups, key=lambda g: (g.name == DYNAMIC, g.name))


# ---------------------------------------------------------------- filters


def parse_statuses(value: str | None, option: str) -> frozenset[str] | None:
    """A comma list of statuses; None when the option was not given."""
    from beta_lint.cli import UsageError

    if value is None:
        return None
    statuses = frozenset(part.strip().lower() for part in value.split(",") if part.strip())
    unknown = sorted(statuses - set(FILTER_STATUSES))
    if unknown or not statuses:
        shown = ", ".join(repr(s) for s in unknown) if unknown else repr(value)
        raise UsageError(f"{option} {shown}: expected a comma list of {','.join(FILTER_STATUSES)}")
    return statuses


def _parse_day(value: str | None, option: str) -> dt.date | None:
    from beta_lint.cli import _parse_date

    return None if value is None else _parse_date(value, option)


@dataclass(frozen=True)
class Filters:
    betas: tuple[str, ...] = ()
    statuses: frozenset[str] | None = None
    retiring_before: dt.date | None = None

    @property
    def active(self) -> bool:
        return bool(self.betas) or self.statuses is not None or self.retiring_before is not None

    def keep(self, beta: BetaUses) -> bool:
        # `--beta computer-use` names a feature: every dated version of it matches.
        if self.betas and not any(beta.name == b or beta.name.startswith(b + "-") for b in self.betas):
            return False
        if self.statuses is not None and beta.status not in self.statuses:
            return False
        if self.retiring_before is not None:
            if beta.retires is None or dt.date.fromisoformat(beta.retires) >= self.retiring_before:
                return False
        return True


# ---------------------------------------------------------------- renderers


@dataclass(frozen=True)
class Report:
    betas: list[BetaUses]
    today: dt.date
    files_scanned: int

    @property
    def use_count(self) -> int:
        return sum(len(b.uses) for b in self.betas)

    def summary(self) -> str:
        named = [b for b in self.betas if b.name != DYNAMIC]
        dynamic = sum(len(b.uses) for b in self.betas if b.name == DYNAMIC)
        files = len({path for b in self.betas for path in b.files})
        text = (
            f"{_plural(len(named), 'beta')}, {_plural(self.use_count, 'use')} "
            f"in {files} of {_plural(self.files_scanned, 'file')} scanned"
        )
        if dynamic:
            text += f"; {_plural(dynamic, 'dynamic use')} could not be resolved statically"
        return text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _days(beta: BetaUses) -> str:
    return "" if beta.days_left is None else str(beta.days_left)


def render_table(report: Report, color: bool = False) -> str:
    def styled(text: str, status: str) -> str:
        return click.style(text, **_STATUS_STYLE.get(status, {})) if color else text

    if not report.betas:
        return f"No beta uses found ({_plural(report.files_scanned, 'file')} scanned).\n"
    headers = ("BETA", "STATUS", "SUCCESSOR", "RETIRES", "DAYS LEFT", "USES", "FILES")
    rows = [
        (b.name, b.status, b.successor or "", b.retires or "", _days(b), str(len(b.uses)), str(len(b.files)))
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
    where_width = max((len(use.where()) for use in all_uses), default=0)
    kind_width = max((len(use.kind) for use in all_uses), default=0)
    out = [line(headers)]
    for beta, row in zip(report.betas, rows, strict=True):
        out.append(line(row, beta.status))
        for use in beta.uses:
            where, kind = use.where().ljust(where_width), use.kind.ljust(kind_width)
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
        out.append(f"No beta uses found ({_plural(report.files_scanned, 'file')} scanned).")
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
                    }
                    for u in b.uses
                ],
            }
            for b in report.betas
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


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
                ]
            )
    return buffer.getvalue()


RENDERERS: dict[str, Callable[[Report], str]] = {
    "table": render_table,
    "markdown": render_markdown,
    "json": render_json,
    "csv": render_csv,
}


# ---------------------------------------------------------------- running


class _Progress:
    """click's bar on stderr, drawn only on a terminal, for big or slow runs; silent otherwise."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled
        self.done = 0
        self.started = time.monotonic()
        self._stack = contextlib.ExitStack()
        self._bar: Any = None
        self._maybe_start()

    def _maybe_start(self) -> None:
        if not self.enabled or self._bar is not None or self.done >= self.total:
            return
        if self.total > _PROGRESS_FILES or time.monotonic() - self.started > _PROGRESS_SECONDS:
            bar = click.progressbar(length=self.total, label="Auditing", file=sys.stderr)
            self._bar = self._stack.enter_context(bar)
            self._bar.update(self.done)

    def advance(self, count: int) -> None:
        self.done += count
        if self._bar is not None:
            self._bar.update(count)
        else:
            self._maybe_start()

    def close(self) -> None:
        self._stack.close()


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def lint_files(linter: Linter, files: Sequence[str], jobs: int | None, progress: bool) -> list[FileResult]:
    """The same extraction as `check`: Python files (and notebooks) through lint_paths, the rest
    through the text scanner. With a possible progress bar, in chunks, so that it can move."""
    from beta_lint.text.scan import lint_text_files

    python_files = [f for f in files if f.endswith(PYTHON_SUFFIXES)]
    text_files = [f for f in files if not f.endswith(PYTHON_SUFFIXES)]
    if not progress:
        return [*lint_paths(linter, python_files, jobs), *lint_text_files(linter, text_files)]
    bar = _Progress(len(files), enabled=True)
    size = max(32, math.ceil(len(files) / 25))
    results: list[FileResult] = []
    try:
        # One call over every Python file: the project-wide symbol table needs them all.
        results.extend(lint_paths(linter, python_files, jobs, on_done=bar.advance))
        for chunk in _chunks(text_files, size):
            results.extend(lint_text_files(linter, chunk))
            bar.advance(len(chunk))
    finally:
        bar.close()
    return results


def _lint_stdin(linter: Linter, filename: str, include_text: bool) -> FileResult:
    data = sys.stdin.buffer.read()
    if include_text and filename != "-" and not filename.endswith(PYTHON_SUFFIXES):
        from beta_lint.text.scan import scan_text

        extraction, _notes = scan_text(linter, filename, data.decode("utf-8", errors="replace"))
        return FileResult(filename, (), usages=extraction.usages)
    return lint_one(linter, filename, data)


def audit_command(paths: list[str], options: dict[str, Any]) -> int:
    """Run `beta-lint audit`: 0 done, 1 a use has a --fail-on status, 2 an error."""
    from beta_lint.cli import UsageError
    from beta_lint.pipeline.run import _settings, build_linter, build_registry, collect_files, emit_report

    # Every option is checked before any file is read: a typo fails fast, in one line.
    statuses = parse_statuses(options.get("status"), "--status")
    fail_on = parse_statuses(options.get("fail_on"), "--fail-on")
    retiring_before = _parse_day(options.get("retiring_before"), "--retiring-before")
    betas = tuple(b.strip() for b in options.get("betas") or () if b.strip())
    filters = Filters(betas, statuses, retiring_before)
    output_format = options.get("output_format") or "table"
    if output_format not in RENDERERS:
        raise UsageError(f"--format {output_format!r}: expected one of {', '.join(RENDERERS)}")

    settings = _settings(options)
    registry = build_registry(settings, options.get("registry_file"))
    # Only usages matter here: no rule runs (parse errors, BL999, still come back).
    linter = replace(build_linter(settings, options, registry), enabled=frozenset())
    include_text = options.get("include_text")
    if include_text is None:
        include_text = settings.include_text if settings.include_text is not None else True

    errors: list[str] = []
    if paths == ["-"]:
        results = [_lint_stdin(linter, options.get("stdin_filename") or "-", bool(include_text))]
        scanned = 1
    else:
        if "-" in paths:
            raise UsageError("'-' (standard input) cannot be mixed with other paths")
        files, errors = collect_files(paths, settings, options, bool(include_text))
        results = lint_files(linter, files, options.get("jobs"), progress=sys.stderr.isatty())
        scanned = len(files)
    for error in errors:
        click.echo(f"beta-lint: error: {error}", err=True)
    for result in results:
        for diagnostic in result.diagnostics:
            if diagnostic.code == "BL999":
                where = _use(diagnostic.location, "", None).where()
                click.echo(f"beta-lint: warning: {where}: {diagnostic.message} (not in the audit)", err=True)

    every = group(collect_uses(results), registry, linter.today)
    shown = [beta for beta in every if filters.keep(beta)]
    hidden_dynamic = [b for b in every if b.name == DYNAMIC and b not in shown]
    if filters.active and hidden_dynamic:
        count = len(hidden_dynamic[0].uses)
        click.echo(
            f"beta-lint: note: {_plural(count, 'dynamic use')} (values not known statically) not shown by the filters",
            err=True,
        )

    report = Report(shown, linter.today, scanned)
    output_file: Path | None = options.get("output_file")
    if output_format == "table":
        color = output_file is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        text = render_table(report, color=color)
    else:
        text = RENDERERS[output_format](report)
    emit_report(text, output_file)

    if errors:
        return EXIT_ERROR
    if fail_on is not None and any(beta.status in fail_on and beta.uses for beta in shown):
        return EXIT_FINDINGS
    return EXIT_CLEAN
