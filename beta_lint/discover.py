"""Which files to lint: walk the given paths, honour exclude patterns and .gitignore files."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")


@dataclass(frozen=True)
class Discovered:
    files: list[str]
    errors: list[str] = field(default_factory=list)  # one line each: "path: reason"


def _spec(patterns: Sequence[str]) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines(patterns)


class _Ignores:
    """The exclude patterns plus every .gitignore from the root down to the current folder."""

    def __init__(self, root: Path, exclude: Sequence[str], respect_gitignore: bool) -> None:
        self.root = root
        self.exclude = _spec(exclude)
        self.respect_gitignore = respect_gitignore
        self._gitignores: dict[Path, pathspec.GitIgnoreSpec | None] = {}

    def _gitignore(self, folder: Path) -> pathspec.GitIgnoreSpec | None:
        if folder not in self._gitignores:
            spec = None
            candidate = folder / ".gitignore"
            try:
                with candidate.open(encoding="utf-8", errors="replace") as handle:
                    spec = _spec(handle.read().splitlines())
            except OSError:
                spec = None
            self._gitignores[folder] = spec
        return self._gitignores[folder]

    def excluded(self, path: Path, is_dir: bool) -> bool:
        relative = _relative(path, self.root)
        candidate = relative + ("/" if is_dir else "")
        if self.exclude.match_file(candidate) or self.exclude.match_file(path.name + ("/" if is_dir else "")):
            return True
        if not self.respect_gitignore:
            return False
        # Each .gitignore applies to paths below its folder, relative to that folder.
        for folder in (path.parent, *path.parent.parents):
            spec = self._gitignore(folder)
            if spec is not None:
                inner = _relative(path, folder) + ("/" if is_dir else "")
                if spec.match_file(inner):
                    return True
            if folder == self.root or folder == folder.parent or (folder / ".git").exists():
                break
        return False


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def discover(
    paths: Sequence[str],
    *,
    root: Path,
    exclude: Sequence[str],
    respect_gitignore: bool,
    force_exclude: bool,
    suffixes: Sequence[str] = PYTHON_SUFFIXES,
) -> Discovered:
    """Files under `paths`, sorted, each once. Named files are linted even when excluded,
    unless `force_exclude` (which pre-commit hooks pass)."""
    ignores = _Ignores(root, exclude, respect_gitignore)
    found: dict[str, None] = {}
    errors: list[str] = []
    for given in paths:
        path = Path(given)
        try:
            is_dir = path.is_dir()
            exists = is_dir or path.exists() or path.is_symlink()
        except OSError as error:
            errors.append(f"{given}: {error.strerror or error}")
            continue
        if not exists:
            errors.append(f"{given}: no such file or directory")
            continue
        if not is_dir:
            if force_exclude and ignores.excluded(path.absolute(), False):
                continue
            found[given] = None
            continue
        if force_exclude and ignores.excluded(path.absolute(), True) and given not in (".", ""):
            continue
        for file in _walk(given, ignores, suffixes, errors):
            found[file] = None
    return Discovered(sorted(found), errors)


def _walk(top: str, ignores: _Ignores, suffixes: Sequence[str], errors: list[str]) -> Iterator[str]:
    def on_error(error: OSError) -> None:
        errors.append(f"{error.filename}: cannot list folder: {error.strerror or error}")

    # followlinks=False: a symlink loop cannot trap the walk.
    for folder, dirnames, filenames in os.walk(top, onerror=on_error):
        base = Path(folder).absolute()
        dirnames[:] = sorted(d for d in dirnames if not ignores.excluded(base / d, True))
        for name in sorted(filenames):
            if not name.endswith(tuple(suffixes)):
                continue
            if ignores.excluded(base / name, False):
                continue
            yield os.path.normpath(os.path.join(folder, name)) if folder not in (".",) else name
