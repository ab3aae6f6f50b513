"""The prefilter's second stage: a file whose only triggers are dated text or the word `betas`
is parsed with libcst only when CPython's parser finds a dated name in a string literal that is
not a bare statement, or a keyword argument named `betas`: all the extractor uses either for.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import make_linter, run_cli

from beta_lint.files.source import candidate_kind, light_file_matters
from beta_lint.pipeline.linter import Linter

# Word-only files the extractor can report nothing in: libcst is never asked.
SKIPPED = {
    "pullbacks.py": "def pull(alphas):\n    alphas, betas = split(alphas)\n    return [a * b for b in betas]\n",
    "docstring.py": 'def f():\n    """Then the betas are found."""\n    # ignore the betas\n    return 1\n',
    "parameter.py": "def make(betas=None):\n    return betas\n",
    "parameters.py": "async def make(model, betas=None, *, beta_tools=()):\n    return (lambda x, betas=1: x)(betas)\n",
    "dated_docstring.py": '"""Tech. Report MPI-I-2006-1-006."""\n\ndef f():\n    "Since v-2024-01-01."\n',
    "dated_comment.py": "x = 1  # see build-2025-01-01\n",
}
# Word-only files that must still go through the whole pipeline.
PARSED = {
    "sender.py": "import anthropic\nclient = anthropic.Anthropic()\nclient.beta.messages.create(betas=[])\n",
    "imported.py": "from settings import BETAS\nsend(model='m', betas=BETAS)\n",
    "dict_call.py": "options = dict(betas=['files-api'])\n",  # a name passed on: BL001
    "keyword_later.py": "def make(x=1):\n    return send(x, betas=['files-api'])\n",  # BL001 too
    # A "betas" mapping key may reach `create(**payload)` (issue 13): parsed, nothing to report.
    "dict_key.py": "payload = {}\npayload['betas'] = []\n",
    "dated_constant.py": "NAME = 'files-api-2025-04-14'\n",
    "dated_fstring.py": "NAME = f'pdfs-2024-09-25{1}'\n",
    "dated_bytes.py": "NAME = b'pdfs-2024-09-25'\n",
    "dated_annotation.py": "def f(x: 'Literal[\"pdfs-2024-09-25\"]') -> None: ...\n",
    "broken.py": "betas = [\n",  # CPython cannot tell: libcst reports the BL999
    "undecodable.py": "betas = []  # caf\udce9\n",  # a byte the pipeline cannot decode
}


def _write(folder: Path, name: str, code: str) -> Path:
    path = folder / name
    path.write_bytes(code.encode("utf-8", "surrogateescape"))
    return path


@pytest.mark.parametrize("name", sorted(SKIPPED))
def test_word_only_files_skip_libcst(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, name, SKIPPED[name])
    data = path.read_bytes()
    assert candidate_kind(data) == "light"
    assert not light_file_matters(data)

    def refuse(*args: Any) -> Any:
        raise AssertionError("libcst was asked to parse a file the prefilter should skip")

    monkeypatch.setattr(Linter, "extract", refuse)
    assert make_linter().lint(str(path)).diagnostics == ()


@pytest.mark.parametrize("name", sorted(PARSED))
def test_keyword_files_are_parsed(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, name, PARSED[name])
    assert make_linter().needs_parsing(str(path), path.read_bytes())


@pytest.mark.parametrize("name", sorted({**SKIPPED, **PARSED}))
def test_second_stage_changes_no_result(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, name, {**SKIPPED, **PARSED}[name])
    linter = make_linter()
    with_filter, without = linter.lint(str(path)), replace(linter, prefilter=False).lint(str(path))
    assert (with_filter.diagnostics, with_filter.usages) == (without.diagnostics, without.usages)


def test_through_the_command(project: Path) -> None:
    for name, code in {**SKIPPED, **PARSED}.items():
        _write(project, name, code)
    done = run_cli("check", "--no-cache", "--output-format", "concise", ".", cwd=project)
    reported = {line.split(":")[0] for line in done.stdout.splitlines() if ": BL" in line}
    expected = {"sender.py", "dict_call.py", "keyword_later.py", "broken.py", "undecodable.py", "dated_constant.py"}
    assert reported == expected, done.stdout + done.stderr


def test_a_large_run_shares_the_prefilter_and_loses_nothing(project: Path) -> None:
    # From 1,000 files to read, a helper process reads and prefilters every other one.
    bad = "import anthropic\nclient = anthropic.Anthropic()\nclient.beta.messages.create(betas=[{}])\n"
    for index in range(1_100):
        (project / f"m{index:04}.py").write_text(f"x = {index}\n")
    for index in (3, 4, 501, 1_098):  # in both shares
        (project / f"m{index:04}.py").write_text(bad.format('"files-api-2025-04-14"'))
    (project / "m0777.py").write_bytes(b"\xff\xfe\x00bad")  # unreadable: a BL999 from either share
    (project / "m0778.py").write_text("betas = []  # a variable: settled by CPython's parser\n")
    outputs = []
    for jobs in ("1", "2"):
        done = run_cli("check", "--no-cache", "-j", jobs, "--output-format", "concise", ".", cwd=project)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    reported = sorted(line.split(":")[0] for line in outputs[1].splitlines() if ": BL" in line)
    assert reported == ["m0003.py", "m0004.py", "m0501.py", "m0777.py", "m1098.py"], outputs[1]


def test_the_helper_answers_for_each_file(tmp_path: Path) -> None:
    from beta_lint.pipeline.parallel import _prefilter_elsewhere

    clean = _write(tmp_path, "clean.py", "x = 1\n")
    sender = _write(tmp_path, "sender.py", PARSED["sender.py"])
    word = _write(tmp_path, "word.py", SKIPPED["pullbacks.py"])
    collect = _prefilter_elsewhere(make_linter(), [str(clean), str(sender), str(word), str(tmp_path / "gone.py")])
    if collect is None:
        pytest.skip("needs fork")
    answer = collect()
    assert answer[str(clean)] == "clean" and answer[str(word)] == "clean"
    assert answer[str(sender)] == "parse"
    assert answer[str(tmp_path / "gone.py")].startswith("cannot read")


def test_a_failing_helper_leaves_its_files_to_the_main_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import beta_lint.pipeline.parallel as engine

    files = [_write(tmp_path, f"f{index}.py", "x = 1\n") for index in range(6)]
    files.append(_write(tmp_path, "sender.py", PARSED["sender.py"]))
    real = Linter.needs_parsing

    def flaky(self: Linter, path: str, data: bytes) -> bool:
        if path.endswith("f3.py"):
            raise RuntimeError("simulated bug in the helper")
        return real(self, path, data)

    monkeypatch.setattr(Linter, "needs_parsing", flaky)
    collect = engine._prefilter_elsewhere(make_linter(), [str(f) for f in files])
    if collect is None:
        pytest.skip("needs fork")
    answer = collect()  # no exception, no traceback: whatever it had done before the bug
    assert set(answer) == {str(f) for f in files[:3]}
    monkeypatch.setattr(Linter, "needs_parsing", real)
    # And through lint_paths, sharing from 2 files on: the same results as without a helper.
    monkeypatch.setattr(engine, "_SHARE_THRESHOLD", 2)
    shared = list(engine.lint_paths(make_linter(), [str(f) for f in files], jobs=2))
    alone = list(engine.lint_paths(make_linter(), [str(f) for f in files], jobs=1))
    assert [r.diagnostics for r in shared] == [r.diagnostics for r in alone]
    assert [bool(r.diagnostics) for r in shared] == [False] * 6 + [True]


# A large candidate whose slice is empty needs no worker (and no libcst): the prefilter works the
# slice out itself, up to a size, and says so (Django's admin tests in the Django + SymPy sdists).
SLUG_TESTS = (
    "import unittest\n\n\nclass AdminTests(unittest.TestCase):\n"
    + "    def test_headers(self):\n        self.assertIn('X-Frame', self.client.get('/').headers)\n"
    + "".join(
        f"    def test_{i}(self):\n        response = self.client.get('/{i}/')\n"
        f"        self.assertContains(response, 'here-is-a-stacked-inline-2011-12-{1 + i % 28:02d}')\n"
        for i in range(300)
    )
)


@pytest.mark.parametrize(
    ("tail", "parsed"),
    [
        ("", False),  # dated slugs and the word "header": nothing that can be reported
        ("\nclient = anthropic.Anthropic()\nclient.beta.messages.create(betas=['files-api-2025-04-14'])\n", True),
        ("\nMY_BETA = 'new-feature-2026-01-01'\n", True),  # a beta-named constant holding dated text
    ],
    ids=["slugs-only", "a-send", "a-beta-named-constant"],
)
def test_a_large_file_whose_slice_is_empty_goes_to_no_worker(tmp_path: Path, tail: str, parsed: bool) -> None:
    path = _write(tmp_path, "test_admin.py", SLUG_TESTS + tail)
    linter = make_linter()
    assert linter.needs_parsing(str(path), path.read_bytes()) is parsed
    with_filter, without = linter.lint(str(path)), replace(linter, prefilter=False).lint(str(path))
    assert (with_filter.diagnostics, with_filter.usages) == (without.diagnostics, without.usages)
    assert bool(without.usages) is parsed  # the files that are parsed do hold something


def test_a_file_over_the_limit_is_left_to_a_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import beta_lint.pipeline.linter as linter_module

    path = _write(tmp_path, "test_admin.py", SLUG_TESTS)
    monkeypatch.setattr(linter_module, "_SLICED_HERE_LIMIT", 1000)  # the main process is bounded by no timeout
    assert make_linter().needs_parsing(str(path), path.read_bytes())


def test_a_large_slug_file_through_the_command_reports_nothing_and_a_sender_beside_it_is_found(project: Path) -> None:
    _write(project, "test_admin.py", SLUG_TESTS)
    _write(project, "send.py", "import anthropic\nanthropic.Anthropic().beta.messages.create(betas=['files-api'])\n")
    done = run_cli("check", "--no-cache", "--output-format", "concise", ".", cwd=project)
    reported = {line.split(":")[0] for line in done.stdout.splitlines() if ": BL" in line}
    assert reported == {"send.py"}, done.stdout + done.stderr
