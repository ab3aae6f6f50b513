"""The Python front end's entry: one cell of text -> an `Extraction`, or a `ReadError` that says where it broke.

It guards libcst's native parser against inputs that would crash it, turns parser errors into
positions CPython's parser would give, and calls the extractor with what it needs (the route
table, the registry's names, the slicing patterns, the symbol lookup) as plain arguments.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from beta_lint.files.source import Cell, ReadError
from beta_lint.knowledge.routes import RouteTable
from beta_lint.model import LINE_END_RE, Export, Extraction

SymbolLookup = Callable[[str, int, str, str], "Export | None"]


def extract_cell(
    path: str,
    cell: Cell,
    routes: RouteTable,
    known_betas: frozenset[str],
    patterns: tuple[re.Pattern[str], ...],
    lookup: SymbolLookup | None,
) -> Extraction:
    """Every beta usage in one cell of Python; a `ReadError` when it does not parse."""
    import libcst  # imported only when some file needs parsing: start-up stays fast

    from beta_lint.python.extract import extract
    from beta_lint.python.literals import InvalidLiteral

    try:
        # The pre-check sees what libcst will parse: a large file's slice, not all of it (compiling
        # a 1M-line file to an AST took 13 s and 2.5 GB, beyond file-timeout, and lost its beta).
        return extract(cell.text, path, routes, known_betas, cell.cell, patterns, lookup, refuse_pathological)
    except libcst.ParserSyntaxError as error:
        # CPython's verdict is the one users know ("'(' was never closed"); libcst's own
        # message (a token list) only when CPython accepts the text.
        verdict = python_verdict(cell.text)
        if verdict is not None:
            message, line, column = verdict
        else:
            message, line, column = error.message, error.raw_line, error.raw_column + 1
        raise ReadError(f"cannot parse: {message}", *clamp(cell.text, line, column)) from None
    except RecursionError:
        raise ReadError("cannot parse: nesting too deep for the parser") from None
    except InvalidLiteral as error:
        position = clamp(cell.text, *python_position(cell.text, 1, 1))
        raise ReadError(f"cannot parse: invalid string literal ({error})", *position) from None


# Shapes that make libcst's native parser overflow the C stack (the process dies): very deep
# brackets or very long unary/attribute/call chains. Plain substring checks find the suspects
# (cheap even on 50 MB); CPython's own parser then refuses the real ones in microseconds.
_SUSPECT_RUNS = tuple(
    piece * count
    for piece, count in (
        ("(", 60),
        ("[", 60),
        ("{", 60),
        ("-", 200),
        ("+", 200),
        ("~", 200),
        ("not ", 60),
        ("1+", 100),
        (".a", 100),
        ("()", 100),
    )
)


def _compile_quietly(text: str) -> None:
    """CPython's parser as a check only: its warnings about the user's code are not ours."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compile(text, "<checked>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)


def refuse_pathological(text: str, always: bool = False) -> None:
    if not always and not any(run in text for run in _SUSPECT_RUNS):
        return
    try:
        _compile_quietly(text)
    except (SyntaxError, RecursionError, MemoryError, ValueError) as error:
        line = getattr(error, "lineno", None) or 1
        column = getattr(error, "offset", None) or 1
        reason = getattr(error, "msg", None) or str(error) or type(error).__name__
        raise ReadError(f"cannot parse: {reason}", *clamp(text, line, column)) from None


def python_verdict(text: str) -> tuple[str, int, int] | None:
    """CPython's syntax error for `text`: (message, line, column), or None when it parses."""
    try:
        _compile_quietly(text)
    except SyntaxError as error:
        return error.msg or "invalid syntax", error.lineno or 1, error.offset or 1
    except (RecursionError, MemoryError, ValueError):
        pass
    return None


def python_position(text: str, line: int, column: int) -> tuple[int, int]:
    """Where CPython's parser places a syntax error (libcst's tokenizer errors say 1:1)."""
    verdict = python_verdict(text)
    return (verdict[1], verdict[2]) if verdict is not None else (line, column)


def clamp(text: str, line: int, column: int) -> tuple[int, int, int]:
    """A parser position made safe: (line, column, end column) inside the file and the line.

    The parser may count a column in bytes on a line with non-ASCII text, or point one line
    past the end at end of file. At the end of a line the range is empty: nothing to underline.
    """
    lines = LINE_END_RE.split(text)
    line = min(max(line, 1), len(lines))
    end_of_line = len(lines[line - 1]) + 1
    column = min(max(column, 1), end_of_line)
    return line, column, min(column + 1, end_of_line)
