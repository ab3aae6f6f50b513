"""The rule pages in rules/pages/: their format, and their examples run through the real CLI.

Each page's Example must trigger its rule, its Use instead must not, and its Fixed block
(for rules with a fix) must be exactly what `check --fix --unsafe-fixes` makes of the
Example. The examples run in a subprocess (`python -m beta_lint check ...`), so the pages
cannot drift from what the installed command does.
"""

from __future__ import annotations

import ast
import difflib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from beta_lint.checks import catalog
from beta_lint.checks.rules import RULES
from beta_lint.knowledge.data import rules_dir

TODAY = "2026-11-24"

# The rule catalog as the issues fix it (codes and names are the public interface), with
# each rule's default. Pages are written for every code here, implemented or not.
CATALOG: dict[str, tuple[str, bool]] = {
    "BL001": ("malformed-beta-name", True),
    "BL002": ("unknown-beta", True),
    "BL003": ("unlisted-beta", True),
    "BL101": ("ga-beta", True),
    "BL102": ("superseded-beta", True),
    "BL103": ("retired-beta", True),
    "BL104": ("retiring-beta", True),
    "BL201": ("wrong-endpoint", True),
    "BL202": ("missing-endpoint-beta", True),
    "BL203": ("betas-outside-beta-namespace", True),
    "BL204": ("model-incompatible-beta", True),
    "BL205": ("platform-unsupported-beta", True),
    "BL206": ("sdk-beta-overridden", True),
    "BL207": ("default-beta-shadowed", False),
    "BL208": ("method-missing-on-platform-client", True),
    "BL301": ("duplicate-beta", True),
    "BL302": ("malformed-beta-header", True),
    "BL303": ("redundant-sdk-beta", False),
    "BL304": ("prefer-betas-parameter", False),
    "BL901": ("unused-suppression", False),
    "BL902": ("dynamic-beta", False),
    "BL999": ("parse-error", True),
}

# Sections a page may have, in this order; catalog.REQUIRED_SECTIONS must all be there.
SECTION_ORDER = (
    "What it does",
    "Why is this bad?",
    "Configuration",
    "Example",
    "Use instead",
    "Fix safety",
    "Fixed",
)
FIX_WORDS = {"safe": "safe", "unsafe": "unsafe", "sometimes": "safe or unsafe", None: "none"}
DEFAULT_RE = re.compile(
    r"^Default: (?P<default>on|off) · Severity: (?P<severity>error|warning)"
    r" · Fix: (?P<fix>safe or unsafe|safe|unsafe|none)$"
)
TOML_RE = re.compile(r"```toml\n(.*?)```", re.DOTALL)
NOT_IMPLEMENTED = "rule not implemented yet"

PAGES_DIR = rules_dir() / "pages"
PAGE_CODES = sorted(path.stem for path in PAGES_DIR.glob("*.md"))
CODES = sorted(set(CATALOG) | set(RULES) | set(PAGE_CODES))


def _page(code: str) -> catalog.RulePage:
    if not (PAGES_DIR / f"{code}.md").is_file():
        pytest.fail(f"{code} has no page: expected {PAGES_DIR / f'{code}.md'}")
    return catalog.page(code)


def _configuration(page: catalog.RulePage) -> str | None:
    section = page.sections.get("Configuration")
    if section is None:
        return None
    match = TOML_RE.search(section)
    assert match is not None, f"{page.code}: the Configuration section has no ```toml block"
    return match.group(1)


def _codes_with_section(section: str) -> list[str]:
    return [code for code in PAGE_CODES if catalog.page(code).example(section) is not None]


def _require_implemented(code: str) -> None:
    if code not in RULES:
        pytest.skip(f"{code}: {NOT_IMPLEMENTED}")


def _write_module(folder: Path, page: catalog.RulePage, source: str) -> Path:
    """example.py in its own folder, with the page's configuration as beta-lint.toml.

    A beta-lint.toml is always written (empty without a Configuration section) so that no
    configuration file above the temporary folder can change the result.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "beta-lint.toml").write_text(_configuration(page) or "", encoding="utf-8")
    module = folder / "example.py"
    module.write_text(source, encoding="utf-8")
    return module


def _arguments(code: str, *extra: str) -> list[str]:
    return ["check", "--select", code, "--output-format", "json", "--today", TODAY, *extra, "example.py"]


def _shown(code: str, *extra: str) -> str:
    return "`beta-lint " + " ".join(_arguments(code, *extra)) + "`"


def _run(folder: Path, code: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """The installed command, as a user runs it, in the folder holding example.py."""
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env["NO_COLOR"] = "1"
    command = [sys.executable, "-m", "beta_lint", *_arguments(code, *extra)]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120, env=env)


def _diagnostics(folder: Path, code: str) -> list[dict[str, Any]]:
    result = _run(folder, code)
    where = f"{_shown(code)} exited {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode in (0, 1), where
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"the JSON report does not parse: {where}")
    return [d for d in report["diagnostics"] if d["code"] == code and d["path"] == "example.py"]


# ---------------------------------------------------------------- the pages themselves


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_a_page(code: str) -> None:
    assert (PAGES_DIR / f"{code}.md").is_file(), f"{code} ({RULES[code].name}) has no page in {PAGES_DIR}"


@pytest.mark.parametrize("code", sorted(CATALOG))
def test_every_catalog_code_has_a_page(code: str) -> None:
    assert (PAGES_DIR / f"{code}.md").is_file(), f"{code} ({CATALOG[code][0]}) has no page in {PAGES_DIR}"


@pytest.mark.parametrize("code", PAGE_CODES)
def test_page_is_for_a_known_code(code: str) -> None:
    assert code in RULES or code in CATALOG, f"{PAGES_DIR / f'{code}.md'} documents an unknown code"


@pytest.mark.parametrize("code", CODES)
def test_page_format(code: str) -> None:
    page = _page(code)
    lines = page.text.splitlines()
    name = RULES[code].name if code in RULES else CATALOG[code][0]
    if code in RULES and code in CATALOG:
        assert RULES[code].name == CATALOG[code][0], f"{code}: the rule's name differs from the catalog's"
    assert lines[0] == f"# {code} {name}", f"{code}: the title line must be '# {code} {name}'"

    missing = [s for s in catalog.REQUIRED_SECTIONS if s not in page.sections]
    assert not missing, f"{code}: missing sections {missing}"
    unknown = [s for s in page.sections if s not in SECTION_ORDER]
    assert not unknown, f"{code}: unexpected sections {unknown} (a '## ' line inside a code block?)"
    order = [s for s in SECTION_ORDER if s in page.sections]
    assert list(page.sections) == order, f"{code}: sections must come in the order {order}"

    body = [line for line in lines[1:] if line.strip()]
    match = DEFAULT_RE.match(body[0]) if body else None
    assert match is not None, (
        f"{code}: the line after the title must be like 'Default: on · Severity: error · Fix: safe'"
    )
    default = match.group("default") == "on"
    expected_default = RULES[code].default if code in RULES else CATALOG[code][1]
    assert default == expected_default, f"{code}: the page says Default: {match.group('default')}"
    if code in RULES:
        rule = RULES[code]
        assert match.group("severity") == rule.severity, f"{code}: the rule's severity is {rule.severity}"
        assert match.group("fix") == FIX_WORDS[rule.fix], f"{code}: the rule's fix is {FIX_WORDS[rule.fix]!r}"

    assert page.summary, f"{code}: 'What it does' needs a first paragraph (the rule's summary)"
    assert "```" not in page.summary, f"{code}: the summary paragraph must be prose"
    for section in ("Example", "Use instead"):
        assert page.example(section) is not None, f"{code}: '{section}' needs a ```python block"
    has_fix = match.group("fix") != "none"
    if has_fix:
        assert page.example("Fixed") is not None, f"{code}: a rule with a fix needs a 'Fixed' ```python block"
    else:
        assert "Fixed" not in page.sections, f"{code}: a rule without a fix has no 'Fixed' section"


# ---------------------------------------------------------------- the examples, through the CLI


@pytest.mark.parametrize("code", PAGE_CODES)
def test_example_triggers_the_rule(code: str, tmp_path: Path) -> None:
    page = _page(code)
    source = page.example("Example")
    assert source is not None
    if code != "BL999":
        ast.parse(source, f"{code} Example")
    _require_implemented(code)
    _write_module(tmp_path, page, source)
    found = _diagnostics(tmp_path, code)
    assert found, f"{code}: the page's Example does not trigger {code}"


@pytest.mark.parametrize("code", PAGE_CODES)
def test_use_instead_does_not_trigger_the_rule(code: str, tmp_path: Path) -> None:
    page = _page(code)
    source = page.example("Use instead")
    assert source is not None
    ast.parse(source, f"{code} Use instead")
    _require_implemented(code)
    _write_module(tmp_path, page, source)
    found = _diagnostics(tmp_path, code)
    assert not found, f"{code}: the page's 'Use instead' still triggers it: {[d['message'] for d in found]}"


@pytest.mark.parametrize("code", _codes_with_section("Fixed"))
def test_fix_turns_example_into_fixed(code: str, tmp_path: Path) -> None:
    page = _page(code)
    source, expected = page.example("Example"), page.example("Fixed")
    assert source is not None and expected is not None
    ast.parse(expected, f"{code} Fixed")
    _require_implemented(code)
    module = _write_module(tmp_path, page, source)
    result = _run(tmp_path, code, "--fix", "--unsafe-fixes")
    fixed = module.read_text(encoding="utf-8")
    command = _shown(code, "--fix", "--unsafe-fixes")
    if fixed != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                fixed.splitlines(keepends=True),
                "Fixed (page)",
                "example.py (after)",
            )
        )
        pytest.fail(
            f"{code}: {command} (exit {result.returncode}) did not produce the page's Fixed block:\n{diff}"
            f"\nstderr:\n{result.stderr}"
        )
    assert result.returncode in (0, 1), f"{command} exited {result.returncode}: {result.stderr}"
