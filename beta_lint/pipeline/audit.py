"""`beta-lint audit`: the same files and extraction as `check`, then the inventory instead of the rules."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from beta_lint.audit.blame import in_git_work_tree
from beta_lint.audit.context import annotate, with_blame
from beta_lint.audit.inventory import (
    DYNAMIC,
    Filters,
    Report,
    collect_uses,
    group,
    parse_day,
    parse_owners,
    parse_statuses,
    plural,
    use_at,
)
from beta_lint.audit.merge import merge_audits
from beta_lint.audit.owners import load_codeowners
from beta_lint.audit.render import RENDERERS, render_table
from beta_lint.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, UsageError
from beta_lint.files.discover import PYTHON_SUFFIXES
from beta_lint.model import FileResult
from beta_lint.pipeline.hierarchy import ConfigTree
from beta_lint.pipeline.linter import Linter
from beta_lint.pipeline.parallel import lint_one, lint_paths
from beta_lint.pipeline.setup import collect_files, emit_report, load_run_settings, refuse_output_among_inputs

# A progress bar is worth drawing for this many files, or once a run has taken this long.
_PROGRESS_FILES = 200
_PROGRESS_SECONDS = 1.0


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
    from beta_lint.pipeline.text_files import lint_text_files

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


def repository_root(paths: list[str]) -> Path:
    """Where CODEOWNERS is looked for: the git work tree of the first path, else that folder."""
    first = Path(paths[0]) if paths and paths[0] != "-" else Path.cwd()
    folder = first if first.is_dir() else first.parent
    folder = folder.resolve()
    if in_git_work_tree(str(folder)):
        done = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--show-toplevel"], capture_output=True, check=False
        )
        if done.returncode == 0 and done.stdout.strip():
            return Path(os.fsdecode(done.stdout.strip()))
    return folder


def _render(report: Report, output_format: str, options: dict[str, Any]) -> None:
    output_file: Path | None = options.get("output_file")
    if output_format == "table":
        color = output_file is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        text = render_table(report, color=color)
    else:
        text = RENDERERS[output_format](report)
    emit_report(text, output_file)


def _exit_code(report: Report, errors: list[str], fail_on: frozenset[str] | None) -> int:
    if errors:
        return EXIT_ERROR
    if fail_on is not None and any(beta.status in fail_on and beta.uses for beta in report.betas):
        return EXIT_FINDINGS
    return EXIT_CLEAN


def merge_command(paths: list[str], options: dict[str, Any], filters: Filters, fail_on: frozenset[str] | None) -> int:
    """`audit --merge a.json b.json ...`: the JSON audits as one report, filters applied."""
    if paths == ["."] or not paths:
        raise UsageError("--merge needs the JSON audits to merge (beta-lint audit --merge a.json b.json ...)")
    today = parse_day(options.get("today"), "--today") or dt.date.today()
    merged, errors = merge_audits([Path(p) for p in paths], today)
    for error in errors:
        click.echo(f"beta-lint: error: {error}", err=True)
    betas = []
    for beta in merged.betas:
        kept = tuple(u for u in beta.uses if filters.keep_use(u))
        if kept and filters.keep(beta):
            betas.append(replace(beta, uses=kept))
    report = replace(merged, betas=betas)
    _render(report, options.get("output_format") or "table", options)
    return _exit_code(report, errors, fail_on)


def audit_command(paths: list[str], options: dict[str, Any]) -> int:
    """Run `beta-lint audit`: 0 done, 1 a use has a --fail-on status, 2 an error."""

    # Every option is checked before any file is read: a typo fails fast, in one line.
    statuses = parse_statuses(options.get("status"), "--status")
    fail_on = parse_statuses(options.get("fail_on"), "--fail-on")
    retiring_before = parse_day(options.get("retiring_before"), "--retiring-before")
    betas = tuple(b.strip() for b in options.get("betas") or () if b.strip())
    exclude_tests = bool(options.get("exclude_tests"))
    filters = Filters(betas, statuses, retiring_before, parse_owners(options.get("owners")), exclude_tests)
    output_format = options.get("output_format") or "table"
    if output_format not in RENDERERS:
        raise UsageError(f"--format {output_format!r}: expected one of {', '.join(RENDERERS)}")
    if options.get("merge"):
        return merge_command(paths, options, filters, fail_on)

    settings = load_run_settings(options)
    tree = ConfigTree(settings, options)
    (base,) = tree.groups(())  # the base configuration, registry and SDK are checked before any file is read
    registry = base.registry
    # Only usages matter here: no rule runs (parse errors, BL999, still come back).
    linter = replace(base.linter, enabled=frozenset())
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
        refuse_output_among_inputs(options.get("output_file"), [*paths, *files])
        # Each file with the settings of its nearest configuration (as `check`); statuses are
        # judged with the base registry plus what the other configurations add to theirs.
        results = []
        scanned = 0
        for found in tree.groups(files, named=paths):
            group_linter = replace(found.linter, enabled=frozenset())
            results.extend(lint_files(group_linter, found.files, options.get("jobs"), progress=sys.stderr.isatty()))
            scanned += len(found.files)
            if found.settings is not settings:
                registry = registry.extended(found.registry.betas.values(), found.registry.allowed)
        results.sort(key=lambda result: result.path)
    for error in errors:
        click.echo(f"beta-lint: error: {error}", err=True)
    for result in results:
        for diagnostic in result.diagnostics:
            if diagnostic.code == "BL999":
                where = use_at(diagnostic.location, "", None).where()
                click.echo(f"beta-lint: warning: {where}: {diagnostic.message} (not in the audit)", err=True)

    root = repository_root(paths)
    owners = load_codeowners(root)
    uses = annotate(collect_uses(results, bool(options.get("include_mentions"))), root, owners)
    uses = {name: [u for u in found if filters.keep_use(u)] for name, found in uses.items()}
    uses = {name: found for name, found in uses.items() if found}
    every = group(uses, registry, linter.today)
    shown = [beta for beta in every if filters.keep(beta)]
    hidden_dynamic = [b for b in every if b.name == DYNAMIC and b not in shown]
    if filters.active and hidden_dynamic:
        count = len(hidden_dynamic[0].uses)
        click.echo(
            f"beta-lint: note: {plural(count, 'dynamic use')} (values not known statically) not shown by the filters",
            err=True,
        )

    blame = not options.get("no_blame") and paths != ["-"]
    if blame:
        # After the filters: only the lines still shown are blamed.
        blamed = with_blame({beta.name: list(beta.uses) for beta in shown})
        shown = [replace(beta, uses=tuple(blamed[beta.name])) for beta in shown]
    repository = options.get("repository") or root.name
    report = Report(shown, linter.today, scanned, (repository,), owners.path, blame)
    _render(report, output_format, options)
    return _exit_code(report, errors, fail_on)
