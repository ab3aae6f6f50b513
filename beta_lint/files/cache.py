"""The result cache: a warm run only reads files and looks their results up.

One pickle per effective configuration (tool version, registry, route table, enabled rules,
per-file ignores, the day retirement is judged against), mapping (path, content digest) to
the FileResult. It is loaded once, written once at the end through a temporary file and a
rename, so concurrent runs never see half a file; an unreadable or corrupt cache is ignored
and rebuilt. Only files that passed the prefilter have results stored.

A large run also records each file's stamp (modification time, size, inode, change time) with its digest,
or with "" when the prefilter ruled it out: on the next run an unchanged stamp answers without
reading the file at all, as ruff's cache does. A stamp taken within two seconds of the file's
last change is not recorded, so an edit in the same clock tick cannot hide behind it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from pathlib import Path

from beta_lint import __version__
from beta_lint.model import FileResult

CACHE_DIR_NAME = ".beta_lint_cache"
_FORMAT = 4  # 3: checksummed (see _read_checked); 4: each entry pickled on its own
# st_mtime_ns, st_size, st_ino, st_ctime_ns: an edit that puts the modification time back
# (same size, in place) still moves the change time, which no program can set.
Stamp = tuple[int, int, int, int]
_RACY_NS = 2_000_000_000


class CacheFolderError(Exception):
    """A cache folder beta-lint must not write to; the message is one line for the user."""


_SOURCE_SUFFIXES = (".py", ".pyi", ".ipynb")
_SCAN_LIMIT = 10_000  # entries looked at for sources: a folder this big is no cache beta-lint made


def check_cache_folder(folder: Path, root: Path) -> None:
    """Refuse a cache folder that is the project root (or above it) or holds source files: the
    `.gitignore` written there would hide the whole project from every later run."""
    try:
        where, project = folder.resolve(), root.resolve()
    except (OSError, RuntimeError) as error:
        raise CacheFolderError(f"cache folder {folder} cannot be resolved: {error}") from None
    if where == project or where in project.parents:
        raise CacheFolderError(f"cache folder {folder} is the project folder (or holds it); use a folder of its own")
    seen = 0
    for dirpath, dirnames, filenames in os.walk(where):
        seen += len(dirnames) + len(filenames)
        if any(name.endswith(_SOURCE_SUFFIXES) for name in filenames):
            raise CacheFolderError(f"cache folder {folder} holds source files; use a folder of its own")
        if seen > _SCAN_LIMIT:
            raise CacheFolderError(f"cache folder {folder} holds over {_SCAN_LIMIT} entries; use a folder of its own")
        del dirpath


class ResultCache:
    def __init__(self, folder: Path, config_key: str) -> None:
        self.folder = folder
        self.file = folder / f"results-{config_key}.pickle"
        # Each entry stays pickled until asked for: a warm run over one tree of a shared cache
        # unpickled every other tree's results too (0.13 s of 0.5 s on the bench trees).
        self.entries: dict[tuple[str, str], FileResult | bytes] = {}
        self.stamps: dict[str, tuple[Stamp, str]] = {}  # path -> (stamp, digest or "" for no candidate)
        self.dirty = False
        self._load()

    def _load(self) -> None:
        payload = _read_checked(self.file)
        if payload is None:
            return  # no cache yet, or a damaged one: start afresh (it is rebuilt at the end)
        try:
            data = pickle.loads(payload)
        except Exception:  # a checksummed file from another build: anything at all is a miss
            return
        if isinstance(data, dict) and data.get("format") == _FORMAT and isinstance(data.get("entries"), dict):
            self.entries = data["entries"]
            stamps = data.get("stamps")
            self.stamps = stamps if isinstance(stamps, dict) else {}

    @staticmethod
    def stamp_of(path: str) -> Stamp | None:
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            return None
        return (info.st_mtime_ns, info.st_size, info.st_ino, info.st_ctime_ns)

    def unchanged(self, path: str, stamp: Stamp | None) -> tuple[str, FileResult | None] | None:
        """(digest, result) for a file whose stamp is as recorded: ("", None) when it held no
        candidate; None when it must be read."""
        known = self.stamps.get(path)
        if stamp is None or known is None or known[0] != stamp:
            return None
        digest = known[1]
        if not digest:
            return "", None
        result = self.get(path, digest)
        return (digest, result) if result is not None else None

    def record(self, path: str, stamp: Stamp | None, digest: str) -> None:
        if stamp is None or time.time_ns() - stamp[0] < _RACY_NS:
            return  # changed just now: a second change in the same tick would keep this stamp
        if self.stamps.get(path) != (stamp, digest):
            self.stamps[path] = (stamp, digest)
            self.dirty = True

    def get(self, path: str, digest: str) -> FileResult | None:
        key = (path, digest)
        found = self.entries.get(key)
        if isinstance(found, bytes):
            try:
                found = pickle.loads(found)
            except Exception:  # checksummed, so from another build: a miss
                found = None
            if not isinstance(found, FileResult):
                del self.entries[key]
                return None
            self.entries[key] = found
        return found

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
            created = not self.folder.exists()
            self.folder.mkdir(parents=True, exist_ok=True)
            if created:  # a .gitignore only in a folder beta-lint made itself
                (self.folder / ".gitignore").write_text("# Created by beta-lint.\n*\n", encoding="utf-8")
            import tempfile

            packed = {
                k: v if isinstance(v, bytes) else pickle.dumps(v, pickle.HIGHEST_PROTOCOL) for k, v in entries.items()
            }
            document = {"format": _FORMAT, "entries": packed, "stamps": self.stamps}
            payload = pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL)
            fd, temporary = tempfile.mkstemp(prefix=".results-", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
                os.replace(temporary, self.file)
            except BaseException:
                os.unlink(temporary)  # a full disk or Ctrl-C leaves no temporary file behind
                raise
        except OSError:
            pass  # a read-only checkout or a full disk: run without a cache rather than fail


_MAGIC = b"beta-lint-cache\0"
MAX_CACHE_BYTES = 1 << 30  # a larger file is no cache beta-lint wrote: ignored, never loaded


def _read_checked(path: Path) -> bytes | None:
    """The cache's pickle if the file is a regular file within the size limit whose checksum
    matches; None otherwise (missing, a FIFO, truncated, a flipped byte)."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_BYTES:
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            if sum(map(len, chunks)) > MAX_CACHE_BYTES:
                return None
    except (OSError, MemoryError):
        return None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    head = len(_MAGIC) + 32
    if not data.startswith(_MAGIC) or len(data) < head:
        return None
    payload = data[head:]
    return payload if hashlib.sha256(payload).digest() == data[len(_MAGIC) : head] else None


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
