"""The last change of each line with a use: one `git blame --porcelain` per file, only its lines.

Each file's blame is limited to the lines that hold uses (`-L n,m`, one per run of lines), so
git stops walking history as soon as those lines are explained; files are blamed a few at a
time. Outside a git work tree, for an untracked file, or without git, a file simply has no
blame: the audit goes on without it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

_UNCOMMITTED = "0" * 40
_WORKERS = 4


@dataclass(frozen=True)
class Change:
    author: str
    date: str | None  # YYYY-MM-DD (UTC) of the author date; None for uncommitted lines
    commit: str | None


def _ranges(lines: Iterable[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for line in sorted(set(lines)):
        if runs and line == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], line)
        else:
            runs.append((line, line))
    return runs


def parse_porcelain(text: str) -> dict[int, Change]:
    """Final line number -> its change, from `git blame --porcelain` output."""
    commits: dict[str, dict[str, str]] = {}
    changes: dict[int, Change] = {}
    current: str | None = None
    final_line = 0
    for line in text.splitlines():
        if line.startswith("\t"):
            if current is not None:
                info = commits.get(current, {})
                if current == _UNCOMMITTED:
                    changes[final_line] = Change("(not committed)", None, None)
                else:
                    when = info.get("author-time")
                    date = None
                    if when is not None and when.lstrip("-").isdigit():
                        date = dt.datetime.fromtimestamp(int(when), dt.timezone.utc).date().isoformat()
                    changes[final_line] = Change(info.get("author", ""), date, current)
            current = None
            continue
        fields = line.split(" ")
        if current is None and len(fields) >= 3 and len(fields[0]) == 40 and fields[2].isdigit():
            current = fields[0]
            final_line = int(fields[2])
            commits.setdefault(current, {})
            continue
        if current is not None and len(fields) >= 2 and fields[0] in ("author", "author-time"):
            commits[current][fields[0]] = line.split(" ", 1)[1]
    return changes


def blame_file(path: str, lines: Iterable[int]) -> dict[int, Change]:
    directory, name = os.path.split(os.path.abspath(path))
    command = ["git", "-C", directory, "blame", "--porcelain"]
    for start, end in _ranges(lines):
        command += ["-L", f"{start},{end}"]
    command += ["--", name]
    try:
        done = subprocess.run(command, capture_output=True, check=False, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return {}
    if done.returncode != 0:
        return {}
    return parse_porcelain(done.stdout.decode("utf-8", errors="replace"))


def in_git_work_tree(directory: str) -> bool:
    if shutil.which("git") is None:
        return False
    try:
        done = subprocess.run(
            ["git", "-C", directory, "rev-parse", "--is-inside-work-tree"], capture_output=True, check=False
        )
    except OSError:
        return False
    return done.returncode == 0 and done.stdout.strip() == b"true"


def blame_files(lines_by_path: Mapping[str, Iterable[int]]) -> dict[str, dict[int, Change]]:
    """Every file's blame, limited to the given lines, a few files at a time."""
    paths = sorted(lines_by_path)
    if not paths or shutil.which("git") is None:
        return {}
    with ThreadPoolExecutor(max_workers=min(_WORKERS, len(paths))) as pool:
        results = pool.map(lambda p: blame_file(p, lines_by_path[p]), paths)
        return {path: found for path, found in zip(paths, results, strict=True) if found}
