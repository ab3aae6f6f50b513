"""The `beta-lint` command line (click). Exit status: 0 clean, 1 findings, 2 error."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from beta_lint import __version__
from beta_lint.errors import EXIT_ERROR, EXIT_FINDINGS, UsageError

F = TypeVar("F", bound=Callable[..., Any])

ISSUES_URL = "the beta-lint issue tracker"


def _fail(message: str) -> None:
    click.echo(f"beta-lint: error: {message}", err=True)


def _split_codes(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


def _tolerate_undecodable_names() -> None:
    """A file name that is not valid UTF-8 reaches us with surrogate escapes: print its bytes."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="surrogateescape")
            except (ValueError, OSError):
                pass


def _json(data: object) -> str:
    import json  # only the commands that print JSON pay for it

    return json.dumps(data, indent=2)


def guarded(function: F) -> F:
    """Turn expected errors into one line and exit 2; unexpected ones into a short bug report."""
    import functools

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from beta_lint.config import ConfigError
        from beta_lint.knowledge.data import DataError
        from beta_lint.knowledge.registry import RegistryError

        try:
            return function(*args, **kwargs)
        except (UsageError, ConfigError, RegistryError, DataError) as error:
            _fail(str(error))
            sys.exit(EXIT_ERROR)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            sys.exit(EXIT_ERROR)
        except Exception as error:  # a bug in beta-lint: never a raw traceback to the user
            frame = traceback.extract_tb(error.__traceback__)[-1]
            checking = getattr(error, "beta_lint_path", None)
            where = f" while checking {checking}" if checking else ""
            click.echo(
                f"beta-lint: internal error{where}: {type(error).__name__}: {error} "
                f"(at {Path(frame.filename).name}:{frame.lineno}). "
                f"This is a bug: please report it to {ISSUES_URL} with the command and the file.",
                err=True,
            )
            sys.exit(EXIT_ERROR)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="beta-lint")
def main() -> None:
    """Find and check every Anthropic API beta name in Python code."""


def _selection_options(function: F) -> F:
    for decorator in reversed(
        [
            click.option("--select", multiple=True, help="Rule codes or prefixes to enable (replaces the default)."),
            click.option("--extend-select", multiple=True, help="Rule codes or prefixes to enable as well."),
            click.option("--ignore", multiple=True, help="Rule codes or prefixes to disable."),
        ]
    ):
        function = decorator(function)
    return function


def _common_options(function: F) -> F:
    for decorator in reversed(
        [
            click.option(
                "--config",
                "config_file",
                type=click.Path(dir_okay=False, path_type=Path),
                help="Configuration file (default: nearest pyproject.toml or beta-lint.toml).",
            ),
            click.option(
                "--registry",
                "registry_file",
                type=click.Path(dir_okay=False, path_type=Path),
                help="A registry TOML file extending the built-in one.",
            ),
            click.option("--today", help="Judge retirement dates against this day (YYYY-MM-DD)."),
            click.option(
                "--force-exclude", is_flag=True, help="Apply exclusions even to files named on the command line."
            ),
            click.option("--no-respect-gitignore", is_flag=True, help="Lint files ignored by .gitignore too."),
            click.option(
                "--include-text/--no-include-text",
                default=None,
                help="Also scan text files (Markdown, shell, YAML, JS/TS ...) for anthropic-beta headers.",
            ),
            click.option(
                "--jobs",
                "-j",
                type=click.IntRange(min=1),
                default=None,
                help="Worker processes (default: number of cores).",
            ),
            click.option("--no-cache", is_flag=True, help="Do not read or write the cache."),
            click.option("--stdin-filename", help="The name of the file read from standard input ('-')."),
        ]
    ):
        function = decorator(function)
    return function


@main.command()
@click.argument("paths", nargs=-1)
@_selection_options
@_common_options
@click.option(
    "--output-format",
    type=click.Choice(["text", "concise", "json", "sarif", "github", "junit", "gitlab"]),
    default=None,
    help="Report format (default: text; github under GitHub Actions).",
)
@click.option("--output-file", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found.")
@click.option("--fix", is_flag=True, help="Apply safe fixes in place.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply (or show) fixes that may change behaviour.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--show-fixes", is_flag=True, help="List the fixes applied.")
@click.option("--statistics", is_flag=True, help="Print the number of problems per rule.")
@click.option("--quiet", "-q", is_flag=True, help="Print diagnostics only, no summary.")
@guarded
def check(paths: tuple[str, ...], **options: Any) -> None:
    """Check beta names in PATHS (files or folders; '-' for standard input; default '.')."""
    _tolerate_undecodable_names()
    from beta_lint.pipeline.run import run_check

    sys.exit(run_check(list(paths) or ["."], options))


@main.command()
@click.argument("paths", nargs=-1)
@_common_options
@click.option(
    "--beta", "betas", multiple=True, help="Only this beta (a prefix such as 'computer-use' matches all versions)."
)
@click.option("--status", help="Only these statuses (comma-separated: active,ga,superseded,retired,unknown).")
@click.option("--retiring-before", help="Only betas retiring (or retired) before this date (YYYY-MM-DD).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "markdown", "json", "csv"]),
    default=None,
    help="Output format (default: table).",
)
@click.option("--fail-on", help="Exit 1 when a use has one of these statuses (e.g. retired,superseded).")
@click.option("--output-file", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@guarded
def audit(paths: tuple[str, ...], **options: Any) -> None:
    """Inventory every beta usage in PATHS, grouped by beta."""
    _tolerate_undecodable_names()
    from beta_lint.pipeline.run import run_audit

    sys.exit(run_audit(list(paths) or ["."], options))


@main.command("rule")
@click.argument("code")
@guarded
def rule_command(code: str) -> None:
    """Print the documentation page of rule CODE."""
    from beta_lint.checks.catalog import page
    from beta_lint.checks.rules import RULES

    code = code.upper()
    if code not in RULES:
        raise UsageError(f"unknown rule {code!r} (see `beta-lint rules`)")
    click.echo(page(code).text.rstrip())


@main.command("rules")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table")
@guarded
def rules_command(output_format: str) -> None:
    """List every rule: code, name, default on/off, fix."""
    from beta_lint.checks.catalog import page, rules

    if output_format == "json":
        data = [
            {
                "code": r.code,
                "name": r.name,
                "default": r.default,
                "severity": r.severity,
                "fix": r.fix,
                "summary": page(r.code).summary,
            }
            for r in rules()
        ]
        click.echo(_json(data))
        return
    for r in rules():
        click.echo(f"{r.code}  {r.name:<32} {'on ' if r.default else 'off'}  {r.severity:<7}  fix: {r.fix or '-'}")


@main.group()
def registry() -> None:
    """Show or update the registry of known betas."""


def _load_registry(config_file: Path | None, registry_file: Path | None) -> Any:
    from beta_lint.config import load_settings
    from beta_lint.pipeline.setup import build_registry

    settings = load_settings(config_file)
    return build_registry(settings, registry_file)


@registry.command("list")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--registry", "registry_file", type=click.Path(dir_okay=False, path_type=Path))
@guarded
def registry_list(output_format: str, config_file: Path | None, registry_file: Path | None) -> None:
    """List every known beta."""
    reg = _load_registry(config_file, registry_file)
    if output_format == "json":
        data = {"version": 1, "updated": reg.updated, "betas": [reg.betas[n].to_json() for n in reg.names()]}
        click.echo(_json(data))
        return
    width = max((len(n) for n in reg.names()), default=10)
    for name in reg.names():
        beta = reg.betas[name]
        extra = f" -> {beta.successor}" if beta.successor else ""
        click.echo(f"{name:<{width}}  {beta.status:<10} {beta.confidence:<6}{extra}")


@registry.command("show")
@click.argument("name")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--registry", "registry_file", type=click.Path(dir_okay=False, path_type=Path))
@guarded
def registry_show(name: str, output_format: str, config_file: Path | None, registry_file: Path | None) -> None:
    """Show everything the registry knows about beta NAME."""
    reg = _load_registry(config_file, registry_file)
    beta = reg.get(name)
    if beta is None:
        close = reg.versions_of(name) or reg.closest(name, 3)
        hint = f"; known: {', '.join(close)}" if close else ""
        raise UsageError(f"{name!r} is not in the registry{hint}")
    data = beta.to_json()
    if output_format == "json":
        click.echo(_json(data))
        return
    for key, value in data.items():
        if value in (None, [], False) and key not in ("changes_behaviour",):
            continue
        shown = ", ".join(value) if isinstance(value, list) else value
        click.echo(f"{key.replace('_', '-') + ':':<22} {shown}")


@registry.command("sync")
@click.option(
    "--sdk",
    "sdk_path",
    type=click.Path(file_okay=False, path_type=Path),
    help="The installed anthropic package folder (default: found without importing it).",
)
@click.option(
    "--rules-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write sdk-routes.toml (default: the rules/ folder beta-lint uses).",
)
@click.option(
    "--check", "check_only", is_flag=True, help="Report what would change; write nothing (exit 1 if anything)."
)
@guarded
def registry_sync(sdk_path: Path | None, rules_dir: Path | None, check_only: bool) -> None:
    """Regenerate the SDK route table from an installed anthropic package (read statically)."""
    from beta_lint.knowledge.data import rules_dir as default_rules_dir
    from beta_lint.knowledge.sdk.records import SyncError
    from beta_lint.knowledge.sdk.scan import find_sdk
    from beta_lint.knowledge.sdk.writer import sync

    try:
        package = find_sdk(sdk_path)
        changes = sync(rules_dir or default_rules_dir(), package, write=not check_only)
    except SyncError as error:
        raise UsageError(str(error)) from None
    for line in changes:
        click.echo(line)
    if not changes:
        click.echo("sdk-routes.toml is up to date")
    if check_only and changes:
        sys.exit(EXIT_FINDINGS)


def entry() -> None:  # pragma: no cover - console script shim
    main(prog_name="beta-lint")


if __name__ == "__main__":  # pragma: no cover
    main(prog_name=os.path.basename(sys.argv[0]))
