"""Property tests on generated programs: the linter never raises, locations are exact, the JSON
report always matches its schema, and --fix only ever touches what it reports.

Programs come from hypothesmith (valid Python from the grammar, or from libcst's node types);
beta usages are spliced in as whole top-level statements at statement boundaries.
The number of examples follows HYPOTHESIS_PROFILE (see fuzz_settings.py).
"""

from __future__ import annotations

import ast
import bisect
import io
import json
import re
import subprocess
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import hypothesmith
import jsonschema
import libcst
from conftest import TODAY, make_linter, run_cli
from fuzz_settings import FUZZ, NIGHTLY, examples
from hypothesis import assume, event, given, note
from hypothesis import strategies as st

from beta_lint import __version__
from beta_lint.files.source import Cell, ReadError, SourceFile, decode_python
from beta_lint.fix import apply as fixer
from beta_lint.knowledge.registry import default_registry
from beta_lint.model import Diagnostic, Edit, FileResult, Location
from beta_lint.pipeline.linter import Linter
from beta_lint.report import ReportContext, renderers
from beta_lint.report.json_report import render_json

LINTER = make_linter(today=TODAY)  # every rule, default-off ones included
REGISTRY = default_registry()

# ---------------------------------------------------------------- the JSON report's schema

_POSITION = {"type": "integer", "minimum": 1}
REPORT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "beta-lint check --output-format json (version 1)",
    "type": "object",
    "additionalProperties": False,
    "required": ["version", "tool", "registry", "diagnostics", "summary"],
    "properties": {
        "version": {"const": 1},
        "tool": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "version"],
            "properties": {"name": {"const": "beta-lint"}, "version": {"type": "string", "minLength": 1}},
        },
        "registry": {
            "type": "object",
            "additionalProperties": False,
            "required": ["updated"],
            "properties": {"updated": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}},
        },
        # The SDK whose facts the run used (README "Which SDK"); path null: no package was read.
        "sdk": {
            "type": ["object", "null"],
            "additionalProperties": False,
            "required": ["version", "path", "origin"],
            "properties": {
                "version": {"type": "string", "minLength": 1},
                "path": {"type": ["string", "null"]},
                "origin": {"type": "string", "minLength": 1},
            },
        },
        "diagnostics": {"type": "array", "items": {"$ref": "#/$defs/diagnostic"}},
        "summary": {
            "type": "object",
            "additionalProperties": False,
            "required": ["files", "diagnostics", "suppressed"],
            "properties": {
                "files": {"type": "integer", "minimum": 0},
                "diagnostics": {"type": "integer", "minimum": 0},
                "suppressed": {"type": "integer", "minimum": 0},
            },
        },
    },
    "$defs": {
        "diagnostic": {
            "type": "object",
            "additionalProperties": False,
            "required": [
                "code",
                "name",
                "severity",
                "message",
                "path",
                "cell",
                "line",
                "column",
                "end_line",
                "end_column",
                "beta",
                "endpoint",
                "related",
                "fix",
            ],
            "properties": {
                "code": {"type": "string", "pattern": r"^BL\d{3}$"},
                "name": {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$"},
                "severity": {"enum": ["error", "warning"]},
                "message": {"type": "string", "minLength": 1},
                "path": {"type": "string", "minLength": 1},
                "cell": {"type": ["integer", "null"], "minimum": 1},
                "line": _POSITION,
                "column": _POSITION,
                "end_line": _POSITION,
                "end_column": _POSITION,
                "beta": {"type": ["string", "null"]},
                "endpoint": {"type": ["string", "null"], "pattern": "^/"},
                "related": {"type": "array", "items": {"$ref": "#/$defs/location"}},
                "fix": {"oneOf": [{"type": "null"}, {"$ref": "#/$defs/fix"}]},
            },
        },
        "location": {
            "type": "object",
            "additionalProperties": False,
            "required": ["path", "cell", "line", "column"],
            "properties": {
                "path": {"type": "string", "minLength": 1},
                "cell": {"type": ["integer", "null"], "minimum": 1},
                "line": _POSITION,
                "column": _POSITION,
            },
        },
        "fix": {
            "type": "object",
            "additionalProperties": False,
            "required": ["applicability", "message", "note", "edits"],
            "properties": {
                "applicability": {"enum": ["safe", "unsafe"]},
                "message": {"type": "string", "minLength": 1},
                "note": {"type": ["string", "null"]},
                "edits": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/edit"}},
            },
        },
        "edit": {
            "type": "object",
            "additionalProperties": False,
            "required": ["content", "line", "column", "end_line", "end_column"],
            "properties": {
                "content": {"type": "string"},
                "line": _POSITION,
                "column": _POSITION,
                "end_line": _POSITION,
                "end_column": _POSITION,
            },
        },
    },
}
jsonschema.Draft202012Validator.check_schema(REPORT_SCHEMA)
_VALIDATOR = jsonschema.Draft202012Validator(REPORT_SCHEMA)


def validate_report(document: dict[str, Any]) -> None:
    """The schema, plus what a schema cannot say: counts agree, ranges are not reversed."""
    errors = sorted(_VALIDATOR.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    diagnostics = document["diagnostics"]
    assert document["summary"]["diagnostics"] == len(diagnostics)
    for item in diagnostics:
        assert (item["end_line"], item["end_column"]) >= (item["line"], item["column"]), item
        for edit in (item["fix"] or {}).get("edits", []):
            assert (edit["end_line"], edit["end_column"]) >= (edit["line"], edit["column"]), item


def report_context() -> ReportContext:
    return ReportContext(tool_version=__version__, registry_updated=REGISTRY.updated, root=".")


# ---------------------------------------------------------------- positions, as the tool counts them


class Lines:
    """Lines of a text split on \\r\\n, \\r and \\n (as libcst and the tool split them)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def __len__(self) -> int:
        return len(self.starts)  # a text ending in a newline has an empty last line: EOF is on it

    def length(self, line: int) -> int:
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return len(re.sub(r"(\r\n|\r|\n)$", "", self.text[self.starts[line - 1] : end]))

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def inside(self, line: int, column: int) -> bool:
        return 1 <= line <= len(self) and 1 <= column <= self.length(line) + 1


def check_range(lines: Lines, loc: Location, what: str, offsets: bool = True) -> None:
    where = f"{what} at {loc.line}:{loc.column}-{loc.end_line}:{loc.end_column}"
    assert lines.inside(loc.line, loc.column), f"{where}: start outside the file ({len(lines)} lines)"
    assert lines.inside(loc.end_line, loc.end_column), f"{where}: end outside the file"
    assert (loc.end_line, loc.end_column) >= (loc.line, loc.column), f"{where}: reversed range"
    if offsets:
        assert 0 <= loc.offset <= loc.end_offset <= len(lines.text), f"{where}: offsets {loc.offset}-{loc.end_offset}"
        assert lines.position(loc.offset) == (loc.line, loc.column), f"{where}: offset {loc.offset} disagrees"
        assert lines.position(loc.end_offset) == (loc.end_line, loc.end_column), f"{where}: end offset disagrees"


# Where each rule reports (checks.py): on the name as written, on the expression that carries it
# into the request, or elsewhere (a key, a call) with a beta that is *missing* from the code.
AT_NAME = {"BL001", "BL002", "BL003", "BL101", "BL102", "BL103", "BL104"}
AT_SITE = {"BL201", "BL204", "BL205", "BL207", "BL301", "BL303"}
MISSING_BETA = {"BL202", "BL206"}


def _literal_value(text: str) -> str | None:
    """The value of `text` when it is string literals only, joined implicitly or by `+`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None

    def value(node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = value(node.left), value(node.right)
            return left + right if left is not None and right is not None else None
        return None

    return value(tree)


def check_diagnostic(lines: Lines, diagnostic: Diagnostic) -> None:
    loc = diagnostic.location
    assert loc.cell is None
    label = f"{diagnostic.code} ({diagnostic.message[:80]})"
    if diagnostic.code == "BL999":
        check_range(lines, loc, label, offsets=False)  # parse errors carry no offsets
        return
    check_range(lines, loc, label)
    for related in diagnostic.related:
        assert lines.inside(related.line, related.column), f"{label}: related {related} outside the file"
    if diagnostic.fix is not None:
        for edit in diagnostic.fix.edits:
            check_range(lines, edit.location, f"{label} fix edit")
    if diagnostic.beta is None or diagnostic.code in MISSING_BETA:
        return
    written = lines.text[loc.offset : loc.end_offset]
    if diagnostic.code in AT_NAME:
        if written != diagnostic.beta:
            # A name not written as plain text (an escape, a header value inside a literal, the
            # pieces of "files-api-" "2025-04-14"): the range is every literal holding it.
            value = _literal_value(written)
            assert value and (diagnostic.beta in value or diagnostic.beta.startswith(value)), (
                f"{label}: range holds {written!r}, not {diagnostic.beta!r}"
            )
    else:
        assert diagnostic.code in AT_SITE, f"{label}: a rule with a beta this test does not know where to look for"
        # The site is the literal holding the name, or the name of what carries it (BETAS, self.x).
        assert diagnostic.beta in written or re.fullmatch(r"[A-Za-z_][\w.]*", written), (
            f"{label}: site {written!r} neither holds {diagnostic.beta!r} nor names a value"
        )


# ---------------------------------------------------------------- programs with betas spliced in

PROGRAMS = st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node())

# Every registry status, plus names the API would reject: unknown, malformed, misspelled, odd text.
_SPECIAL = [
    "x-2025-01-01",
    "files-api-2025-04-14",
    "Files_API-2025-04-14",
    "files-api-2025-4-14",
    "files-api-2025-02-30",
    "files-api",
    "context-managment-2025-06-27",
    "computer-use-2025-04-29",
    "café-2025-01-01",
    "日本-2025-01-01",
    "",
]
# Names that some rule has something to say about: lifecycle, endpoints, models, platforms, SDK.
_NOTABLE = sorted(
    beta.name
    for beta in REGISTRY.betas.values()
    if beta.status in ("ga", "superseded", "retired")
    or beta.retires
    or beta.endpoints
    or beta.required_on
    or beta.models
    or beta.platforms_unsupported
    or beta.sdk_added_by
)
NAMES = st.one_of(st.sampled_from(_NOTABLE), st.sampled_from(_SPECIAL), st.sampled_from(REGISTRY.names()))
SEPARATORS = st.sampled_from([",", ",", ",", ", ", ",,", ";", " "])
QUOTES = st.sampled_from(['"', "'", '"""', "r'", "u'"])


def _literal(name: str, quote: str) -> str:
    prefix, mark = (quote[0], quote[1:]) if quote[0] in "ru" else ("", quote)
    return f"{prefix}{mark}{name}{mark}"


@st.composite
def snippets(draw: st.DrawFn, index: int) -> str:
    """One group of top-level statements sending betas in one of the ways the extractor follows."""
    names = draw(st.lists(NAMES, max_size=4))
    quote = draw(QUOTES)
    items = ", ".join(_literal(n, quote) for n in names)
    header = draw(SEPARATORS).join(names)
    form = draw(
        st.sampled_from(
            [
                "call",
                "multiline",
                "header-dict",
                "extra-headers",
                "constant",
                "list-constant",
                "default-headers",
                "with-options",
                "non-beta-method",
                "raw-http",
                "function",
                "suppressed",
                "bedrock",
                "files",
                "raw-header-string",
            ]
        )
    )
    model = draw(st.sampled_from(["", 'model="claude-opus-4-6", ', 'model="claude-3-haiku-20240307", ']))
    i = index
    if form == "call":
        return f"client.beta.messages.create({model}betas=[{items}], max_tokens=5)\n"
    if form == "multiline":
        body = "".join(f"        {_literal(n, quote)},  # item {k}\n" for k, n in enumerate(names))
        return f"client.beta.messages.create(\n    {model}betas=[\n{body}    ],\n)\n"
    if form == "header-dict":
        return (
            f'HEADERS_{i} = {{"anthropic-beta": "{header}"}}\nclient.beta.messages.create(extra_headers=HEADERS_{i})\n'
        )
    if form == "extra-headers":
        key = draw(st.sampled_from(["anthropic-beta", "Anthropic-Beta", "anthropic_beta", "anthropic-betas"]))
        return f'client.messages.create({model}extra_headers={{"{key}": "{header}"}})\n'
    if form == "constant":
        first = _literal(names[0], quote) if names else '"x-2025-01-01"'
        return f"BETA_{i} = {first}\nclient.beta.messages.create(betas=[BETA_{i}, BETA_{i}])\n"
    if form == "list-constant":
        return (
            f"BETAS_{i} = [{items}]\nBETAS_{i}.append('x-2025-01-01')\nclient.beta.messages.create(betas=BETAS_{i})\n"
        )
    if form == "default-headers":
        return (
            f'client_{i} = anthropic.Anthropic(default_headers={{"anthropic-beta": "{header}"}})\n'
            f"client_{i}.messages.create({model}max_tokens=5)\nclient_{i}.beta.files.list()\n"
        )
    if form == "with-options":
        return f'client.with_options(default_headers={{"anthropic-beta": "{header}"}}).messages.count_tokens()\n'
    if form == "non-beta-method":
        return f"client.messages.create({model}betas=[{items}])\n"
    if form == "raw-http":
        route = draw(st.sampled_from(["messages", "files", "agents", "skills", "messages/batches"]))
        return (
            "import httpx\n"
            f'httpx.post("https://api.anthropic.com/v1/{route}", headers={{"anthropic-beta": "{header}"}})\n'
        )
    if form == "function":
        return f"def send_{i}(c=client):\n    return c.beta.messages.create({model}betas=[{items}])\n"
    if form == "suppressed":
        code = draw(st.sampled_from(["BL002", "BL1", "BL999", "", "BL101, BL301"]))
        return f"client.beta.messages.create(betas=[{items}])  # noqa{': ' + code if code else ''}\n"
    if form == "bedrock":
        return (
            f"bedrock_{i} = anthropic.AnthropicBedrock()\n"
            f'bedrock_{i}.beta.messages.create(model="anthropic.claude-opus-4-6-v1:0", betas=[{items}])\n'
        )
    if form == "files":
        return f"client.beta.files.upload(file=b'', betas=[{items}])\n"
    return f'RAW_{i} = "anthropic-beta: {header}"\n'


HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
FILLER = "".join(f"_pad_{k} = {k}\n" for k in range(650))  # makes the file long enough to be sliced


@dataclass(frozen=True)
class Spliced:
    text: str
    # (start, end) offsets of every inserted piece: everything else is the generated program.
    inserted: tuple[tuple[int, int], ...]


def _boundaries(program: str) -> list[int]:
    """Line numbers (0-based) before which a whole top-level statement can be inserted."""
    lines = io.StringIO(program, newline="").readlines()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(program)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return [len(lines)]
    found = {len(lines)}
    for node in tree.body:
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        line = lines[first - 1] if first - 1 < len(lines) else ""
        previous = lines[first - 2] if first >= 2 else "\n"
        continued = previous.rstrip("\r\n").endswith("\\") or not previous.endswith(("\n", "\r"))
        if node.col_offset == 0 and not line[:1].isspace() and not continued:
            found.add(first - 1)
    return sorted(found)


@st.composite
def spliced_programs(draw: st.DrawFn, pad: bool = True) -> Spliced:
    program = draw(PROGRAMS)
    if program and not program.endswith(("\n", "\r")):
        program += "\n"
    lines = io.StringIO(program, newline="").readlines()
    pieces = [HEAD, *(draw(snippets(i)) for i in range(draw(st.integers(1, 4))))]
    if pad and draw(st.booleans()):
        pieces.insert(draw(st.integers(1, len(pieces))), FILLER)
    bounds = _boundaries(program)
    where = sorted(draw(st.lists(st.sampled_from(bounds), min_size=len(pieces), max_size=len(pieces))))
    out: list[str] = []
    inserted: list[tuple[int, int]] = []
    cursor = 0
    size = 0
    for piece, line in zip(pieces, where, strict=True):
        chunk = "".join(lines[cursor:line])
        out.append(chunk)
        size += len(chunk)
        out.append(piece)
        inserted.append((size, size + len(piece)))
        size += len(piece)
        cursor = line
    out.append("".join(lines[cursor:]))
    return Spliced("".join(out), tuple(inserted))


def encode(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        assume(False)  # lone surrogates: not a file anyone can write
        raise


def lint_bytes(data: bytes, path: str = "fuzz.py", linter: Linter = LINTER) -> FileResult:
    return linter.lint(path, data)


def check_result(result: FileResult, data: bytes) -> None:
    try:
        text = decode_python(data)[0]
    except ReadError:
        # Unreadable: one BL999 at 1:1, or nothing when the prefilter finds no beta-like bytes.
        assert [(d.code, d.location.line, d.location.column) for d in result.diagnostics] in ([], [("BL999", 1, 1)])
        return
    lines = Lines(text)
    for diagnostic in result.diagnostics:
        check_diagnostic(lines, diagnostic)


def check_reports(results: Sequence[FileResult]) -> None:
    """JSON validates; every other format renders (and the machine-readable ones parse)."""
    ctx = report_context()
    document = json.loads(render_json(results, ctx))
    validate_report(document)
    assert document["summary"]["files"] == len(results)
    for name, render in renderers().items():
        output = render(results, ctx)
        if name in ("sarif", "gitlab"):
            json.loads(output)


# ---------------------------------------------------------------- properties of `check`


@FUZZ
@given(spliced_programs())
def test_generated_programs_lint_without_error_at_exact_locations(spliced: Spliced) -> None:
    note(spliced.text)
    data = encode(spliced.text)
    result = lint_bytes(data)
    for code in sorted({d.code for d in result.diagnostics}):
        event(f"reports {code}")  # --hypothesis-show-statistics: what the examples reached
    check_result(result, data)
    check_reports([result])


# A mutation is any edit a half-written file might show: text cut off, a character lost or typed.
_TYPED = st.sampled_from([*"([{)]}'\"#:\n\t ,=", "\r", "\x0c", "\\\n", "é", "\ufeff", "'''", "\x00"])


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    text = draw(spliced_programs(pad=False)).text
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["cut", "delete", "insert"]))
        if kind == "cut":
            text = text[:at]
        elif kind == "delete":
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + draw(_TYPED) + text[at:]
    data = encode(text)
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80"])) + data[at:]
    return data


@FUZZ
@given(mutated())
def test_broken_programs_give_bl999_or_findings_never_an_exception(data: bytes) -> None:
    note(repr(data))
    # A cut or a lost character may leave a string with a broken escape ("\x4"), an unclosed
    # bracket or half a UTF-8 sequence: a BL999, never an exception.
    result = lint_bytes(data)
    check_result(result, data)
    check_reports([result])


def test_cli_json_over_generated_programs_validates(tmp_path: Path) -> None:
    """One real run of the installed command over a folder of generated programs."""
    programs: list[bytes] = []

    @examples(15)
    @given(spliced_programs(pad=False))
    def collect(spliced: Spliced) -> None:
        programs.append(encode(spliced.text))

    collect()
    (tmp_path / "beta-lint.toml").write_text("")
    for index, data in enumerate(programs):
        (tmp_path / f"gen_{index:03}.py").write_bytes(data)
    (tmp_path / "junk.py").write_bytes(b"betas = [\xff\n")
    result = run_cli("check", "--no-cache", "--output-format", "json", "--today", TODAY.isoformat(), ".", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    document = json.loads(result.stdout)
    validate_report(document)
    assert document["summary"]["files"] == len(programs) + 1
    assert {"junk.py"} <= {d["path"] for d in document["diagnostics"]}
    assert {d["path"] for d in document["diagnostics"]} <= {p.name for p in tmp_path.glob("*.py")}


# ---------------------------------------------------------------- round trip of --fix


def _parses(text: str) -> bool:
    try:
        libcst.parse_module(text)
    except Exception:
        return False
    return True


def _compiles(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<fuzz>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _apply(text: str, edits: Sequence[Edit]) -> str:
    """Edits applied independently of the fixer: by position, from the start, never overlapping."""
    out: list[str] = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: (e.location.offset, e.location.end_offset)):
        start, end = edit.location.offset, edit.location.end_offset
        assert cursor <= start <= end <= len(text), f"edits overlap or leave the text: {edits}"
        out.append(text[cursor:start])
        out.append(edit.content)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def _shift(spans: Sequence[tuple[int, int]], edits: Sequence[Edit]) -> list[tuple[int, int]]:
    """Where the inserted pieces are after the edits (each edit lies inside one of them)."""
    out = []
    for start, end in spans:
        delta_before = delta_inside = 0
        for edit in edits:
            delta = len(edit.content) - (edit.location.end_offset - edit.location.offset)
            if edit.location.end_offset <= start and edit.location.offset < start:
                delta_before += delta
            elif start <= edit.location.offset and edit.location.end_offset <= end:
                delta_inside += delta
        out.append((start + delta_before, end + delta_before + delta_inside))
    return out


@st.composite
def fixable_programs(draw: st.DrawFn) -> tuple[Spliced, bool]:
    spliced = draw(spliced_programs())
    assume(_parses(spliced.text))
    return spliced, draw(st.booleans())


@FUZZ
@given(fixable_programs())
def test_fix_round_trip_parses_is_idempotent_and_edits_only_reported_spans(case: tuple[Spliced, bool]) -> None:
    spliced, unsafe = case
    note(spliced.text)
    data = encode(spliced.text)
    text = decode_python(data)[0]
    result = lint_bytes(data)
    assume(any(fixer.applicable(d, unsafe) for d in result.diagnostics))

    # Round by round, as fix_text does it, with edits applied by an independent implementation.
    spans = list(spliced.inserted)
    current, diagnostics = text, list(result.diagnostics)
    first_round: str | None = None
    for _ in range(fixer.MAX_ROUNDS):
        edits, fixed = fixer.choose_edits(diagnostics, unsafe)
        if not edits:
            break
        for code in sorted({d.code for d in fixed}):
            event(f"fixes {code}")
        lines = Lines(current)
        for edit in edits:
            check_range(lines, edit.location, "fix edit")
            # Only the spliced beta code is edited: the generated program around it never is.
            inside = [(s, e) for s, e in spans if s <= edit.location.offset <= edit.location.end_offset <= e]
            assert inside, f"edit {edit} touches text outside the inserted statements"
        following = _apply(current, edits)
        assert following == fixer.apply_edits(current, edits)
        spans = _shift(spans, edits)
        current = following
        first_round = current if first_round is None else first_round
        again = LINTER.lint_source(SourceFile("fuzz.py", b"", "utf-8", current, (Cell(current, None),)))
        diagnostics = list(again.diagnostics)

    # The command's own path (--fix from standard input) gives the same text, first round included.
    with mock.patch.object(fixer, "MAX_ROUNDS", 1):
        once = fixer.apply_fixes(LINTER, [result], unsafe=unsafe, write=False, stdin_data=data)
    assert not once.errors, once.errors
    assert once.stdin_text == first_round
    outcome = fixer.apply_fixes(LINTER, [result], unsafe=unsafe, write=False, stdin_data=data)
    assert not outcome.errors, outcome.errors
    final = outcome.stdin_text
    assert final == current

    # Outside the inserted statements, the program is byte for byte what it was.
    outside_before = _outside(text, spliced.inserted)
    outside_after = _outside(final, spans)
    assert outside_after == outside_before
    # The result parses (and still compiles when the input did).
    assert _parses(final)
    if _compiles(text):
        assert _compiles(final), "the fix turned code Python accepts into code it rejects"
    # Idempotent: fixing the fixed text changes nothing.
    refixed = fixer.apply_fixes(
        LINTER, [lint_bytes(final.encode())], unsafe=unsafe, write=False, stdin_data=final.encode()
    )
    assert not refixed.errors and not refixed.fixed, refixed.applied
    assert (refixed.stdin_text or final) == final


def _outside(text: str, spans: Sequence[tuple[int, int]]) -> list[str]:
    pieces = []
    cursor = 0
    for start, end in sorted(spans):
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])
    return pieces


# ---------------------------------------------------------------- the settings themselves


def test_profiles_are_registered_and_selected_by_environment() -> None:
    code = (
        "import fuzz_settings, hypothesis\n"
        "print(fuzz_settings.PROFILE, fuzz_settings.FUZZ.max_examples,"
        " hypothesis.settings.get_profile('nightly').max_examples)\n"
    )
    tests = str(Path(__file__).parent)
    for profile, expected in ((None, "ci 50 2000"), ("nightly", "nightly 2000 2000")):
        env = {"PYTHONPATH": tests} | ({"HYPOTHESIS_PROFILE": profile} if profile else {})
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True, timeout=60
        )
        assert done.stdout.split() == expected.split()


# ---------------------------------------------------------------- issue 14: faults and hostile input
#
# Each campaign is bounded in count (and so in time) and prints how many cases it ran; none may
# raise, hang, or change a byte it should not. Expected bytes are built from the input by hand.

import codecs as _codecs  # noqa: E402
import encodings.aliases as _aliases  # noqa: E402
import os as _os  # noqa: E402
import random as _random  # noqa: E402
import threading as _threading  # noqa: E402

_HEAD14 = "import anthropic\n\nclient = anthropic.Anthropic()\n"
_CALL14 = 'client.beta.messages.create(model="m", betas=["compact-2026-01-12", "pdfs-2024-09-25"])\n'
_FIXED14 = 'client.beta.messages.create(model="m", betas=["compact-2026-01-12"])\n'


def _report(campaign: str, cases: int) -> None:
    print(f"campaign {campaign}: {cases} cases")


def _every_codec() -> list[str]:
    names = set(_aliases.aliases.values()) | set(_aliases.aliases)
    found = {}
    for name in sorted(names):
        try:
            found.setdefault(_codecs.lookup(name).name, name)
        except LookupError:
            continue
    return sorted(found.values())


def test_campaign_every_codec_in_a_coding_cookie(tmp_path: Path) -> None:
    """Every codec Python knows, as a cookie: the fix is written so it reads back as the intended
    text, or refused with the file untouched; never an exception."""
    linter = make_linter()
    cases = written = refused = 0
    for codec in _every_codec():
        text = f"# coding: {codec}\n# caf\u00e9\n" + _HEAD14 + _CALL14
        try:
            data = text.encode(codec)
        except (UnicodeError, LookupError, TypeError, ValueError):
            data = f"# coding: {codec}\n".encode() + (_HEAD14 + _CALL14).encode()
        path = tmp_path / f"c{cases}.py"
        path.write_bytes(data)
        cases += 1
        result = linter.lint(str(path))
        outcome = fixer.apply_fixes(linter, [result], unsafe=False, write=True)
        after = path.read_bytes()
        if outcome.fixed:
            written += 1
            back, _ = decode_python(after)
            original, _ = decode_python(data)
            assert back == original.replace(_CALL14, _FIXED14), codec
            assert ast.parse(after) is not None
        else:
            refused += bool(outcome.errors)
            assert after == data, codec
    _report("coding cookies", cases)
    print(f"  written {written}, refused {refused}")
    assert cases > 80 and written > 20


def _nb_line(rng: _random.Random) -> str:
    return rng.choice(["!pwd", "%time x = 1", "    ", "", "x = 1", "!ls -la \\", "  -h", "%matplotlib inline", "y?"])


def _notebook14(cells: list[list[str]], indent: int) -> str:
    document = {
        "cells": [
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": lines}
            for lines in cells
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=indent, ensure_ascii=False) + "\n"


def test_campaign_notebooks_with_magics_bom_and_layouts() -> None:
    """Generated notebooks: magics and shell lines around a fixable call, a BOM or not, three
    layouts. The fix changes the call's line and nothing else, or refuses and changes nothing."""
    linter = make_linter()
    rng = _random.Random(14)
    count = 60 if not NIGHTLY else 1000
    fixed = 0
    for case in range(count):
        before = [_nb_line(rng) + "\n" for _ in range(rng.randrange(0, 5))]
        after = [_nb_line(rng) + "\n" for _ in range(rng.randrange(0, 5))]
        if after and after[-1].rstrip("\n").endswith("\\"):
            after.append("x = 2\n")
        if before and before[-1].rstrip("\n").endswith("\\"):
            before.append("x = 2\n")
        head = [line + "\n" for line in _HEAD14.rstrip("\n").split("\n")]
        cell = head + before + [_CALL14] + after
        indent = rng.choice([1, 2, 4])
        bom = _codecs.BOM_UTF8 if rng.random() < 0.3 else b""
        data = bom + _notebook14([cell], indent).encode()
        result = linter.lint("nb.ipynb", data)
        outcome = fixer.apply_fixes(linter, [result], unsafe=False, write=False, stdin_data=data)
        if outcome.stdin_bytes is None:
            continue
        fixed += 1
        expected = bom + _notebook14([head + before + [_FIXED14] + after], indent).encode()
        assert outcome.stdin_bytes == expected, (case, cell)
    _report("notebooks", count)
    print(f"  fixed {fixed}")
    assert fixed > count // 2


def test_campaign_damaged_caches(tmp_path: Path) -> None:
    """Truncated and byte-flipped cache files: every load is the original entries or a miss."""
    from beta_lint.files.cache import ResultCache

    linter = make_linter()
    source = tmp_path / "a.py"
    source.write_text(_HEAD14 + _CALL14)
    result = linter.lint(str(source))
    folder = tmp_path / "cache"
    cache = ResultCache(folder, "k")
    cache.put(str(source), result.digest or "", result)
    cache.save()
    pristine = cache.file.read_bytes()
    expected = {(str(source), result.digest or ""): result}
    rng = _random.Random(14)
    count = 150 if not NIGHTLY else 2000
    for case in range(count):
        damaged = bytearray(pristine)
        if case % 2:
            del damaged[rng.randrange(len(damaged)) :]
        else:
            at = rng.randrange(len(damaged))
            damaged[at] ^= 1 << rng.randrange(8)
        cache.file.write_bytes(bytes(damaged))
        loaded = ResultCache(folder, "k").entries
        assert loaded in ({}, expected), case
    _report("damaged caches", count)


def test_campaign_files_swapped_between_phases(tmp_path: Path) -> None:
    """After linting, the file becomes a FIFO, a link to a device, a link elsewhere, a folder or
    a bigger file: the fix never blocks, never writes through to what is now there."""
    linter = make_linter()
    swaps = ["fifo", "dev-zero", "dev-null", "other-link", "folder", "grown", "gone"]
    cases = 0
    for round_number in range(2):
        for swap in swaps:
            folder = tmp_path / f"{swap}{round_number}"
            folder.mkdir()
            path = folder / "a.py"
            path.write_text(_HEAD14 + _CALL14)
            other = folder / "other.py"
            other.write_text(_HEAD14 + _CALL14 + "# another file\n")
            result = linter.lint(str(path))
            path.unlink()
            if swap == "fifo":
                _os.mkfifo(path)
            elif swap == "dev-zero":
                path.symlink_to("/dev/zero")
            elif swap == "dev-null":
                path.symlink_to("/dev/null")
            elif swap == "other-link":
                path.symlink_to(other)
            elif swap == "folder":
                path.mkdir()
            elif swap == "grown":
                path.write_text(_HEAD14 + _CALL14 + "# more\n")
            done: list[Any] = []
            worker = _threading.Thread(
                target=lambda done=done, result=result: done.append(
                    fixer.apply_fixes(linter, [result], unsafe=False, write=True)
                ),
                daemon=True,
            )
            worker.start()
            worker.join(20)
            cases += 1
            assert done, f"fix blocked after the file became {swap}"
            assert not done[0].fixed, swap
            assert other.read_text() == _HEAD14 + _CALL14 + "# another file\n"
    _report("files swapped between phases", cases)


def test_campaign_signals_during_check_and_fix(tmp_path: Path) -> None:
    """SIGINT and SIGTERM at spread-out moments of `check` and `check --fix`: the run ends
    promptly, leaves no temporary file, and every file is untouched or wholly fixed."""
    import time

    env = {k: v for k, v in _os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    bad, good = (_HEAD14 + _CALL14) * 10, (_HEAD14 + _FIXED14) * 10
    cases = 0
    for mode in (["check"], ["check", "--fix"]):
        for signum in (2, 15):
            for delay in (0.3, 0.9):
                folder = tmp_path / f"s{cases}"
                folder.mkdir()
                (folder / "beta-lint.toml").write_text("")
                for index in range(150):
                    (folder / f"m{index}.py").write_text(bad)
                process = subprocess.Popen(
                    [sys.executable, "-m", "beta_lint", *mode, "--no-cache", "."],
                    cwd=folder,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    env=env,
                )
                time.sleep(delay)
                process.send_signal(signum)
                _, err = process.communicate(timeout=60)
                cases += 1
                assert b"Traceback" not in err, err
                # -2: killed by the SIGINT itself (before beta-lint's handler runs); a shell shows 130.
                assert process.returncode in (0, 1, 130, -2, -15), (mode, signum, process.returncode, err)
                assert not list(folder.glob(".beta-lint-*.tmp"))
                for index in range(150):
                    assert (folder / f"m{index}.py").read_text() in (bad, good)
    _report("signals", cases)
