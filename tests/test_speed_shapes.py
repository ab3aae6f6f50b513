"""The shapes of file that used to be slow (issue 16): what they report, and that it never
depends on how busy the machine is. No timing is asserted here; bench/shapes.py times them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_linter, run_cli

import beta_lint.python.slicer as slicer
from beta_lint.files.source import CANDIDATE_TEXT_RE

SENT = "betas=['files-api-2025-04-14']"  # generally available: BL101, with an unsafe fix
HEADER = "import anthropic\n\nclient = anthropic.Anthropic()\n\n\n"


def many_calls(count: int) -> str:
    """`count` functions of six lines; call i's betas argument is on line 8 + 6 * i."""
    return HEADER + "".join(
        f"def call_{i}():\n"
        f"    return client.beta.messages.create(\n"
        f"        model='m', max_tokens={i + 1}, messages=[], {SENT}\n"
        f"    )\n\n\n"
        for i in range(count)
    )


def admin_tests_module(methods: int) -> str:
    """A test class whose assertions hold dated slugs that are no beta (Django's admin tests)."""
    return "import unittest\n\n\nclass AdminViewTests(unittest.TestCase):\n" + "".join(
        f"    def test_case_{i}(self):\n"
        f"        response = self.client.get('/admin/{i}/')\n"
        f"        self.assertContains(response, 'here-is-a-stacked-inline-2011-12-{1 + i % 28:02d}')\n\n"
        for i in range(methods)
    )


def giant_dict(rows: int) -> str:
    return (
        "RELEASES = {\n" + "".join(f"    'release-2011-12-{1 + i % 28:02d}-{i}': {i},\n" for i in range(rows)) + "}\n"
    )


def generated_module(classes: int) -> str:
    """Generated classes, then one beta call at the very bottom."""
    body = "".join(
        f"class Model{i}:\n    a: int = {i}\n\n    def f(self):\n        return self.a\n\n\n" for i in range(classes)
    )
    return HEADER + body + f"client.beta.messages.create(model='m', max_tokens=1, messages=[], {SENT})\n"


def test_every_one_of_1600_calls_is_reported_where_it_is_written() -> None:
    text = many_calls(1600)
    result = make_linter(["BL101"]).lint("calls.py", text.encode())
    column = len("        model='m', max_tokens=") + 1  # then the number, ", messages=[], betas=["
    expected = [
        (8 + 6 * i, column + len(f"{i + 1}, messages=[], betas=['")) for i in range(1600)
    ]  # the quote that opens the name
    assert [(d.code, d.location.line, d.location.column) for d in result.diagnostics] == [
        ("BL101", line, col) for line, col in expected
    ]
    assert all(d.fix is not None for d in result.diagnostics)


def test_fixing_400_calls_removes_every_argument_and_nothing_else(tmp_path: Path) -> None:
    # 400, not 1,600: building the fixes is still quadratic outside fix/edits._edit (see the
    # issue 16 note), and 1,600 can reach file-timeout on a loaded machine.
    (tmp_path / "beta-lint.toml").write_text("")
    target = tmp_path / "calls.py"
    target.write_text(many_calls(400))
    done = run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", "--select", "BL101", str(target), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "BL999" not in done.stdout
    assert target.read_text() == many_calls(400).replace(f", {SENT}", "")


def test_a_test_module_with_dated_slugs_reports_nothing() -> None:
    assert make_linter().lint("tests.py", admin_tests_module(800).encode()).diagnostics == ()


def test_the_slice_of_a_generated_module_is_the_import_the_client_and_the_call() -> None:
    text = generated_module(300)
    piece = slicer.slice_source(text, (CANDIDATE_TEXT_RE,))
    assert piece is not None
    assert piece.text == "import anthropic\n\nclient = anthropic.Anthropic()\n\n\n" + text.splitlines(True)[-1]
    assert [d.location.line for d in make_linter().lint("gen.py", text.encode()).diagnostics] == [text.count("\n")]


def _tree(root: Path) -> Path:
    tree = root / "tree"
    tree.mkdir()
    (root / "beta-lint.toml").write_text("")
    (tree / "calls.py").write_text(many_calls(400))
    (tree / "test_admin.py").write_text(admin_tests_module(1500))
    (tree / "releases.py").write_text(giant_dict(3000))
    (tree / "generated.py").write_text(generated_module(1000))
    for i in range(30):
        (tree / f"small_{i}.py").write_text(f"import anthropic\nanthropic.Anthropic().beta.messages.create({SENT})\n")
    return tree


def test_the_same_tree_gives_byte_identical_output_while_another_job_runs(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    args = ("check", "--no-cache", "--output-format", "json", "--today", "2026-11-24", str(tree))
    quiet = run_cli(*args, cwd=tmp_path)
    # Two CPU-bound processes: on a 2-core machine every worker now competes for a core.
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        loaded = run_cli(*args, cwd=tmp_path)
    finally:
        for process in busy:
            process.kill()
            process.wait()
    assert quiet.returncode == 0, quiet.stderr  # BL101 is a warning: it does not fail the run (issue 18)
    assert "BL999" not in quiet.stdout
    # 400 calls, one generated call, 30 small files: each sends a GA beta once.
    assert quiet.stdout.count('"code": "BL101"') == 431
    assert loaded.stdout == quiet.stdout
    assert loaded.returncode == quiet.returncode


# Dated text in a large file with no word that could report it skips CPython's parser, and the
# slicer keeps only what another module may import (issue 16).
STILL_REPORTED = {
    "registry_name.py": "def test():\n    value = 'files-api-2025-04-14'\n",  # held, not asserted (a mention)
    "beta_named.py": "MY_BETA = 'my-feature-2025-05-05'\n",
    "noqa.py": "x = 'release-2011-12-17'  # noqa: BL101\n",
}


def test_small_files_with_dated_text_report_what_the_whole_pipeline_reports(tmp_path: Path) -> None:
    from dataclasses import replace

    linter = make_linter(["BL"])
    for name, code in STILL_REPORTED.items():
        path = tmp_path / name
        path.write_text(code)
        filtered = linter.lint(str(path)).diagnostics
        assert filtered == replace(linter, prefilter=False).lint(str(path)).diagnostics, name
        assert filtered, name  # each reports something: the comparison is not of two empties


def test_a_large_module_of_dated_slugs_is_neither_ast_parsed_nor_libcst_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import libcst

    import beta_lint.files.prefilter as prefilter

    text = admin_tests_module(800) + "\nclass More:\n    RELEASES = {'release-2011-12-17': 1}\n"
    path = tmp_path / "test_admin.py"
    path.write_text(text)

    def refuse(data: bytes) -> bool:
        raise AssertionError("CPython's parser was asked about a file the byte check settles")

    parsed: list[int] = []
    real_parse = libcst.parse_module

    def record(source: str, *args: object, **kwargs: object) -> libcst.Module:
        parsed.append(len(source))
        return real_parse(source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(prefilter, "light_file_matters", refuse)
    monkeypatch.setattr(libcst, "parse_module", record)
    linter = make_linter(["BL"])
    assert not linter.needs_parsing(str(path), path.read_bytes())  # its slice is empty: no worker needed
    assert linter.lint(str(path)).diagnostics == ()
    assert parsed == []  # libcst was not even asked to parse the empty slice


def test_a_large_constants_module_without_beta_words_is_still_imported_from(tmp_path: Path) -> None:
    (tmp_path / "beta-lint.toml").write_text("")
    filler = "".join(f"def helper_{i}(x):\n    return x + {i}\n\n\n" for i in range(200))
    (tmp_path / "settings.py").write_text("EXTRA = ['computer-use-2025-04-29']\n" + filler)
    (tmp_path / "client.py").write_text(
        "import anthropic\nfrom settings import EXTRA\nanthropic.Anthropic().beta.messages.create(betas=EXTRA)\n"
    )
    done = run_cli("check", "--no-cache", "--output-format", "concise", "--select", "BL002", ".", cwd=tmp_path)
    assert "settings.py:1:11: BL002" in done.stdout, done.stdout + done.stderr


def test_extra_names_with_dates_in_them_still_make_a_file_a_candidate() -> None:
    from beta_lint.files.source import candidate_kind

    extra = (b"/v1/agents", b"claude-code-20250219", b"legacy-1999-01-01-x", b"plain-name")
    # Each name alone makes the file one to parse, whichever search finds it.
    for name in extra:
        assert candidate_kind(b"x = '" + name + b"'\n", extra) == "parse", name
    assert candidate_kind(b"x = 'claude-code'  # -2025 -1999\n", extra) is None
    assert candidate_kind(b"x = '/v1/models'\n", extra) is None
