"""The result cache: warm runs reuse results, never stale ones, and survive corruption."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

BAD = 'client.beta.messages.create(betas=["computer-use-2025-04-29"])\n'
OTHER = 'client.beta.messages.create(betas=["context-managment-2025-06-27"])\n'


def check_json(project: Path, *args: str) -> list[tuple[str, int, str]]:
    result = run_cli("check", "--output-format", "json", "--today", "2026-11-24", *args, cwd=project)
    assert result.returncode in (0, 1), result.stderr
    return [(d["path"], d["line"], d["beta"]) for d in json.loads(result.stdout)["diagnostics"]]


def cache_files(project: Path) -> list[Path]:
    return sorted((project / ".beta_lint_cache").glob("results-*.pickle"))


def test_warm_run_gives_the_same_results_and_follows_edits(project: Path) -> None:
    (project / "a.py").write_text(BAD)
    (project / "b.py").write_text("x = 1\n")
    cold = check_json(project)
    assert cold == [("a.py", 1, "computer-use-2025-04-29")]
    assert (project / ".beta_lint_cache" / ".gitignore").read_text().strip().endswith("*")
    assert len(cache_files(project)) == 1
    assert check_json(project) == cold
    (project / "a.py").write_text(OTHER)  # same path, new content: never the stale result
    assert check_json(project) == [("a.py", 1, "context-managment-2025-06-27")]


def test_configuration_is_part_of_the_key(project: Path) -> None:
    (project / "a.py").write_text(BAD)
    assert check_json(project) != []
    assert check_json(project, "--select", "BL1") == []
    assert len(cache_files(project)) == 2


def test_corrupt_cache_is_ignored_and_rebuilt(project: Path) -> None:
    (project / "a.py").write_text(BAD)
    check_json(project)
    (cache,) = cache_files(project)
    cache.write_bytes(b"not a pickle at all")
    assert check_json(project) == [("a.py", 1, "computer-use-2025-04-29")]
    assert cache.read_bytes().startswith(b"beta-lint-cache\0")  # rewritten: header, checksum, pickle


def test_no_cache_writes_nothing(project: Path) -> None:
    (project / "a.py").write_text(BAD)
    check_json(project, "--no-cache")
    assert not (project / ".beta_lint_cache").exists()


def test_partial_run_keeps_other_entries(project: Path) -> None:
    (project / "a.py").write_text(BAD)
    (project / "b.py").write_text(OTHER)
    check_json(project)
    (cache,) = cache_files(project)
    size = cache.stat().st_size
    check_json(project, "a.py")  # a pre-commit run names one file
    assert cache.stat().st_size == size


def test_warm_run_really_reads_the_cache(project: Path) -> None:
    import pickle
    from dataclasses import replace

    (project / "a.py").write_text(BAD)
    check_json(project)
    import hashlib

    (cache,) = cache_files(project)
    # The file: a 16-byte header, the SHA-256 of the pickle, the pickle.
    header, stored = cache.read_bytes()[:16], cache.read_bytes()[48:]
    data = pickle.loads(stored)
    (key,) = data["entries"]
    result = pickle.loads(data["entries"][key])  # each entry is pickled on its own
    marked = replace(result.diagnostics[0], beta="from-the-cache")
    data["entries"][key] = pickle.dumps(replace(result, diagnostics=(marked,)))
    payload = pickle.dumps(data)
    cache.write_bytes(header + hashlib.sha256(payload).digest() + payload)
    assert check_json(project) == [("a.py", 1, "from-the-cache")]


# ---------------------------------------------------------------- file stamps (large runs)


def _age(path: Path, seconds: float = 60) -> None:
    """Back-date a file: stamps younger than two seconds are not trusted (an edit in the same tick)."""
    import os
    import time

    then = time.time() - seconds
    os.utime(path, (then, then))


def _many(project: Path, count: int = 80) -> None:
    for index in range(count):
        (project / f"plain_{index:03}.py").write_text(f"x = {index}\n")
        _age(project / f"plain_{index:03}.py")
    (project / "a.py").write_text(BAD)
    _age(project / "a.py")


def _reads(project: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[list[str], list[tuple[str, int, str]]]:
    """Which files a run in-process reads, and what it reports."""
    from click.testing import CliRunner

    import beta_lint.pipeline.parallel as engine
    from beta_lint.cli import main

    read: list[str] = []
    real = engine.read_bytes

    def counting(path: str, limit: int | None = None) -> bytes:
        read.append(path)
        return real(path, limit)

    monkeypatch.setattr(engine, "read_bytes", counting)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["check", "--output-format", "json", "--today", "2026-11-24", *args, "."])
    assert result.exit_code in (0, 1), result.output
    found = [(d["path"], d["line"], d["beta"]) for d in json.loads(result.stdout)["diagnostics"]]
    return read, found


def test_warm_large_run_reads_no_unchanged_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _many(project)
    read, cold = _reads(project, monkeypatch)
    assert len(read) == 81 and cold == [("a.py", 1, "computer-use-2025-04-29")]
    read, warm = _reads(project, monkeypatch)
    assert read == [] and warm == cold


def test_warm_large_run_rereads_what_changed(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _many(project)
    _reads(project, monkeypatch)
    (project / "plain_007.py").write_text(BAD)  # a clean file gains a beta
    _age(project / "plain_007.py", 30)
    (project / "a.py").write_text(OTHER)  # a candidate changes its beta
    _age(project / "a.py", 30)
    read, warm = _reads(project, monkeypatch)
    assert sorted(read) == ["a.py", "plain_007.py"]
    assert warm == [("a.py", 1, "context-managment-2025-06-27"), ("plain_007.py", 1, "computer-use-2025-04-29")]


def test_a_file_changed_just_now_is_always_read(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _many(project)
    (project / "fresh.py").write_text("x = 1\n")  # modified now: its stamp is not trusted
    _reads(project, monkeypatch)
    read, _ = _reads(project, monkeypatch)
    assert read == ["fresh.py"]


def test_imported_constants_are_cached_with_the_module_that_defines_them(project: Path) -> None:
    # app.py sends BETAS from settings.py: its result depends on both files' contents.
    (project / "settings.py").write_text('BETAS = ["computer-use-2025-04-29"]\n')
    app = "import anthropic\nfrom settings import BETAS\nclient = anthropic.Anthropic()\n"
    (project / "app.py").write_text(app + 'client.beta.messages.create(model="m", betas=BETAS)\n')
    cold = check_json(project, "--no-cache")
    # Reported once, at the definition, though both modules' runs reach it.
    assert cold == [("settings.py", 1, "computer-use-2025-04-29")]
    assert check_json(project) == cold
    assert check_json(project) == cold  # warm: the second pass answered from the cache
    (project / "settings.py").write_text('BETAS = ["context-managment-2025-06-27"]\n')  # app.py unchanged
    assert check_json(project) == check_json(project, "--no-cache")
    assert {beta for _, _, beta in check_json(project)} == {"context-managment-2025-06-27"}


def test_an_entry_that_does_not_unpickle_is_a_miss_and_is_rebuilt(project: Path) -> None:
    import hashlib
    import pickle

    (project / "a.py").write_text(BAD)
    expected = check_json(project)
    (cache,) = cache_files(project)
    header, stored = cache.read_bytes()[:16], cache.read_bytes()[48:]
    data = pickle.loads(stored)
    (key,) = data["entries"]
    data["entries"][key] = b"\x80\x05not a pickle"  # checksummed, yet unreadable: another build's
    payload = pickle.dumps(data)
    cache.write_bytes(header + hashlib.sha256(payload).digest() + payload)
    assert check_json(project) == expected
    assert check_json(project) == expected  # and the rebuilt entry serves the next run
