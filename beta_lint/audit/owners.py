"""Who owns a file: the repository's CODEOWNERS, in GitHub or GitLab syntax.

The file is looked for where GitHub and GitLab look: `.github/`, `.gitlab/`, the root, then
`docs/`; the first one found is used. Each line is `pattern owner...`; `#` starts a comment
(`\\#` is a literal `#`). Patterns follow the gitignore rules both hosts document: a leading
`/` or an inner `/` anchors the pattern to the root, a pattern without one matches at any
depth, a trailing `/` matches everything under a folder, `*` stays inside one path segment,
`**` crosses segments, and a pattern naming a folder owns everything under it.

The last matching rule wins; a matching rule without owners leaves the file unowned. GitLab
sections (`[Name]`, `^[Name]`, `[Name][2]`, with optional default owners after the bracket)
each pick their own last match, and the owners of every section that matched are combined, as
GitLab does. A GitHub file is one section, so there the last match alone decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SEARCHED = (".github/CODEOWNERS", ".gitlab/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
# A GitLab section header: `[Name]`, `^[Name]` (optional), `[Name][2]` (approvals), then owners.
_SECTION_RE = re.compile(r"^\^?\[(?P<name>[^\]]+)\](?:\[\d+\])?(?:\s+(?P<owners>.*))?$")


@dataclass(frozen=True)
class Rule:
    pattern: str
    regex: re.Pattern[str]
    owners: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class CodeOwners:
    path: str | None  # the CODEOWNERS file used, relative to the root; None when there is none
    sections: tuple[tuple[Rule, ...], ...] = ()

    def owners_of(self, relative: str) -> tuple[str, ...]:
        """The owners of a file given by its path from the repository's root ('/' separated)."""
        found: list[str] = []
        for rules in self.sections:
            for rule in reversed(rules):
                if rule.regex.fullmatch(relative):
                    found.extend(owner for owner in rule.owners if owner not in found)
                    break
        return tuple(found)


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """The paths a CODEOWNERS pattern matches, as a regular expression over the whole path."""
    body = pattern.rstrip("/")
    folder_only = pattern.endswith("/") and body != ""
    anchored = body.startswith("/") or "/" in body
    body = body.lstrip("/")
    out: list[str] = []
    i = 0
    while i < len(body):
        if body.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if body.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            out.append(re.escape(body[i + 1]))
            i += 2
            continue
        out.append({"*": "[^/]*", "?": "[^/]"}.get(char, re.escape(char)))
        i += 1
    last_segment = body.rsplit("/", 1)[-1]
    if folder_only:
        tail = "/.*"
    elif "*" in last_segment and "**" not in last_segment:
        tail = ""  # `docs/*` owns the files directly in docs/, not deeper ones (GitHub's rule)
    else:
        tail = "(?:/.*)?"  # a name owns the file, or the folder and everything under it
    head = "" if anchored else "(?:.*/)?"
    return re.compile(head + "".join(out) + tail)


def _split(line: str) -> list[str]:
    """A rule line's fields: whitespace separated, `\\ ` kept in a pattern, comments cut."""
    fields: list[str] = []
    current = ""
    i = 0
    while i < len(line):
        char = line[i]
        if char == "\\" and i + 1 < len(line):
            current += line[i : i + 2]
            i += 2
            continue
        if char == "#":
            break
        if char.isspace():
            if current:
                fields.append(current)
            current = ""
        else:
            current += char
        i += 1
    if current:
        fields.append(current)
    return fields


def parse_codeowners(text: str, path: str | None = None) -> CodeOwners:
    sections: list[list[Rule]] = [[]]
    defaults: tuple[str, ...] = ()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        section = _SECTION_RE.match(line)
        if section is not None and not line.startswith("\\["):
            sections.append([])
            defaults = tuple(_split(section.group("owners") or ""))
            continue
        fields = _split(line)
        if not fields:
            continue
        pattern = fields[0].replace("\\ ", " ").replace("\\#", "#")
        owners = tuple(fields[1:]) or defaults
        try:
            regex = pattern_regex(pattern)
        except re.error:
            continue  # a pattern neither host could use owns nothing
        sections[-1].append(Rule(pattern, regex, owners, number))
    return CodeOwners(path, tuple(tuple(rules) for rules in sections if rules))


def load_codeowners(root: Path) -> CodeOwners:
    """The root's CODEOWNERS (the first of SEARCHED that exists); an empty one when none does."""
    for candidate in SEARCHED:
        file = root / candidate
        if file.is_file():
            try:
                text = file.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            return parse_codeowners(text, candidate)
    return CodeOwners(None)
