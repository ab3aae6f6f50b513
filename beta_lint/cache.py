"""The result cache: a warm run only reads files and looks their results up.

One pickle per effective configuration (tool version, registry, route table, enabled rules,
per-file ignores, the day retirement is judged against), mapping (path, content digest) to
the FileResult. It is loaded once, written once at the end through a temporary file and a
rename, so concurrent runs never see half a file; an unreadable or corrupt cache is ignored
and rebuilt. Only files that passed the prefilter are stored: the rest cost nothing to redo.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from beta_lint import __version__
from beta_lint.model import FileResult

CACHE_DIR_NAME = ".beta_lint_cache"
_FORMAT = 1


class ResultCache:
    def __init__(self, folder: Path, config_key: str) -> None:
        self.folder = folder
        self.file = folder / f"results-{config_key}.pickle"
        self.entries: dict[tuple[str, str], FileResult] = {}
        self.dirty = False
        self._load()

    def _load(self) -> None:
        try:
            with self.file.open("rb") as handle:
                data = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
            return  # no cache yet, or a corrupt one: start afresh
        if isinstance(data, dict) and data.get("format") == _FORMAT and isinstance(data.get("entries"), dict):
            self.entries = data["entries"]

    def get(self, path: str, digest: str) -> FileResult | None:
        return self.entries.get((path, digest))

    def put(self, path: str, digest: str, result: FileResult) -> None:
        self.entries[(path, digest)] = result
        self.dirty = True

    def save(self, seen: set[tuple[str, str]] | None = None) -> None:
        """Write atomically. Older versions of the files seen in this run are dropped; files
        this run did not look at (a pre-commit run names a few) keep their entries."""
        seen_paths = {path for path, _ in seen or ()}
        entries = {k: v for k, v in self.entries.items() if k[0] not in seen_paths or k in (seen or set())}
        if not self.dirty and len(entries) == len(self.entries):
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by beta-lint.\n*\n", encoding="utf-8")
            import tempfile

            fd, temporary = tempfile.mkstemp(prefix=".results-", dir=self.folder)
            with os.fdopen(fd, "wb") as handle:
                pickle.dump({"format": _FORMAT, "entries": entries}, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.file)
        except OSError:
            pass  # a read-only checkout: run without a cache rather than fail


def _code_stamp() -> list[tuple[str, int, int]]:
    """The package's own files: a changed beta-lint (even at the same version) is a new key."""
    here = Path(__file__).resolve().parent
    return [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(here.rglob("*.py"))]


def config_key(*parts: object) -> str:
    digest = hashlib.sha256(__version__.encode())
    digest.update(repr(_code_stamp()).encode())
    for part in parts:
        digest.update(b"\0" + repr(part).encode())
    return digest.hexdigest()[:20]
