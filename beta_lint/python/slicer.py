"""Parse less: keep only the top-level statements of a large file that can matter.

libcst costs time per line, so for a large candidate file we hand it only:
- the top-level statements holding a candidate (a `betas` word, an anthropic-beta key, a
  dated name that can be reported from there, a registry name) or a suppression comment,
- every import (qualified names of clients and HTTP libraries),
- and, to a fixed point, every top-level statement that binds a name those statements use
  (constants, client objects, factory functions, classes).
The extractor only ever follows names from a send site to their top-level bindings, so the
result is the same as parsing the whole file; `tests/test_slicer.py` checks that on the corpus.
Lines keep their numbers through a line map. Anything the scanner is unsure of (an unbalanced
bracket, an unterminated string) disables slicing for that file.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from beta_lint.python.registry_text import RegistryText, registry_text
from beta_lint.python.statements import DATED_TEXT_RE, dated_text_in_code, may_export

# Files shorter than this are parsed whole: slicing would not pay for itself.
SLICE_MIN_LINES = 600

# The tokens that decide where statements begin: strings and comments (their brackets and
# newlines do not count), brackets, backslash continuations and newlines. A string's prefix
# (r, b, f) does not change where it ends, so a match starts at the quote. The lookahead lets
# `re` skip every other character at once (the slug module's scan: 0.077 s -> 0.036 s).
_SCAN_RE = re.compile(
    r"""(?=['"#()\[\]{}\\\n])(?:"""
    r"""(?P<str>'''(?:\\.|[^\\])*?'''|\"\"\"(?:\\.|[^\\])*?\"\"\"|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")"""
    r"|(?P<comment>\#[^\n]*)"
    r"|(?P<open>[(\[{])"
    r"|(?P<close>[)\]}])"
    r"|(?P<cont>\\\r?\n)"
    r"|(?P<nl>\n))",
    re.DOTALL,
)
_CONTINUATION_RE = re.compile(r"(?:else|elif|except|finally)\b|[)\]}]")
_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BIND_RE = re.compile(
    r"^[ \t]*(?:"
    r"(?:async[ \t]+)?def[ \t]+(?P<def>\w+)"
    r"|class[ \t]+(?P<cls>\w+)"
    r"|(?P<assign>\w+)[ \t]*(?::[^=\n]*)?(?:[+|]?=)(?!=)"
    r"|(?P<mutate>\w+)\.(?:append|extend|add|insert|update)\("
    r"|(?P<item>\w+)\["
    r"|(?P<targets>\w+(?:[ \t]*,[ \t]*\w+)+)[ \t]*=(?!=)"
    r"|.*\bas[ \t]+(?P<alias>\w+)"
    r"|for[ \t]+(?P<loop>\w+)"
    r")",
    re.MULTILINE,
)
_IMPORT_RE = re.compile(r"(?:from|import)\b")


@dataclass(frozen=True)
class Slice:
    text: str  # the kept statements, in order
    line_map: tuple[int, ...]  # kept line i (0-based) -> original line number (1-based)


def _statements(text: str) -> tuple[list[tuple[int, int]], list[int]] | None:
    """Character spans of the top-level statements, and the start of every line that begins
    outside brackets and strings (where a class member can begin); None when the scan is unsure."""
    starts = [0]
    lines: list[int] = []
    depth = 0
    for match in _SCAN_RE.finditer(text):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth < 0:
                return None
        elif kind == "nl" and depth == 0:
            position = match.end()
            lines.append(position)
            if position < len(text) and not text[position].isspace() and text[position] != "#":
                if not _CONTINUATION_RE.match(text, position):
                    starts.append(position)
    if depth != 0:
        return None
    spans = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        spans.append((start, end))
    # A decorator belongs to the statement it decorates: a span joins the one before it only
    # when that raw span is a decorator line (not when the merged span began with one, which
    # would fold every later statement into the first decorated one).
    merged: list[tuple[int, int]] = []
    previous_is_decorator = False
    for start, end in spans:
        if merged and previous_is_decorator:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
        previous_is_decorator = text.startswith("@", start)
    return merged, lines


_DEFINITION_RE = re.compile(r"[ \t]*(?:async[ \t]+)?(?P<keyword>def|class)[ \t]+(?P<name>\w+)")
_DEFINITIONS_AT: dict[str, re.Pattern[str]] = {}


def definition_at(text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
    """The `def NAME` or `class NAME` of a definition statement beginning at `start`, after
    its decorators; None when the statement is no definition.

    A decorator's arguments may span lines (`@pytest.mark.parametrize(\n ...\n)`): what
    follows the decorators is the first line at the statement's own indentation that starts
    with def or class, which Python's grammar requires to be there.
    """
    end = len(text) if end is None else end
    line_end = text.find("\n", start, end)
    first = text[start : end if line_end == -1 else line_end]
    stripped = first.lstrip(" \t")
    if not stripped.startswith("@"):
        return _DEFINITION_RE.match(text, start, end)
    indent = first[: len(first) - len(stripped)]
    pattern = _DEFINITIONS_AT.get(indent)
    if pattern is None:
        pattern = re.compile(rf"^{indent}(?:async[ \t]+)?(?P<keyword>def|class)[ \t]+(?P<name>\w+)", re.MULTILINE)
        _DEFINITIONS_AT[indent] = pattern
    return pattern.search(text, start, end)


# `global a, b` inside a function: the module names it may bind. (`nonlocal` binds a name of an
# enclosing function, never one of the module.)
_GLOBAL_NAMES_RE = re.compile(r"^[ \t]+global[ \t]+(\w+(?:[ \t]*,[ \t]*\w+)*)", re.MULTILINE)


def _declared_global(code: str) -> set[str]:
    return {name.strip() for match in _GLOBAL_NAMES_RE.finditer(code) for name in match.group(1).split(",")}


def _bound_names(statement: str) -> set[str]:
    """The module-level names a top-level statement binds.

    A `def` or `class` binds its own name, and the names its `global` statements declare: what
    else is assigned inside it is local to it (or a class attribute). Other compound statements
    (`if`, `for`, `try`, `with`) bind at module level whatever their bodies assign.
    """
    definition = definition_at(statement)
    if definition is not None:
        return {definition.group("name")} | _declared_global(statement)
    names: set[str] = set()
    for match in _BIND_RE.finditer(statement):
        for group in ("def", "cls", "assign", "mutate", "item", "alias", "loop"):
            value = match.group(group)
            if value:
                names.add(value)
        targets = match.group("targets")
        if targets:
            names.update(name.strip() for name in targets.split(","))
    return names


_OUR_NOQA_RE = re.compile(r"#\s*noqa:[^\n]*\bBL\d", re.IGNORECASE)
# Words without which dated text in a statement cannot be reported from that statement: a beta
# is sent (`betas`, `.beta.`), named (`SOME_BETA = ...`) or put under a header key there.
_SENDING_WORDS = ("beta", "header")


# A dict literal bound at module level: its dated text is no module constant another module
# can import (nor is anything inside a def or class).
_DICT_ASSIGNMENT_RE = re.compile(r"\w+[ \t]*(?::[^=\n]*)?=[ \t]*\{")


def _is_seed(
    body: str, patterns: list[re.Pattern[str]], registry: RegistryText | None, precise: bool, top: bool = False
) -> bool:
    """Whether a statement holds something the extractor may report from it.

    Without `precise`, any candidate match. With it, a statement whose only matches are dated
    text is no seed unless it holds a registry name, says beta or header with a dated string
    in code (not only in annotations, docstrings or comments), or is a top-level assignment
    that can bind a module constant another module may import (`top`; python/statements.py).
    A dated string is reported on its own only when it is a registry name or held by a
    beta-named variable, and otherwise only when a send site or header mapping uses it, which
    is then a seed itself and brings the statement in through the names it uses (the fixed
    point). So a test class full of dated slugs, a dict of dated release keys, or an SDK's
    methods taking `model: Literal["gpt-5.5-2026-04-23", ...]`, is not parsed.
    """
    lowered = body.lower()
    if "beta-lint" in lowered or ("noqa" in lowered and _OUR_NOQA_RE.search(body)):
        # A suppression of ours is reported where it is when it suppresses nothing (BL901);
        # another linter's (C901, complexity, on a long method) never is.
        return True
    if "**" in body and ".beta." in lowered:
        return True  # an SDK beta call fed by `**params`: the params may carry betas (issue 13)
    matches = [match for pattern in patterns for match in pattern.finditer(body)]
    if not matches:
        return False
    if not precise:
        return True
    if any(DATED_TEXT_RE.fullmatch(match.group()) is None for match in matches):
        return True
    if registry is not None and registry.found_in(body):
        return True
    if any(word in lowered for word in _SENDING_WORDS):
        # Said beta or header: a seed, unless every dated string is in an annotation or a
        # docstring (OpenAI's `model: Literal["gpt-5.5-2026-04-23", ...]` beside `extra_headers`).
        return dated_text_in_code(body)
    if top and definition_at(body) is None and not _DICT_ASSIGNMENT_RE.match(body):
        return may_export(body)  # a module constant: another module may import and send it
    return False


# A top-level class at least this long is split into its members (each method its own unit).
SPLIT_MIN_LINES = 40


def _class_at(text: str, start: int, end: int) -> re.Match[str] | None:
    definition = definition_at(text, start, end)
    return definition if definition is not None and definition.group("keyword") == "class" else None


_ATTRIBUTE_SET_RE = re.compile(r"\.(?P<attr>\w+)[ \t]*(?::[^=\n]*)?[+|]?=(?!=)")

Unit = tuple[int, int, "int | None", str]  # start, end, index of its class's unit, kind


def _units(text: str, spans: list[tuple[int, int]], lines: list[int]) -> list[Unit]:
    """The top-level statements, with each large class split into a header and its members.

    A member is "def" (a method or nested class: kept when it holds a candidate or binds a
    name that kept code uses) or "other" (class attributes, docstring: kept with the class).
    """
    units: list[Unit] = []
    for start, end in spans:
        split = None
        if text.count("\n", start, end) >= SPLIT_MIN_LINES and _class_at(text, start, end) is not None:
            split = _members(text, start, end, lines)
        if split is None:
            units.append((start, end, None, "statement"))
            continue
        header = len(units)
        units.append((start, split[0][0], None, "statement"))
        for member_start, member_end in split:
            kind = "def" if definition_at(text, member_start, member_end) is not None else "other"
            units.append((member_start, member_end, header, kind))
    return units


def _members(text: str, start: int, end: int, lines: list[int]) -> list[tuple[int, int]] | None:
    """Spans of the statements of a class body, or None when the scan is unsure.

    `lines` are the starts of the lines outside brackets and strings that the file's scan found
    (`_statements`): a member begins at one of them, so the class is not scanned again.
    """
    starts: list[int] = []
    indent: str | None = None
    head = _class_at(text, start, end)
    if head is None:
        return None
    # Lines after the decorators and `class NAME`, up to the end of the class.
    for position in lines[bisect.bisect_right(lines, head.end()) : bisect.bisect_right(lines, end)]:
        line_end = text.find("\n", position, end)
        line = text[position : end if line_end == -1 else line_end]
        stripped = line.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        width = line[: len(line) - len(stripped)]
        if not width:
            return None  # a dedent inside the statement: not a plain class body
        if indent is None:
            indent = width
        if width == indent and not _CONTINUATION_RE.match(text, position + len(width)):
            starts.append(position)
        elif not width.startswith(indent):
            return None  # mixed indentation: parse the class whole
    if indent is None or len(starts) < 2 or "\t" in indent:
        return None
    spans = [(s, starts[i + 1] if i + 1 < len(starts) else end) for i, s in enumerate(starts)]
    merged: list[tuple[int, int]] = []
    previous_is_decorator = False
    for member_start, member_end in spans:  # a decorator belongs to what it decorates
        if merged and previous_is_decorator:
            merged[-1] = (merged[-1][0], member_end)
        else:
            merged.append((member_start, member_end))
        previous_is_decorator = text.startswith("@", member_start + len(indent))
    return merged


def _class_kept(parent: int | None, keep: list[bool]) -> bool:
    return parent is None or keep[parent]


def _member_binds(member: str) -> set[str]:
    """What a method or nested class binds that other code can use: its name, the attributes
    it sets (self.client = ...), and the module names its `global` statements declare.

    Before, any `global` or `nonlocal` made every name assigned in the method count: a test
    with a closure (`nonlocal called`) then bound `client`, and every test using a client was
    parsed (anthropic's test_open_telemetry.py: 7,084 of 8,570 lines for libcst)."""
    head = definition_at(member)
    names = {head.group("name")} if head is not None else set()
    names.update(match.group("attr") for match in _ATTRIBUTE_SET_RE.finditer(member))
    names.update(_declared_global(member))
    return names


def slice_source(
    text: str, candidates: Iterable[re.Pattern[str]], registry_names: frozenset[str] | None = None
) -> Slice | None:
    """The statements that matter, or None to parse the whole file.

    With `registry_names`, statements whose only candidates are dated text that cannot be
    reported from there are not kept for it (see `_is_seed`); a file left with nothing to
    report gives an empty slice.
    """
    if text.count("\n") < SLICE_MIN_LINES:
        return None
    if re.search("\r(?!\n)", text):
        return None  # a lone CR ends a line for Python but not for this scanner: parse whole
    scanned = _statements(text)
    if scanned is None:
        return None
    spans, lines = scanned
    patterns = list(candidates)
    precise = registry_names is not None
    registry = registry_text(registry_names) if registry_names is not None else None
    units = _units(text, spans, lines)
    bodies = [text[start:end] for start, end, _parent, _kind in units]
    seeds = [
        _is_seed(body, patterns, registry, precise, unit[2] is None) for body, unit in zip(bodies, units, strict=True)
    ]
    if precise and not any(seeds):
        return Slice("", ())  # nothing in the file can be reported
    if len(spans) < 2 and len(units) == len(spans):
        return None
    parents = [parent for _start, _end, parent, _kind in units]
    members: dict[int, list[int]] = {}
    for index, parent in enumerate(parents):
        if parent is not None:
            members.setdefault(parent, []).append(index)
    keep = [False] * len(units)
    # What a unit binds is asked of those not yet kept (and of kept client definitions):
    # worked out on demand, since big kept class bodies are most of a large file.
    binds: dict[int, set[str]] = {}

    def bound(index: int) -> set[str]:
        if index not in binds:
            kind = units[index][3]
            binds[index] = _member_binds(bodies[index]) if kind == "def" else _bound_names(bodies[index])
        return binds[index]

    def take(index: int, into: list[int]) -> None:
        """Keep a unit, the class it is a member of, and that class's plain statements."""
        if keep[index]:
            return
        keep[index] = True
        into.append(index)
        parent = parents[index]
        if parent is not None:
            take(parent, into)
        for member in members.get(index, ()):
            if units[member][3] == "other":
                take(member, into)

    added: list[int] = []
    for index, body in enumerate(bodies):
        if seeds[index] or (parents[index] is None and _IMPORT_RE.match(body)):
            take(index, added)
    if not any(keep):
        return None
    needed: set[str] = set()
    clients: set[str] = set()  # names of clients with client-wide headers: their calls matter too
    while added:
        for index in added:
            needed.update(_IDENT_RE.findall(bodies[index]))
            if "default_headers" in bodies[index] or "with_options" in bodies[index]:
                clients.update(bound(index))
        candidates_now = [
            index
            for index, kept in enumerate(keep)
            if not kept
            and _class_kept(parents[index], keep)  # a member is asked once its class is kept
            and (bound(index) & needed or (clients and clients & set(_IDENT_RE.findall(bodies[index]))))
        ]
        added = []
        for index in candidates_now:
            take(index, added)
    for parent, listed in members.items():
        if keep[parent] and not any(keep[m] for m in listed):
            keep[listed[0]] = True  # a class body cannot be empty
    if all(keep):
        return None
    pieces: list[str] = []
    line_map: list[int] = []
    for index, (start, _end, _parent, _kind) in enumerate(units):
        if not keep[index]:
            continue
        body = bodies[index]
        if not body.endswith("\n"):
            body += "\n"
        first_line = text.count("\n", 0, start) + 1
        pieces.append(body)
        line_map.extend(range(first_line, first_line + body.count("\n")))
    return Slice("".join(pieces), tuple(line_map))
