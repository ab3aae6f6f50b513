"""What `beta-lint check` does, in order: settings -> files -> lint -> fix -> report."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
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
from beta_lint.pipeline.hierarchy import ConfigTree, Group, LinterByPath
from beta_lint.pipeline.setup import (
    collect_files,
    emit_report,
    load_run_settings,
    refuse_output_among_inputs,
    write_stdout_bytes,
)


def run_check(paths: list[str], options: dict[str, Any]) -> int:
    settings = load_run_settings(options)
    tree = ConfigTree(settings, options)
    # The base configuration's registry, SDK and rule options are checked before any file is read.
    (base,) = tree.groups(())
    if options.get("verbose") and base.registry.sdk is not None:
        click.echo(f"beta-lint: SDK: {base.registry.sdk.describe()}", err=True)
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
    if paths != ["-"]:
        cache_folder(settings, options)  # refused before anything runs, not when a candidate shows up
    if paths == ["-"]:
        stdin_data = sys.stdin.buffer.read()
        files = [options.get("stdin_filename") or "-"]
    else:
        if "-" in paths:
            raise UsageError("'-' (standard input) cannot be mixed with other paths")
        files, errors = collect_files(paths, settings, options, include_text)
        refuse_output_among_inputs(options.get("output_file"), [*paths, *files])
    for error in errors:
        click.echo(f"beta-lint: error: {error}", err=True)
    if errors and not files:
        return EXIT_ERROR  # nothing was checked: "All checks passed (0 files)" would be a lie

    # Each file with the settings of the nearest configuration file above it.
    groups = tree.groups(files, named=files if stdin_data is not None else paths)
    registry, linter = groups[0].registry, groups[0].linter
    results: list[FileResult] = []
    for group in groups:
        results.extend(_lint_group(group, stdin_data, options))
    results.sort(key=lambda r: r.path)
    relinter = LinterByPath(tuple(groups)) if len(groups) > 1 else linter

    fixed_counts: dict[str, int] = {}
    fix_failed = False
    if options.get("fix") or options.get("diff"):
        import functools

        from beta_lint.fix.apply import apply_fixes
        from beta_lint.fix.write import WritePolicy, write_atomic
        from beta_lint.pipeline.fixing import fix_results

        # --fix-hard-links changes the write policy; otherwise apply_fixes's default writer.
        writer = {"writer": functools.partial(write_atomic, policy=WritePolicy(hard_links=True))}
        how: dict[str, Any] = {
            "unsafe": bool(options.get("unsafe_fixes")),
            "write": bool(options.get("fix")) and not options.get("diff"),
            **(writer if options.get("fix_hard_links") else {}),
        }
        if stdin_data is not None:  # one file, and nothing is written: fixed here
            outcome = apply_fixes(relinter, results, stdin_data=stdin_data, **how)
        else:  # in the workers, as linting is
            outcome = fix_results(relinter, results, jobs=options.get("jobs") or os.cpu_count() or 1, **how)
        results = outcome.results
        fixed_counts = outcome.fixed
        fix_failed = bool(outcome.errors)
        for error in outcome.errors:
            click.echo(f"beta-lint: error: {error}", err=True)
        if options.get("diff"):
            click.echo(outcome.diff, nl=False)
            return EXIT_FINDINGS if outcome.diff else (EXIT_ERROR if fix_failed or errors else EXIT_CLEAN)
        if stdin_data is not None:
            # The fixed input in its own encoding and BOM, or the input's very bytes.
            write_stdout_bytes(outcome.stdin_bytes if outcome.stdin_bytes is not None else stdin_data)
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
                sources[result.path] = _read_text(result.path, stdin_data, linter.max_file_size)
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
    if options.get("statistics"):
        # The table instead of the diagnostics, as ruff's --statistics.
        report = statistics(results)
    else:
        report = renderer(output_format)(results, ctx)
    if options.get("quiet") and output_format in ("text", "concise") and not options.get("statistics"):
        report = "\n".join(report.rstrip("\n").split("\n")[:-1]) + ("\n" if len(report.split("\n")) > 2 else "")
    emit_report(report, options.get("output_file"))
    return _exit(results, bool(errors) or fix_failed, options)


def _lint_group(group: Group, stdin_data: bytes | None, options: dict[str, Any]) -> list[FileResult]:
    linter = group.linter
    if stdin_data is not None:
        # Standard input is one file, whatever its name (no name at all: "-", as in ruff).
        return [lint_one(linter, path, stdin_data) for path in group.files]
    text_files = [f for f in group.files if not f.endswith(PYTHON_SUFFIXES)]
    python_files = [f for f in group.files if f.endswith(PYTHON_SUFFIXES)]
    results = list(
        lint_paths(linter, python_files, options.get("jobs"), lambda: open_cache(group.settings, linter, options))
    )
    if text_files:
        from beta_lint.pipeline.text_files import lint_text_files

        results.extend(lint_text_files(linter, text_files))
    return results


def open_cache(settings: Settings, linter: Linter, options: dict[str, Any]) -> ResultCache | None:
    """The cache for this configuration, unless --no-cache."""
    from beta_lint.files.cache import ResultCache, config_key

    folder = cache_folder(settings, options)
    if folder is None:
        return None
    from beta_lint.knowledge.data import rules_dir

    data_files = [rules_dir() / name for name in ("sdk-routes.toml", "http-clients.toml")]
    key = config_key(
        linter.registry.fingerprint(),
        [(f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in data_files],
        sorted(linter.enabled),
        linter.per_file_ignores,
        linter.ignores_root,
        linter.today.isoformat(),
        linter.max_file_size,
        linter.file_timeout,
    )
    return ResultCache(folder, key)


def cache_folder(settings: Settings, options: dict[str, Any]) -> Path | None:
    """The cache folder for this run (None with --no-cache), refused when it is unsafe to write."""
    from beta_lint.files.cache import CACHE_DIR_NAME, CacheFolderError, check_cache_folder

    if options.get("no_cache"):
        return None
    folder = settings.cache_dir or settings.root / CACHE_DIR_NAME
    try:
        check_cache_folder(folder, settings.root)
    except CacheFolderError as error:
        raise UsageError(f"cache-dir: {error}") from None
    return folder


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


def _read_text(path: str, stdin_data: bytes | None, max_size: int | None) -> str:
    from beta_lint.files.source import ReadError, decode_python, read_bytes

    try:
        data = stdin_data if stdin_data is not None else read_bytes(path, max_size)
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
