"""The realistic corpus (tests/corpus/acme_app) against its expected diagnostics.

The corpus is linted by the real command, as a subprocess, twice: with the default rules and with
every rule (`--select BL`). The expectations are data in tests/corpus_expected.toml, derived by
reading the corpus against the rule catalog, so the linter cannot see them. The comparison is per
rule code, so a missing rule shows up as one skipped test rather than as noise in every other one.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePath
from typing import Any

import pytest

from beta_lint.checks.rules import RULES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TESTS = Path(__file__).parent
CORPUS = TESTS / "corpus"
PACKAGE = "acme_app"
EXPECTED_FILE = TESTS / "corpus_expected.toml"
TODAY = "2026-11-24"

# The catalog's default-off rules (issues 2 and 3), also for codes not implemented yet.
OFF_BY_DEFAULT = {"BL207", "BL303", "BL304", "BL901", "BL902"}
RUNS = {"default": (), "all": ("--select", "BL")}
EXPECT_KEYS = {"path", "line", "code", "beta", "endpoint", "fix", "selected", "why"}

Key = tuple[str, int, str, "str | None"]


@dataclass(frozen=True)
class Expectation:
    path: str
    line: int
    code: str
    beta: str | None
    endpoint: str | None
    fix: str | None
    selected: tuple[str, ...]
    why: str

    @property
    def key(self) -> Key:
        return (self.path, self.line, self.code, self.beta)

    def applies_to(self, run: str) -> bool:
        return run == "all" or not self.selected


@cache
def expectations() -> tuple[Expectation, ...]:
    data = tomllib.loads(EXPECTED_FILE.read_text(encoding="utf-8"))
    return tuple(
        Expectation(
            path=raw["path"],
            line=raw["line"],
            code=raw["code"],
            beta=raw.get("beta"),
            endpoint=raw.get("endpoint"),
            fix=raw.get("fix"),
            selected=tuple(raw.get("selected", ())),
            why=raw.get("why", ""),
        )
        for raw in data.get("expect", [])
    )


@cache
def lint(run: str) -> dict[str, Any]:
    """The JSON report of the real command on the corpus (one subprocess per run, cached)."""
    command = [
        sys.executable,
        "-m",
        "beta_lint",
        "check",
        "--output-format",
        "json",
        "--today",
        TODAY,
        *RUNS[run],
        PACKAGE,
    ]
    result = subprocess.run(command, cwd=CORPUS, capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 1), (
        f"`{' '.join(command[1:])}` exited {result.returncode}\nstderr:\n{result.stderr}"
    )
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _norm(path: str) -> str:
    return PurePath(path).as_posix()


def _diagnostics(run: str, code: str) -> list[dict[str, Any]]:
    return [d for d in lint(run)["diagnostics"] if d["code"] == code]


def _key(diagnostic: dict[str, Any]) -> Key:
    return (_norm(diagnostic["path"]), diagnostic["line"], diagnostic["code"], diagnostic.get("beta"))


def _show(key: Key) -> str:
    path, line, code, beta = key
    return f"{path}:{line} {code}" + (f" [{beta}]" if beta is not None else "")


def _source_line(path: str, line: int) -> str:
    try:
        return (CORPUS / path).read_text(encoding="utf-8").splitlines()[line - 1].strip()
    except (OSError, IndexError):
        return "<no such line>"


def _codes() -> list[str]:
    return sorted(set(RULES) | {e.code for e in expectations()})


# ---------------------------------------------------------------- the expectations file itself


def _corpus_files() -> Iterable[Path]:
    return sorted((CORPUS / PACKAGE).rglob("*.py"))


def test_expectations_are_well_formed() -> None:
    data = tomllib.loads(EXPECTED_FILE.read_text(encoding="utf-8"))
    problems = []
    for index, raw in enumerate(data.get("expect", []), 1):
        where = f"[[expect]] #{index} ({raw.get('path')}:{raw.get('line')} {raw.get('code')})"
        if set(raw) - EXPECT_KEYS:
            problems.append(f"{where}: unknown keys {sorted(set(raw) - EXPECT_KEYS)}")
        if not {"path", "line", "code"} <= set(raw):
            problems.append(f"{where}: needs path, line and code")
            continue
        if not re.fullmatch(r"BL\d{3}", raw["code"]):
            problems.append(f"{where}: code is not BLnnn")
        source = CORPUS / raw["path"]
        if not source.is_file():
            problems.append(f"{where}: no such corpus file")
        elif not 1 <= raw["line"] <= len(source.read_text(encoding="utf-8").splitlines()):
            problems.append(f"{where}: line out of range")
        off = raw["code"] in OFF_BY_DEFAULT or (raw["code"] in RULES and not RULES[raw["code"]].default)
        if off and raw["code"] not in raw.get("selected", []):
            problems.append(f'{where}: a default-off rule needs selected = ["{raw["code"]}"]')
        if not off and raw.get("selected"):
            problems.append(f"{where}: a default-on rule must not be marked selected")
    keys = [(e.key, e.selected) for e in expectations()]
    duplicates = {k for k in keys if keys.count(k) > 1}
    problems += [f"duplicate expectation {_show(k)}" for k, _ in duplicates]
    assert not problems, "\n".join(problems)


def test_catalog_defaults_match_the_implemented_rules() -> None:
    wrong = [c for c in OFF_BY_DEFAULT if c in RULES and RULES[c].default]
    wrong += [c for c, rule in RULES.items() if not rule.default and c not in OFF_BY_DEFAULT]
    assert not wrong, f"OFF_BY_DEFAULT disagrees with beta_lint.checks.rules.RULES for {sorted(wrong)}"


# ---------------------------------------------------------------- the runs


@pytest.mark.parametrize("run", sorted(RUNS))
def test_every_corpus_file_is_linted(run: str) -> None:
    report = lint(run)
    assert report["summary"]["files"] == len(list(_corpus_files())), report["summary"]
    parse_errors = [d for d in report["diagnostics"] if d["code"] == "BL999"]
    assert not parse_errors, parse_errors


@pytest.mark.parametrize("run", sorted(RUNS))
@pytest.mark.parametrize("code", _codes())
def test_corpus_diagnostics(code: str, run: str) -> None:
    if code not in RULES:
        pytest.skip(f"{code}: rule not implemented yet")
    expected = {e.key: e for e in expectations() if e.code == code and e.applies_to(run)}
    actual: dict[Key, list[dict[str, Any]]] = {}
    for diagnostic in _diagnostics(run, code):
        actual.setdefault(_key(diagnostic), []).append(diagnostic)

    lines = []
    for key in sorted(set(expected) - set(actual), key=str):
        e = expected[key]
        lines.append(f"  missing     {_show(key)}\n      source: {_source_line(e.path, e.line)}\n      why: {e.why}")
    for key in sorted(set(actual) - set(expected), key=str):
        d = actual[key][0]
        lines.append(
            f"  unexpected  {_show(key)} (endpoint {d.get('endpoint')})\n"
            f"      source: {_source_line(key[0], key[1])}\n      message: {d['message']}"
        )
    for key in sorted(set(expected) & set(actual), key=str):
        e = expected[key]
        found = sorted({str(d.get("endpoint")) for d in actual[key]})
        if e.endpoint is not None and e.endpoint not in found:
            lines.append(f"  endpoint    {_show(key)}: expected {e.endpoint}, got {', '.join(found)}")
        fixes = sorted({str((d.get("fix") or {}).get("applicability") or "none") for d in actual[key]})
        if e.fix is not None and e.fix not in fixes:
            lines.append(f"  fix         {_show(key)}: expected a {e.fix} fix, got {', '.join(fixes)}")
    if lines:
        pytest.fail(f"{code} on the corpus ({run} rules):\n" + "\n".join(lines), pytrace=False)
