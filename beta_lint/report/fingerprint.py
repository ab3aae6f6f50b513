"""Where a finding is, independent of the machine: repository-relative paths and content fingerprints.

SARIF (`partialFingerprints`) and GitLab (`fingerprint`) use a finding's identity to tell a new
problem from one already seen. That identity must survive edits elsewhere in the file, so it is
built from what the finding is about (rule, file, beta, the flagged source text), never from
line numbers or from the folder the repository was checked out in.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from beta_lint.files.source import ReadError, SourceFile, load_source, read_bytes
from beta_lint.model import Diagnostic

FINGERPRINT_VERSION = 1


def absolute_path(path: str) -> Path:
    """The absolute path of a linted file: the linter was given paths relative to the cwd."""
    return Path(os.path.abspath(os.path.join(os.getcwd(), path)))


def repo_relative(path: str, root: str) -> str | None:
    """`path` relative to `root`, with POSIX separators; None when the file lies outside root."""
    candidate = absolute_path(path)
    base = Path(os.path.abspath(root))
    try:
        return candidate.relative_to(base).as_posix()
    except ValueError:
        pass
    # The root is resolved (config.py) but the path may go through a symlink: compare real paths.
    try:
        return candidate.resolve().relative_to(base.resolve()).as_posix()
    except (ValueError, OSError):
        return None


def display_path(path: str, root: str) -> str:
    """The repository-relative path, or the path as given (POSIX) for a file outside the root."""
    relative = repo_relative(path, root)
    return relative if relative is not None else Path(path).as_posix()


class SourceLines:
    """The lines of each linted file (or notebook cell), read once and decoded as the linter did."""

    def __init__(self, sources: Mapping[str, str] | None = None) -> None:
        self._given = dict(sources or {})
        self._files: dict[str, SourceFile | None] = {}

    def lines(self, path: str, cell: int | None) -> list[str] | None:
        if cell is None and path in self._given:
            return self._given[path].splitlines()
        source = self._file(path)
        if source is None:
            return None
        for piece in source.cells:
            if piece.cell == cell:
                return piece.text.splitlines()
        return None if source.notebook else source.text.splitlines()

    def _file(self, path: str) -> SourceFile | None:
        if path not in self._files:
            try:
                self._files[path] = load_source(path, read_bytes(path))
            except (ReadError, OSError, ValueError):
                # Standard input, a file gone since linting, or one that did not decode: no text.
                self._files[path] = None
        return self._files[path]


def utf8_bytes(text: str) -> bytes:
    """`text` as UTF-8 bytes; never fails, and equal to text.encode() for any text that can be encoded.

    A file name that is not UTF-8 holds its undecodable bytes as U+DC80..U+DCFF (surrogateescape):
    they come back as those very bytes, so a name hashes (and quotes) as what is on disk. UTF-8 is
    fixed rather than os.fsencode's locale encoding, which would make fingerprints machine-dependent.
    Any other lone surrogate (a "\\ud800" escape in linted code) has no such byte, and is written
    as its code point's three bytes instead.
    """
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def _normalised(text: str) -> str:
    # Re-indenting or reformatting a line must not make its finding look new.
    return " ".join(text.split())


def flagged_text(diagnostic: Diagnostic, sources: SourceLines) -> str | None:
    """The stripped text of the source line(s) a diagnostic covers, or None when unreadable."""
    loc = diagnostic.location
    lines = sources.lines(loc.path, loc.cell)
    if lines is None or not 1 <= loc.line <= len(lines):
        return None
    last = min(max(loc.end_line, loc.line), len(lines))
    return "\n".join(_normalised(line) for line in lines[loc.line - 1 : last])


def fingerprints(diagnostics: Sequence[Diagnostic], root: str, sources: SourceLines | None = None) -> list[str]:
    """One fingerprint per diagnostic, in order; pass the diagnostics sorted by position.

    Identical findings on identical lines (the same typo pasted twice) are told apart by an
    occurrence counter, counted in file order, so each keeps its own identity.
    """
    reader = sources or SourceLines()
    seen: Counter[bytes] = Counter()
    out: list[str] = []
    for diagnostic in diagnostics:
        text = flagged_text(diagnostic, reader)
        # Without the source, the message still says what the finding is about (BL104's
        # "N days left" is the only message that changes by itself, and it is rare to lack the file).
        content = text if text is not None else f"message:{diagnostic.message}"
        # Each part is encoded on its own, so one part's odd surrogate cannot change another's bytes.
        identity = b"\0".join(
            utf8_bytes(part)
            for part in (
                f"v{FINGERPRINT_VERSION}",
                diagnostic.code,
                display_path(diagnostic.location.path, root),
                diagnostic.beta or "",
                content,
            )
        )
        occurrence = seen[identity]
        seen[identity] += 1
        out.append(hashlib.sha256(identity + f"\0{occurrence}".encode()).hexdigest())
    return out
