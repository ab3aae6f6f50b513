"""Issue 14: `--fix` runs in the worker processes, as linting does, and loses nothing there.

The no-loss tests in test_no_loss.py (links, owners, read-only files, notebooks, counts) go
through the command, so they run the workers too; these add what is new: the writes happen in
a worker, the output is the serial one, and a race, a crash, a slow re-check or Ctrl-C in a
worker leave every file either untouched or completely fixed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import make_linter, run_cli

from beta_lint.files.isolation import can_isolate
from beta_lint.fix import write as writing
from beta_lint.fix.apply import apply_fixes
from beta_lint.model import FileResult
from beta_lint.pipeline.fixing import fix_results
from beta_lint.pipeline.linter import Linter

pytestmark = pytest.mark.skipif(not can_isolate(), reason="fixes run in workers only where the platform can fork")

HEAD = "import anthropic\n\nclient = anthropic.Anthropic()\n"
CALL = 'client.beta.messages.create(model="m", betas=["compact-2026-01-12", "pdfs-2024-09-25"])\n'
FIXED_CALL = 'client.beta.messages.create(model="m", betas=["compact-2026-01-12"])\n'
BAD = (HEAD + CALL).encode()
GOOD = (HEAD + FIXED_CALL).encode()
ROOT = Path(__file__).resolve().parent.parent


def _tree(folder: Path, count: int, body: bytes = BAD) -> list[Path]:
    paths = []
    for index in range(count):
        path = folder / f"m{index:03}.py"
        path.write_bytes(body + f"# file {index}\n".encode())
        paths.append(path)
    return paths


def _results(linter: Linter, paths: list[Path]) -> list[FileResult]:
    return [linter.lint(str(path)) for path in paths]


def _patched_command(patch: str, *args: str) -> list[str]:
    """The command with `patch` (Python, run first) applied: the workers fork with it."""
    script = textwrap.dedent(patch) + "\nimport sys\nfrom beta_lint.cli import main\n"
    script += f"sys.argv = ['beta-lint', *{list(args)!r}]\nmain(prog_name='beta-lint')\n"
    return [sys.executable, "-c", script]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def _fix_with_two_workers(patch: str, project: Path) -> subprocess.Popen[str]:
    """`check --fix -j 2 .` in `project`, started with `patch` applied, its output read as text."""
    return subprocess.Popen(
        _patched_command(patch, "check", "--fix", "--no-cache", "-j", "2", "."),
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )


def test_fixes_are_written_by_the_workers(project: Path) -> None:
    paths = _tree(project, 30)
    log = project.parent / "writers.log"
    patch = f"""
    import os
    from beta_lint.fix import write
    real = write._fill
    def _fill(*args):
        with open({str(log)!r}, "a") as handle:
            handle.write(f"{{os.getpid()}}\\n")
        real(*args)
    write._fill = _fill
    """
    process = _fix_with_two_workers(patch, project)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stdout + stderr
    assert "(30 fixed)" in stdout
    writers = log.read_text().split()
    assert len(writers) == 30
    assert str(process.pid) not in writers  # not one write in the main process
    for index, path in enumerate(paths):
        assert path.read_bytes() == GOOD + f"# file {index}\n".encode()


@pytest.mark.parametrize("mode", ["--diff", "--fix"])
def test_output_is_the_same_with_one_or_two_workers(tmp_path: Path, mode: str) -> None:
    outputs: dict[str, tuple[object, ...]] = {}
    for jobs in ("1", "2"):
        folder = tmp_path / f"j{jobs}"
        folder.mkdir()
        (folder / "beta-lint.toml").write_text("")
        _tree(folder, 40)
        (folder / "clean.py").write_text(HEAD)
        (folder / "ro.py").write_bytes(BAD)
        (folder / "ro.py").chmod(0o444)
        result = run_cli("check", mode, "--show-fixes", "--no-cache", "-j", jobs, ".", cwd=folder)
        files = tuple(sorted((p.name, p.read_bytes()) for p in folder.iterdir()))
        outputs[jobs] = (result.returncode, result.stdout, result.stderr, files)
    assert outputs["1"] == outputs["2"]
    assert outputs["1"][0] == (1 if mode == "--diff" else 2)


def test_merged_outcome_is_the_serial_one(tmp_path: Path) -> None:
    paths = _tree(tmp_path, 30)
    paths.append(tmp_path / "clean.py")
    paths[-1].write_text(HEAD)
    linter = make_linter()
    results = _results(linter, paths)
    serial = apply_fixes(linter, results, unsafe=True, write=False)
    parallel = fix_results(linter, results, unsafe=True, write=False, jobs=2)
    assert parallel == serial
    assert len(parallel.fixed) == 30 and parallel.diff.count("+++ ") == 30


def test_edit_during_a_workers_write_is_kept_and_not_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _tree(tmp_path, 6)
    victim = paths[3]
    linter = make_linter()
    results = _results(linter, paths)
    real_fill = writing._fill

    def fill_then_edit(temp_fd: int, data: bytes, source_fd: int, before: os.stat_result) -> None:
        real_fill(temp_fd, data, source_fd, before)
        if before.st_ino == victim.stat().st_ino:
            with victim.open("ab") as handle:  # another program, between the fill and the swap
                handle.write(b"# added by the editor\n")

    monkeypatch.setattr(writing, "_fill", fill_then_edit)  # the workers fork with it
    outcome = fix_results(linter, results, unsafe=False, write=True, jobs=2)
    monkeypatch.undo()
    assert victim.read_bytes() == BAD + b"# file 3\n# added by the editor\n"
    assert str(victim) not in outcome.fixed
    assert sorted(outcome.fixed) == sorted(str(p) for p in paths if p != victim)
    assert len(outcome.errors) == 1 and "changed on disk" in outcome.errors[0]
    assert not list(tmp_path.glob(".beta-lint-*.tmp"))


def test_edit_for_another_file_is_never_applied_in_a_worker(tmp_path: Path) -> None:
    config, client = tmp_path / "config.py", tmp_path / "client.py"
    config.write_bytes(BAD)
    client.write_bytes(BAD)
    linter = make_linter()
    for_config = linter.lint(str(config))
    misfiled = FileResult(str(client), for_config.diagnostics, digest=for_config.digest)
    outcome = fix_results(linter, [misfiled], unsafe=True, write=True, jobs=2)
    assert client.read_bytes() == BAD and config.read_bytes() == BAD
    assert outcome.fixed == {}


def test_a_worker_that_crashes_while_fixing_costs_that_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _tree(tmp_path, 5)
    linter = make_linter()
    results = _results(linter, paths)
    real = Linter.lint_source

    def crash_on_second(self: Linter, source: object) -> FileResult:
        if str(getattr(source, "path", "")).endswith("m001.py"):
            os.kill(os.getpid(), signal.SIGSEGV)
        return real(self, source)  # type: ignore[arg-type]

    monkeypatch.setattr(Linter, "lint_source", crash_on_second)
    outcome = fix_results(linter, results, unsafe=False, write=True, jobs=2)
    monkeypatch.undo()
    assert outcome.errors == [f"{paths[1]}: cannot fix: the parser crashed (SIGSEGV); not fixed"]
    assert paths[1].read_bytes() == BAD + b"# file 1\n"
    assert sorted(outcome.fixed) == sorted(str(p) for p in paths if p != paths[1])
    assert [r.path for r in outcome.results] == [str(p) for p in paths]


def test_a_slow_recheck_after_a_fix_is_bounded_by_the_file_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    paths = _tree(tmp_path, 3)
    linter = replace(make_linter(), file_timeout=0.5)
    results = _results(linter, paths)
    real = Linter.lint_source

    def slow_on_first(self: Linter, source: object) -> FileResult:
        if str(getattr(source, "path", "")).endswith("m000.py"):
            time.sleep(30)
        return real(self, source)  # type: ignore[arg-type]

    monkeypatch.setattr(Linter, "lint_source", slow_on_first)
    start = time.monotonic()
    outcome = fix_results(linter, results, unsafe=False, write=True, jobs=2)
    monkeypatch.undo()
    assert time.monotonic() - start < 20
    assert outcome.errors == [
        f"{paths[0]}: took longer than 0.5 s to check again after a fix (file-timeout); not fixed"
    ]
    assert paths[0].read_bytes() == BAD + b"# file 0\n"
    assert sorted(outcome.fixed) == [str(paths[1]), str(paths[2])]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="timing of signals to a process tree")
def test_ctrl_c_while_a_worker_writes_exits_130_and_leaves_every_file_whole(project: Path) -> None:
    """The worker is held inside its write (temporary file made, not yet swapped in) when the
    main process gets Ctrl-C: it must finish or undo that write, not be killed in the middle."""
    paths = _tree(project, 40)
    marker = project.parent / "writing"
    patch = f"""
    import os, time
    from beta_lint.fix import write
    real = write._fill
    def _fill(*args):
        if not os.path.exists({str(marker)!r}):
            with open({str(marker)!r}, "w") as handle:
                handle.write(str(os.getpid()))
            time.sleep(1.5)
        real(*args)
    write._fill = _fill
    """
    process = _fix_with_two_workers(patch, project)
    deadline = time.monotonic() + 60
    while not (marker.exists() and marker.read_text()) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert marker.exists(), "no write started"
    assert list(project.glob(".beta-lint-*.tmp")), "the write is under way: its temporary file exists"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert int(marker.read_text()) != process.pid  # the write was a worker's
    assert not list(project.glob(".beta-lint-*.tmp"))
    for index, path in enumerate(paths):  # each file untouched or completely fixed
        assert path.read_bytes() in (BAD + f"# file {index}\n".encode(), GOOD + f"# file {index}\n".encode())
