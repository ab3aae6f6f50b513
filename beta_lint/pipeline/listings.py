"""The small commands: a rule's page, the rule list, the registry's entries, and `registry sync`.

Each returns the lines to print (the command line prints them and nothing else); errors in
what was asked are a `UsageError`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from beta_lint.errors import UsageError

if TYPE_CHECKING:
    from beta_lint.knowledge.registry import Registry


def _json(data: object) -> str:
    import json  # only the commands that print JSON pay for it

    return json.dumps(data, indent=2)


def rule_page(code: str) -> list[str]:
    from beta_lint.checks.catalog import page
    from beta_lint.checks.rules import RULES
    from beta_lint.checks.selection import canonical_selector

    found = canonical_selector(code)  # a code or a rule name
    if found is None or found not in RULES:
        raise UsageError(f"unknown rule {code!r} (see `beta-lint rules`)")
    return [page(found).text.rstrip()]


def rule_list(output_format: str) -> list[str]:
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
        return [_json(data)]
    return [
        f"{r.code}  {r.name:<32} {'on ' if r.default else 'off'}  {r.severity:<7}  fix: {r.fix or '-'}" for r in rules()
    ]


def _load_registry(config_file: Path | None, registry_file: Path | None, sdk: str | None = None) -> Registry:
    from beta_lint.config import load_settings
    from beta_lint.pipeline.setup import build_registry

    settings = load_settings(config_file)
    return build_registry(settings, registry_file, sdk)


def registry_list(
    output_format: str, config_file: Path | None, registry_file: Path | None, sdk: str | None = None
) -> list[str]:
    reg = _load_registry(config_file, registry_file, sdk)
    if output_format == "json":
        data = {"version": 1, "updated": reg.updated, "betas": [reg.betas[n].to_json() for n in reg.names()]}
        return [_json(data)]
    width = max((len(n) for n in reg.names()), default=10)
    lines = []
    for name in reg.names():
        beta = reg.betas[name]
        extra = f" -> {beta.successor}" if beta.successor else ""
        lines.append(f"{name:<{width}}  {beta.status:<10} {beta.confidence:<6}{extra}")
    return lines


def registry_show(
    name: str, output_format: str, config_file: Path | None, registry_file: Path | None, sdk: str | None = None
) -> list[str]:
    reg = _load_registry(config_file, registry_file, sdk)
    beta = reg.get(name)
    if beta is None:
        close = reg.versions_of(name) or reg.closest(name, 3)
        hint = f"; known: {', '.join(close)}" if close else ""
        consulted = f" nor in {reg.sdk.named()}" if reg.sdk is not None else ""
        raise UsageError(f"{name!r} is not in the registry{consulted}{hint}")
    data = beta.to_json()
    if output_format == "json":
        return [_json(data)]
    lines = []
    for key, value in data.items():
        if value in (None, [], False) and key not in ("changes_behaviour",):
            continue
        shown = ", ".join(value) if isinstance(value, list) else value
        lines.append(f"{key.replace('_', '-') + ':':<22} {shown}")
    return lines


def registry_sync(
    sdk: str | None, rules_dir: Path | None, check_only: bool, config_file: Path | None = None
) -> tuple[list[str], bool]:
    """The lines to print, and whether anything changed (or, with `check_only`, would change).

    The project's SDK is found as `check` finds it; what it says is written to the project's file
    (`[tool.beta-lint.registry] sdk-file`, default beta-lint-sdk.toml), never into beta-lint's
    installed data. `rules_dir` is for beta-lint's maintainers: it regenerates rules/sdk-routes.toml.
    """
    from beta_lint.config import load_settings
    from beta_lint.knowledge.project_sdk import SdkLookupError, locate_sdk
    from beta_lint.knowledge.sdk.records import ROUTES_FILE, SyncError
    from beta_lint.knowledge.sdk.writer import sync_file

    settings = load_settings(config_file)
    try:
        found = locate_sdk(settings.root, sdk, settings.sdk)
    except SdkLookupError as error:
        raise UsageError(str(error)) from None
    if found is None:
        raise UsageError("no anthropic package found (see README 'Which SDK'); pass its folder with --sdk")
    package, origin = found
    target = rules_dir / ROUTES_FILE if rules_dir is not None else settings.sdk_snapshot
    existed = target.is_file()
    try:
        changes = sync_file(target, package, write=not check_only)
    except SyncError as error:
        raise UsageError(str(error)) from None
    source = f"anthropic at {package} ({origin})"
    if not changes:
        return [f"{target} is up to date with {source}"], False
    if not existed:
        counted = {kind: sum(1 for line in changes if line.startswith(f"+ {kind}")) for kind in ("method", "beta name")}
        verb = "does not exist yet; it would be written from" if check_only else "written from"
        summary = f"new file: {counted['method']} methods, {counted['beta name']} beta names"
        return [f"{target} {verb} {source}", summary], True
    verb = "is out of date with" if check_only else "written from"
    return [f"{target} {verb} {source}:", *changes], True
