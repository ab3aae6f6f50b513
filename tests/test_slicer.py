"""Slicing a large file must give exactly the usages of parsing it whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_linter

import beta_lint.python.slicer as slicer
from beta_lint.files.source import CANDIDATE_TEXT_RE, decode_python

HERE = Path(__file__).parent
FILLER = "".join(f"def helper_{i}(x):\n    return x + {i}\n\n\n" for i in range(200))
SAMPLES = [
    # A constant far from its use, a client built at the top, a class holding betas on self.
    'import anthropic\nclient = anthropic.Anthropic()\nFILES = "files-api-2025-04-14"\n'
    + FILLER
    + "def go():\n    client.beta.messages.create(betas=[FILES, 'compact-2026-01-12'])\n",
    "from anthropic import AsyncAnthropic as AA\n"
    + FILLER
    + "class Agent:\n    BETAS = ['managed-agents-2026-04-01']\n"
    "    def __init__(self):\n        self.client = AA()\n"
    "    async def run(self):\n        await self.client.beta.messages.create(betas=self.BETAS)\n"
    + FILLER
    + "@decorator\ndef later():\n    return {'anthropic-beta': 'computer-use-2025-04-29'}\n",
    # Names collected at top level under a condition, a factory function.
    "import anthropic\nBETAS = []\nif FLAG:\n    BETAS.append('fast-mode-2026-02-01')\n"
    + FILLER
    + "def make() -> anthropic.Anthropic:\n    return anthropic.Anthropic()\n"
    + "make().beta.messages.create(betas=BETAS)\n",
]


def _python_files() -> list[Path]:
    return sorted(p for folder in ("corpus", "audit_tree") for p in (HERE / folder).rglob("*.py"))


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """What a user sees (every rule's diagnostics and every usage), parsed whole and sliced."""
    linter = make_linter()
    monkeypatch.setattr(slicer, "SLICE_MIN_LINES", 10**9)  # the samples are large: really whole
    whole = linter.lint("f.py", text.encode())
    monkeypatch.setattr(slicer, "SLICE_MIN_LINES", 0)
    sliced = linter.lint("f.py", text.encode())
    return (whole.diagnostics, whole.usages), (sliced.diagnostics, sliced.usages)


@pytest.mark.parametrize("text", SAMPLES)
def test_sliced_equals_whole_on_samples(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    whole, sliced = _both(text, monkeypatch)
    assert whole == sliced
    assert slicer.slice_source(text, (CANDIDATE_TEXT_RE,)) is not None  # it really sliced


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(HERE)))
def test_sliced_equals_whole_on_corpus(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text, _ = decode_python(path.read_bytes())
    whole, sliced = _both(text, monkeypatch)
    assert whole == sliced


def test_unbalanced_text_is_not_sliced() -> None:
    text = "x = (\n" + "y = 1\n" * 700
    assert slicer.slice_source(text, (CANDIDATE_TEXT_RE,)) is None


@pytest.mark.parametrize(
    "data",
    [
        b"client.beta.messages.create(betas=x)",
        b"h = {'Anthropic-Beta': v}",
        b"X_ANTHROPIC_BETA = 1",
        b"NAME = 'files-api-2025-4-14'",
        b"DOI = '10.1090/S0025-5718-02-01480-1'",
        b"label = '0-1-2-3'",
        b"BetaSkillParam = 1",
        b"x = 1",
    ],
)
def test_fast_prefilter_agrees_with_its_regular_expression(data: bytes) -> None:
    from beta_lint.files.source import _CANDIDATE_RE, could_hold_beta

    assert could_hold_beta(data) == bool(_CANDIDATE_RE.search(data))


def test_lone_carriage_return_is_not_sliced() -> None:
    # Python ends a line at a lone CR; the scanner counts only LF, so such files are parsed whole.
    text = "x = [1,\\\r]\n" + "y = 1\n" * 700 + "client.beta.messages.create(betas=['x-2025-01-01'])\n"
    assert slicer.slice_source(text, (CANDIDATE_TEXT_RE,)) is None


# Decorated and nested code (issue 16): the slice must narrow on real shapes, and still agree.
DECORATED = (
    "import functools\nimport anthropic\n\n\n@functools.cache\ndef first():\n    return 1\n\n\n"
    + FILLER
    + "@decorator\n@other(x=1)\nclass Unrelated:\n    value = 2\n\n\n"
    + "FILES = 'files-api-2025-04-14'\n"
    + "def go():\n    anthropic.Anthropic().beta.messages.create(betas=[FILES])\n"
)
NESTED = (
    "import anthropic\nBETAS = ['files-api-2025-04-14']\n\n\n"
    # Classes and functions that assign BETAS (or anything) inside bind nothing at module level.
    + "class Shadow:\n    BETAS = ['other']\n    def m(self):\n        BETAS = []\n        return BETAS\n\n\n"
    + "def local():\n    BETAS = None\n    for BETAS in range(3):\n        pass\n    return BETAS\n\n\n"
    + FILLER
    + "def send(client: anthropic.Anthropic):\n    return client.beta.messages.create(betas=BETAS)\n"
)
GLOBAL = (
    "import anthropic\nBETAS = []\n\n\n"
    # A function that rebinds a module name through `global` does bind it: it must stay.
    + "def configure():\n    global BETAS\n    BETAS = ['fast-mode-2026-02-01']\n\n\n"
    + FILLER
    + "def send(client: anthropic.Anthropic):\n    return client.beta.messages.create(betas=BETAS)\n"
)


def _kept(text: str) -> str:
    piece = slicer.slice_source(text, (CANDIDATE_TEXT_RE,))
    assert piece is not None
    return piece.text


def test_a_decorated_statement_does_not_swallow_the_rest() -> None:
    kept = _kept(DECORATED)
    # The send and the constant it sends are kept; the decorated function at the top, the
    # decorated class and the filler (none of which the send needs) are not.
    assert "def go():" in kept and "FILES = 'files-api-2025-04-14'" in kept
    assert "def first" not in kept and "@functools.cache" not in kept
    assert "class Unrelated" not in kept and "@decorator" not in kept
    assert "def helper_0" not in kept


def test_a_decorator_stays_with_what_it_decorates() -> None:
    send = "@route('/x')\n@auth\ndef handler():\n    return {'anthropic-beta': 'x-2025-01-01'}\n"
    text = "import anthropic\n" + FILLER + send
    kept = _kept(text)
    assert "@route('/x')\n@auth\ndef handler():\n" in kept


def test_names_assigned_inside_a_class_or_function_bind_nothing_at_module_level() -> None:
    kept = _kept(NESTED)
    assert "BETAS = ['files-api-2025-04-14']" in kept and "def send(" in kept
    assert "class Shadow" not in kept
    assert "def local" not in kept


def test_a_global_statement_binds_the_module_name() -> None:
    kept = _kept(GLOBAL)
    assert "def configure():" in kept


@pytest.mark.parametrize("text", [DECORATED, NESTED, GLOBAL], ids=["decorated", "nested", "global"])
def test_narrowed_slices_equal_whole(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    whole, sliced = _both(text, monkeypatch)
    assert whole == sliced
    assert whole[0]  # each sends a beta that is reported: the comparison is not of two empties


# Dated text that cannot be reported from its own statement is no reason to parse it (issue 16).
SLUGS = "class AdminTests:\n" + "".join(
    f"    def test_{i}(self):\n        self.assertContains(r, 'here-is-a-stacked-inline-2011-12-{1 + i % 28:02d}')\n"
    for i in range(400)
)
PRECISE = [
    # A registry name is reported wherever it is held, even deep in a class (in an assertion it
    # would be a mention, never reported: issue 13).
    "import anthropic\n" + SLUGS + "class Other:\n    def test(self):\n        flag = 'files-api-2025-04-14'\n",
    # A dated constant with no beta in its name, sent from elsewhere: brought in by its name.
    "import anthropic\nFLAG = 'my-feature-2025-05-05'\n"
    + SLUGS
    + "anthropic.Anthropic().beta.messages.create(betas=[FLAG])\n",
    # Under a header key held by a constant: the statement says "headers".
    "import httpx\nKEY = 'anthropic-beta'\n" + SLUGS + "httpx.post(url, headers={KEY: 'my-feature-2025-05-05'})\n",
    # A beta-named variable holding dated text.
    "import os\n" + SLUGS + "MY_BETA = 'files-api-2025-04-14'\n",
]


@pytest.mark.parametrize("text", PRECISE, ids=["registry-name", "constant", "header-key", "beta-named"])
def test_dated_text_that_can_be_reported_is_still_found(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    whole, sliced = _both(text, monkeypatch)
    assert whole == sliced
    assert whole[0]  # something is reported: the slice did not lose it
    assert "class AdminTests" not in _kept_precise(text)  # and the slugs were not parsed


def _kept_precise(text: str) -> str:
    piece = slicer.slice_source(text, (CANDIDATE_TEXT_RE,), frozenset(make_linter().registry.betas))
    assert piece is not None
    return piece.text


def test_a_file_of_dated_slugs_alone_is_not_parsed_at_all() -> None:
    # Nothing in it can be reported: the slice is empty, imports included.
    assert _kept_precise("import unittest\n" + SLUGS) == ""
    assert _kept_precise(SLUGS) == ""


def _both_every_rule(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """As `_both`, with every rule on (BL901, unused suppressions, is off by default)."""
    linter = make_linter(["BL"])
    monkeypatch.setattr(slicer, "SLICE_MIN_LINES", 10**9)
    whole = linter.lint("f.py", text.encode())
    monkeypatch.setattr(slicer, "SLICE_MIN_LINES", 0)
    sliced = linter.lint("f.py", text.encode())
    return (whole.diagnostics, whole.usages), (sliced.diagnostics, sliced.usages)


def test_an_unused_suppression_far_from_any_beta_is_still_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "import anthropic\nx = 1  # noqa: BL101\n"
        + FILLER
        + "anthropic.Anthropic().beta.messages.create(betas=['files-api-2025-04-14'])\n"
    )
    whole, sliced = _both_every_rule(text, monkeypatch)
    assert [d.code for d in whole[0]] == ["BL901", "BL101"]  # type: ignore[index]
    assert sliced == whole


def test_another_linters_noqa_keeps_nothing_and_ours_still_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    # pydantic-ai's openai.py: another linter's noqa (C901) on long methods kept 7,294 of 7,555 lines for libcst.
    body = "".join(f"        x_{j} = {j}\n" for j in range(30))
    methods = "".join(f"    def method_{i}(self):  # noqa: C901\n{body}" for i in range(20))
    text = f"import anthropic\n\n\nclass Model:\n{methods}\n\nBETAS = ['files-api-2025-04-14']\n"
    kept = _kept_precise(text)
    assert "method_" not in kept and "BETAS" in kept
    whole, sliced = _both_every_rule(text, monkeypatch)
    assert sliced == whole
    ours = text.replace("def method_3(self):  # noqa: C901", "def method_3(self):  # noqa: bl102")
    assert "method_3" in _kept_precise(ours) and "method_4" not in _kept_precise(ours)
    whole, sliced = _both_every_rule(ours, monkeypatch)
    assert [d.code for d in whole[0]] == ["BL901", "BL101"]  # type: ignore[index]
    assert sliced == whole


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(HERE)))
def test_sliced_equals_whole_on_corpus_with_every_rule(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text, _ = decode_python(path.read_bytes())
    whole, sliced = _both_every_rule(text, monkeypatch)
    assert whole == sliced


# A large class is split into its members: only the methods that matter are parsed (issue 16).
METHODS = "".join(f"    def helper_{i}(self, x):\n        return x + {i}\n\n" for i in range(40))
CLASSES = {
    # The client set in __init__, a class attribute, a factory method with client-wide headers.
    "self-attributes": "import anthropic\n\n\nclass Agent:\n    BETAS = ['files-api-2025-04-14']\n\n"
    "    def __init__(self):\n        self.client = anthropic.Anthropic()\n\n"
    + METHODS
    + "    def run(self):\n        return self.client.beta.messages.create(betas=self.BETAS)\n\n"
    "    def _wide(self):\n"
    "        return anthropic.Anthropic(default_headers={'anthropic-beta': 'compact-2026-01-12'})\n\n"
    "    def other(self):\n        return self._wide().files.list()\n" + FILLER,
    # Decorated methods, a nested class, a method reached through the name it is called by.
    "decorated-nested": "import anthropic\n\n\n@decorate\nclass Tools:\n    @property\n    def client(self):\n"
    "        return anthropic.Anthropic()\n\n" + METHODS + "    class Inner:\n        NAME = 'files-api-2025-04-14'\n\n"
    "    @staticmethod\n    def names():\n        return [Tools.Inner.NAME]\n\n"
    "    def send(self):\n        return self.client.beta.messages.create(betas=self.names())\n" + FILLER,
    # A subclass whose parent sets the client; a method that rebinds a module name.
    "subclass-global": "import anthropic\nBETAS = []\n\n\n"
    "class Base:\n    def __init__(self):\n        self.client = anthropic.Anthropic()\n"
    + METHODS
    + "\n\nclass Child(Base):\n"
    + METHODS
    + "    def configure(self):\n        global BETAS\n        BETAS = ['files-api-2025-04-14']\n\n"
    "    def send(self):\n        return self.client.beta.messages.create(betas=BETAS)\n" + FILLER,
}


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_a_large_class_is_parsed_by_the_methods_that_matter(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = CLASSES[name]
    kept = _kept_precise(text)
    assert "def helper_0(self" not in kept  # the filler methods are not parsed
    whole, sliced = _both_every_rule(text, monkeypatch)
    assert whole == sliced
    assert whole[0]  # the betas are reported


# Generated files: random mixes of the shapes above, sliced and whole, with every rule on.
_TOP = [
    "FILES = 'files-api-2025-04-14'\n",
    "SLUG = 'here-is-a-slug-2011-12-17'\n",
    "MY_BETAS = ['compact-2026-01-12', 'output-128k-2025-02-19']\n",
    "client = anthropic.Anthropic()\n",
    "wide = anthropic.Anthropic(default_headers={'anthropic-beta': 'computer-use-2025-01-24'})\n",
    "@decorator\ndef plain():\n    return 1\n",
    "def send():\n    return client.beta.messages.create(betas=[FILES])\n",
    "def send_more():\n    return client.beta.messages.create(betas=MY_BETAS + [SLUG])\n",
    "def listing():\n    return wide.files.list()\n",
    "HEADERS = {'anthropic-beta': 'mcp-client-2025-04-04'}\n",
    "x = 1  # noqa: BL101\n",
    "if FLAG:\n    MY_BETAS.append('fast-mode-2026-02-01')\n",
]
_MEMBERS = [
    "    BETAS = ['files-api-2025-04-14']\n",
    "    def __init__(self):\n        self.client = anthropic.Anthropic()\n",
    "    def run(self):\n        return self.client.beta.messages.create(betas=self.BETAS)\n",
    "    @property\n    def names(self):\n        return [FILES, 'here-is-a-slug-2011-12-17']\n",
    "    def use(self):\n        return self.client.beta.messages.create(betas=self.names)\n",
    "    def test_slug(self):\n        assert page('here-is-a-slug-2011-12-17')\n",
    "    def helper(self, x):\n        return x + 1\n",
    "    def quiet(self):\n        return 2  # noqa: BL102\n",
]


def _generated(seed: int) -> str:
    import random

    pick = random.Random(seed)
    parts = ["import anthropic\n\n\n"]
    for _ in range(pick.randint(6, 14)):
        if pick.random() < 0.4:
            members = [pick.choice(_MEMBERS) for _ in range(pick.randint(15, 30))]
            base = pick.choice(["", "(Base)", ""])
            parts.append(f"class Thing{len(parts)}{base}:\n" + "\n".join(members) + "\n\n")
        else:
            parts.append(pick.choice(_TOP) + "\n\n")
    return "".join(parts)


@pytest.mark.parametrize("seed", range(24))
def test_generated_files_sliced_equal_whole(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    text = _generated(seed)
    whole, sliced = _both_every_rule(text, monkeypatch)
    assert whole == sliced


# A module constant holding dated text is kept because another module may import and send it;
# a table of tuples (ansible's 10.8k-line list of test cases) can be no such export.
CASES = "EVENT_CASES = [\n" + "".join(f"    ('run-{i}-2024-01-07', '2.18.1', False),\n" for i in range(300)) + "]\n"
EXPORTS = [
    "import anthropic\n" + CASES + FILLER + "NAMES = ['files-api-2025-04-14', 'x']\n",
    "import anthropic\n" + CASES + FILLER + "GROUPED = (('pdfs-2024-09-25'), 'b')\n",  # parentheses, not a tuple
    "import anthropic\n" + CASES + FILLER + "ONE = 'my-feature-2025-05-05'\n",
]


@pytest.mark.parametrize("text", EXPORTS, ids=["list-of-strings", "parenthesised-string", "string"])
def test_a_table_of_tuples_is_no_export_and_real_exports_stay(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = _kept_precise(text)
    assert "EVENT_CASES" not in kept  # not parsed
    assert text.splitlines()[-1] in kept  # the constant another module may import is
    linter = make_linter()
    monkeypatch.setattr(slicer, "SLICE_MIN_LINES", 10**9)
    whole = linter.lint("m.py", text.encode())
    monkeypatch.setattr(slicer, "SLICE_MIN_LINES", 0)
    sliced = linter.lint("m.py", text.encode())
    assert whole.exports and sliced.exports == whole.exports
    assert (sliced.diagnostics, sliced.usages) == (whole.diagnostics, whole.usages)


# A method whose decorator spans lines is still a method: it is kept only when needed, and what
# it assigns is local to it (anthropic's test_open_telemetry.py: 7,084 of 8,570 lines for libcst).
MULTILINE_DECORATED = (
    "import anthropic\nimport pytest\n\n\nclient = anthropic.Anthropic()\n\n\n"
    "class TestSpans:\n"
    + "".join(
        f"    @pytest.mark.parametrize(\n        ('a', 'b'),\n        [(1, 2), (3, 4)],\n    )\n"
        f"    def test_{i}(self, a, b):\n        client = object()\n        called = []\n\n"
        f"        def record():\n            nonlocal called\n            called = [a, b]\n\n"
        f"        record()\n        assert called\n\n"
        for i in range(50)
    )
    + "    def test_send(self):\n        client.beta.messages.create(betas=['files-api-2025-04-14'])\n"
)


def test_a_method_with_a_decorator_over_several_lines_is_a_method(monkeypatch: pytest.MonkeyPatch) -> None:
    kept = _kept_precise(MULTILINE_DECORATED)
    assert "def test_send" in kept and "client = anthropic.Anthropic()" in kept
    assert "def test_0" not in kept and "parametrize" not in kept  # neither kept with the class nor for `client`
    whole, sliced = _both(MULTILINE_DECORATED, monkeypatch)
    assert whole == sliced and whole[0]


def test_only_global_statements_bind_module_names_from_inside_a_function() -> None:
    method = "    def m(self):\n        global CONFIG, LIMIT\n        CONFIG = 1\n        other = 2\n"
    closure = (
        "    def n(self):\n        x = 1\n        def inner():\n"
        "            nonlocal x\n            x = 2\n        self.seen = x\n"
    )
    assert slicer._member_binds(method) == {"m", "CONFIG", "LIMIT"}
    assert slicer._member_binds(closure) == {"n", "seen"}
    decorated = "@app.route(\n    '/x',\n    methods=['POST'],\n)\nasync def handler():\n    value = 1\n"
    assert slicer._bound_names(decorated) == {"handler"}


# Dated strings only in annotations, docstrings or comments cannot be reported, even in a
# method that says "headers" (OpenAI's SDK: `model: Literal["gpt-5.5-2026-04-23", ...]`).
ANNOTATED = (
    "import anthropic\nfrom typing import Literal\n\n\nclass Responses:\n"
    + "".join(
        f"    def create_{i}(\n        self,\n"
        f"        model: Literal['gpt-5-2026-04-{1 + i % 28:02d}', 'o3-2025-04-16'],\n"
        f"        extra_headers: dict[str, str] | None = None,\n    ) -> 'Literal[\"r-2024-01-01\"]':\n"
        f'        """Since gpt-4o-2024-08-06; see the headers."""\n'
        f"        return self._post('/responses', model=model, extra_headers=extra_headers)  # since 2025-01-01\n\n"
        for i in range(100)
    )
    + "    def send(self, extra_headers=None):\n"
    + "        return anthropic.Anthropic().beta.messages.create(\n"
    + "            model='claude-x-2025-05-05', extra_headers=extra_headers, betas=['files-api-2025-04-14']\n"
    + "        )\n"
)


def test_dated_text_only_in_annotations_and_docstrings_is_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    kept = _kept_precise(ANNOTATED)
    assert "def send" in kept
    assert "def create_" not in kept
    whole, sliced = _both(ANNOTATED, monkeypatch)
    assert whole == sliced and whole[0]


@pytest.mark.parametrize(
    ("code", "in_code"),
    [
        ("    def f(self, model: Literal['gpt-5-2026-04-23'] = None, headers=None):\n        pass\n", False),
        ("    def f(self, model: str = 'gpt-5-2026-04-23', headers=None):\n        pass\n", True),  # a default
        ("def f(headers):\n    '''Since v-2024-01-01.'''\n    return headers  # x-2025-01-01\n", False),
        ("def f(headers):\n    headers['anthropic-beta'] = b'pdfs-2024-09-25'\n", True),
        ("    def f(self):\n  return 1\n", True),  # not parseable alone: kept for libcst to judge
    ],
)
def test_what_cpythons_parser_says_of_dated_text(code: str, in_code: bool) -> None:
    from beta_lint.python.statements import dated_text_in_code

    assert dated_text_in_code(code) is in_code


@pytest.mark.parametrize(
    ("code", "exported"),
    [
        ("NAMES = ['a-2024-01-01', OTHER, *MORE]\n", True),
        ("PAIR = (('a-2024-01-01'), 'b')\n", True),
        ("CASES = [('a-2024-01-01', 1), ('b', 2)]\n", False),
        ("ROWS: list[list[str]] = [['a-2024-01-01']]\n", False),
        ("if FLAG:\n    NAME = 'a-2024-01-01'\n", True),
    ],
)
def test_which_module_constants_may_be_exported(code: str, exported: bool) -> None:
    from beta_lint.python.statements import may_export

    assert may_export(code) is exported
