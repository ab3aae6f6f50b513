"""`beta-lint audit --merge a.json b.json ...`: the JSON audits of many repositories as one.

Each use is tagged with its repository: the `repositories` entry of the file it came from when
that file names exactly one, else the file's name without `.json` (a file that is itself a
merge keeps the tags it has). A beta's facts (status, dates, successors, note) come from the
first file that lists it; `days_left` is counted again from the merged report's day. A file
that cannot be read or is not an audit is one line on stderr; the others are still merged.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from beta_lint.audit.inventory import BetaUses, Report, Use, days_between, urgency


class MergeError(Exception):
    """A file that is not a beta-lint audit (version 1 JSON)."""


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _use(raw: dict[str, Any], repository: str) -> Use:
    cell = raw.get("cell")
    return Use(
        path=str(raw["path"]),
        cell=cell if isinstance(cell, int) else None,
        line=int(raw["line"]),
        column=int(raw["column"]),
        kind=str(raw["kind"]),
        endpoint=_text(raw.get("endpoint")),
        role=str(raw.get("role", "bound")),
        test=bool(raw.get("test", False)),
        function=_text(raw.get("function")),
        code=_text(raw.get("code")),
        owners=tuple(str(o) for o in raw.get("owners") or ()),
        author=_text(raw.get("author")),
        changed=_text(raw.get("changed")),
        repository=_text(raw.get("repository")) or repository,
    )


def _beta(raw: dict[str, Any], uses: tuple[Use, ...]) -> BetaUses:
    days = raw.get("days_left")
    return BetaUses(
        name=str(raw["name"]),
        status=str(raw["status"]),
        successor=_text(raw.get("successor")),
        retires=_text(raw.get("retires")),
        days_left=days if isinstance(days, int) else None,
        uses=uses,
        confidence=_text(raw.get("confidence")),
        ga_date=_text(raw.get("ga_date")),
        chain=tuple(str(s) for s in raw.get("successors") or ()),
        cycle=bool(raw.get("successor_cycle", False)),
        note=_text(raw.get("note")),
        sources=tuple((str(s.get("text", "")), _text(s.get("url"))) for s in raw.get("sources") or ()),
    )


def read_audit(path: Path) -> tuple[str, list[BetaUses], int, list[str]]:
    """(repository, betas with tagged uses, files scanned, repositories named) of one file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise MergeError(f"{path}: cannot be read as JSON ({error})") from None
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("betas"), list):
        raise MergeError(f"{path}: not a beta-lint audit (expected `audit --format json`, version 1)")
    named = [str(r) for r in data.get("repositories") or ()]
    repository = named[0] if len(named) == 1 else path.name.removesuffix(".json")
    try:
        betas = [_beta(raw, tuple(_use(u, repository) for u in raw.get("uses") or ())) for raw in data["betas"]]
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise MergeError(f"{path}: a beta or use lacks a field ({error!r})") from None
    scanned = data.get("files_scanned")
    return repository, betas, scanned if isinstance(scanned, int) else 0, named or [repository]


def merge_audits(paths: list[Path], today: dt.date) -> tuple[Report, list[str]]:
    """The merged report, and one error line per file that could not be merged."""
    errors: list[str] = []
    first: dict[str, BetaUses] = {}
    uses: dict[str, list[Use]] = {}
    repositories: list[str] = []
    scanned = 0
    for path in paths:
        try:
            _repository, betas, count, named = read_audit(path)
        except MergeError as error:
            errors.append(str(error))
            continue
        scanned += count
        repositories.extend(r for r in named if r not in repositories)
        for beta in betas:
            first.setdefault(beta.name, beta)
            uses.setdefault(beta.name, []).extend(beta.uses)
    merged = [
        replace(
            beta,
            uses=tuple(sorted(uses[name], key=lambda u: (u.repository or "", *u.sort_key()))),
            days_left=days_between(beta.retires, today),
        )
        for name, beta in first.items()
    ]
    return Report(sorted(merged, key=urgency), today, scanned, tuple(repositories)), errors
