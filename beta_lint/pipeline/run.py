"""What `beta-lint check` does, in order: settings -> files -> lint -> fix -> report."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from beta_lint import __version__
from beta_lint.checks.rules import RULES
from beta_lint.config import Settings
from beta_lint.files.discover import PYTHON_SUFFIXES
from beta_lint.model import FileResult
from beta_lint.pipeline.linter import Linter
from beta_lint.pipeline.parallel import lint_one, lint_paths
from beta_lint.report import FORMATS, ReportContext, renderer

if TYPE_CHECKING:
    from beta_lint.files.cache import ResultCache

from beta_lint.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, UsageError
from beta_lint.pipeline.setup import build_linter, collect_files, emit_report, load_run_settings, project_knowledge


def run_check(paths: list[str], options: dict[str, Any]) -> int:
    settings = load_run_settings(options)
    registry, route_table = project_knowledge(settings, options.get("registry_file"), options.get("sdk"))
    linter = build_linter(settings, options, registry, route_table)
    if options.get("verbose") and registry.sdk is not None:
        click.echo(f"beta-lint: SDK: {registry.sdk.describe()}", err=True)
    include_text = (
        bool(options.get("include_text")) if options.get("include_text") is not None else bool(settings.include_text)
    )
    output_format = options.get("output_format")
    if output_format is None:
        output_format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if output_format not in FORMATS:
        raise UsageError(f"output format {output_format!r} is not available")
    errors: list[str] = []
    stdin_data: bytes | None = None
    if paths == ["-"]:
        stdin_data = sys.stdin.buffer.read()
        files = [options.get("stdin_filename") or "-"]
    else:
        if "-" in paths:
            raise UsageError("'-' (standard input) cannot be mixed with other paths")
        files, errors = collect_files(paths, settings, options, include_text)
    for error in errors:
        click.echo(f"beta-lint: error: {error}", err=True)

    text_files = [f for f in files if not f.endswith(PYTHON_SUFFIXES)]
    python_files = [f for f in files if f.endswith(PYTHON_SUFFIXES)]
    if stdin_data is not None:
        results = [lint_one(linter, files[0], stdin_data)]
    else:
        results = list(
            lint_paths(linter, python_files, options.get("jobs"), lambda: open_cache(settings, linter, options))
        )
    if text_files:
        from beta_lint.pipeline.text_files import lint_text_files

        results.extend(lint_text_files(linter, text_files))
        results.sort(key=lambda r: r.path)

    fixed_counts: dict[str, int] = {}
    fix_failed = False
    if options.get("fix") or options.get("diff"):
        from beta_lint.fix.apply import apply_fixes

        outcome = apply_fixes(
            linter,
            results,
            unsafe=bool(options.get("unsafe_fixes")),
            write=bool(options.get("fix")) and not options.get("diff"),
            stdin_data=stdin_data,
        )
        results = outcome.results
        fixed_counts = outcome.fixed
        fix_failed = bool(outcome.errors)
        for error in outcome.errors:
            click.echo(f"beta-lint: error: {error}", err=True)
        if options.get("diff"):
            click.echo(outcome.diff, nl=False)
            return EXIT_FINDINGS if outcome.diff else (EXIT_ERROR if fix_failed or errors else EXIT_CLEAN)
        if stdin_data is not None:
            sys.stdout.write(outcome.stdin_text or stdin_data.decode("utf-8", "replace"))
            return _exit(results, bool(errors) or fix_failed, options)
        if options.get("show_fixes") and outcome.applied:
            for line in outcome.applied:
                click.echo(line, err=True)

    if not options.get("unsafe_fixes"):
        results = [_hide_unsafe(result) for result in results]

    sources: dict[str, str] = {}
    if output_format == "text":
        for result in results:
            # Source lines are shown for findings in code; a BL999 file may not even be readable.
            if any(d.code != "BL999" for d in result.diagnostics) and result.path not in sources:
                sources[result.path] = _read_text(result.path, stdin_data)
    color = (
        output_format in ("text", "concise")
        and options.get("output_file") is None
        and sys.stdout.isatty()
        and "NO_COLOR" not in os.environ
    )
    ctx = ReportContext(
        tool_version=__version__,
        registry_updated=registry.updated,
        root=str(settings.root),
        color=color,
        sources=sources,
        show_fixes=bool(options.get("show_fixes")),
        fixed=fixed_counts,
        sdk=registry.sdk.to_json() if registry.sdk is not None else None,
    )
    report = renderer(output_format)(results, ctx)
    if options.get("quiet") and output_format in ("text", "concise"):
        report = "\n".join(report.rstrip("\n").split("\n")[:-1]) + ("\n" if len(report.split("\n")) > 2 else "")
    emit_report(report, options.get("output_file"))
    if options.get("statistics"):
        click.echo(statistics(results), nl=False)
    return _exit(results, bool(errors) or fix_failed, options)


def open_cache(settings: Settings, linter: Linter, options: dict[str, Any]) -> ResultCache | None:
    """The cache for this configuration, unless --no-cache."""
    from beta_lint.files.cache import CACHE_DIR_NAME, ResultCache, config_key

    if options.get("no_cache"):
        return None
    from beta_lint.knowledge.data import rules_dir

    data_files = [rules_dir() / name for name in ("sdk-routes.toml", "http-clients.toml")]
    key = config_key(
        linter.registry.fingerprint(),
        [(f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in data_files],
        sorted(linter.enabled),
        linter.per_file_ignores,
        linter.today.isoformat(),
        linter.max_file_size,
        linter.file_timeout,
    )
    return ResultCache(settings.cache_dir or settings.root / CACHE_DIR_NAME, key)


def _hide_unsafe(result: FileResult) -> FileResult:
    """Without --unsafe-fixes, text/JSON still describe unsafe fixes (ruff shows them as hints)."""
    return result


def _exit(results: Sequence[FileResult], had_errors: bool, options: dict[str, Any]) -> int:
    """2 when beta-lint could not do its job; 1 for an error-severity diagnostic, or for more
    warnings than --max-warnings allows (eslint's convention; unlimited by default); else 0."""
    if had_errors:
        return EXIT_ERROR
    if options.get("exit_zero"):
        return EXIT_CLEAN
    diagnostics = [d for result in results for d in result.diagnostics]
    if any(d.severity == "error" for d in diagnostics):
        return EXIT_FINDINGS
    max_warnings = options.get("max_warnings")
    if max_warnings is not None and max_warnings >= 0 and len(diagnostics) > max_warnings:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _read_text(path: str, stdin_data: bytes | None) -> str:
    from beta_lint.files.source import ReadError, decode_python, read_bytes

    try:
        data = stdin_data if stdin_data is not None else read_bytes(path)
        if path.endswith(PYTHON_SUFFIXES[:2]) or stdin_data is not None:
            return decode_python(data)[0]
        return data.decode("utf-8", "replace")
    except (OSError, ReadError):
        return ""


def statistics(results: Sequence[FileResult]) -> str:
    counts: dict[str, int] = {}
    fixable: dict[str, int] = {}
    for result in results:
        for diagnostic in result.diagnostics:
            counts[diagnostic.code] = counts.get(diagnostic.code, 0) + 1
            if diagnostic.fix is not None and diagnostic.fix.applicability == "safe":
                fixable[diagnostic.code] = fixable.get(diagnostic.code, 0) + 1
    lines = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        mark = "[*]" if fixable.get(code) else "   "
        lines.append(f"{count:>5}  {code}  {mark} {RULES[code].name}")
    return "\n".join(lines) + ("\n" if lines else "")


def run_audit(paths: list[str], options: dict[str, Any]) -> int:
    from beta_lint.pipeline.audit import audit_command

    return audit_command(paths, options)
