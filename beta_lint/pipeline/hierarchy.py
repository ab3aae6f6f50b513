"""Which settings each linted file takes: the nearest configuration file above it (ruff's model).

A monorepo may hold a beta-lint.toml (or pyproject.toml with [tool.beta-lint]) per project:
every file is checked with the settings of the closest one among its own folder and the
folders above it; there is no merging between files. `--config FILE` makes one file apply
everywhere, `--isolated` none at all. Files are grouped by the configuration they take, and
each group gets its own registry and linter.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from beta_lint.config import Settings, config_in, parse_settings
from beta_lint.files.discover import excluded_by
from beta_lint.files.source import SourceFile
from beta_lint.knowledge.registry import Registry
from beta_lint.model import FileResult
from beta_lint.pipeline.linter import Linter
from beta_lint.pipeline.setup import build_linter, project_knowledge


def fixed_settings(options: dict[str, Any]) -> bool:
    """Whether one set of settings applies to every file (--config or --isolated)."""
    return bool(options.get("config_file") or options.get("isolated"))


@dataclass(frozen=True)
class Group:
    """The files that take one configuration, and what linting them needs."""

    settings: Settings
    registry: Registry
    linter: Linter
    files: tuple[str, ...]


class ConfigTree:
    """The configuration of each folder, found once per folder and parsed once per file."""

    def __init__(self, base: Settings, options: dict[str, Any]) -> None:
        self.base = base
        self.options = options
        self.fixed = fixed_settings(options)
        # Keyed by folder name: a Path per file was a third of a warm run over 3,600 files.
        self._nearest: dict[str, Path | None] = {}
        self._settings: dict[Path, Settings] = {}
        # Registry and linter per settings object, by id(): every Settings a group can take is
        # held by this tree (base or _settings), so no id is reused while it lives. Reading the
        # project's SDK walks its files, and a run asks for the base group twice.
        self._knowledge: dict[int, tuple[Registry, Linter]] = {}
        if base.config_file is not None:
            self._settings[base.config_file.resolve()] = base

    def config_file(self, path: str) -> Path | None:
        """The configuration file that applies to `path`: the nearest one above it."""
        if self.fixed:
            return self.base.config_file
        return self._nearest_to(os.path.dirname(os.path.abspath(path)))

    def _nearest_to(self, folder: str) -> Path | None:
        """Each folder looked at once: its own configuration, else its parent's answer."""
        if folder in self._nearest:
            return self._nearest[folder]
        found = config_in(Path(folder))
        if found is not None:
            config = found[0].resolve()
            if config not in self._settings:
                self._settings[config] = self._adjusted(parse_settings(*found))
            nearest: Path | None = config
        else:
            parent = os.path.dirname(folder)
            nearest = None if parent == folder else self._nearest_to(parent)
        self._nearest[folder] = nearest
        return nearest

    def settings_for(self, path: str) -> Settings:
        """The settings of the nearest configuration; the base ones (found from the working
        folder) for a file with none above it."""
        if self.fixed:
            return self.base
        config = self.config_file(path)
        return self._settings[config] if config is not None else self.base

    def _adjusted(self, settings: Settings) -> Settings:
        """What the command line overrides in any configuration file."""
        if self.options.get("no_respect_gitignore"):
            settings = replace(settings, respect_gitignore=False)
        return settings

    def groups(self, files: Sequence[str], named: Sequence[str] = ()) -> list[Group]:
        """`files` grouped by the settings they take, the base settings' group first.

        A file found by walking a folder is left out when its own configuration excludes it;
        a file named on the command line is kept unless --force-exclude (as with any exclude).
        """
        named_set = {os.path.abspath(path) for path in named}
        force = bool(self.options.get("force_exclude"))
        by_settings: dict[int, tuple[Settings, list[str]]] = {id(self.base): (self.base, [])}
        for path in files:
            settings = self.settings_for(path)
            if settings is not self.base:
                absolute = os.path.abspath(path)
                if (force or absolute not in named_set) and excluded_by(
                    absolute, settings.root, settings.exclude + settings.extend_exclude
                ):
                    continue
            by_settings.setdefault(id(settings), (settings, []))[1].append(path)
        out: list[Group] = []
        for settings, paths in by_settings.values():
            if not paths and settings is not self.base:
                continue
            registry, linter = self._knowledge_of(settings)
            out.append(Group(settings, registry, linter, tuple(paths)))
        return out

    def _knowledge_of(self, settings: Settings) -> tuple[Registry, Linter]:
        """Each configuration's registry with the SDK its project uses (issue 18), built once."""
        found = self._knowledge.get(id(settings))
        if found is None:
            registry, table = project_knowledge(settings, self.options.get("registry_file"), self.options.get("sdk"))
            found = self._knowledge[id(settings)] = (registry, build_linter(settings, self.options, registry, table))
        return found


@dataclass(frozen=True)
class LinterByPath:
    """For fixes, which lint a file again: each file with the linter of its own group."""

    groups: tuple[Group, ...]

    def linter_for(self, path: str) -> Linter:
        return next((group.linter for group in self.groups if path in group.files), self.groups[0].linter)

    def lint_source(self, source: SourceFile) -> FileResult:
        return self.linter_for(source.path).lint_source(source)
