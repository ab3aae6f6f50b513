"""--fix, --diff, --unsafe-fixes: exact edits, atomic writes, never broken code."""

from __future__ import annotations

import json
import os
import stat
import textwrap
from pathlib import Path

import libcst
import pytest
from conftest import TODAY, make_linter, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beta_lint.fix import apply as fixer
from beta_lint.fix.apply import FixError, apply_fixes
from beta_lint.pipeline.linter import Linter

HEAD = "import anthropic\n\nclient = anthropic.Anthropic()\n"


def fixed(code: str, unsafe: bool = False, select: tuple[str, ...] = ()) -> str:
    """The text after fixing, through the same path as the CLI (in memory)."""
    linter = make_linter(select)
    source = (HEAD + textwrap.dedent(code)).encode()
    result = linter.lint("example.py", source)
    outcome = apply_fixes(linter, [result], unsafe=unsafe, write=False, stdin_data=source)
    assert not outcome.errors, outcome.errors
    return (outcome.stdin_text or source.decode())[len(HEAD) :]


# ---------------------------------------------------------------- what each fix does


def test_safe_fix_removes_noop_ga_beta_with_its_comma() -> None:
    code = 'client.beta.messages.create(model="m", betas=["compact-2026-01-12", "pdfs-2024-09-25"], max_tokens=5)\n'
    assert fixed(code) == 'client.beta.messages.create(model="m", betas=["compact-2026-01-12"], max_tokens=5)\n'


def test_removing_last_beta_removes_the_keyword() -> None:
    assert fixed('client.beta.messages.create(model="m", betas=["pdfs-2024-09-25"])\n') == (
        'client.beta.messages.create(model="m")\n'
    )
    assert fixed('client.beta.messages.create(betas=["pdfs-2024-09-25"], model="m")\n') == (
        'client.beta.messages.create(model="m")\n'
    )


def test_multiline_list_keeps_layout() -> None:
    code = """\
    client.beta.messages.create(
        model="m",
        betas=[
            "compact-2026-01-12",  # why we need it
            "compact-2026-01-12",
            "pdfs-2024-09-25",
        ],
    )
    """
    assert fixed(code) == textwrap.dedent(
        """\
        client.beta.messages.create(
            model="m",
            betas=[
                "compact-2026-01-12",  # why we need it
            ],
        )
        """
    )


def test_header_punctuation_is_normalised() -> None:
    code = (
        'client.beta.messages.create(extra_headers={"anthropic-beta": " compact-2026-01-12;fast-mode-2026-02-01,,"})\n'
    )
    assert fixed(code) == (
        'client.beta.messages.create(extra_headers={"anthropic-beta": "compact-2026-01-12,fast-mode-2026-02-01"})\n'
    )


def test_unsafe_fixes_need_the_flag() -> None:
    code = 'client.beta.messages.create(betas=["mcp-client-2025-04-04", "context-managment-2025-06-27"])\n'
    assert fixed(code) == code
    assert fixed(code, unsafe=True) == (
        'client.beta.messages.create(betas=["mcp-client-2025-11-20", "context-management-2025-06-27"])\n'
    )


def test_move_to_beta_namespace_is_unsafe() -> None:
    code = 'client.messages.create(model="m", betas=["compact-2026-01-12"])\n'
    assert fixed(code) == code
    assert fixed(code, unsafe=True) == 'client.beta.messages.create(model="m", betas=["compact-2026-01-12"])\n'


def test_constant_replaced_once_at_its_definition() -> None:
    code = (
        'MCP = "mcp-client-2025-04-04"\n'
        "client.beta.messages.create(betas=[MCP])\n"
        'client.beta.messages.create(extra_headers={"anthropic-beta": MCP})\n'
    )
    assert fixed(code, unsafe=True) == code.replace("2025-04-04", "2025-11-20")


def test_constant_removal_edits_send_sites_and_keeps_definition() -> None:
    code = (
        'PDF = "pdfs-2024-09-25"\n'
        'client.beta.messages.create(betas=[PDF, "compact-2026-01-12"])\n'
        'client.beta.messages.create(betas=["compact-2026-01-12", PDF])\n'
    )
    assert fixed(code) == (
        'PDF = "pdfs-2024-09-25"\n'
        'client.beta.messages.create(betas=["compact-2026-01-12"])\n'
        'client.beta.messages.create(betas=["compact-2026-01-12"])\n'
    )


def test_unused_suppression_comment_is_removed() -> None:
    code = 'client.beta.messages.create(betas=["compact-2026-01-12"])  # noqa: BL002\n'
    assert fixed(code, select=("BL901",)) == 'client.beta.messages.create(betas=["compact-2026-01-12"])\n'


# ---------------------------------------------------------------- through the command


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


BAD = (HEAD + 'client.beta.messages.create(model="m", betas=["compact-2026-01-12", "pdfs-2024-09-25"])\n').encode()
GOOD = (HEAD + 'client.beta.messages.create(model="m", betas=["compact-2026-01-12"])\n').encode()


def test_diff_writes_nothing_and_exits_one(project: Path) -> None:
    path = write(project, "a.py", BAD)
    result = run_cli("check", "--diff", "a.py", cwd=project)
    assert result.returncode == 1
    assert '-client.beta.messages.create(model="m", betas=["compact-2026-01-12", "pdfs-2024-09-25"])' in result.stdout
    assert '+client.beta.messages.create(model="m", betas=["compact-2026-01-12"])' in result.stdout
    assert path.read_bytes() == BAD
    write(project, "a.py", GOOD)
    assert run_cli("check", "--diff", "a.py", cwd=project).returncode == 0


def test_fix_writes_is_idempotent_and_exits_zero_when_all_fixed(project: Path) -> None:
    path = write(project, "a.py", BAD)
    first = run_cli("check", "--fix", "--show-fixes", "a.py", cwd=project)
    assert first.returncode == 0, first.stdout + first.stderr
    assert path.read_bytes() == GOOD
    assert "BL101 fixed" in first.stderr
    second = run_cli("check", "--fix", "a.py", cwd=project)
    assert second.returncode == 0 and path.read_bytes() == GOOD


def test_check_mode_never_writes(project: Path) -> None:
    path = write(project, "a.py", BAD)
    before = os.stat(path)
    run_cli("check", "a.py", cwd=project)
    run_cli("check", "--output-format", "json", "--unsafe-fixes", "a.py", cwd=project)
    assert path.read_bytes() == BAD and os.stat(path).st_mtime_ns == before.st_mtime_ns


def test_json_fix_field_without_fix(project: Path) -> None:
    write(project, "a.py", BAD)
    data = json.loads(run_cli("check", "--output-format", "json", "a.py", cwd=project).stdout)
    (diagnostic,) = data["diagnostics"]
    fix = diagnostic["fix"]
    assert fix["applicability"] == "safe"
    (edit,) = fix["edits"]
    assert edit == {"content": "", "line": 4, "column": 67, "end_line": 4, "end_column": 86}


def test_fix_keeps_mode_encoding_bom_and_line_endings(project: Path) -> None:
    latin = "# -*- coding: latin-1 -*-\n# café\n" + BAD.decode().replace("\n", "\r\n")
    path = write(project, "latin.py", latin.encode("latin-1"))
    os.chmod(path, 0o750)
    bom = write(project, "bom.py", b"\xef\xbb\xbf" + BAD)
    assert run_cli("check", "--fix", "latin.py", "bom.py", cwd=project).returncode == 0
    expected = "# -*- coding: latin-1 -*-\n# café\n" + GOOD.decode().replace("\n", "\r\n")
    assert path.read_bytes() == expected.encode("latin-1")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o750
    assert bom.read_bytes() == b"\xef\xbb\xbf" + GOOD


def test_unparseable_result_leaves_file_untouched(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    linter = make_linter()
    path = write(tmp_path, "a.py", BAD)
    result = linter.lint(str(path))
    monkeypatch.setattr(fixer, "apply_edits", lambda text, edits: text + "(\n")
    outcome = apply_fixes(linter, [result], unsafe=False, write=True)
    assert outcome.errors and "would not parse" in outcome.errors[0]
    assert path.read_bytes() == BAD


def test_failed_write_leaves_original_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    linter = make_linter()
    path = write(tmp_path, "a.py", BAD)
    result = linter.lint(str(path))

    def full_disk(fd: int) -> None:
        # A full disk shows when buffered data reaches the device: at flush or fsync.
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    outcome = apply_fixes(linter, [result], unsafe=False, write=True)
    monkeypatch.undo()
    assert outcome.errors and "No space left on device" in outcome.errors[0]
    assert path.read_bytes() == BAD
    assert [p.name for p in tmp_path.iterdir()] == ["a.py"]  # no temporary file left behind


def test_failed_rename_leaves_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    linter = make_linter()
    path = write(tmp_path, "a.py", BAD)
    result = linter.lint(str(path))

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(5, "Input/output error")

    from beta_lint.fix import write as writing

    monkeypatch.setattr(os, "replace", broken_replace)
    # On Linux the new file is swapped in with renameat2 (see fix/write.py): that fails too.
    monkeypatch.setattr(writing, "_exchange", lambda first, second: broken_replace(first, second))
    outcome = apply_fixes(linter, [result], unsafe=False, write=True)
    monkeypatch.undo()
    assert "Input/output error" in outcome.errors[0]
    assert path.read_bytes() == BAD
    assert [p.name for p in tmp_path.iterdir()] == ["a.py"]


def test_concurrent_edit_is_detected(tmp_path: Path) -> None:
    linter = make_linter()
    path = write(tmp_path, "a.py", BAD)
    result = linter.lint(str(path))
    path.write_bytes(BAD + b"# edited meanwhile\n")
    outcome = apply_fixes(linter, [result], unsafe=False, write=True)
    assert "changed on disk" in outcome.errors[0]
    assert path.read_bytes() == BAD + b"# edited meanwhile\n"


def test_fix_error_is_exit_two_other_files_still_fixed(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from beta_lint.cli import main

    write(project, "a.py", BAD)
    write(project, "b.py", BAD)
    real = fixer.write_atomic

    def flaky(path: str, data: bytes, expected: bytes) -> None:
        if path.endswith("a.py"):
            raise FixError("cannot write: simulated")
        real(path, data, expected)

    monkeypatch.setattr(fixer, "write_atomic", flaky)
    monkeypatch.setattr(fixer.apply_fixes, "__kwdefaults__", {"writer": flaky, "stdin_data": None})
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["check", "--fix", "a.py", "b.py"])
    assert result.exit_code == 2
    assert "a.py: cannot write: simulated" in result.stderr
    assert (project / "a.py").read_bytes() == BAD
    assert (project / "b.py").read_bytes() == GOOD


# ---------------------------------------------------------------- properties

POOL = [
    "compact-2026-01-12",  # active
    "pdfs-2024-09-25",  # GA, safe removal
    "files-api-2025-04-14",  # GA, unsafe removal
    "mcp-client-2025-04-04",  # superseded
    "output-128k-2025-02-19",  # retired
    "context-managment-2025-06-27",  # typo, one candidate
    "fast-mode-2026-02-01",
]


@st.composite
def call_sites(draw: st.DrawFn) -> str:
    lines = []
    for index in range(draw(st.integers(1, 3))):
        names = draw(st.lists(st.sampled_from(POOL), min_size=0, max_size=5))
        form = draw(st.sampled_from(["inline", "multiline", "header", "constant"]))
        before = draw(st.sampled_from(["", 'model="m", ']))
        after = draw(st.sampled_from(["", ", max_tokens=5"]))
        if form == "inline":
            lines.append(f"client.beta.messages.create({before}betas={json.dumps(names)}{after})\n")
        elif form == "multiline":
            body = "".join(f"        {json.dumps(n)},\n" for n in names)
            lines.append(f"client.beta.messages.create(\n    {before}betas=[\n{body}    ]{after},\n)\n")
        elif form == "header":
            separator = draw(st.sampled_from([",", ", ", ",,", ";"]))
            value = separator.join(names) or "compact-2026-01-12"
            lines.append(f'client.beta.messages.create({before}extra_headers={{"anthropic-beta": "{value}"}}{after})\n')
        else:
            lines.append(f"NAMES_{index} = {json.dumps(names)}\nclient.beta.messages.create(betas=NAMES_{index})\n")
    return HEAD + "".join(lines)


def _fix_once(linter: Linter, text: str, unsafe: bool) -> tuple[str, set[str]]:
    result = linter.lint("p.py", text.encode())
    outcome = apply_fixes(linter, [result], unsafe=unsafe, write=False, stdin_data=text.encode())
    assert not outcome.errors, outcome.errors
    codes = {line.split()[1] for line in outcome.applied}
    return outcome.stdin_text or text, codes


@settings(
    max_examples=int(os.environ.get("BETA_LINT_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(call_sites(), st.booleans())
def test_fix_properties(text: str, unsafe: bool) -> None:
    linter = make_linter(today=TODAY)
    once, codes = _fix_once(linter, text, unsafe)
    libcst.parse_module(once)  # the result parses
    twice, _ = _fix_once(linter, once, unsafe)
    assert twice == once  # idempotent
    left = linter.lint("p.py", once.encode()).diagnostics
    # Nothing fixable remains of the codes it fixed.
    assert not [d for d in left if d.code in codes and d.fix is not None and (unsafe or d.fix.applicability == "safe")]
    # Outside the fixed calls nothing changed: the head and every untouched line survive.
    assert once.startswith(HEAD)


def test_fix_on_a_copy_of_the_corpus_leaves_only_unfixable(tmp_path: Path) -> None:
    import shutil

    corpus = Path(__file__).parent / "corpus"
    copy = tmp_path / "corpus"
    shutil.copytree(corpus, copy, ignore=shutil.ignore_patterns(".beta_lint_cache"))
    before = json.loads(run_cli("check", "--output-format", "json", "acme_app", cwd=copy).stdout)
    assert any(d["fix"] for d in before["diagnostics"])
    fixed = run_cli("check", "--fix", "--unsafe-fixes", "acme_app", cwd=copy)
    assert fixed.returncode in (0, 1), fixed.stderr
    after = json.loads(run_cli("check", "--output-format", "json", "acme_app", cwd=copy).stdout)
    assert [d for d in after["diagnostics"] if d["fix"]] == []
    for path in copy.rglob("*.py"):
        libcst.parse_module(path.read_text())  # every file still parses


def test_mixed_line_endings_are_kept(project: Path) -> None:
    text = (
        HEAD.replace("\n", "\r\n", 1)
        + 'client.beta.messages.create(betas=["compact-2026-01-12", "pdfs-2024-09-25"])\r\n'
    )
    path = write(project, "mixed.py", text.encode())
    assert run_cli("check", "--fix", "mixed.py", cwd=project).returncode == 0
    assert path.read_bytes() == text.replace(', "pdfs-2024-09-25"', "").encode()


def test_notebook_fix_rewrites_only_the_cell_source(project: Path) -> None:
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["Uses pdfs-2024-09-25\n"]},
            {
                "cell_type": "code",
                "execution_count": 1,
                "metadata": {"tags": ["keep"]},
                "outputs": [{"name": "stdout", "output_type": "stream", "text": ["ok\n"]}],
                "source": ["%pip install anthropic\n", "import anthropic\n", "client = anthropic.Anthropic()"],
            },
            {
                "cell_type": "code",
                "execution_count": 2,
                "metadata": {},
                "outputs": [],
                "source": ['client.beta.messages.create(betas=["compact-2026-01-12", "pdfs-2024-09-25"])'],
            },
        ],
        "metadata": {"kernelspec": {"name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    original = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    path = write(project, "nb.ipynb", original.encode())
    result = run_cli("check", "--fix", "nb.ipynb", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    notebook["cells"][2]["source"] = ['client.beta.messages.create(betas=["compact-2026-01-12"])']
    assert path.read_text() == json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
