"""Reading a file: bytes, the prefilter, decoding (PEP 263, BOM) and notebook cells.

The prefilter works on bytes and must never lose a usage: a file is parsed when it could
hold a beta in any context the extractor understands (see `could_hold_beta`).
"""

from __future__ import annotations

import codecs
import functools
import io
import os
import re
import stat
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass

# What makes a Python file worth parsing. Every usage the extractor reports needs one of:
# - a `betas` keyword or an anthropic-beta header key (any spelling it reports: anthropic_beta,
#   anthropic-betas, x-anthropic-beta, any case) -> "beta" with "anthropic" or "betas";
# - a dated string: registry names, names bound to *beta* variables, constants exported to
#   other modules -> a letter or digit, a hyphen and a date with a 19xx/20xx year (the
#   extractor's own test for "beta-shaped", registry.looks_like_beta, asks the same);
# - a registry name that does not end in a dated suffix (claude-code-20250219) -> listed.
_CANDIDATE_RE = re.compile(
    rb"(?i:anthropic[-_ ]?beta)|\bbetas\b|[A-Za-z0-9]-(?:19|20)\d\d-\d{1,2}-\d{1,2}",
)
# The same, for the text of a large file being sliced (python/slicer.py): which statements to
# keep. The lookahead (what each alternative starts with) lets `re` skip most characters at once
# on text (a third less time on a 1 MB module); on bytes it gains nothing.
CANDIDATE_TEXT_RE = re.compile(f"(?=[aAbB]|[A-Za-z0-9]-[12])(?:{_CANDIDATE_RE.pattern.decode()})")
# Files Python cannot read as source are still reported (BL999), whatever they contain.
_UNREADABLE_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class ReadError(Exception):
    """A file that cannot be read, decoded or parsed; the message is one line for the user.

    `line`/`column` (1-based) say where, when known (a syntax error); the range ends at
    `end_column`, one character on by default (none when the error is past the line's end).
    """

    def __init__(self, message: str, line: int = 1, column: int = 1, end_column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.end_column = column + 1 if end_column is None else end_column


@dataclass(frozen=True)
class Cell:
    """A piece of source to parse: a whole .py file, or one notebook code cell."""

    text: str
    cell: int | None  # notebook cell number (1-based) or None
    # Notebook cells hide IPython lines (magics, shell escapes) as blank lines before parsing.
    masked_lines: tuple[int, ...] = ()


@dataclass(frozen=True)
class SourceFile:
    path: str
    data: bytes
    encoding: str
    text: str  # the decoded file (for notebooks: the JSON text)
    cells: tuple[Cell, ...]
    notebook: bool = False


def read_bytes(path: str, max_size: int | None = None) -> bytes:
    """Read a regular file, refusing FIFOs, devices and files over the size limit."""
    # Open without blocking and check what was opened: a path replaced by a FIFO after the walk
    # must not hang the run.
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise ReadError(f"cannot read: {reason}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ReadError("not a regular file (FIFO, device or socket): skipped")
        if max_size is not None and info.st_size > max_size:
            raise ReadError(f"file is {info.st_size} bytes, over the limit of {max_size}: skipped")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as error:
        raise ReadError(f"cannot read: {error.strerror or error}") from None
    finally:
        os.close(fd)


# The same test, split so that plain substring searches (memchr speed) rule most files out
# before a regular expression runs.
_HEADER_WORD_RE = re.compile(rb"anthropic[-_ ]?beta")  # on lowercased bytes: any case
_BETAS_RE = re.compile(rb"\bbetas\b")
# `betas=` (no space before `=`, as keywords are written; `a, betas = f()` has one) right after
# an opening bracket or a comma: a keyword argument, save in a string or a comment, where
# saying True only costs a parse that finds nothing.
_KEYWORD_BETAS_RE = re.compile(rb"[(,][ \t]*betas=(?!=)")
# The dated tail without the look-behind for the character before it: a leading look-behind
# keeps `re` from scanning for the "-" and made this search 5x slower. _dated checks it.
_DATE_TAIL_RE = re.compile(rb"-(?:19|20)\d\d-\d{1,2}-\d{1,2}")


def _dated(data: bytes, dashes: tuple[bool, bool] | None = None) -> bool:
    if dashes is None:
        dashes = (b"-20" in data, b"-19" in data)
    if not any(dashes):
        return False
    for match in _DATE_TAIL_RE.finditer(data):
        start = match.start()
        if start and data[start - 1 : start].isalnum():  # bytes.isalnum: ASCII letters and digits
            return True
    return False


@functools.lru_cache(maxsize=8)
def _grouped(names: tuple[bytes, ...]) -> tuple[tuple[bytes, tuple[bytes, ...]], ...]:
    """Names grouped by their first four bytes: one search per group rules most files out
    (the routes all start with /v1/). A name holding "-20" or "-19" (a dated one) is grouped
    under that instead: `candidate_kind` searches for those anyway, so such names cost no
    pass of their own over a file that has neither."""
    groups: dict[bytes, list[bytes]] = {}
    for name in names:
        key = next((dash for dash in _DASHES if dash in name), name[:4])
        groups.setdefault(key, []).append(name)
    return tuple((prefix, tuple(group)) for prefix, group in groups.items())


_DASHES = (b"-20", b"-19")


def candidate_kind(data: bytes, extra_names: Iterable[bytes] = ()) -> str | None:
    """Why a file must be looked at, or None when nothing the extractor reports can be in it.

    "parse": an anthropic-beta header word, an extra name or an unreadable mark.
    "light": only dated text and/or the word `betas`. The extractor uses dated text only inside
    string literals that are not bare statements (docstrings) and the word only as a call's
    keyword argument, so `light_file_matters` settles these with CPython's parser, far
    cheaper than libcst: a date in a comment or a docstring, or a `betas` variable, is common.
    Any kind at all is equivalent to `_CANDIDATE_RE.search(data)` (or a UTF-16 mark, or an
    extra name), computed faster.
    """
    if data.startswith(_UNREADABLE_MARKS):
        return "parse"
    lowered = data.lower()
    if b"anthropic" in lowered and _HEADER_WORD_RE.search(lowered):
        return "parse"
    dashes = (_DASHES[0] in data, _DASHES[1] in data)
    for prefix, group in _grouped(tuple(extra_names)):
        if prefix in _DASHES:
            present = dashes[_DASHES.index(prefix)]
        else:
            present = prefix in data
        if present and any(name in data for name in group):
            return "parse"
    if _dated(data, dashes) or (b"betas" in data and _BETAS_RE.search(data)):
        return "light"
    return None


def could_hold_beta(data: bytes, extra_names: Iterable[bytes] = ()) -> bool:
    return candidate_kind(data, extra_names) is not None


def light_file_matters(data: bytes) -> bool:
    """Whether Python source holds a dated name in a string literal that is not a bare
    statement, passes a keyword argument named `betas`, or uses "betas" as a mapping key.

    True when the file cannot be decoded as the pipeline decodes it, or CPython's parser cannot
    tell (a syntax error, nesting it refuses): the full pipeline then reports it as it should.
    """
    import ast
    import warnings

    if looks_like_betas_keyword(data):
        return True  # `(..., betas=[...])` reads as a call's keyword: no need to parse to know
    try:
        text, _ = decode_python(data)  # CPython's parser is lenient in comments; the pipeline is not
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the user's code may warn (invalid escapes): not ours
            tree = ast.parse(text)
    except (ReadError, SyntaxError, ValueError, RecursionError, MemoryError, UnicodeError):
        return True
    bare: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr):
            bare.add(id(node.value))  # a docstring, or a string used as a comment
        elif isinstance(node, ast.keyword):
            if node.arg == "betas":
                return True
        elif isinstance(node, ast.Constant) and id(node) not in bare:
            value = node.value
            if value == "betas":
                return True  # a mapping key (`params["betas"] = ...`): `create(**params)` sends it
            if isinstance(value, str) and "-" in value and CANDIDATE_TEXT_RE.search(value):
                return True
            if isinstance(value, bytes) and b"-" in value and _CANDIDATE_RE.search(value):
                return True
    return False


def looks_like_betas_keyword(data: bytes) -> bool:
    """`(..., betas=` or `, betas=` outside a `def` or `lambda` line: a call's keyword argument."""
    for match in _KEYWORD_BETAS_RE.finditer(data):
        before = data[data.rfind(b"\n", 0, match.start()) + 1 : match.start()]
        if b"def " not in before and b"lambda" not in before:  # not a parameter's default
            return True
    return False


def decode_python(data: bytes) -> tuple[str, str]:
    """Decode Python source as Python does: BOM, then a PEP 263 cookie, then UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise ReadError("UTF-16/UTF-32 byte order mark: Python source must be UTF-8 or declare its encoding")
    if b"\x00" in data:
        raise ReadError("file contains NUL bytes: not Python source")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        raise ReadError(f"cannot decode: {error.msg if hasattr(error, 'msg') else error}") from None
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        reason = error.reason if isinstance(error, UnicodeDecodeError) else str(error)
        where = f" at byte {error.start}" if isinstance(error, UnicodeDecodeError) else ""
        raise ReadError(f"cannot decode as {encoding}{where}: {reason}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding


_IPYTHON_LINE_RE = re.compile(r"^\s*(?:[%!]|\?\w|\w+\?\s*$)")


def mask_ipython(source: str) -> tuple[str, tuple[int, ...]]:
    """Blank out IPython magics and shell lines so libcst can parse the cell.

    A `%%cell magic` makes the whole cell non-Python. Blanking replaces each character by a
    space, so every offset, line and column stays that of the real cell source (fixes rely on it).
    """
    lines = source.splitlines(keepends=True)
    whole_cell = bool(lines) and lines[0].lstrip().startswith("%%")
    masked: list[int] = []
    out: list[str] = []
    continuing = False
    for number, line in enumerate(lines, 1):
        if whole_cell or continuing or _IPYTHON_LINE_RE.match(line):
            masked.append(number)
            body = line.rstrip("\r\n")
            continuing = body.endswith("\\")
            out.append(" " * len(body) + line[len(body) :])
        else:
            out.append(line)
    return "".join(out), tuple(masked)


def notebook_cells(text: str) -> tuple[Cell, ...]:
    import json  # notebooks only

    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ReadError(f"notebook is not valid JSON: {error.msg} at line {error.lineno}") from None
    if isinstance(document, dict) and "worksheets" in document and "cells" not in document:
        raise ReadError("nbformat 3 is not supported: convert it with `jupyter nbconvert --to notebook`")
    if not isinstance(document, dict) or not isinstance(document.get("cells"), list):
        raise ReadError("notebook has no 'cells' list")
    cells: list[Cell] = []
    for number, cell in enumerate(document["cells"], 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(str(part) for part in source)
        if not isinstance(source, str):
            continue
        masked, lines = mask_ipython(source)
        cells.append(Cell(masked, number, lines))
    return tuple(cells)


def load_source(path: str, data: bytes) -> SourceFile:
    if path.endswith(".ipynb"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ReadError(f"cannot decode notebook as UTF-8 at byte {error.start}") from None
        return SourceFile(path, data, "utf-8", text, notebook_cells(text), notebook=True)
    text, encoding = decode_python(data)
    return SourceFile(path, data, encoding, text, (Cell(text, None),))


def content_digest(data: bytes) -> str:
    """What a fix checks before writing: the file still holds the bytes that were linted."""
    import hashlib

    return hashlib.sha256(data).hexdigest()
