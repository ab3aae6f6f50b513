"""`beta-lint check --show-settings FILE`: the settings that apply to one file, and where they come from.

Each line is `label: value`; the sections are lists of such pairs, so a new fact (the SDK
used, say) is one more pair.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from beta_lint.errors import UsageError
from beta_lint.pipeline.hierarchy import ConfigTree
from beta_lint.pipeline.setup import load_run_settings


def _listed(values: Sequence[str]) -> str:
    return "[" + ", ".join(f'"{value}"' for value in values) + "]"


def show_settings(paths: list[str], options: dict[str, Any]) -> list[str]:
    if len(paths) > 1:
        raise UsageError("--show-settings takes one file (the settings can differ from file to file)")
    given = paths[0] if paths else "."
    if given == "-":
        given = options.get("stdin_filename") or "-"
    # For a folder: the settings of a file directly inside it.
    target = os.path.join(given, "-") if os.path.isdir(given) else given
    tree = ConfigTree(load_run_settings(options), options)
    settings = tree.settings_for(target)
    groups = tree.groups((target,), named=(target,))
    group = next((g for g in groups if g.settings is settings), groups[0])
    linter, registry = group.linter, group.registry
    if options.get("isolated"):
        source = "none (--isolated): the defaults"
    elif settings.config_file is None:
        source = "none found: the defaults"
    else:
        how = " (--config)" if options.get("config_file") else " (the nearest above the file)"
        source = f"{settings.config_file}{how}"
    registry_files = [str(path) for path in (settings.registry_file, options.get("registry_file")) if path]
    registry_line = f"built-in (updated {registry.updated})" + "".join(f" + {path}" for path in registry_files)
    if settings.registry_extra:
        registry_line += f" + {len(settings.registry_extra)} [[registry.beta]] in the configuration"
    include_text = options.get("include_text")
    facts: list[tuple[str, str]] = [
        ("File", given),
        ("Configuration file", source),
        ("Project root", str(settings.root)),
        ("Rules enabled", ", ".join(sorted(linter.enabled)) or "none"),
        ("Rules ignored for this file", ", ".join(linter.ignored_codes(target)) or "none"),
        ("select", _listed(settings.select)),
        ("extend-select", _listed(settings.extend_select)),
        ("ignore", _listed(settings.ignore)),
        ("exclude", _listed(settings.exclude)),
        ("extend-exclude", _listed(settings.extend_exclude)),
        (
            "per-file-ignores",
            "{" + ", ".join(f'"{p}" = {_listed(c)}' for p, c in settings.per_file_ignores) + "}",
        ),
        ("respect-gitignore", str(settings.respect_gitignore).lower()),
        ("include-text", str(bool(settings.include_text if include_text is None else include_text)).lower()),
        ("max-file-size", str(settings.max_file_size)),
        ("file-timeout", f"{settings.file_timeout:g}"),
        ("cache-dir", str(settings.cache_dir) if settings.cache_dir else "(default)"),
        ("registry.allow", _listed(settings.registry_allow)),
        ("Registry", registry_line),
        (
            "SDK",
            registry.sdk.describe() if registry.sdk is not None else "none found (the shipped route table is used)",
        ),
        ("Judged on", linter.today.isoformat()),
    ]
    return [f"{label}: {value}" for label, value in facts]
