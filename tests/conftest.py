"""Shared helpers: lint a snippet in-process, or run the installed command as a user would."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from beta_lint.checks.rules import RULES
from beta_lint.checks.selection import Selection
from beta_lint.files.source import Cell
from beta_lint.knowledge.registry import default_registry
from beta_lint.model import Diagnostic, Extraction
from beta_lint.pipeline.linter import Linter

TODAY = dt.date(2026, 11, 24)


def make_linter(select: Sequence[str] = (), today: dt.date = TODAY, registry: Any = None) -> Linter:
    return Linter(
        registry=registry or default_registry(),
        enabled=Selection.build(tuple(select), (), ()).enabled if select else frozenset(RULES),
        today=today,
    )


def lint(code: str, select: Sequence[str] = (), path: str = "example.py", **kwargs: Any) -> list[Diagnostic]:
    """Diagnostics for a snippet (all rules unless `select`), sorted by position."""
    linter = make_linter(select, **kwargs)
    return list(linter.lint(path, textwrap.dedent(code).encode()).diagnostics)


def codes(code: str, select: Sequence[str] = ()) -> list[str]:
    return [d.code for d in lint(code, select)]


def extract(code: str, path: str = "example.py") -> Extraction:
    linter = make_linter()
    return linter.extract(path, Cell(textwrap.dedent(code), None))


def names(code: str) -> list[str | None]:
    return [u.name for u in extract(code).usages]


def run_cli(
    *args: str, cwd: Path | str | None = None, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command, as a subprocess (python -m beta_lint runs the installed package)."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "beta_lint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


def run_json(*args: str, cwd: Path | str | None = None) -> dict[str, Any]:
    result = run_cli("check", "--output-format", "json", "--today", "2026-11-24", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project folder with its own (empty) configuration, so no parent config leaks in."""
    (tmp_path / "beta-lint.toml").write_text("")
    return tmp_path
