"""README claims that must stay true: the rule table, the two commands, CI running them."""

from __future__ import annotations

import re
from pathlib import Path

from beta_lint.checks.rules import RULES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
TEST_COMMAND = "python3 -m pip install -e '.[test]' && python3 -m pytest -q"


def test_rule_table_matches_the_catalog() -> None:
    rows = re.findall(r"^\| (BL\d{3}) \| ([a-z-]+) \| (on|off) \|", README, re.MULTILINE)
    assert [(code, name, default == "on") for code, name, default in rows] == [
        (code, RULES[code].name, RULES[code].default) for code in sorted(RULES)
    ]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    assert TEST_COMMAND in README
    assert TEST_COMMAND in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 -m pip install . && beta-lint check" in README
