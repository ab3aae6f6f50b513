"""Which files to lint: walk the given paths, honour exclude patterns and .gitignore files."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec

PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")


@dataclass(frozen=True)
class Discovered:
    files: list[str]
    errors: list[str] = field(default_factory=list)  # one line each: "path: reason"


def _spec(patterns: Sequence[str]) -> pathspec.GitIgnoreSpec:
    import pathspec  # only for a .gitignore or an exclude pattern that is not a bare name

    return pathspec.GitIgnoreSpec.from_lines(patterns)


_WILD = frozenset("*?[]!\\/#")


def _plain_names(patterns: Sequence[str]) -> tuple[frozenset[str], frozenset[str]] | None:
    """(names, folder-only names) when every pattern is a bare name such as `.venv` or `dist/`.

    Such a pattern excludes any path with a component of that name (gitignore's rule), which
    a set lookup per component decides without matching dozens of regular expressions per
    file. None when some pattern needs pathspec (wildcards, paths, negation).
    """
    names: set[str] = set()
    folders: set[str] = set()
    for pattern in patterns:
        bare = pattern[:-1] if pattern.endswith("/") else pattern
        if not bare or bare != bare.strip() or any(char in _WILD for char in bare):
            return None
        (folders if pattern.endswith("/") else names).add(bare)
    return frozenset(names), frozenset(folders)


class _Ignores:
    """The exclude patterns plus every .gitignore from the root down to the current folder.

    Paths are absolute strings; what depends only on a folder is worked out once per folder.
    """

    def __init__(self, root: Path, exclude: Sequence[str], respect_gitignore: bool) -> None:
        self.root = os.path.abspath(root)
        self.plain = _plain_names(exclude)
        self.exclude = _spec(exclude) if self.plain is None else None
        self.respect_gitignore = respect_gitignore
        self._chains: dict[str, tuple[tuple[str, pathspec.GitIgnoreSpec], ...]] = {}
        self._folders_out: dict[str, bool] = {}

    def _gitignore(self, folder: str) -> pathspec.GitIgnoreSpec | None:
        try:
            with open(os.path.join(folder, ".gitignore"), encoding="utf-8", errors="replace") as handle:
                return _spec(handle.read().splitlines())
        except OSError:
            return None

    def _chain(self, folder: str) -> tuple[tuple[str, pathspec.GitIgnoreSpec], ...]:
        """The .gitignore files that apply inside `folder`, nearest first: up to the root, a
        repository's top (a folder holding .git) or the file system's root."""
        chain = self._chains.get(folder)
        if chain is None:
            spec = self._gitignore(folder)
            own = ((folder, spec),) if spec is not None else ()
            parent = os.path.dirname(folder)
            top = folder == self.root or parent == folder or os.path.exists(os.path.join(folder, ".git"))
            chain = own if top else own + self._chain(parent)
            self._chains[folder] = chain
        return chain

    def _named_out(self, relative: str, is_dir: bool) -> bool:
        assert self.plain is not None
        names, folders = self.plain
        *parents, last = relative.split("/")
        return any(p in names or p in folders for p in parents) or last in names or (is_dir and last in folders)

    def _folder_out(self, folder: str) -> bool:
        """Whether the bare-name patterns exclude `folder` itself or a folder above it."""
        out = self._folders_out.get(folder)
        if out is None:
            out = self._named_out(_relative(folder, self.root), True)
            self._folders_out[folder] = out
        return out

    def excluded(self, path: str, is_dir: bool) -> bool:
        """`path` is absolute and normalised."""
        folder, name = os.path.split(path)
        return self.excluded_in(folder, name, is_dir)

    def excluded_in(self, folder: str, name: str, is_dir: bool) -> bool:
        """`name` inside `folder` (absolute and normalised): the walk's form, with no joining."""
        path = folder + os.sep + name if not folder.endswith(os.sep) else folder + name
        if self.plain is not None:
            names, folders = self.plain
            if name in names or (is_dir and name in folders) or self._folder_out(folder):
                return True
        else:
            assert self.exclude is not None
            relative = _relative(path, self.root) + ("/" if is_dir else "")
            if self.exclude.match_file(relative) or self.exclude.match_file(name + ("/" if is_dir else "")):
                return True
        if not self.respect_gitignore:
            return False
        # Each .gitignore applies to paths below its folder, relative to that folder.
        for base, spec in self._chain(folder):
            if spec.match_file(_relative(path, base) + ("/" if is_dir else "")):
                return True
        return False


def _relative(path: str, root: str) -> str:
    """`path` relative to `root` with / separators, or the whole path when not below it."""
    if path == root:
        return "."
    prefix = root if root.endswith(os.sep) else root + os.sep
    inner = path[len(prefix) :] if path.startswith(prefix) else path
    return inner.replace(os.sep, "/") if os.sep != "/" else inner


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
            if force_exclude and ignores.excluded(os.path.abspath(given), False):
                continue
            found[given] = None
            continue
        if force_exclude and ignores.excluded(os.path.abspath(given), True) and given not in (".", ""):
            continue
        for file in _walk(given, ignores, suffixes, errors):
            found[file] = None
    return Discovered(sorted(found), errors)


def excluded_by(path: str, root: Path, exclude: Sequence[str]) -> bool:
    """Whether `exclude` patterns (written relative to `root`) exclude the file `path` (absolute)
    or a folder it is in; .gitignore files are not consulted."""
    ignores = _Ignores(root, exclude, respect_gitignore=False)
    folder = os.path.dirname(os.path.normpath(path))
    top = os.path.abspath(root)
    while folder.startswith(top + os.sep):
        if ignores.excluded(folder, True):
            return True
        folder = os.path.dirname(folder)
    return ignores.excluded(os.path.normpath(path), False)


def _walk(top: str, ignores: _Ignores, suffixes: Sequence[str], errors: list[str]) -> Iterator[str]:
    def on_error(error: OSError) -> None:
        errors.append(f"{error.filename}: cannot list folder: {error.strerror or error}")

    # followlinks=False: a symlink loop cannot trap the walk.
    wanted = tuple(suffixes)
    for folder, dirnames, filenames in os.walk(top, onerror=on_error):
        base = os.path.abspath(folder)
        dirnames[:] = sorted(d for d in dirnames if not ignores.excluded_in(base, d, True))
        prefix = "" if folder == "." else os.path.normpath(folder) + os.sep
        for name in sorted(filenames):
            if name.endswith(wanted) and not ignores.excluded_in(base, name, False):
                yield prefix + name
