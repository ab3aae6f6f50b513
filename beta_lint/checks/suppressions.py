"""From raw diagnostics to a file's result: per-file ignores, duplicates merged, suppressions applied.

A suppression comment that silenced nothing is BL901 when that rule is on. Everything it needs
(the enabled codes, the codes ignored for this path) comes in as arguments.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from beta_lint.checks.rules import RULES
from beta_lint.checks.selection import covers
from beta_lint.model import Diagnostic, FileResult, Suppression, Usage


def settle(
    path: str,
    diagnostics: list[Diagnostic],
    usages: list[Usage],
    suppressions: list[Suppression],
    texts: dict[int | None, str] | None,
    enabled: frozenset[str],
    ignored: tuple[str, ...],
) -> FileResult:
    """The result of one file: what is reported, what was suppressed, which suppressions were unused."""
    unique: dict[tuple[str, str, int, int, int | None, str], Diagnostic] = {}
    for diagnostic in diagnostics:
        if diagnostic.code != "BL999" and any(covers(p, diagnostic.code) for p in ignored):
            continue
        if diagnostic.code not in enabled and diagnostic.code != "BL999":
            continue
        loc = diagnostic.location
        key = (diagnostic.code, loc.path, loc.offset, loc.end_offset, loc.cell, diagnostic.message)
        seen = unique.get(key)
        # One literal reached through several references: one diagnostic, whose fix edits
        # every reference (removing a constant's beta removes it at each send site).
        unique[key] = diagnostic if seen is None else merge_fixes(seen, diagnostic)
    kept: list[Diagnostic] = []
    used: set[int] = set()
    suppressed = 0
    for diagnostic in unique.values():
        hit = suppressing(diagnostic, suppressions)
        if hit is None:
            kept.append(diagnostic)
        else:
            used.add(hit)
            suppressed += 1
    unused = tuple(s for i, s in enumerate(suppressions) if i not in used and names_ours(s))
    if "BL901" in enabled:
        kept.extend(unused_suppression(s, (texts or {}).get(s.location.cell)) for s in unused)
    kept.sort(key=Diagnostic.sort_key)
    return FileResult(path, tuple(kept), suppressed, tuple(usages), unused)


def unused_suppression(suppression: Suppression, text: str | None) -> Diagnostic:
    rule = RULES["BL901"]
    codes = ", ".join(suppression.codes) if suppression.codes else "all"
    fix = None
    if text is not None:
        from beta_lint.fix.edits import remove_comment

        fix = remove_comment(suppression.location, text)
    return Diagnostic(
        rule.code,
        rule.name,
        rule.severity,
        f"unused suppression ({codes}): nothing on this line is reported",
        suppression.location,
        fix=fix,
    )


def merge_fixes(first: Diagnostic, second: Diagnostic) -> Diagnostic:
    if first.fix is None or second.fix is None or first.fix.applicability != second.fix.applicability:
        return first
    edits = list(first.fix.edits)
    for edit in second.fix.edits:
        span = (edit.location.offset, edit.location.end_offset)
        if any(span == (e.location.offset, e.location.end_offset) for e in edits):
            continue
        if any(span[0] < e.location.end_offset and e.location.offset < span[1] for e in edits):
            return first  # overlapping edits cannot both apply: keep the first fix whole
        edits.append(edit)
    return replace(first, fix=replace(first.fix, edits=tuple(edits)))


OUR_CODE_RE = re.compile(r"BL[0-9]{3}", re.IGNORECASE)


def names_ours(suppression: Suppression) -> bool:
    """A bare `# noqa` may be for another linter: only ours count as unused."""
    # Ours are BL and three digits: BLE001 in a noqa comment is flake8-blind-except's, not ours.
    return bool(suppression.codes) and all(OUR_CODE_RE.fullmatch(code) for code in suppression.codes)


def suppressing(diagnostic: Diagnostic, suppressions: Sequence[Suppression]) -> int | None:
    for index, suppression in enumerate(suppressions):
        if suppression.location.cell != diagnostic.location.cell:
            continue
        if suppression.line != diagnostic.location.line:
            continue
        if not suppression.codes or any(covers(c, diagnostic.code) for c in suppression.codes):
            return index
    return None
