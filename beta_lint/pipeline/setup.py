"""Composing the stages for one run: settings, registry, the per-file linter, the files, the report's destination.

`check` and `audit` both start here; what differs between them is what they do with the results.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from beta_lint.checks.selection import Selection, canonical_selector
from beta_lint.config import Settings, load_settings
from beta_lint.errors import UsageError, parse_date
from beta_lint.files.discover import PYTHON_SUFFIXES, discover
from beta_lint.knowledge.registry import Registry, default_registry, load_registry_file
from beta_lint.knowledge.routes import RouteTable, route_table_of_sdk
from beta_lint.model import escape_surrogates
from beta_lint.pipeline.linter import Linter


def build_registry(settings: Settings, registry_file: Path | None = None, sdk_option: str | None = None) -> Registry:
    """The registry with the configuration's entries and every name the project's SDK knows."""
    return project_knowledge(settings, registry_file, sdk_option)[0]


def project_knowledge(
    settings: Settings, registry_file: Path | None = None, sdk_option: str | None = None
) -> tuple[Registry, RouteTable | None]:
    """The registry (the SDK in use recorded on it) and the route table of the project's SDK.

    The table is None when beta-lint's shipped table is used (no SDK found, or only a pinned version).
    """
    registry = default_registry()
    for extra_file in (settings.registry_file, registry_file):
        if extra_file is not None:
            extra = load_registry_file(extra_file, origin="config")
            registry = registry.extended(extra.betas.values(), extra.allowed)
    registry, routes = _with_sdk(registry, settings, sdk_option)
    from dataclasses import replace

    from beta_lint.knowledge.routes import default_route_table

    project_table = route_table_of_sdk(routes) if routes is not None else None
    table = project_table or default_route_table()
    if registry.sdk is not None:
        sdk = replace(registry.sdk, missing=table.missing_by_platform(), sent_on=table.sent_on())
        registry = replace(registry, sdk=sdk)
    return registry.extended(settings.registry_extra, settings.registry_allow), project_table


def _with_sdk(registry: Registry, settings: Settings, sdk_option: str | None) -> tuple[Registry, dict[str, Any] | None]:
    """Which SDK the project uses, in README's order ("Which SDK"), merged into the registry."""
    from beta_lint.knowledge.project_sdk import SdkLookupError

    try:
        return _merge_sdk(registry, settings, sdk_option)
    except SdkLookupError as error:
        raise UsageError(str(error)) from None


def _merge_sdk(
    registry: Registry, settings: Settings, sdk_option: str | None
) -> tuple[Registry, dict[str, Any] | None]:
    from beta_lint.knowledge.data import loads_toml
    from beta_lint.knowledge.project_sdk import (
        locate_sdk,
        merged,
        read_sdk,
        read_version,
        sdk_betas,
    )
    from beta_lint.knowledge.registry import SdkInUse
    from beta_lint.knowledge.routes import default_route_table
    from beta_lint.knowledge.versions import pinned_version

    found = locate_sdk(settings.root, sdk_option, settings.sdk)
    own_environment = found is not None and found[1] == "beta-lint's environment"
    snapshot = settings.sdk_snapshot
    if (found is None or own_environment) and snapshot.is_file():
        # What `registry sync` wrote for this project speaks for it better than beta-lint's own environment.
        try:
            routes = loads_toml(snapshot.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise UsageError(f"{snapshot}: cannot read (written by `registry sync`?): {error}") from None
        version = str(routes.get("sdk-version", ""))
        info = SdkInUse(version, None, f"{snapshot.name}, written by `registry sync`")
        return merged(registry, sdk_betas(routes, version), info), routes
    pinned = pinned_version(settings.root)
    if found is not None:
        package, origin = found
        # beta-lint's own environment stands for the project only when it has the version the project pins.
        if not (own_environment and pinned is not None and read_version(package) != pinned[0]):
            project = read_sdk(package, origin)
            return merged(registry, sdk_betas(project.routes, project.info.version), project.info), project.routes
    shipped = default_route_table().sdk_version
    if pinned is not None:
        version, where = pinned
        return merged(registry, [], SdkInUse(version, None, f"pinned in {where}; shipped table of {shipped}")), None
    off = "none" in (sdk_option, settings.sdk)
    searched = "SDK search turned off by sdk = none" if off else "no anthropic package found"
    return merged(registry, [], SdkInUse(shipped, None, f"{searched}; shipped table")), None


def selector_codes(values: Sequence[str], option: str) -> tuple[str, ...]:
    codes: list[str] = []
    for written in (code.strip() for value in values for code in value.split(",")):
        if not written:
            continue
        code = canonical_selector(written)
        if code is None:
            raise UsageError(f"unknown rule selector {written!r} in {option} (see `beta-lint rules`)")
        codes.append(code)
    return tuple(codes)


def build_linter(
    settings: Settings, options: dict[str, Any], registry: Registry, route_table: RouteTable | None = None
) -> Linter:
    select = selector_codes(options.get("select") or (), "--select") or settings.select
    extend = settings.extend_select + selector_codes(options.get("extend_select") or (), "--extend-select")
    ignore = settings.ignore + selector_codes(options.get("ignore") or (), "--ignore")
    selection = Selection.build(select, extend, ignore)
    try:
        today = parse_date(options.get("today"), "--today")
    except UsageError:
        raise
    return Linter(
        registry=registry,
        enabled=selection.enabled,
        today=today,
        per_file_ignores=settings.per_file_ignores,
        ignores_root=str(settings.root),
        max_file_size=settings.max_file_size,
        file_timeout=settings.file_timeout,
        route_table=route_table,
    )


def load_run_settings(options: dict[str, Any]) -> Settings:
    """The base settings: --config's file, none with --isolated, else the nearest to the working folder."""
    from dataclasses import replace

    if options.get("isolated"):
        if options.get("config_file"):
            raise UsageError("--isolated ignores every configuration file: it cannot be used with --config")
        settings = Settings(root=Path.cwd().resolve())
    else:
        settings = load_settings(options.get("config_file"))

    if options.get("no_respect_gitignore"):
        settings = replace(settings, respect_gitignore=False)
    return settings


def file_suffixes(settings: Settings, include_text: bool) -> tuple[str, ...]:
    return PYTHON_SUFFIXES + (settings.text_suffixes if include_text else ())


def collect_files(
    paths: Sequence[str], settings: Settings, options: dict[str, Any], include_text: bool
) -> tuple[list[str], list[str]]:
    found = discover(
        paths,
        root=settings.root,
        exclude=settings.exclude + settings.extend_exclude,
        respect_gitignore=settings.respect_gitignore,
        force_exclude=bool(options.get("force_exclude")),
        suffixes=file_suffixes(settings, include_text),
    )
    return found.files, found.errors


def emit_report(report: str, output_file: Path | None) -> None:
    """Print the report, or write it to --output-file: valid UTF-8 either way, and an I/O error
    is one line (exit 2).

    A str may hold lone surrogates (a file name that is not UTF-8 arrives with surrogate escapes,
    "\\ud800" in linted code evaluates to one): each is written as its \\uXXXX escape, as the
    JSON report writes it, so no report carries bytes a UTF-8 reader rejects.
    """
    report = escape_surrogates(report)
    if output_file is None:
        if sys.stdout is None:
            raise UsageError("cannot write the report to standard output: it is closed")
        try:
            click.echo(report, nl=False)
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            raise UsageError(f"cannot write the report to standard output: {reason}") from None
        return
    try:
        output_file.parent.mkdir(parents=True, exist_ok=True)
        with output_file.open("w", encoding="utf-8") as handle:
            handle.write(report)
    except OSError as error:
        raise UsageError(f"cannot write the report to {output_file}: {error.strerror or error}") from None


def write_stdout_bytes(data: bytes) -> None:
    """Bytes to standard output as they are (a fixed standard input keeps its encoding and BOM)."""
    if sys.stdout is None:
        raise UsageError("cannot write to standard output: it is closed")
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise UsageError(f"cannot write to standard output: {reason}") from None


def refuse_output_among_inputs(output_file: Path | None, inputs: Sequence[str]) -> None:
    """--output-file must never name a file being linted: the report would overwrite the source."""
    if output_file is None or not output_file.exists():
        return  # a file that does not exist yet cannot be an input
    for name in inputs:
        try:
            same = os.path.samefile(name, output_file)
        except (OSError, ValueError):
            continue
        if same:
            raise UsageError(f"--output-file {output_file} is one of the files being checked; refusing to overwrite it")
