"""Hostile input: every file a hook may meet gives a BL999 or one clear line, the run goes on,
and no traceback ever reaches the user.

Most tests run the installed command as a subprocess (conftest.run_cli); races and failures
the OS will not produce on demand (we run as root) are injected in-process through click's
CliRunner.
"""

from __future__ import annotations

import ast
import codecs
import dataclasses
import datetime as dt
import json
import math
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import TODAY, run_cli
from fuzz_settings import examples
from hypothesis import given, note
from hypothesis import strategies as st
from test_fuzz import validate_report

import beta_lint.files.source as source_module
import beta_lint.pipeline.setup as run_module
from beta_lint.checks.rules import RULES
from beta_lint.cli import main
from beta_lint.knowledge.data import loads_toml
from beta_lint.report import FORMATS

BAD = (
    "import anthropic\n"
    "client = anthropic.Anthropic()\n"
    'client.beta.messages.create(model="claude-opus-4-6", betas=["computer-use-2023-07-07"])\n'
)
BAD_AT = "3:62: BL002"  # where BAD's finding is reported: a date that does not exist for a known feature
FIXABLE = (
    "import anthropic\n"
    "client = anthropic.Anthropic()\n"
    'client.beta.messages.create(model="m", betas=["compact-2026-01-12", "pdfs-2024-09-25"])\n'
)
FIXED = FIXABLE.replace(', "pdfs-2024-09-25"', "")
HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"


def write(folder: Path, name: str | bytes, data: str | bytes) -> Path:
    path = Path(os.fsdecode(os.path.join(os.fsencode(folder), os.fsencode(name))))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def check(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`beta-lint check` as a user runs it; never a traceback, whatever the outcome."""
    result = run_cli("check", "--no-cache", "--today", TODAY.isoformat(), *args, cwd=cwd, env=env)
    assert "Traceback" not in result.stderr, result.stderr
    assert "internal error" not in result.stderr, result.stderr
    assert result.returncode >= 0, f"killed by signal {-result.returncode}"
    return result


def check_json(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    result = check("--output-format", "json", *args, cwd=cwd)
    document = json.loads(result.stdout)
    validate_report(document)
    return result, document


def by_path(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for diagnostic in document["diagnostics"]:
        out.setdefault(diagnostic["path"], []).append(diagnostic)
    return out


def only_bl999(document: dict[str, Any], path: str) -> dict[str, Any]:
    (diagnostic,) = by_path(document)[path]
    assert diagnostic["code"] == "BL999"
    assert (diagnostic["line"], diagnostic["column"]) == (1, 1)
    assert "\n" not in diagnostic["message"]
    return diagnostic


def invoke(args: list[str], cwd: Path) -> Result:
    """The command in-process (for injected faults): never a traceback or an escaped exception."""
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, ["check", "--no-cache", "--today", TODAY.isoformat(), *args])
    finally:
        os.chdir(old)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    return result


# ---------------------------------------------------------------- encodings and bytes


INVALID_UTF8 = {
    "in_string.py": b"import anthropic\n\nbetas = ['files-api-2025-04-14\xff']\n",
    "in_comment.py": b"betas = []  # caf\xe9\n",
    "truncated_at_eof.py": b"betas = []\n# \xe2\x82",
    "overlong.py": b"betas = ['\xc0\xaf']\n",
    "surrogate.py": b"betas = ['\xed\xa0\x80']\n",
    "bom_then_invalid.py": codecs.BOM_UTF8 + b"betas = ['\xff']\n",
    "latin1_cookie_on_line_3.py": b"#\n#\n# -*- coding: latin-1 -*-\nbetas = ['caf\xe9-2025-01-01']\n",
    "unknown_cookie.py": b"# -*- coding: klingon -*-\nbetas = []\n",
    "binary_cookie.py": b"# -*- coding: uu -*-\nbetas = []\n",
}


def test_invalid_utf8_each_file_a_bl999_the_run_goes_on(project: Path) -> None:
    for name, data in INVALID_UTF8.items():
        write(project, name, data)
    write(project, "good.py", BAD)
    result, document = check_json(".", cwd=project)
    assert result.returncode == 1
    for name in INVALID_UTF8:
        message = only_bl999(document, name)["message"]
        assert "decode" in message, (name, message)
    # Past the first two lines (where the encoding cookie may be), the message says where.
    assert "at byte 48" in only_bl999(document, "in_string.py")["message"]
    assert [d["code"] for d in by_path(document)["good.py"]] == ["BL002"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf16_le.py", codecs.BOM_UTF16_LE + BAD.encode("utf-16-le")),
        ("utf16_be.py", codecs.BOM_UTF16_BE + BAD.encode("utf-16-be")),
        ("utf32.py", BAD.encode("utf-32")),
        ("utf16_cookie.py", codecs.BOM_UTF16_LE + "# -*- coding: utf-16 -*-\n".encode("utf-16-le")),
    ],
)
def test_utf16_and_utf32_with_bom_are_bl999_in_text_and_json(project: Path, name: str, data: bytes) -> None:
    write(project, name, data)
    write(project, "good.py", BAD)
    text = check(name, "good.py", cwd=project)
    assert text.returncode == 1
    assert f"{name}:1:1: BL999 UTF-16/UTF-32 byte order mark" in text.stdout
    assert f"good.py:{BAD_AT}" in text.stdout
    _, document = check_json(name, "good.py", cwd=project)
    assert "byte order mark" in only_bl999(document, name)["message"]


def test_utf16_without_bom_is_skipped_or_bl999_never_a_crash(project: Path) -> None:
    # No BOM, NUL in every other byte: the prefilter sees no beta; either outcome is fine.
    write(project, "utf16_nobom.py", BAD.encode("utf-16-le"))
    write(project, "good.py", BAD)
    _, document = check_json(".", cwd=project)
    assert [d["code"] for d in by_path(document).get("utf16_nobom.py", [])] in ([], ["BL999"])
    assert "good.py" in by_path(document)


def test_nul_bytes_anywhere_are_bl999(project: Path) -> None:
    files = {
        "nul_first.py": b"\x00" + BAD.encode(),
        "nul_in_string.py": BAD.replace("use-2023", "use\x00-2023").encode(),
        "nul_last.py": BAD.encode() + b"\x00",
        "only_nul_and_betas.py": b"betas" + b"\x00" * 4096,
    }
    for name, data in files.items():
        write(project, name, data)
    write(project, "good.py", BAD)
    result, document = check_json(".", cwd=project)
    assert result.returncode == 1
    for name in files:
        assert "NUL" in only_bl999(document, name)["message"], name
    assert "good.py" in by_path(document)


# ---------------------------------------------------------------- size and time


FIFTY_MB = 50 * 1024 * 1024


def _big_line(path: Path, head: str, fill: str = "A") -> None:
    """A single line of about 50 MB: `head`, then one long string literal."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write(head + 'DATA = "')
        chunk = fill * (1024 * 1024)
        for _ in range(50):
            handle.write(chunk)
        handle.write('"\n')


@pytest.fixture(scope="module")
def fifty_mb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    _big_line(folder / "big_candidate.py", 'betas = ["files-api-2025-04-14"]; ')
    _big_line(folder / "big_plain.py", "")
    write(folder, "good.py", BAD)
    return folder


def test_fifty_mb_single_line_is_skipped_quickly_at_the_default_limit(fifty_mb: Path) -> None:
    (fifty_mb / "beta-lint.toml").write_text("")
    start = time.monotonic()
    result, document = check_json("big_candidate.py", "big_plain.py", "good.py", cwd=fifty_mb)
    elapsed = time.monotonic() - start
    print(f"50 MB single line, default max-file-size: {elapsed:.2f} s")
    assert elapsed < 20
    for name in ("big_candidate.py", "big_plain.py"):
        assert "over the limit of 10485760: skipped" in only_bl999(document, name)["message"]
    assert "good.py" in by_path(document)
    assert result.returncode == 1


def test_fifty_mb_single_line_with_a_larger_limit_is_linted(fifty_mb: Path) -> None:
    (fifty_mb / "beta-lint.toml").write_text(f"max-file-size = {2 * FIFTY_MB}\n")
    start = time.monotonic()
    _, document = check_json("big_candidate.py", "big_plain.py", "good.py", cwd=fifty_mb)
    elapsed = time.monotonic() - start
    print(f"50 MB single line, max-file-size 100 MB: {elapsed:.2f} s")
    assert elapsed < 60
    found = by_path(document)
    # The plain file holds no beta-like bytes: the prefilter skips it without parsing.
    assert "big_plain.py" not in found
    (diagnostic,) = found["big_candidate.py"]
    assert (diagnostic["code"], diagnostic["line"], diagnostic["column"]) == ("BL101", 1, 11)
    assert "good.py" in found


# The parse runs in a watched child process (isolation.py): the parent kills it at the limit.
def test_token_dense_single_line_respects_the_file_timeout(project: Path) -> None:
    # No wall-clock assertion (it failed under load): the BL999 saying the limit was hit, and the
    # other file's finding, prove that the slow file was stopped and the run went on.
    write(project, "good.py", BAD)
    (project / "beta-lint.toml").write_text("file-timeout = 0.25\n")
    write(project, "dense.py", 'betas = ["files-api-2025-04-14"]; DATA = [' + "1," * (256 * 1024) + "]\n")
    result = check("--output-format", "concise", "dense.py", "good.py", cwd=project)
    assert "dense.py:1:1: BL999 skipped: took longer than 0.25 s" in result.stdout
    assert f"good.py:{BAD_AT}" in result.stdout


# ---------------------------------------------------------------- nesting: the parser's recursion


def _nested(depth: int, opener: str = "[", closer: str = "]") -> str:
    return "betas = " + opener * depth + closer * depth + "\n"


@pytest.mark.parametrize("depth", [100, 1000])
def test_nesting_within_reach_gives_bl999_or_a_clean_parse(project: Path, depth: int) -> None:
    write(project, "deep.py", _nested(depth))
    write(project, "good.py", BAD)
    _, document = check_json("deep.py", "good.py", cwd=project)
    found = by_path(document)
    assert [d["code"] for d in found.get("deep.py", [])] in ([], ["BL999"])
    assert "good.py" in found


# Deep nesting overflows the C stack of libcst's native parser (from about 1,230 levels; the
# process dies with SIGSEGV). Unbroken runs such as "(" * 60 are handed to CPython's parser first
# (engine._SUSPECT_RUNS); any other shape crashes a watched child process (isolation.py), and the
# parent then asks CPython's parser for the reason. Either way: a BL999 where CPython places it.


@pytest.mark.parametrize(
    "code",
    [
        pytest.param(_nested(10_000, "[", "]"), id="brackets"),
        pytest.param(_nested(10_000, "(", ")"), id="parentheses"),
        pytest.param(_nested(10_000, "{", "}"), id="braces"),
        pytest.param(_nested(10_000, "[ ", "]"), id="brackets-and-spaces"),
        pytest.param(_nested(10_000, "[\n", "]"), id="one-bracket-per-line"),
        pytest.param(_nested(3_400, "([{", "}])"), id="mixed-brackets"),
    ],
)
def test_ten_thousand_nested_brackets_give_bl999(project: Path, code: str) -> None:
    write(project, "deep.py", code)
    write(project, "good.py", BAD)
    result, document = check_json("deep.py", "good.py", cwd=project)
    assert result.returncode == 1
    # CPython's parser refuses it ("too many nested parentheses"), and the report says where.
    with pytest.raises(SyntaxError) as refused:
        compile(code, "deep.py", "exec", flags=ast.PyCF_ONLY_AST)
    (diagnostic,) = by_path(document)["deep.py"]
    assert diagnostic["code"] == "BL999"
    assert (diagnostic["line"], diagnostic["column"]) == (refused.value.lineno, refused.value.offset)
    assert "nested" in diagnostic["message"]
    assert "good.py" in by_path(document)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("-" * 10_000 + "1", id="unary-minus"),
        pytest.param("~" * 10_000 + "1", id="inversions"),
        pytest.param("not " * 10_000 + "1", id="nots"),
        pytest.param("1+" * 10_000 + "1", id="additions"),
        pytest.param("x" + ".a" * 10_000, id="attributes"),
        pytest.param("f" + "()" * 10_000, id="calls"),
        pytest.param("lambda:" * 10_000 + "1", id="lambdas"),
    ],
)
def test_long_operator_chains_give_bl999_quickly(project: Path, body: str) -> None:
    write(project, "chain.py", f"betas = {body}\n")
    write(project, "good.py", BAD)
    start = time.monotonic()
    result, document = check_json("chain.py", "good.py", cwd=project)
    assert time.monotonic() - start < 15
    assert result.returncode == 1
    only_bl999(document, "chain.py")


# Chains the guard does not recognise keep libcst busy for 35-40 s and then crash (" .a" with
# spaces, "2**" powers) or run for minutes ("[0]" subscripts); the watched child is killed at
# file-timeout.
@pytest.mark.parametrize(
    "body",
    [
        pytest.param("x" + " .a" * 10_000, id="attributes-and-spaces"),
        pytest.param("2**" * 10_000 + "2", id="powers"),
        pytest.param("x" + "[0]" * 10_000, id="subscripts"),
    ],
)
def test_chains_the_guard_misses_give_bl999_at_the_file_timeout(project: Path, body: str) -> None:
    (project / "beta-lint.toml").write_text("file-timeout = 2\n")
    write(project, "chain.py", f"betas = {body}\n")
    write(project, "good.py", BAD)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "beta_lint", "check", "--no-cache", "--output-format", "concise", "."],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("still running after 60 s")
    assert done.returncode == 1, f"exit {done.returncode}"
    assert "chain.py:1:1: BL999 skipped: took longer than 2 s" in done.stdout
    assert f"good.py:{BAD_AT}" in done.stdout


# ---------------------------------------------------------------- things that are not files


def test_fifo_named_explicitly_is_bl999_and_never_blocks(project: Path) -> None:
    os.mkfifo(project / "pipe.py")
    os.mkfifo(project / "pipe_without_suffix")
    write(project, "good.py", BAD)
    result = check("--output-format", "concise", "pipe.py", "pipe_without_suffix", "good.py", cwd=project)
    assert result.returncode == 1
    for name in ("pipe.py", "pipe_without_suffix"):
        assert f"{name}:1:1: BL999 not a regular file (FIFO, device or socket): skipped" in result.stdout
    assert f"good.py:{BAD_AT}" in result.stdout


def test_devices_are_bl999(project: Path) -> None:
    os.symlink("/dev/zero", project / "zero.py")  # found by the walk: would never end if read
    write(project, "good.py", BAD)
    result = check("--output-format", "concise", "/dev/null", ".", cwd=project)
    assert result.returncode == 1
    assert "/dev/null:1:1: BL999 not a regular file" in result.stdout
    assert "zero.py:1:1: BL999 not a regular file" in result.stdout
    assert f"good.py:{BAD_AT}" in result.stdout


def test_symlink_loops_inside_a_walked_folder(project: Path) -> None:
    os.symlink("loop.py", project / "loop.py")  # a file symlink to itself
    (project / "pkg").mkdir()
    os.symlink("..", project / "pkg" / "up")  # a folder cycle: not followed
    write(project, "pkg/good.py", BAD)
    result = check("--output-format", "concise", ".", cwd=project)
    assert result.returncode == 1
    assert "loop.py:1:1: BL999 cannot read: Too many levels of symbolic links" in result.stdout
    assert f"pkg/good.py:{BAD_AT}" in result.stdout
    assert result.stdout.count("good.py") == 1  # the cycle did not make it linted twice


# ---------------------------------------------------------------- races and refusals (in-process)


def _racing_discover(action: Callable[[Path], None], victim: str) -> Callable[..., Any]:
    real = run_module.discover

    def discover(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        action(Path(victim))  # after discovery, before anything is read
        return found

    return discover


def _delete(path: Path) -> None:
    path.unlink()


def _to_fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _to_folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _to_dangling_link(path: Path) -> None:
    path.unlink()
    os.symlink("nowhere", path)


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (_delete, "cannot read: No such file or directory"),
        (_to_fifo, "not a regular file (FIFO, device or socket): skipped"),
        (_to_folder, "not a regular file (FIFO, device or socket): skipped"),
        (_to_dangling_link, "cannot read: No such file or directory"),
    ],
)
def test_file_deleted_or_replaced_between_discovery_and_reading(
    project: Path, monkeypatch: pytest.MonkeyPatch, action: Callable[[Path], None], message: str
) -> None:
    write(project, "a_victim.py", BAD)
    write(project, "b_good.py", BAD)
    monkeypatch.setattr(run_module, "discover", _racing_discover(action, str(project / "a_victim.py")))
    result = invoke(["--output-format", "concise", "."], project)
    assert result.exit_code == 1, result.output
    assert f"a_victim.py:1:1: BL999 {message}" in result.stdout
    assert f"b_good.py:{BAD_AT}" in result.stdout


_SWAP_DRIVER = textwrap.dedent(
    """
    import os, sys
    real_open = os.open

    def swapping_open(path, *args, **kwargs):
        # Just before beta-lint opens it, the file becomes a FIFO with no writer.
        if str(path).endswith("swap.py") and not os.path.exists("swapped"):
            open("swapped", "w").close()
            os.unlink(path)
            os.mkfifo(path)
        return real_open(path, *args, **kwargs)

    os.open = swapping_open
    from beta_lint.cli import main
    main(["check", "--no-cache", "--output-format", "concise", "swap.py", "good.py"])
    """
)


def test_file_replaced_by_a_fifo_just_before_it_is_opened_does_not_hang(project: Path) -> None:
    write(project, "swap.py", BAD)
    write(project, "good.py", BAD)
    try:
        done = subprocess.run(
            [sys.executable, "-c", _SWAP_DRIVER], cwd=project, capture_output=True, text=True, timeout=20
        )
    except subprocess.TimeoutExpired:
        pytest.fail("beta-lint hung opening a file replaced by a FIFO")
    assert "Traceback" not in done.stderr
    assert (project / "swapped").exists(), "the swap was not injected: read_bytes no longer uses os.open?"
    assert "swap.py:1:1: BL999 not a regular file" in done.stdout
    assert f"good.py:{BAD_AT}" in done.stdout


def _deny(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> None:
    """Make opening files called `name` fail, as the OS would for mode 000 (we are root).

    Both `open` in `module` and `os.open` (which source.read_bytes uses) refuse them.
    """
    real_os_open = os.open

    def refusing_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if os.path.basename(os.fsdecode(file)) == name:
            raise PermissionError(13, "Permission denied", os.fsdecode(file))
        return open(file, *args, **kwargs)

    def refusing_os_open(file: Any, *args: Any, **kwargs: Any) -> int:
        if os.path.basename(os.fsdecode(file)) == name:
            raise PermissionError(13, "Permission denied", os.fsdecode(file))
        return real_os_open(file, *args, **kwargs)

    monkeypatch.setattr(module, "open", refusing_open, raising=False)
    monkeypatch.setattr(os, "open", refusing_os_open)


def test_permission_denied_on_a_file_is_bl999(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project, "secret.py", BAD)
    write(project, "good.py", BAD)
    _deny(monkeypatch, source_module, "secret.py")
    for output in ("text", "json"):
        result = invoke(["--output-format", output, "."], project)
        assert result.exit_code == 1, result.output
        if output == "text":
            assert "secret.py:1:1: BL999 cannot read: Permission denied" in result.stdout
            assert f"good.py:{BAD_AT}" in result.stdout
        else:
            document = json.loads(result.stdout)
            validate_report(document)
            assert only_bl999(document, "secret.py")["message"] == "cannot read: Permission denied"


def test_fix_in_a_read_only_folder_is_one_line_and_other_files_are_fixed(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = write(project, "locked/a.py", FIXABLE)
    free = write(project, "free/b.py", FIXABLE)
    real = tempfile.mkstemp

    def mkstemp(*args: Any, dir: Any = None, **kwargs: Any) -> Any:
        if dir is not None and Path(dir).name == "locked":
            raise OSError(30, "Read-only file system", str(dir))
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    result = invoke(["--fix", "locked/a.py", "free/b.py"], project)
    assert result.exit_code == 2
    assert "internal error" not in result.stderr
    assert "locked/a.py: cannot write: Read-only file system" in result.stderr
    assert locked.read_text() == FIXABLE
    assert free.read_text() == FIXED


# ---------------------------------------------------------------- names of files


ODD_NAMES = [
    "with space.py",
    "new\nline.py",
    "café 日本.py",
    "tab\there.py",
    "quote\"'.py",
    "colon:3:4.py",
    "-dash.py",
    "dir with\nnewline/inner.py",
]


def test_odd_file_names_are_reported_verbatim_at_the_right_place(project: Path) -> None:
    for name in ODD_NAMES:
        write(project, name, BAD)
    result, document = check_json(".", cwd=project)
    assert result.returncode == 1
    assert sorted(by_path(document)) == sorted(ODD_NAMES)
    for name, found in by_path(document).items():
        assert [(d["code"], d["line"], d["column"]) for d in found] == [("BL002", 3, 62)], name
    text = check("--output-format", "concise", ".", cwd=project)
    for name in ODD_NAMES:
        assert f"{name}:{BAD_AT}" in text.stdout, name
    # GitHub annotations escape what would end a property or a command.
    github = check("--output-format", "github", ".", cwd=project)
    assert "file=new%0Aline.py,line=3,col=62," in github.stdout
    assert "file=colon%3A3%3A4.py,line=3," in github.stdout
    assert len(github.stdout.splitlines()) == len(ODD_NAMES)


def _run_bytes(project: Path, output: str, stdout_errors: str, *extra: str) -> subprocess.CompletedProcess[bytes]:
    """The command with stdout as bytes, under a UTF-8 locale that is strict or lenient."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    env["PYTHONIOENCODING"] = f"utf-8:{stdout_errors}"
    done = subprocess.run(
        [sys.executable, "-m", "beta_lint", "check", "--no-cache", "--output-format", output, *extra, "."],
        cwd=project,
        capture_output=True,
        env=env,
        timeout=120,
    )
    stderr = done.stderr.decode("utf-8", "replace")
    assert "internal error" not in stderr and "Traceback" not in stderr, stderr
    return done


@pytest.mark.parametrize("stdout_errors", ["strict", "surrogateescape"])
def test_file_name_that_is_not_utf8_prints_as_its_escape(project: Path, stdout_errors: str) -> None:
    # Old Latin-1 systems leave names like this. Every report stays UTF-8 (issue 15): the byte
    # is written as the escape of its surrogate, as the JSON report writes it.
    write(project, b"latin\xe9.py", BAD)
    write(project, "good.py", BAD)
    for output in ("concise", "text", "github"):
        done = _run_bytes(project, output, stdout_errors)
        assert done.returncode == 1
        assert b"good.py" in done.stdout
        assert done.stdout.decode("utf-8").count("latin\\udce9.py") == 1, done.stdout


@pytest.mark.parametrize("stdout_errors", ["strict", "surrogateescape"])
def test_file_name_that_is_not_utf8_keeps_the_json_report_utf8(project: Path, stdout_errors: str) -> None:
    write(project, b"latin\xe9.py", BAD)
    write(project, "good.py", BAD)
    done = _run_bytes(project, "json", stdout_errors)
    assert done.returncode == 1
    document = json.loads(done.stdout.decode("utf-8"))
    validate_report(document)
    assert len(document["diagnostics"]) == 2
    # The undecodable byte is written as the escape of its surrogate, so a reader gets the name back.
    assert b'"path": "latin\\udce9.py"' in done.stdout
    assert sorted(os.fsencode(d["path"]) for d in document["diagnostics"]) == [b"good.py", b"latin\xe9.py"]


@pytest.mark.parametrize("output", ["sarif", "gitlab"])
def test_file_name_that_is_not_utf8_in_sarif_and_gitlab(project: Path, output: str) -> None:
    write(project, b"latin\xe9.py", BAD)
    write(project, "good.py", BAD)
    done = _run_bytes(project, output, "surrogateescape")
    assert done.returncode == 1
    document = json.loads(done.stdout.decode("utf-8"))  # strict: the report is UTF-8
    if output == "sarif":
        results = document["runs"][0]["results"]
        uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
        assert uris == ["good.py", "latin%E9.py"]  # a URI percent-encodes the name's real bytes
        prints = [r["partialFingerprints"]["betaLintContent/v1"] for r in results]
    else:
        assert [os.fsencode(issue["location"]["path"]) for issue in document] == [b"good.py", b"latin\xe9.py"]
        prints = [issue["fingerprint"] for issue in document]
    assert len(set(prints)) == 2  # same line, same beta: only the names tell them apart


@pytest.mark.parametrize("stdout_errors", ["strict", "surrogateescape"])
def test_file_name_that_is_not_utf8_in_junit(project: Path, stdout_errors: str) -> None:
    write(project, b"latin\xe9.py", BAD)
    write(project, "good.py", BAD)
    done = _run_bytes(project, "junit", stdout_errors)
    assert done.returncode == 1
    done.stdout.decode("utf-8")  # strict: the report is UTF-8, as its declaration says
    root = ET.fromstring(done.stdout)  # and well-formed
    # XML 1.0 cannot carry a lone surrogate, not even as a character reference: the byte shows as U+FFFD.
    cases = root.findall("testsuite/testcase")
    assert [case.get("name") for case in cases] == ["good.py", "latin\ufffd.py"]
    failure = cases[1].find("failure")
    assert failure is not None and failure.text is not None
    assert failure.text.startswith(f"latin\ufffd.py:{BAD_AT} ")


@pytest.mark.parametrize("output", sorted(FORMATS))
def test_file_name_that_is_not_utf8_in_an_output_file(project: Path, output: str) -> None:
    write(project, b"latin\xe9.py", BAD)
    write(project, "good.py", BAD)
    target = project / "reports" / "out.txt"  # not a suffix that is linted
    done = _run_bytes(project, output, "surrogateescape", "--output-file", str(target))
    assert done.returncode == 1 and done.stdout == b""
    # The file holds what stdout would have shown, byte for byte.
    assert target.read_bytes() == _run_bytes(project, output, "surrogateescape").stdout


SURROGATE_BETA = HEAD + 'client.beta.messages.create(model="m", betas=["\\ud800x-2025-01-01"])\n'


@pytest.mark.parametrize("output", sorted(FORMATS))
def test_lone_surrogate_in_a_beta_name_keeps_every_report_utf8(project: Path, output: str) -> None:
    write(project, "escaped.py", SURROGATE_BETA)
    done = _run_bytes(project, output, "surrogateescape")
    assert done.returncode == 1
    text = done.stdout.decode("utf-8")  # strict
    assert "x-2025-01-01" in text
    if output == "json":
        document = json.loads(text)
        validate_report(document)
        assert [d["beta"] for d in document["diagnostics"]] == ["\ud800x-2025-01-01"]  # given back as parsed
    elif output in ("sarif", "gitlab"):
        json.loads(text)
    elif output == "junit":
        ET.fromstring(done.stdout)


# ---------------------------------------------------------------- internal errors


def _crashing_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(usage: Any, ctx: Any) -> Iterator[Any]:
        raise RuntimeError("simulated bug in BL002")

    monkeypatch.setitem(RULES, "BL002", dataclasses.replace(RULES["BL002"], on_usage=boom))


def test_internal_error_is_a_short_report_and_exit_two(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project, "crashing_module.py", BAD)
    _crashing_rule(monkeypatch)
    result = invoke(["crashing_module.py"], project)
    assert result.exit_code == 2
    report = result.stderr.strip()
    assert "\n" not in report  # one line
    assert report.startswith(
        "beta-lint: internal error while checking crashing_module.py: RuntimeError: simulated bug in BL002"
    )
    assert "This is a bug: please report it" in report
    assert result.stdout == ""


def test_internal_error_report_names_the_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project, "crashing_module.py", BAD)
    _crashing_rule(monkeypatch)
    result = invoke(["crashing_module.py"], project)
    assert result.exit_code == 2
    assert "crashing_module.py" in result.stderr


@pytest.mark.parametrize(
    "code",
    [
        'betas = ["x" "\\x"]\n',
        'client.beta.messages.create(betas=["files-api-2025-04-14\\x"])\n',
        'client.beta.messages.create(betas=["\\N{no such name}-2025-01-01"])\n',
        'h = {"anthropic-beta": "a-2025-01-01\\u12"}\n',
    ],
)
def test_invalid_string_escape_is_bl999(project: Path, code: str) -> None:
    write(project, "escape.py", code)
    write(project, "good.py", BAD)
    result, document = check_json("escape.py", "good.py", cwd=project)
    assert result.returncode == 1
    # Python rejects the literal: a BL999 on its line (at CPython's column), the run goes on.
    (diagnostic,) = by_path(document)["escape.py"]
    assert diagnostic["code"] == "BL999" and diagnostic["line"] == 1
    assert "invalid string literal" in diagnostic["message"] and "\n" not in diagnostic["message"]
    assert "good.py" in by_path(document)


@pytest.mark.parametrize(
    ("code", "line"),
    [
        pytest.param(BAD + "client.beta.messages.create(betas=])\n", 4, id="tokenizer-error"),
        pytest.param("betas = f(a, b c)\nx = 1\n", 1, id="parser-error"),
    ],
)
def test_bl999_points_at_the_line_of_the_error(project: Path, code: str, line: int) -> None:
    write(project, "broken.py", code)
    _, document = check_json("broken.py", cwd=project)
    (diagnostic,) = by_path(document)["broken.py"]
    assert diagnostic["code"] == "BL999"
    assert diagnostic["line"] == line, diagnostic


def test_bl999_range_stays_on_its_line(project: Path) -> None:
    code = "betas = (1 +\n\n"  # the parser stops on an empty line
    write(project, "broken.py", code)
    _, document = check_json("broken.py", cwd=project)
    (diagnostic,) = by_path(document)["broken.py"]
    assert diagnostic["code"] == "BL999"
    line = code.split("\n")[diagnostic["end_line"] - 1]
    assert diagnostic["end_column"] <= len(line) + 1, diagnostic


@pytest.mark.parametrize("code", ["betas = 1\nclass\n", "betas = 1\nclass"])
def test_bl999_range_at_the_end_of_a_line_stays_on_it(project: Path, code: str) -> None:
    write(project, "broken.py", code)
    _, document = check_json("broken.py", cwd=project)
    (diagnostic,) = by_path(document)["broken.py"]
    assert (diagnostic["code"], diagnostic["line"], diagnostic["end_line"]) == ("BL999", 2, 2)
    assert diagnostic["end_column"] <= len("class") + 1, diagnostic


def test_concatenated_name_range_covers_every_piece(project: Path) -> None:
    code = HEAD + 'client.beta.messages.create(betas=["files-api-" "2025-04-14"])\n'
    write(project, "concat.py", code)
    _, document = check_json("concat.py", cwd=project)
    (diagnostic,) = by_path(document)["concat.py"]
    assert (diagnostic["code"], diagnostic["beta"]) == ("BL101", "files-api-2025-04-14")
    line = code.splitlines()[2]
    written = line[diagnostic["column"] - 1 : diagnostic["end_column"] - 1]
    assert written == '"files-api-" "2025-04-14"', written


# A comment banner long enough to make beta-lint check the file with CPython's parser first, and
# a literal CPython warns about (an invalid escape such as "\\d" warns the same way from 3.12).
WARNED = "ok = 0x1for 2\n# " + "-" * 200 + "\n" + BAD


@pytest.mark.parametrize("warnings", ["default", "error"])
def test_python_warnings_about_the_code_stay_out_of_the_run(project: Path, warnings: str) -> None:
    write(project, "warned.py", WARNED)
    result = check("--output-format", "concise", "warned.py", cwd=project, env={"PYTHONWARNINGS": warnings})
    assert "Warning" not in result.stderr, result.stderr
    assert result.stdout.startswith("warned.py:5:62: BL002"), result.stdout


# ---------------------------------------------------------------- configuration fuzzing


REAL_KEYS = [
    "select",
    "ignore",
    "extend-select",
    "exclude",
    "extend-exclude",
    "per-file-ignores",
    "respect-gitignore",
    "registry",
    "include-text",
    "text-suffixes",
    "max-file-size",
    "file-timeout",
    "cache-dir",
]
NEAR_MISSES = ["selec", "Select", "max_file_size", "registry.allow", "tool", "beta-lint", "ignore ", ""]
RULEISH = st.sampled_from(["BL001", "BL0", "BL", "bl002", "BL999", "BL9", "ALL", "XX1", "", "BL1000", "E501", "BL00"])
PATTERNS = st.sampled_from(["*.py", "tests/", "**/gen/**", "[", "!", "\\", "!x", "", "good.py", ".py", "#", "a\x00b"])
REGISTRY_FILES = ["registry.toml", "bad.toml", "adir", "missing.toml", "a\x00b"]
ENTRY_KEYS = st.sampled_from(
    ["name", "status", "successor", "retires", "ga-date", "endpoints", "models", "confidence", "note", "junk"]
)
SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
    st.dates(),
    st.datetimes(timezones=st.none() | st.just(dt.timezone.utc)),
    st.times(),
    RULEISH,
    PATTERNS,
    st.sampled_from(["x-2025-01-01", "files-api-2025-04-14", "ga", "active", "/v1/messages"]),
)
# Keys without control characters: a key holding a line break would make any message two lines.
KEY_TEXT = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=6)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEY_TEXT, inner, max_size=3),
    max_leaves=8,
)
TARGETED: dict[str, st.SearchStrategy[Any]] = {
    "select": st.lists(RULEISH, max_size=3),
    "ignore": st.lists(RULEISH, max_size=3),
    "extend-select": st.lists(RULEISH, max_size=3),
    "exclude": st.lists(PATTERNS | st.text(max_size=6), max_size=3),
    "extend-exclude": st.lists(PATTERNS, max_size=3),
    "text-suffixes": st.lists(PATTERNS | st.sampled_from([".md", ".txt", ""]), max_size=3),
    "per-file-ignores": st.dictionaries(PATTERNS | KEY_TEXT, st.lists(RULEISH, max_size=2) | VALUES, max_size=3),
    "respect-gitignore": st.booleans(),
    "include-text": st.booleans(),
    "max-file-size": st.integers(min_value=-5, max_value=2**70) | st.sampled_from([0, 1, 10**7]),
    "file-timeout": st.floats(min_value=-1.0, max_value=1e20) | st.sampled_from([math.inf, math.nan, 0, 5]),
    "cache-dir": st.sampled_from(["cache", "sub/dir", ".", "", "a\x00b", "../outside-is-fine"]),
    "registry": st.dictionaries(
        st.sampled_from(["allow", "file", "beta", "junk"]),
        st.one_of(
            st.lists(st.sampled_from(["my-beta-2026-01-01", "", "x"]) | VALUES, max_size=3),
            st.sampled_from(REGISTRY_FILES),
            st.lists(st.dictionaries(ENTRY_KEYS, SCALARS | st.lists(SCALARS, max_size=2), max_size=4), max_size=2),
            VALUES,
        ),
        max_size=3,
    ),
}


@st.composite
def config_tables(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(
        st.lists(
            st.sampled_from(REAL_KEYS) | st.sampled_from(NEAR_MISSES) | KEY_TEXT,
            max_size=4,
            unique=True,
        )
    )
    table: dict[str, Any] = {}
    for key in keys:
        targeted = TARGETED.get(key)
        table[key] = draw(targeted | VALUES if targeted is not None else VALUES)
    return table


def toml_string(text: str) -> str:
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        text = repr(value)
        return text if any(c in text for c in ".eE") else text + ".0"
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(table: dict[str, Any]) -> str:
    return "".join(f"{toml_string(key)} = {toml_value(value)}\n" for key, value in table.items())


def _names_a_key(message: str, table: dict[str, Any]) -> bool:
    return any(f"'{key}" in message or f": {key}" in message for key in table)


@pytest.fixture
def config_project(project: Path) -> Path:
    write(project, "good.py", BAD)
    write(project, "registry.toml", '[[beta]]\nname = "my-beta-2026-01-01"\nstatus = "active"\n')
    write(project, "bad.toml", "[[beta]\n")
    (project / "adir").mkdir()
    return project


@examples(60)
@given(table=config_tables())
def test_fuzzed_configuration_works_or_names_the_file_and_key(config_project: Path, table: dict[str, Any]) -> None:
    document = toml_document(table)
    note(document)
    loads_toml(document)  # the test's own TOML writer is right
    (config_project / "beta-lint.toml").write_text(document, encoding="utf-8")
    result = invoke(["--output-format", "concise", "good.py"], config_project)
    assert "internal error" not in result.stderr, result.stderr
    assert result.exit_code in (0, 1, 2)
    if result.exit_code == 2:
        message = result.stderr.strip()
        assert message.startswith("beta-lint: error: ") and "\n" not in message, message
        names_registry_file = any(str(config_project / name) in message for name in REGISTRY_FILES)
        assert names_registry_file or ("beta-lint.toml" in message and _names_a_key(message, table)), message
    else:
        assert result.stdout.endswith(".\n")  # the report's summary line


def test_malformed_toml_names_the_file_and_where(config_project: Path) -> None:
    for text, where in (
        ("select = [", "end of document"),
        ('select = ["BL001"]\nselect = []\n', "line 2"),
        ("= 1\n", ""),
    ):
        (config_project / "beta-lint.toml").write_text(text)
        result = check("good.py", cwd=config_project)
        assert result.returncode == 2
        assert "beta-lint.toml: invalid TOML" in result.stderr and where in result.stderr
        assert result.stderr.count("\n") == 1


# Each of these was an internal error once (a pattern pathspec rejects, a time the interval timer
# cannot hold, a NUL in a path): now exit 2 naming the file and the key.
@pytest.mark.parametrize(
    ("table", "key"),
    [
        pytest.param('exclude = ["!"]', "exclude", id="pattern-pathspec-rejects"),
        pytest.param('extend-exclude = ["\\\\"]', "extend-exclude", id="lone-backslash-pattern"),
        pytest.param('per-file-ignores = {"!" = ["BL001"]}', "per-file-ignores", id="per-file-ignores-pattern"),
        pytest.param("file-timeout = inf", "file-timeout", id="file-timeout-inf"),
        pytest.param("file-timeout = 1e12", "file-timeout", id="file-timeout-too-large-for-the-timer"),
        pytest.param("file-timeout = nan", "file-timeout", id="file-timeout-nan"),
        pytest.param('cache-dir = "a\\u0000b"', "cache-dir", id="cache-dir-with-NUL"),
        pytest.param('registry = {file = "a\\u0000b"}', "registry.file", id="registry-file-with-NUL"),
    ],
)
def test_configuration_values_that_once_crashed(config_project: Path, table: str, key: str) -> None:
    (config_project / "beta-lint.toml").write_text(table + "\n")
    result = check("good.py", cwd=config_project)
    assert result.returncode == 2
    assert "beta-lint.toml" in result.stderr and f"key '{key}'" in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1


def test_missing_registry_file_names_the_configuration(config_project: Path) -> None:
    (config_project / "beta-lint.toml").write_text('[registry]\nfile = "missing.toml"\n')
    result = check("good.py", cwd=config_project)
    assert result.returncode == 2
    assert "reinstall" not in result.stderr
    assert "beta-lint.toml" in result.stderr and "registry.file" in result.stderr
