"""Issue 14: --fix, the cache and the report never lose or corrupt a user's bytes.

Each test is one way a file was lost or corrupted, met the way a user meets it (the installed
command as a subprocess) where that is possible; races are staged through the write functions.
Expected bytes are written out by hand from the input, never produced by beta-lint.
"""

from __future__ import annotations

import codecs
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_linter, run_cli

from beta_lint.fix import write as writing
from beta_lint.fix.apply import apply_fixes
from beta_lint.model import FileResult

HEAD = "import anthropic\n\nclient = anthropic.Anthropic()\n"
CALL = 'client.beta.messages.create(model="m", betas=["compact-2026-01-12", "pdfs-2024-09-25"])\n'
FIXED_CALL = 'client.beta.messages.create(model="m", betas=["compact-2026-01-12"])\n'
BAD = (HEAD + CALL).encode()
GOOD = (HEAD + FIXED_CALL).encode()


def run_bytes(*args: str, cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """The command with byte-exact standard input and output."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "beta_lint", *args], cwd=cwd, input=stdin, capture_output=True, env=env, timeout=120
    )


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "This is a bug" not in lines[0] and "Traceback" not in stderr
    return lines[0]


# ---------------------------------------------------------------- 1. notebook IPython lines


def notebook(*sources: list[str]) -> str:
    """A notebook as Jupyter writes it: each cell's source a list of its lines."""
    document = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": "".join(source).splitlines(keepends=True),
            }
            for source in sources
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


MAGIC_CELL = [
    "import anthropic\n",
    "client = anthropic.Anthropic()\n",
    "def f():\n",
    "    x = 1\n",
    "    \n",  # four spaces: the same blank that `!pwd` is masked as
    "    return x\n",
    "!pwd\n",
    "%time f()\n",
    '"""doc\n',
    "    \n",
    '"""\n',
    CALL.rstrip("\n"),
]


def test_notebook_magics_and_shell_lines_come_back_where_they_were(project: Path) -> None:
    path = project / "nb.ipynb"
    path.write_text(notebook(MAGIC_CELL))
    result = run_cli("check", "--fix", "nb.ipynb", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert path.read_text() == notebook([*MAGIC_CELL[:-1], FIXED_CALL.rstrip("\n")])


def test_notebook_fix_that_would_move_a_magic_line_is_refused(project: Path) -> None:
    # The magic sits inside the call's brackets: removing the beta's line would touch it.
    cell = [
        "import anthropic\n",
        "client = anthropic.Anthropic()\n",
        'client.beta.messages.create(model="m", betas=["compact-2026-01-12",\n',
        "!ls\n",
        '"pdfs-2024-09-25"])',
    ]
    path = project / "nb.ipynb"
    path.write_text(notebook(cell))
    before = path.read_bytes()
    result = run_cli("check", "--fix", "nb.ipynb", cwd=project)
    assert result.returncode == 2
    assert "IPython line" in one_error_line(result.stderr)
    assert path.read_bytes() == before


def test_notebook_with_a_utf8_bom_is_fixed_and_keeps_it(project: Path) -> None:
    path = project / "nb.ipynb"
    path.write_bytes(codecs.BOM_UTF8 + notebook([HEAD, CALL.rstrip("\n")]).encode())
    result = run_cli("check", "--fix", "nb.ipynb", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert path.read_bytes() == codecs.BOM_UTF8 + notebook([HEAD, FIXED_CALL.rstrip("\n")]).encode()


# ---------------------------------------------------------------- 2. escape codecs in a cookie


@pytest.mark.parametrize("codec", ["unicode_escape", "idna"])
@pytest.mark.parametrize("mode", ["--fix", "--diff"])
def test_codec_that_cannot_write_the_fix_back_is_refused(project: Path, codec: str, mode: str) -> None:
    path = project / "a.py"
    # An empty label ("a..b") is text idna cannot encode; unicode_escape writes newlines as "\\n".
    original = f"# coding: {codec}\n# a..b\n".encode() + BAD
    path.write_bytes(original)
    result = run_cli("check", mode, "a.py", cwd=project)
    assert path.read_bytes() == original
    if mode == "--fix" or result.returncode == 2:
        assert result.returncode == 2, result.stdout + result.stderr
        assert "a.py" in one_error_line(result.stderr)


def test_raw_unicode_escape_fix_reads_back_as_written(project: Path) -> None:
    path = project / "a.py"
    path.write_bytes(b"# coding: raw_unicode_escape\n" + BAD)
    result = run_cli("check", "--fix", "a.py", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert path.read_bytes() == b"# coding: raw_unicode_escape\n" + GOOD


# ---------------------------------------------------------------- 3. standard input keeps its encoding


LATIN = "# -*- coding: latin-1 -*-\n# caf\u00e9\n"


@pytest.mark.parametrize("body", [HEAD, HEAD + CALL])
def test_stdin_fix_keeps_a_declared_encoding(project: Path, body: str) -> None:
    data = (LATIN + body).encode("latin-1")
    result = run_bytes("check", "--fix", "-", cwd=project, stdin=data)
    assert result.stdout == (LATIN + body.replace(CALL, FIXED_CALL)).encode("latin-1"), result.stderr


@pytest.mark.parametrize("body", [HEAD, HEAD + CALL])
def test_stdin_fix_keeps_the_bom(project: Path, body: str) -> None:
    data = codecs.BOM_UTF8 + ("# caf\u00e9\n" + body).encode()
    result = run_bytes("check", "--fix", "-", cwd=project, stdin=data)
    assert result.stdout == codecs.BOM_UTF8 + ("# caf\u00e9\n" + body.replace(CALL, FIXED_CALL)).encode()


# ---------------------------------------------------------------- 4. stdin never writes to disk


def test_stdin_notebook_fix_prints_the_fix_and_writes_nothing(project: Path) -> None:
    on_disk = project / "nb.ipynb"
    on_disk.write_text(notebook([HEAD, CALL.rstrip("\n")]))
    before = on_disk.read_bytes()
    given = notebook([HEAD, "x = 1\n", CALL.rstrip("\n")]).encode()
    result = run_bytes("check", "--stdin-filename", "nb.ipynb", "--fix", "-", cwd=project, stdin=given)
    assert result.returncode == 0, result.stderr
    assert result.stdout == notebook([HEAD, "x = 1\n", FIXED_CALL.rstrip("\n")]).encode()
    assert on_disk.read_bytes() == before


# ---------------------------------------------------------------- 5. -o naming an input


@pytest.mark.parametrize("command", ["check", "audit"])
@pytest.mark.parametrize("target", ["a.py", "."])
def test_output_file_that_is_an_input_is_refused(project: Path, command: str, target: str) -> None:
    path = project / "a.py"
    path.write_bytes(BAD)
    result = run_cli(command, "-o", "a.py", target, cwd=project)
    assert result.returncode == 2
    assert "a.py" in one_error_line(result.stderr)
    assert path.read_bytes() == BAD


@pytest.mark.parametrize("output", ["/proc/version", "/dev/full", "missing-folder/../a.py/x"])
def test_output_file_that_cannot_be_written_is_one_line(project: Path, output: str) -> None:
    if not os.path.exists("/dev/full") and output == "/dev/full":
        pytest.skip("no /dev/full")
    (project / "a.py").write_bytes(BAD)
    result = run_cli("check", "-o", output, "a.py", cwd=project)
    assert result.returncode == 2
    assert "cannot write the report" in one_error_line(result.stderr)
    assert (project / "a.py").read_bytes() == BAD


def test_closed_stdout_is_one_line(project: Path) -> None:
    (project / "a.py").write_bytes(BAD)
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    result = subprocess.run(
        [sys.executable, "-m", "beta_lint", "check", "a.py"],
        cwd=project,
        stderr=subprocess.PIPE,
        env=env,
        timeout=120,
        preexec_fn=lambda: os.close(1),  # a child without a standard output
    )
    assert result.returncode == 2
    assert "standard output" in one_error_line(result.stderr.decode())


# ---------------------------------------------------------------- 6. an edit during the write


def _linted(path: Path) -> tuple[object, FileResult]:
    linter = make_linter()
    return linter, linter.lint(str(path))


@pytest.mark.parametrize("stage", ["before-check", "after-exchange"])
def test_edit_by_another_program_during_the_write_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(BAD)
    linter, result = _linted(path)
    edited = BAD + b"# added by the editor\n"
    if stage == "before-check":
        real_fill = writing._fill

        def fill_then_edit(*args: object) -> None:
            real_fill(*args)  # type: ignore[arg-type]
            with path.open("ab") as handle:
                handle.write(b"# added by the editor\n")

        monkeypatch.setattr(writing, "_fill", fill_then_edit)
    else:
        real_exchange = writing._exchange
        calls = []

        def exchange_then_edit(first: str, second: str) -> bool:
            swapped = real_exchange(first, second)
            if not calls:
                calls.append(1)
                # The editor still holds the old file open and writes to it after the swap.
                with open(first if swapped else second, "ab") as handle:
                    handle.write(b"# added by the editor\n")
            return swapped

        monkeypatch.setattr(writing, "_exchange", exchange_then_edit)
    outcome = apply_fixes(linter, [result], unsafe=False, write=True)  # type: ignore[arg-type]
    monkeypatch.undo()
    assert path.read_bytes() == edited
    assert outcome.fixed == {}
    assert outcome.errors and "changed on disk" in outcome.errors[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]


def test_fix_count_is_only_what_was_written(project: Path) -> None:
    (project / "a.py").write_bytes(BAD)
    (project / "a.py").chmod(0o444)
    result = run_cli("check", "--fix", "a.py", cwd=project)
    assert result.returncode == 2
    assert "fixed" not in result.stdout
    assert (project / "a.py").read_bytes() == BAD


# ---------------------------------------------------------------- 7. each edit names its file


def test_edit_for_another_file_is_never_applied(tmp_path: Path) -> None:
    config, client = tmp_path / "config.py", tmp_path / "client.py"
    config.write_bytes(BAD)
    client.write_bytes(BAD)
    linter = make_linter()
    for_config = linter.lint(str(config))
    assert any(d.fix for d in for_config.diagnostics)
    misfiled = FileResult(str(client), for_config.diagnostics, digest=for_config.digest)
    outcome = apply_fixes(linter, [misfiled], unsafe=True, write=True)
    assert client.read_bytes() == BAD
    assert config.read_bytes() == BAD
    assert outcome.fixed == {}


# ---------------------------------------------------------------- 10. links, owners, modes, xattrs


def test_symlink_stays_a_link_and_its_target_is_fixed(project: Path) -> None:
    (project / "real.py").write_bytes(BAD)
    (project / "link.py").symlink_to("real.py")
    result = run_cli("check", "--fix", "link.py", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "link.py").is_symlink()
    assert os.readlink(project / "link.py") == "real.py"
    assert (project / "real.py").read_bytes() == GOOD


def test_hard_linked_file_is_refused(project: Path) -> None:
    (project / "a.py").write_bytes(BAD)
    os.link(project / "a.py", project / "b.py")
    result = run_cli("check", "--fix", "a.py", cwd=project)
    assert result.returncode == 2
    assert "hard links" in one_error_line(result.stderr)
    assert (project / "a.py").read_bytes() == BAD
    assert os.stat(project / "a.py").st_ino == os.stat(project / "b.py").st_ino


def test_hard_linked_file_is_fixed_when_the_user_opts_in(project: Path) -> None:
    (project / "a.py").write_bytes(BAD)
    os.link(project / "a.py", project / "b.py")
    result = run_cli("check", "--fix", "--fix-hard-links", "a.py", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "a.py").read_bytes() == GOOD
    assert (project / "b.py").read_bytes() == BAD  # the other name keeps the old file, as documented


def test_read_only_file_is_refused(project: Path) -> None:
    path = project / "a.py"
    path.write_bytes(BAD)
    path.chmod(0o444)
    result = run_cli("check", "--fix", "a.py", cwd=project)
    assert result.returncode == 2
    assert "read-only" in one_error_line(result.stderr)
    assert path.read_bytes() == BAD
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another owner needs root")
def test_owner_and_group_are_kept(project: Path) -> None:
    path = project / "a.py"
    path.write_bytes(BAD)
    os.chown(path, 12345, 23456)
    result = run_cli("check", "--fix", "a.py", cwd=project)
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == GOOD
    assert (path.stat().st_uid, path.stat().st_gid) == (12345, 23456)


def test_extended_attributes_are_kept(project: Path) -> None:
    path = project / "a.py"
    path.write_bytes(BAD)
    try:
        os.setxattr(path, "user.origin", b"kept")
    except (OSError, AttributeError):
        pytest.skip("this file system has no user extended attributes")
    result = run_cli("check", "--fix", "a.py", cwd=project)
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == GOOD
    assert os.getxattr(path, "user.origin") == b"kept"


# ---------------------------------------------------------------- 8. the cache folder


@pytest.mark.parametrize("cache_dir", [".", "..", "src"])
def test_cache_dir_that_is_the_project_or_holds_sources_is_refused(project: Path, cache_dir: str) -> None:
    (project / "src").mkdir()
    (project / "src" / "a.py").write_bytes(BAD)
    (project / "beta-lint.toml").write_text(f'cache-dir = "{cache_dir}"\n')
    result = run_cli("check", "--fix", "src", cwd=project)
    assert result.returncode == 2
    assert "cache" in one_error_line(result.stderr)
    assert not (project / ".gitignore").exists() and not (project / "src" / ".gitignore").exists()
    assert (project / "src" / "a.py").read_bytes() == BAD


def test_existing_cache_dir_gets_no_gitignore_and_later_runs_still_see_files(project: Path) -> None:
    (project / "cache").mkdir()
    (project / "cache" / "README").write_text("mine\n")
    (project / "a.py").write_bytes(BAD)
    (project / "beta-lint.toml").write_text('cache-dir = "cache"\n')
    assert "BL101" in run_cli("check", "a.py", cwd=project).stdout  # the file is seen
    assert sorted(p.name for p in (project / "cache").iterdir() if not p.name.startswith("results-")) == ["README"]
    result = run_cli("check", "--fix", ".", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "a.py").read_bytes() == GOOD


def test_created_cache_dir_gets_its_gitignore(project: Path) -> None:
    (project / "a.py").write_bytes(BAD)
    assert "BL101" in run_cli("check", "a.py", cwd=project).stdout
    assert (project / ".beta_lint_cache" / ".gitignore").read_text() == "# Created by beta-lint.\n*\n"


# ---------------------------------------------------------------- 9. registry names are names


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("successor", 'x"] + os.system("echo owned") + ["y-2026-01-01'),
        ("successor", "a b-2026-01-01"),
        ("name", "bad{name}-2026-01-01"),
        ("conflicts", ["ok-2026-01-01", "no'quote-2026-01-01"]),
    ],
)
def test_registry_entry_that_is_not_a_beta_name_is_refused(project: Path, key: str, value: object) -> None:
    entry = {"name": "compact-2026-01-12", "status": "superseded", "successor": "compact-2026-06-01", key: value}
    lines = ["[[beta]]"] + [f"{k} = {json.dumps(v)}" for k, v in entry.items()]
    (project / "extra.toml").write_text("\n".join(lines) + "\n")
    (project / "a.py").write_bytes(BAD)
    result = run_cli("check", "--registry", "extra.toml", "--fix", "--unsafe-fixes", "a.py", cwd=project)
    assert result.returncode == 2
    assert "extra.toml" in one_error_line(result.stderr) and key in result.stderr
    assert (project / "a.py").read_bytes() == BAD


def test_valid_successor_is_written_as_a_string(project: Path) -> None:
    entry = '[[beta]]\nname = "toy-2025-01-01"\nstatus = "superseded"\nsuccessor = "toy-2026-01-01"\n'
    (project / "extra.toml").write_text(entry + '[[beta]]\nname = "toy-2026-01-01"\nstatus = "active"\n')
    call = 'client.beta.messages.create(model="m", betas=["toy-2025-01-01"])\n'
    (project / "a.py").write_text(HEAD + call)
    result = run_cli("check", "--registry", "extra.toml", "--fix", "--unsafe-fixes", "a.py", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    expected = HEAD + 'client.beta.messages.create(model="m", betas=["toy-2026-01-01"])\n'
    assert (project / "a.py").read_text() == expected


# ---------------------------------------------------------------- crashes: one BL999, the run goes on


def bl999_files(project: Path, *args: str) -> dict[str, str]:
    result = run_cli("check", "--output-format", "json", "--no-cache", *args, cwd=project)
    assert result.returncode == 1, result.stderr
    assert "This is a bug" not in result.stderr
    return {d["path"]: d["message"] for d in json.loads(result.stdout)["diagnostics"] if d["code"] == "BL999"}


HOSTILE_FILES = {
    "zwnj.py": "a\u200cb = 1\nbetas = ['pdfs-2024-09-25']\n".encode(),  # CPython takes U+200C in a name, libcst not
    "escape_cookie.py": b'# coding: unicode_escape\nx = "\\ud800"\nbetas = ["pdfs-2024-09-25"]\n',
    "escape_name.py": b'# coding: raw_unicode_escape\n\\ud800 = 1\nbetas = ["pdfs-2024-09-25"]\n',
    # The JSON escape \ud800 is ASCII on disk and a lone surrogate once loaded.
    "surrogate.ipynb": notebook(["x = 'SURROGATE'\n", "betas = ['pdfs-2024-09-25']\n"])
    .replace("SURROGATE", "\\ud800")
    .encode(),
}


@pytest.mark.parametrize("mode", [(), ("--fix",), ("--diff",)])
def test_input_libcst_or_utf8_cannot_hold_is_a_bl999_for_that_file(project: Path, mode: tuple[str, ...]) -> None:
    for name, data in HOSTILE_FILES.items():
        (project / name).write_bytes(data)
    (project / "z.py").write_bytes(BAD)
    if mode == ("--diff",):
        result = run_cli("check", "--diff", "--no-cache", ".", cwd=project)
        assert result.returncode == 1 and "This is a bug" not in result.stderr
        assert "+" + FIXED_CALL in result.stdout
        return
    found = bl999_files(project, *mode, ".")
    assert sorted(found) == sorted(HOSTILE_FILES)
    assert "\\ud800" in found["escape_cookie.py"] and "surrogate" in found["escape_cookie.py"]
    if mode:
        assert (project / "z.py").read_bytes() == GOOD  # later files are still fixed
    for name, data in HOSTILE_FILES.items():
        assert (project / name).read_bytes() == data


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("beta-lint.toml", b'select = ["BL1"]\n# caf\xe9\n'),
        ("beta-lint.toml", b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n"),
        ("extra.toml", b'[[beta]]\nname = "x-2025-01-01"\nnote = "caf\xe9"\n'),
        ("extra.toml", b'[[beta]]\nname = "x-2025-01-01"\nmodels = ' + b"[" * 5000 + b"]" * 5000 + b"\n"),
    ],
)
def test_config_or_registry_file_that_is_not_toml_is_one_line(project: Path, name: str, content: bytes) -> None:
    (project / name).write_bytes(content)
    (project / "a.py").write_bytes(BAD)
    result = run_cli("check", "--registry", "extra.toml", "a.py", cwd=project) if name == "extra.toml" else None
    result = result or run_cli("check", "a.py", cwd=project)
    assert result.returncode == 2
    assert name in one_error_line(result.stderr)


# ---------------------------------------------------------------- a damaged cache is a miss


def cache_file(project: Path) -> Path:
    (found,) = (project / ".beta_lint_cache").glob("results-*.pickle")
    return found


def damage_truncate(data: bytes) -> bytes:
    return data[: len(data) // 2]


def damage_flip(data: bytes) -> bytes:
    # A byte in the pickled message text: read back, it would be a different message.
    at = data.rindex(b"generally available")
    return data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1 :]


def damage_huge(data: bytes) -> bytes:
    # A pickle that asks for an 8 EiB string (MemoryError in an unbounded loader).
    return data[:48] + b"\x80\x05\x8d" + (2**63 - 1).to_bytes(8, "little")


@pytest.mark.parametrize("damage", [damage_truncate, damage_flip, damage_huge])
def test_damaged_cache_is_a_miss_and_is_rebuilt(project: Path, damage: object) -> None:
    (project / "a.py").write_bytes(BAD)
    first = run_cli("check", "--output-format", "json", "a.py", cwd=project)
    path = cache_file(project)
    assert callable(damage)
    path.write_bytes(damage(path.read_bytes()))
    for _ in range(2):
        again = run_cli("check", "--output-format", "json", "a.py", cwd=project)
        assert again.returncode == 0 and '"BL101"' in again.stdout, again.stderr  # a warning: exit 0
        assert json.loads(again.stdout)["diagnostics"] == json.loads(first.stdout)["diagnostics"]


def test_cache_replaced_by_a_fifo_does_not_block(project: Path) -> None:
    (project / "a.py").write_bytes(BAD)
    run_cli("check", "a.py", cwd=project)
    path = cache_file(project)
    path.unlink()
    os.mkfifo(path)
    result = run_cli("check", "a.py", cwd=project)
    assert result.returncode == 0 and "BL101" in result.stdout, result.stderr


# ---------------------------------------------------------------- hangs: workers die with their parent


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("signum", [15, 9])
def test_killed_check_leaves_no_worker_holding_its_output(project: Path, signum: int) -> None:
    import time

    # Slow enough files (deep nesting) that the workers are busy when the parent is killed.
    body = "betas = " + "[" * 90 + "]" * 90 + "\n" + CALL
    for index in range(400):
        (project / f"m{index}.py").write_text(HEAD + body * 40)
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    process = subprocess.Popen(
        [sys.executable, "-m", "beta_lint", "check", "--no-cache", "--jobs", "2", "."],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    deadline = time.monotonic() + 60
    while not _children(process.pid) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = _children(process.pid)
    assert workers, "no worker started"
    process.send_signal(signum)
    try:
        process.communicate(timeout=20)  # end of file once nobody holds the pipes any more
    except subprocess.TimeoutExpired:
        for worker in _children(process.pid) + workers:
            try:
                os.kill(worker, 9)
            except OSError:
                pass
        process.kill()
        pytest.fail("a worker outlived its parent and kept stdout/stderr open")
    time.sleep(0.5)
    assert not [w for w in workers if os.path.exists(f"/proc/{w}") and _state(w) != "Z"]


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


# ---------------------------------------------------------------- limits: memory and size


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the cap is RLIMIT_AS in a forked worker")
def test_file_over_the_workers_memory_limit_is_a_bl999_naming_it_and_the_run_goes_on(project: Path) -> None:
    from beta_lint.files.isolation import MEMORY_ENV

    # libcst needs some 400 MB for a 100,000-element list; a worker capped at 64 MiB above its
    # size at start cannot hold it (without the cap it parses, then runs past file-timeout).
    (project / "big.py").write_text(HEAD + "DATA = [" + "1, " * 100_000 + "]\n" + CALL)
    (project / "z.py").write_bytes(BAD)
    result = run_cli("check", "--output-format", "concise", "--no-cache", ".", cwd=project, env={MEMORY_ENV: "64"})
    assert result.returncode == 1, result.stderr
    assert "big.py:1:1: BL999 skipped: needs more than a worker's memory limit (64 MiB) to check" in result.stdout
    assert "z.py:4:" in result.stdout  # the next file is still checked
    # libcst's native parser prints "memory allocation of N bytes failed" and a backtrace as it
    # aborts: that is the BL999 above, not noise on the terminal.
    assert result.stderr == ""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the cap is RLIMIT_AS in a forked worker")
def test_million_line_file_reports_its_betas_within_a_bounded_worker(project: Path) -> None:
    """A 1M-line file (9.9 MB, under max-file-size) with a beta on its first and last lines, and a
    200-dash comment: one of the shapes that sends a file to CPython's pre-check. The pre-check
    compiled all of it (13 s, 2.5 GB): past file-timeout, the betas lost. It now sees the slice."""
    from beta_lint.files.isolation import MEMORY_ENV

    ga = 'client.beta.messages.create(model="m", max_tokens=1, messages=[], betas=["prompt-caching-2024-07-31"])\n'
    body = "".join(f"x_{i % 1000} = {i % 7}\n" for i in range(1_000_000))
    (project / "huge.py").write_text(HEAD + ga + "# " + "-" * 200 + "\n" + body + ga)
    assert (project / "huge.py").stat().st_size < 10 * 1024 * 1024  # max-file-size
    # The time the slicer takes on a million statements is not this test's concern (60 s here);
    # the memory is: a worker capped at 1.5 GiB must hold the file.
    (project / "beta-lint.toml").write_text("file-timeout = 60\n")
    result = run_cli(
        "check", "--output-format", "concise", "--no-cache", "huge.py", cwd=project, env={MEMORY_ENV: "1536"}
    )
    assert "BL999" not in result.stdout, result.stdout
    lines = result.stdout.splitlines()
    assert any(line.startswith("huge.py:4:75: BL101") for line in lines), result.stdout
    assert any(line.startswith("huge.py:1000006:75: BL101") for line in lines), result.stdout


# ---------------------------------------------------------------- files swapped between phases


@pytest.mark.parametrize("swap", ["fifo", "dev-zero"])
def test_file_swapped_after_linting_never_blocks_the_fix(tmp_path: Path, swap: str) -> None:
    import threading

    path = tmp_path / "a.py"
    path.write_bytes(BAD)
    linter = make_linter()
    result = linter.lint(str(path))
    path.unlink()
    if swap == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    done: list[object] = []
    worker = threading.Thread(target=lambda: done.append(apply_fixes(linter, [result], unsafe=False, write=True)))
    worker.daemon = True
    worker.start()
    worker.join(20)
    assert done, "the fix blocked on a file that is no longer a regular file"
    outcome = done[0]
    assert outcome.fixed == {} and "not a regular file" in outcome.errors[0]  # type: ignore[attr-defined]
    assert path.is_fifo() if swap == "fifo" else path.is_symlink()


# ---------------------------------------------------------------- Ctrl-C, counts, diffs


def test_ctrl_c_during_fix_exits_130_and_leaves_no_temporary_file(project: Path) -> None:
    import time

    names = [f"m{index:03}.py" for index in range(300)]
    for name in names:
        (project / name).write_bytes(BAD * 20)
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    process = subprocess.Popen(
        [sys.executable, "-m", "beta_lint", "check", "--fix", "--no-cache", "."],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    deadline = time.monotonic() + 90
    while process.poll() is None and time.monotonic() < deadline:
        if any((project / name).read_bytes() != BAD * 20 for name in names[:5]):
            break  # the fix phase has begun
        time.sleep(0.01)
    process.send_signal(2)
    _, stderr = process.communicate(timeout=60)
    if process.returncode == 0:
        pytest.skip("the run ended before the interrupt arrived")
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr.decode()
    assert not list(project.glob(".beta-lint-*.tmp"))
    for name in names:  # every file is either untouched or completely fixed
        assert (project / name).read_bytes() in (BAD * 20, GOOD * 20) or b"pdfs" not in (project / name).read_bytes()


def test_summary_counts_no_fix_when_every_write_failed(project: Path) -> None:
    folder = project / "ro"
    folder.mkdir()
    (folder / "a.py").write_bytes(BAD)
    (folder / "b.py").write_bytes(BAD)
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):  # root writes anyway: make the files read-only instead
            (folder / "a.py").chmod(0o444)
            (folder / "b.py").chmod(0o444)
        result = run_cli("check", "--fix", "ro", cwd=project)
    finally:
        folder.chmod(0o755)
    assert result.returncode == 2
    assert "fixed" not in result.stdout
    assert (folder / "a.py").read_bytes() == BAD


def test_diff_marks_a_missing_final_newline_and_gnu_patch_applies_it(project: Path) -> None:
    import shutil

    (project / "a.py").write_bytes(BAD.rstrip(b"\n"))
    (project / "b.py").write_bytes(BAD)
    result = run_cli("check", "--diff", "a.py", "b.py", cwd=project)
    assert result.returncode == 1, result.stderr
    expected_a = (
        "--- a.py\n+++ a.py\n@@ -1,4 +1,4 @@\n import anthropic\n \n client = anthropic.Anthropic()\n"
        f"-{CALL.rstrip()}\n\\ No newline at end of file\n+{FIXED_CALL.rstrip()}\n\\ No newline at end of file\n"
    )
    assert result.stdout.startswith(expected_a)
    assert result.stdout[len(expected_a) :].startswith("--- b.py\n")
    if shutil.which("patch") is None:
        return
    applied = subprocess.run(["patch", "-p0"], cwd=project, input=result.stdout, text=True, capture_output=True)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert (project / "a.py").read_bytes() == GOOD.rstrip(b"\n")
    assert (project / "b.py").read_bytes() == GOOD


def test_diff_of_a_cr_only_file_has_no_carriage_returns(project: Path) -> None:
    (project / "a.py").write_bytes(BAD.replace(b"\n", b"\r"))
    result = run_bytes("check", "--diff", "a.py", cwd=project)
    assert result.returncode == 1, result.stderr
    assert b"\r" not in result.stdout and b"+" + FIXED_CALL.encode() in result.stdout


def test_successor_cycle_reports_nothing_fixed(project: Path) -> None:
    entry = (
        '[[beta]]\nname = "toy-2025-01-01"\nstatus = "superseded"\nsuccessor = "toy-2026-01-01"\n'
        '[[beta]]\nname = "toy-2026-01-01"\nstatus = "superseded"\nsuccessor = "toy-2025-01-01"\n'
    )
    (project / "extra.toml").write_text(entry)
    original = HEAD + 'client.beta.messages.create(model="m", betas=["toy-2025-01-01"])\n'
    (project / "a.py").write_text(original)
    result = run_cli("check", "--registry", "extra.toml", "--fix", "--unsafe-fixes", "a.py", cwd=project)
    assert "fixed" not in result.stdout, result.stdout
    assert (project / "a.py").read_text() in (original, original.replace("toy-2025-01-01", "toy-2026-01-01"))


def test_same_size_edit_with_its_mtime_put_back_is_seen(project: Path) -> None:
    # A large run (64 files or more, pipeline/parallel.py) trusts stamps; 80 make this one.
    for index in range(80):
        (project / f"f{index:02}.py").write_bytes(BAD)
    then = 1_700_000_000
    for path in project.glob("*.py"):
        os.utime(path, (then, then))
    first = run_cli("check", "--output-format", "json", ".", cwd=project)
    assert first.returncode == 0 and '"BL101"' in first.stdout, first.stderr
    target = project / "f00.py"
    before = os.stat(target)
    edited = BAD.replace(b"pdfs-2024-09-25", b"pdfs-2099-09-25")  # the same size
    with target.open("r+b") as handle:
        handle.write(edited)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(target).st_size == before.st_size
    second = run_cli("check", "--output-format", "json", ".", cwd=project)
    betas = {d["beta"] for d in json.loads(second.stdout)["diagnostics"] if d["path"] == "f00.py"}
    assert "pdfs-2024-09-25" not in betas


def test_nbformat_3_notebook_says_it_is_not_supported(project: Path) -> None:
    document = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": []}]}
    (project / "old.ipynb").write_text(json.dumps({**document, "x": "pdfs-2024-09-25"}, indent=1))
    found = bl999_files(project, "old.ipynb")
    assert "nbformat 3 is not supported" in found["old.ipynb"]
