"""The `beta-lint` command line (click). Exit status: 0 clean or warnings only, 1 errors (or warnings over
--max-warnings), 2 beta-lint could not run."""

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


def _tolerate_undecodable_names() -> None:
    """A file name that is not valid UTF-8 reaches us with surrogate escapes: print its bytes."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="surrogateescape")
            except (ValueError, OSError):
                pass


def _echo(lines: Sequence[str]) -> None:
    for line in lines:
        click.echo(line)


def guarded(function: F) -> F:
    """Turn expected errors into one line and exit 2; unexpected ones into a short bug report."""
    import functools

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from beta_lint.config import ConfigError
        from beta_lint.knowledge.data import DataError
        from beta_lint.knowledge.registry import RegistryError

        if sys.stdout is None and kwargs.get("output_file") is None:
            _fail("cannot write to standard output: it is closed")  # started with descriptor 1 closed
            sys.exit(EXIT_ERROR)
        try:
            return function(*args, **kwargs)
        except (UsageError, ConfigError, RegistryError, DataError) as error:
            _fail(str(error))
            sys.exit(EXIT_ERROR)
        except KeyboardInterrupt:
            click.echo("beta-lint: interrupted", err=True)
            sys.exit(130)  # as other tools do on Ctrl-C (128 + SIGINT)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
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
                help="Use this configuration file for every file (default: each file's nearest "
                "beta-lint.toml, .beta-lint.toml or pyproject.toml with [tool.beta-lint]).",
            ),
            click.option("--isolated", is_flag=True, help="Ignore every configuration file."),
            click.option(
                "--registry",
                "registry_file",
                type=click.Path(dir_okay=False, path_type=Path),
                help="A registry TOML file extending the built-in one.",
            ),
            click.option("--today", help="Judge retirement dates against this day (YYYY-MM-DD)."),
            click.option(
                "--sdk",
                help="The project's anthropic package: its folder, a virtual environment, or 'none' "
                "(default: searched for, see README 'Which SDK').",
            ),
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
@click.option(
    "--max-warnings",
    type=int,
    default=None,
    help="Exit 1 when there are more warnings than this (0: any warning fails; default: warnings never fail).",
)
@click.option("--fix", is_flag=True, help="Apply safe fixes in place.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply (or show) fixes that may change behaviour.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option(
    "--fix-hard-links",
    is_flag=True,
    help="Also fix files with several hard links (this name gets a new file; the other links keep the old one).",
)
@click.option("--show-fixes", is_flag=True, help="List the fixes applied.")
@click.option("--statistics", is_flag=True, help="Print the number of problems per rule.")
@click.option("--quiet", "-q", is_flag=True, help="Print diagnostics only, no summary.")
@click.option(
    "--show-settings",
    is_flag=True,
    help="Print the settings that apply to the file named (configuration file, rules, registry); check nothing.",
)
@click.option("--verbose", "-v", is_flag=True, help="Also say which SDK and registry the run used (on stderr).")
@guarded
def check(paths: tuple[str, ...], **options: Any) -> None:
    """Check beta names in PATHS (files or folders; '-' for standard input; default '.')."""
    _tolerate_undecodable_names()
    if options.get("show_settings"):
        from beta_lint.pipeline.show_settings import show_settings

        _echo(show_settings(list(paths), options))
        return
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
    type=click.Choice(["table", "markdown", "json", "csv", "html"]),
    default=None,
    help="Output format (default: table; html: one self-contained page).",
)
@click.option("--fail-on", help="Exit 1 when a use has one of these statuses (e.g. retired,superseded).")
@click.option(
    "--include-mentions",
    is_flag=True,
    help="Also list names that are only compared, asserted, typed or logged (role 'mentioned').",
)
@click.option("--exclude-tests", is_flag=True, help="Leave out uses in test code (tests/, test_*.py, conftest.py).")
@click.option(
    "--owner", "owners", multiple=True, help="Only uses owned by this CODEOWNERS owner ('none': files no rule owns)."
)
@click.option("--no-blame", is_flag=True, help="Do not look up each line's last change with git blame.")
@click.option("--repository", help="The repository's name in the report (default: the folder of its root).")
@click.option("--merge", is_flag=True, help="PATHS are JSON audits (--format json) to merge into one report.")
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
    from beta_lint.pipeline.listings import rule_page

    _echo(rule_page(code))


@main.command("rules")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table")
@guarded
def rules_command(output_format: str) -> None:
    """List every rule: code, name, default on/off, fix."""
    from beta_lint.pipeline.listings import rule_list

    _echo(rule_list(output_format))


@main.group()
def registry() -> None:
    """Show or update the registry of known betas."""


@registry.command("list")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--registry", "registry_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--sdk", help="The project's anthropic package, a virtual environment, or 'none'.")
@guarded
def registry_list(output_format: str, config_file: Path | None, registry_file: Path | None, sdk: str | None) -> None:
    """List every known beta (the registry's and the project's SDK's)."""
    from beta_lint.pipeline.listings import registry_list as listing

    _echo(listing(output_format, config_file, registry_file, sdk))


@registry.command("show")
@click.argument("name")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--registry", "registry_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--sdk", help="The project's anthropic package, a virtual environment, or 'none'.")
@guarded
def registry_show(
    name: str, output_format: str, config_file: Path | None, registry_file: Path | None, sdk: str | None
) -> None:
    """Show everything the registry (and the project's SDK) knows about beta NAME."""
    from beta_lint.pipeline.listings import registry_show as entry_lines

    _echo(entry_lines(name, output_format, config_file, registry_file, sdk))


@registry.command("sync")
@click.option(
    "--sdk",
    help="The project's anthropic package: its folder or a virtual environment (default: found as `check` finds it).",
)
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--rules-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="For beta-lint's maintainers: write DIR/sdk-routes.toml instead of the project's file.",
)
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 if the project's file is out of date.")
@guarded
def registry_sync(sdk: str | None, config_file: Path | None, rules_dir: Path | None, check_only: bool) -> None:
    """Write what the project's anthropic package says (read statically) to the project's SDK file.

    The file is `[tool.beta-lint.registry] sdk-file`, default beta-lint-sdk.toml in the project root;
    `check` and `registry show` use it when no SDK is installed for the project.
    """
    from beta_lint.pipeline.listings import registry_sync as run_sync

    lines, changed = run_sync(sdk, rules_dir, check_only, config_file)
    _echo(lines)
    if check_only and changed:
        sys.exit(EXIT_FINDINGS)


def entry() -> None:  # pragma: no cover - console script shim
    main(prog_name="beta-lint")


if __name__ == "__main__":  # pragma: no cover
    main(prog_name=os.path.basename(sys.argv[0]))
