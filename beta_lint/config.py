"""Configuration: `[tool.beta-lint]` in the nearest pyproject.toml, or a beta-lint.toml.

The closest file wins (no merging across folders, as in ruff); each linted file takes the one
nearest to it (pipeline/hierarchy.py). Every key is validated:
an unknown key or a wrong type is an error naming the file, the key and what was expected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from beta_lint.knowledge.data import TOMLDecodeError, load_toml
from beta_lint.knowledge.registry import Beta, RegistryError, parse_entry

DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pytest_cache",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pypackages__",
    "_build",
    "buck-out",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
    ".beta_lint_cache",
)
DEFAULT_TEXT_SUFFIXES: tuple[str, ...] = (
    ".md",
    ".markdown",
    ".rst",
    ".txt",
    ".sh",
    ".bash",
    ".zsh",
    ".yaml",
    ".yml",
    ".toml",
    ".json",
    ".env",
    ".http",
    ".js",
    ".mjs",
    ".cjs",
    ".ts",
    ".tsx",
    ".jsx",
)
CONFIG_NAMES = ("beta-lint.toml", ".beta-lint.toml", "pyproject.toml")
# Where `registry sync` writes what it read from the project's SDK, unless registry.sdk-file says.
DEFAULT_SDK_FILE = "beta-lint-sdk.toml"


class ConfigError(Exception):
    """A configuration problem; the message names the file and the key."""


@dataclass(frozen=True)
class Settings:
    config_file: Path | None = None
    root: Path = field(default_factory=Path.cwd)
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    respect_gitignore: bool = True
    registry_file: Path | None = None
    registry_allow: tuple[str, ...] = ()
    registry_extra: tuple[Beta, ...] = ()
    include_text: bool | None = None
    text_suffixes: tuple[str, ...] = DEFAULT_TEXT_SUFFIXES
    max_file_size: int = 10 * 1024 * 1024
    file_timeout: float = 10.0
    cache_dir: Path | None = None
    sdk: str | None = None  # the project's anthropic package (a folder, or "none"); None: searched for
    sdk_file: Path | None = None  # what `registry sync` wrote; None: DEFAULT_SDK_FILE in the root

    @property
    def sdk_snapshot(self) -> Path:
        return self.sdk_file or self.root / DEFAULT_SDK_FILE


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The closest beta-lint.toml, or pyproject.toml with a [tool.beta-lint] table."""
    for folder in (start, *start.parents):
        found = config_in(folder)
        if found is not None:
            return found
    return None


def config_in(folder: Path) -> tuple[Path, dict[str, Any]] | None:
    """The configuration file in `folder` itself (not above it), with its table, or None."""
    for name in CONFIG_NAMES:
        candidate = folder / name
        if not candidate.is_file():
            continue
        table = _read_table(candidate)
        if table is not None:
            return candidate, table
    return None


def _read_table(path: Path) -> dict[str, Any] | None:
    try:
        data = load_toml(path)
    except TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("beta-lint") if isinstance(tool, dict) else None
        if table is None:
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.beta-lint] must be a table")
        return table
    return data


def _strings(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{path}: key '{key}': expected a list of strings, got {value!r}")
    return tuple(value)


def _patterns(path: Path, key: str, patterns: list[str] | tuple[str, ...]) -> None:
    """gitignore-style patterns must compile: an invalid one is the user's error, named."""
    import pathspec

    for pattern in patterns:
        try:
            pathspec.GitIgnoreSpec.from_lines([pattern])
        except Exception as error:  # pathspec raises its own error types per pattern problem
            raise ConfigError(f"{path}: key '{key}': invalid pattern {pattern!r} ({error})") from None


def _codes(path: Path, key: str, value: Any) -> tuple[str, ...]:
    """Rule selectors as codes or prefixes: a rule name gives its code, ALL every code ("BL")."""
    from beta_lint.checks.selection import canonical_selector

    codes: list[str] = []
    for written in _strings(path, key, value):
        code = canonical_selector(written)
        if code is None:
            raise ConfigError(f"{path}: key '{key}': unknown rule selector {written!r} (see `beta-lint rules`)")
        codes.append("BL" if code == "ALL" else code)
    return tuple(codes)


def _beta_names(path: Path, key: str, value: Any) -> tuple[str, ...]:
    """Names in `allow` must be beta names as the API spells them: one token, no spaces or commas."""
    import re

    names = _strings(path, key, value)
    for name in names:
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name):
            raise ConfigError(
                f"{path}: key '{key}': {name!r} is not a beta name (lowercase letters, digits, '-', '.', '_')"
            )
    return names


def _registry(path: Path, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: key 'registry': expected a table with 'allow', 'beta', 'file' or 'sdk-file'")
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "allow":
            out["registry_allow"] = _beta_names(path, "registry.allow", item)
        elif key == "file":
            if not isinstance(item, str) or "\x00" in item:
                raise ConfigError(f"{path}: key 'registry.file': expected a path string")
            out["registry_file"] = (path.parent / item).resolve()
            if not out["registry_file"].is_file():
                raise ConfigError(f"{path}: key 'registry.file': {item} not found")
        elif key == "sdk-file":
            if not isinstance(item, str) or "\x00" in item or not item:
                raise ConfigError(f"{path}: key 'registry.sdk-file': expected a path string")
            out["sdk_file"] = (path.parent / item).resolve()
        elif key == "beta":
            if not isinstance(item, list) or not all(isinstance(entry, dict) for entry in item):
                raise ConfigError(f"{path}: key 'registry.beta': expected an array of tables")
            try:
                out["registry_extra"] = tuple(
                    parse_entry(entry, f"{path}: registry.beta[{index}]", origin="config")
                    for index, entry in enumerate(item)
                )
            except RegistryError as error:
                raise ConfigError(str(error)) from None
        else:
            raise ConfigError(f"{path}: unknown key 'registry.{key}' (expected allow, beta, file, sdk-file)")
    return out


def parse_settings(path: Path, table: Mapping[str, Any]) -> Settings:
    values: dict[str, Any] = {"config_file": path, "root": path.parent.resolve()}
    for key, value in table.items():
        if key in ("select", "ignore", "extend-select"):
            values[key.replace("-", "_")] = _codes(path, key, value)
        elif key in ("exclude", "extend-exclude", "text-suffixes"):
            values[key.replace("-", "_")] = _strings(path, key, value)
            if key != "text-suffixes":
                _patterns(path, key, values[key.replace("-", "_")])
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: key 'per-file-ignores': expected a table of pattern = [codes]")
            values["per_file_ignores"] = tuple(
                (pattern, _codes(path, f"per-file-ignores.{pattern}", codes)) for pattern, codes in value.items()
            )
            _patterns(path, "per-file-ignores", list(value))
        elif key in ("respect-gitignore", "include-text"):
            if not isinstance(value, bool):
                raise ConfigError(f"{path}: key '{key}': expected true or false, got {value!r}")
            values[key.replace("-", "_")] = value
        elif key == "registry":
            values.update(_registry(path, value))
        elif key == "max-file-size":
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ConfigError(f"{path}: key 'max-file-size': expected a positive number of bytes")
            values["max_file_size"] = value
        elif key == "file-timeout":
            if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value <= 86400:
                raise ConfigError(f"{path}: key 'file-timeout': expected a number of seconds from 0 to 86400")
            values["file_timeout"] = float(value)
        elif key == "sdk":
            if not isinstance(value, str) or "\x00" in value or not value:
                raise ConfigError(f"{path}: key 'sdk': expected a path string or \"none\"")
            values["sdk"] = value if value == "none" else str((path.parent / value).resolve())
        elif key == "cache-dir":
            if not isinstance(value, str) or "\x00" in value:
                raise ConfigError(f"{path}: key 'cache-dir': expected a path string")
            values["cache_dir"] = (path.parent / value).resolve()
        else:
            raise ConfigError(
                f"{path}: unknown key '{key}' in [tool.beta-lint] (expected one of: select, ignore, "
                "extend-select, exclude, extend-exclude, per-file-ignores, respect-gitignore, registry, "
                "include-text, text-suffixes, max-file-size, file-timeout, cache-dir, sdk)"
            )
    return Settings(**values)


def load_settings(config: Path | None, cwd: Path | None = None) -> Settings:
    """Settings from an explicit file, else the closest one found upward from `cwd`."""
    cwd = cwd or Path.cwd()
    if config is not None:
        if not config.is_file():
            raise ConfigError(f"{config}: configuration file not found")
        table = _read_table(config)
        if table is None:
            table = {}
        return parse_settings(config, table)
    found = find_config(cwd.resolve())
    if found is None:
        return Settings(root=cwd.resolve())
    return parse_settings(*found)
