"""The slicer's scanner against CPython's parser, and its registry search against a plain one.

The slicer finds where statements and class members begin with a regular expression, not a
parse (python/slicer.py); CPython's `ast` is the oracle: every statement it sees at module
level must begin where the scan says one begins, and a large class must split into the
statements of its body. A wrong start would hand libcst half a statement, or merge two.
"""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import hypothesmith
import pytest
from conftest import make_linter
from fuzz_settings import examples
from hypothesis import given, settings
from hypothesis import strategies as st

import beta_lint.python.slicer as slicer
from beta_lint.python.registry_text import RegistryText

# hypothesmith compiles what it generates; CPython warns about some of it (`1()`).
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

CORPUS = sorted((Path(__file__).parent / "corpus").rglob("*.py"))


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno, *(decorator.lineno for decorator in decorators)])


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _starts_agree(text: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = ast.parse(text)
    scanned = slicer._statements(text)
    assert scanned is not None
    spans, _lines = scanned
    # Line 1 starts the first span whatever is on it (a comment, a docstring, code).
    found = {_line_of(text, start) for start, _end in spans} - {1}
    assert found == {_first_line(statement) for statement in tree.body} - {1}


# Brackets, quotes, `def` and `class` where they do not start anything.
TRICKY = "\n".join(
    [
        "#!/usr/bin/env python3",
        '"""Module docstring with a bracket ( and a quote \' inside."""',
        "import os",
        "A = rb'(' ; B = f\"{os.sep}[\"",
        "C = r'\\'' + '['  # a comment with ( and {",
        "D = '''",
        "class NotAClass:",
        "def not_a_function():",
        ")]}'''",
        "E = (1,",
        "def_inside_brackets,",
        "     2)",
        "F = 1 + \\",
        "    2",
        "@decorator(",
        "    'arg'",
        ")",
        "@other",
        "def decorated():",
        "    return {",
        "'key': 'value'}",
        "if A:",
        "    pass",
        "else:",
        "    pass",
        "try:",
        "    pass",
        "except OSError:",
        "    pass",
        "finally:",
        "    pass",
        "",
    ]
)


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_statements_begin_where_cpython_says_in_the_corpus(path: Path) -> None:
    _starts_agree(path.read_text(encoding="utf-8"))


def test_statements_begin_where_cpython_says_around_strings_comments_and_brackets() -> None:
    _starts_agree(TRICKY)
    scanned = slicer._statements(TRICKY)
    assert scanned is not None
    # The shebang, the docstring, import, A, C, D, E, F, the decorated def, if/else, try/finally.
    assert [_line_of(TRICKY, start) for start, _end in scanned[0]] == [1, 2, 3, 4, 5, 6, 10, 13, 15, 22, 26]


@examples(200)
@given(hypothesmith.from_grammar())
def test_statements_begin_where_cpython_says_in_generated_programs(text: str) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    if "\r" in text or "\f" in text or slicer._statements(text) is None:
        return  # the slicer parses such files whole
    _starts_agree(text)


BIG_CLASS = (
    "import anthropic\n\n\n@decorated(\n    'x'\n)\nclass Big(Base):\n"
    '    """A docstring with\ndef at the start of a line\n    and a bracket ("""\n\n'
    "    VALUE = (1,\n    2)\n\n"
    + "".join(
        f"    # comment {i} (\n    @staticmethod\n    def m{i}(a='(', b=\"[\"):\n        return {{a: b,\n"
        f"    'k': '''\n}}'''}}\n\n"
        for i in range(12)
    )
    + "    class Inner:\n        x = 1\n"
    + "\n\nAFTER = 1\n"
)


def test_a_large_class_splits_into_the_statements_of_its_body() -> None:
    tree = ast.parse(BIG_CLASS)
    scanned = slicer._statements(BIG_CLASS)
    assert scanned is not None
    spans, lines = scanned
    start, end = next(span for span in spans if "class Big" in BIG_CLASS[span[0] : span[1]])
    members = slicer._members(BIG_CLASS, start, end, lines)
    assert members is not None
    body = next(node for node in tree.body if isinstance(node, ast.ClassDef)).body
    assert [_line_of(BIG_CLASS, member_start) for member_start, _ in members] == [_first_line(n) for n in body]
    assert BIG_CLASS[members[-1][0] : members[-1][1]] == "    class Inner:\n        x = 1\n\n\n"


# Registry names are found in a window around each dated match: the same answer as one search.
NAMES = frozenset(make_linter().registry.betas)
PLAIN = RegistryText(NAMES)
FRAGMENTS = [
    *sorted(NAMES)[:12],
    "claude-code-20250219",
    "files-api-2025-04-1",
    "x-2025-04-14",
    "-2025-",
    "2025-04-14",
    "files-api",
    "-",
    " ",
    "'",
    "\n",
    "9",
    "a",
]


def _one_search(text: str) -> bool:
    return any(name in text for name in NAMES)


@settings(max_examples=500, deadline=None)  # cheap: every run gets as many as nightly
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join))
def test_the_windowed_registry_search_answers_as_one_search_would(text: str) -> None:
    assert PLAIN.found_in(text) == _one_search(text)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("x-2025-01-01files-api-2025-04-14", True),  # right after other dated text
        ("files-api-2025-04-14", True),  # the whole text
        ("    assert page('here-is-a-slug-2011-12-17')\n", False),
        ("name = 'claude-code-20250219'", True),  # no dashed date: searched everywhere
        ("files-api-2025-04-1", False),
    ],
)
def test_registry_names_are_found_wherever_they_are(text: str, found: bool) -> None:
    assert PLAIN.found_in(text) is found
    assert _one_search(text) is found
