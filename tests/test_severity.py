"""Certainty decides whether the build fails (issue 18, item 5).

A finding that rests on a registry fact below high confidence is a warning; a default run exits 1
only for errors; README documents every rule's severity and the exit-code contract.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import lint, run_cli

from beta_lint.checks.rules import RULES
from beta_lint.knowledge.registry import Beta, Registry, default_registry

README = Path(__file__).resolve().parent.parent / "README.md"
# The rules whose findings rest on a registry entry's facts (status, dates, endpoints, models,
# platforms). The others rest on the name's shape, the SDK's code or the text itself.
FACT_RULES = {"BL101", "BL102", "BL103", "BL104", "BL201", "BL202", "BL204", "BL205"}
FAR_FUTURE = dt.date(2099, 1, 1)  # every announced retirement date has passed


def _route(template: str) -> str:
    return re.sub(r"\{[^}]*\}", "x", template)


def provoking(beta: Beta) -> str:
    """Code that sends `beta` wherever a registry fact about it could be broken."""
    name = beta.name
    call = f'.beta.messages.create(model="claude-instant-1.2", max_tokens=1, messages=[], betas=["{name}"])'
    lines = [
        "import anthropic",
        "import httpx",
        f"anthropic.Anthropic(){call}",
        f'anthropic.Anthropic().beta.models.list(betas=["{name}"])',
        *(f"anthropic.{client}(){call}" for client in ("AnthropicBedrock", "AnthropicVertex", "AnthropicFoundry")),
    ]
    for route in beta.required_on:
        lines.append(f'httpx.post("https://api.anthropic.com{_route(route)}", json={{}})')
    return "\n".join(lines) + "\n"


def uncertain() -> list[Beta]:
    return [b for b in default_registry().betas.values() if b.confidence != "high"]


def _fact_findings(beta: Beta, registry: Registry) -> list[tuple[str, str]]:
    found = lint(provoking(beta), sorted(FACT_RULES), today=FAR_FUTURE, registry=registry)
    return [(d.code, d.severity) for d in found if d.code in FACT_RULES and d.beta == beta.name]


def test_the_registry_has_uncertain_facts_to_test() -> None:
    assert len(uncertain()) >= 10


@pytest.mark.parametrize("beta", uncertain(), ids=lambda b: b.name)
def test_a_fact_below_high_confidence_never_makes_an_error(beta: Beta) -> None:
    findings = _fact_findings(beta, default_registry())
    errors = [code for code, severity in findings if severity == "error"]
    assert errors == [], f"{beta.name} ({beta.confidence}): {errors} reported as errors"


def test_the_same_facts_at_high_confidence_are_errors() -> None:
    """The check above can fail: made certain, the same entries produce errors."""
    registry = default_registry()
    certain = {b.name: replace(b, confidence="high") for b in uncertain()}
    raised = replace(registry, betas={**registry.betas, **certain})
    errors = [
        (beta.name, code)
        for beta in certain.values()
        for code, severity in _fact_findings(beta, raised)
        if severity == "error"
    ]
    assert {code for _, code in errors} >= {"BL103", "BL201"}, errors
    for beta in uncertain():
        uncertain_findings = {code for code, _ in _fact_findings(beta, registry)}
        certain_findings = {code for code, _ in _fact_findings(certain[beta.name], raised)}
        assert uncertain_findings == certain_findings  # only the severity differs, nothing is dropped


def test_uncertain_messages_do_not_claim_the_api_answer() -> None:
    registry = default_registry()
    for beta in uncertain():
        for diagnostic in lint(provoking(beta), ["BL202", "BL205"], today=FAR_FUTURE, registry=registry):
            if diagnostic.beta == beta.name:
                assert "400" not in diagnostic.message, diagnostic.message
                assert f"registry confidence: {beta.confidence}" in diagnostic.message


# ---------------------------------------------------------------- exit codes through the command

WARNING_ONLY = (
    "import anthropic\n"
    'anthropic.Anthropic().beta.messages.create(model="claude-opus-4-6", max_tokens=1, messages=[],'
    ' betas=["files-api-2025-04-14"])\n'
)
WITH_ERROR = WARNING_ONLY + 'anthropic.Anthropic().beta.messages.create(betas=["files_api_2025_04_14"])\n'


@pytest.mark.parametrize(
    ("source", "args", "status"),
    [
        (WARNING_ONLY, (), 0),
        (WARNING_ONLY, ("--max-warnings", "0"), 1),
        (WARNING_ONLY, ("--max-warnings", "5"), 0),
        (WITH_ERROR, (), 1),
        (WITH_ERROR, ("--exit-zero",), 0),
    ],
)
def test_exit_codes(project: Path, source: str, args: tuple[str, ...], status: int) -> None:
    (project / "app.py").write_text(source, encoding="utf-8")
    result = run_cli("check", "--no-cache", "--select", "BL001,BL101", *args, "app.py", cwd=project)
    assert result.returncode == status, result.stdout + result.stderr
    assert "BL101" in result.stdout


# ---------------------------------------------------------------- README documents it


def _readme_severities() -> dict[str, str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Rules", 1)[1]
    return dict(re.findall(r"^\| (BL\d{3}) \| [^|]+ \| (?:on|off) \| (error|warning) \|", section, re.MULTILINE))


def test_readme_lists_every_rule_with_its_severity() -> None:
    assert _readme_severities() == {code: rule.severity for code, rule in RULES.items()}


def test_readme_states_the_exit_code_contract() -> None:
    text = README.read_text(encoding="utf-8")
    assert "--max-warnings" in text
    assert re.search(r"\*\*1\*\* at least one error", text)
