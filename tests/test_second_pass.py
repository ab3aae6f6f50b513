"""The second pass (constants imported from other scanned modules) resolves the tree the first
pass parsed, instead of parsing the file again, and gives what a fresh parse gives."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import libcst
import pytest
from conftest import make_linter, run_json

import beta_lint.python.extract as extract
from beta_lint.model import FileResult
from beta_lint.pipeline.linter import Linter
from beta_lint.python.symbols import SymbolTable

CONFIG = 'AGENTS = "managed-agents-2026-04-01"\nTYPO = "context-managment-2025-06-27"\n'
CLIENT = (
    "import anthropic\n"
    "from acme.config import AGENTS, TYPO\n"
    "client = anthropic.Anthropic()\n"
    "client.beta.messages.create(betas=[AGENTS, TYPO])\n"
)


def write(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    counted: list[int] = []
    real = libcst.parse_module

    def counting(text: str, *args: object, **kwargs: object) -> libcst.Module:
        counted.append(len(text))
        return real(text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(extract.cst, "parse_module", counting)
    return counted


def _passes(linter: Linter, client: str) -> tuple[FileResult, Linter]:
    config = linter.lint("acme/config.py", CONFIG.encode())
    first = linter.lint("acme/client.py", client.encode())
    assert first.wanted  # it imports names the first pass cannot resolve
    return first, replace(linter, symbols=SymbolTable.build([config, first]))


def test_the_second_pass_reuses_the_first_pass_tree_and_gives_a_fresh_parses_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    linter = make_linter()
    _first, second = _passes(linter, CLIENT)
    parses = _parses(monkeypatch)
    reused = second.lint("acme/client.py", CLIENT.encode())
    assert parses == []  # resolved again, not parsed again
    extract._KEPT.entries.clear()
    fresh = second.lint("acme/client.py", CLIENT.encode())
    assert len(parses) == 1
    assert reused == fresh
    # What the user sees: the names resolved through the other module's constants.
    assert {(d.code, d.beta) for d in reused.diagnostics} >= {("BL201", "managed-agents-2026-04-01")}


def test_a_file_changed_between_the_passes_is_parsed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    linter = make_linter()
    _first, second = _passes(linter, CLIENT)
    parses = _parses(monkeypatch)
    changed = CLIENT.replace("[AGENTS, TYPO]", "[TYPO]")
    result = second.lint("acme/client.py", changed.encode())
    assert len(parses) == 1
    assert "managed-agents-2026-04-01" not in {d.beta for d in result.diagnostics}


def test_kept_trees_stay_within_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract._KeptParses, "LIMIT", 2 * len(CLIENT) + 10)
    monkeypatch.setattr(extract, "_KEPT", extract._KeptParses())
    linter = make_linter()
    for index in range(5):
        linter.lint(f"acme/client{index}.py", CLIENT.encode())
    kept = extract._KEPT
    assert [path for path, _cell in kept.entries] == ["acme/client3.py", "acme/client4.py"]  # the newest
    assert kept.size == 2 * len(CLIENT)


def test_a_second_pass_through_the_command_matches_one_worker(tmp_path: Path) -> None:
    # Enough files for two workers: the importer's second pass goes back to the worker that
    # holds its tree, and the answer is the one a single worker gives.
    write(tmp_path, "acme/__init__.py", "")
    write(tmp_path, "acme/config.py", CONFIG)
    for index in range(30):
        write(tmp_path, f"acme/client{index}.py", CLIENT)
    one = run_json("acme", "-j", "1", cwd=tmp_path)
    two = run_json("acme", "-j", "2", cwd=tmp_path)
    assert one == two
    found = {(d["code"], d["path"], d["beta"]) for d in two["diagnostics"]}
    assert ("BL002", "acme/config.py", "context-managment-2025-06-27") in found
    sent = {d["path"] for d in two["diagnostics"] if d["code"] == "BL201"}
    assert sent == {f"acme/client{index}.py" for index in range(30)}
