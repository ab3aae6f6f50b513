"""Each core rule fires on real code that must trigger it, and stays quiet on code that must not."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import codes, lint
from hypothesis import given, settings
from hypothesis import strategies as st

from beta_lint.knowledge.registry import Beta, default_registry, edit_distance

HEADER = "import anthropic\nclient = anthropic.Anthropic()\n"


def call(betas: str, method: str = "beta.messages.create") -> str:
    return HEADER + f"client.{method}(model='claude-opus-4-6', max_tokens=10, messages=[], betas={betas})\n"


# ---------------------------------------------------------------- BL001


@pytest.mark.parametrize(
    "name",
    [
        "files-api-2025-4-14",
        "interleaved-thinking-2025-02-30",
        "Files-API-2025-04-14",
        "beta-feature-name",
        "files api-2025-04-14",
        "files_api-2025-04-14",
    ],
)
def test_bl001_malformed(name: str) -> None:
    assert "BL001" in codes(call(f'["{name}"]'), ["BL001"])


def test_bl001_message_names_reason_and_suggestion() -> None:
    (diagnostic,) = lint(call('["files-api-2025-4-14"]'), ["BL001"])
    assert "2025-4-14 is not written YYYY-MM-DD" in diagnostic.message
    assert 'did you mean "files-api-2025-04-14"' in diagnostic.message
    assert diagnostic.location.line == 3


@pytest.mark.parametrize("name", ["files-api-2025-04-14", "claude-code-20250219"])
def test_bl001_quiet_on_valid_or_known_names(name: str) -> None:
    assert codes(call(f'["{name}"]'), ["BL001"]) == []


# ---------------------------------------------------------------- BL002


def test_bl002_unknown_lists_known_versions() -> None:
    (diagnostic,) = lint(call('["computer-use-2025-04-29"]'), ["BL002"])
    assert "computer-use-2025-01-24" in diagnostic.message
    assert "computer-use-2025-11-24" in diagnostic.message
    assert "Unexpected value(s) `computer-use-2025-04-29`" in diagnostic.message
    assert diagnostic.beta == "computer-use-2025-04-29"


def test_bl002_quiet_on_registry_and_allowed_names() -> None:
    assert codes(call('["context-management-2025-06-27"]'), ["BL002"]) == []
    registry = default_registry().extended([], ["my-private-beta-2026-01-01"])
    code = call('["my-private-beta-2026-01-01"]')
    assert [d.code for d in lint(code, ["BL002"], registry=registry)] == []


def test_bl002_points_once_at_a_constant_used_twice() -> None:
    code = (
        HEADER
        + 'B = "context-managment-2025-06-27"\n'
        + ("client.beta.messages.create(betas=[B])\nclient.beta.messages.create(betas=[B])\n")
    )
    found = lint(code, ["BL002"])
    assert [(d.location.line, d.location.column) for d in found] == [(3, 6)]


def test_lifecycle_only_literals_do_not_get_name_checks() -> None:
    # A dated string that is neither a registry name nor bound to a *beta* name is not a usage.
    assert codes('MODEL = "claude-2099-01-01"\n') == []


# ---------------------------------------------------------------- BL1xx


def test_bl101_ga_no_op_is_safe_fix() -> None:
    (diagnostic,) = lint(call('["token-efficient-tools-2025-02-19", "pdfs-2024-09-25"]'), ["BL101"])
    assert diagnostic.beta == "pdfs-2024-09-25"
    assert diagnostic.fix is not None and diagnostic.fix.applicability == "safe"


def test_bl101_ga_that_changes_behaviour_is_unsafe() -> None:
    (diagnostic,) = lint(call('["files-api-2025-04-14"]'), ["BL101"])
    assert "not a no-op" in diagnostic.message
    assert diagnostic.fix is not None and diagnostic.fix.applicability == "unsafe"


def test_bl101_applies_to_bare_registry_literals() -> None:
    assert codes('FEATURES = ["pdfs-2024-09-25"]\n', ["BL1"]) == ["BL101"]


def test_bl102_superseded_names_successor() -> None:
    (diagnostic,) = lint(call('["mcp-client-2025-04-04"]'), ["BL102"])
    assert '"mcp-client-2025-11-20"' in diagnostic.message


def test_bl103_retired() -> None:
    (diagnostic,) = lint(call('["output-128k-2025-02-19"]'), ["BL103"])
    assert "retired" in diagnostic.message and "2026-02-19" in diagnostic.message


def test_bl104_retiring_counts_days_from_today_and_becomes_bl103_after() -> None:
    registry = default_registry().extended(
        [Beta(name="compact-2026-01-12", status="active", retires="2026-12-01", origin="config")], []
    )
    code = call('["compact-2026-01-12"]')
    (diagnostic,) = lint(code, ["BL1"], registry=registry)
    assert diagnostic.code == "BL104"
    assert "2026-12-01 (7 days left)" in diagnostic.message
    later = lint(code, ["BL1"], registry=registry, today=dt.date(2026, 12, 2))
    assert [d.code for d in later] == ["BL103"]


def test_active_beta_is_clean() -> None:
    assert codes(call('["context-management-2025-06-27"]')) == []


# ---------------------------------------------------------------- BL201 / BL203


def test_bl201_agents_beta_on_messages() -> None:
    (diagnostic,) = lint(call('["managed-agents-2026-04-01"]'), ["BL201"])
    assert diagnostic.endpoint == "/v1/messages"
    assert "POST /v1/messages" in diagnostic.message


def test_bl201_quiet_on_the_right_endpoint_and_on_unknown_receiver() -> None:
    right = HEADER + 'client.beta.agents.list(betas=["managed-agents-2026-04-01"])\n'
    assert codes(right, ["BL201"]) == []
    unknown = 'def f(c):\n    c.beta.messages.create(betas=["managed-agents-2026-04-01"])\n'
    assert codes(unknown, ["BL201"]) == []


def test_bl201_points_at_reference_with_definition_related() -> None:
    code = HEADER + 'AGENTS = "managed-agents-2026-04-01"\nclient.beta.messages.create(betas=[AGENTS])\n'
    (diagnostic,) = lint(code, ["BL201"])
    assert (diagnostic.location.line, diagnostic.location.column) == (4, 36)
    assert [(r.line, r.column) for r in diagnostic.related] == [(3, 11)]


def test_bl203_betas_on_non_beta_method() -> None:
    (diagnostic,) = lint(call('["context-management-2025-06-27"]', "messages.create"), ["BL203"])
    assert "TypeError" in diagnostic.message
    assert diagnostic.location.line == 3
    assert codes(call('["context-management-2025-06-27"]'), ["BL203"]) == []


# ---------------------------------------------------------------- BL301 / BL302


def test_bl301_duplicate_in_one_request_via_constant() -> None:
    code = HEADER + 'C = "compact-2026-01-12"\nclient.beta.messages.create(betas=[C, "compact-2026-01-12"])\n'
    (diagnostic,) = lint(code, ["BL301"])
    assert (diagnostic.location.line, diagnostic.location.column) == (4, 40)


def test_bl301_quiet_across_branches_and_requests() -> None:
    code = call('["compact-2026-01-12"] if x else ["compact-2026-01-12"]') + call('["compact-2026-01-12"]')
    assert codes(code, ["BL301"]) == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ('"compact-2026-01-12,,context-management-2025-06-27"', "empty item"),
        ('"compact-2026-01-12,"', "ends with a comma"),
        ('"compact-2026-01-12;context-management-2025-06-27"', "';'"),
        ('"compact-2026-01-12 context-management-2025-06-27"', "spaces instead"),
        ('"compact-2026-01-12, context-management-2025-06-27"', "spaces around"),
    ],
)
def test_bl302_header_punctuation(value: str, reason: str) -> None:
    code = HEADER + f'client.beta.messages.create(extra_headers={{"anthropic-beta": {value}}})\n'
    (diagnostic,) = lint(code, ["BL302"])
    assert reason in diagnostic.message
    # The names inside are still checked one by one.
    assert codes(code, ["BL001", "BL002"]) == []


@pytest.mark.parametrize("key", ["anthropic_beta", "anthropic-betas", "x-anthropic-beta"])
def test_bl302_misspelled_header_key(key: str) -> None:
    code = HEADER + f'client.beta.messages.create(extra_headers={{"{key}": "compact-2026-01-12"}})\n'
    (diagnostic,) = lint(code, ["BL302"])
    assert f'"{key}"' in diagnostic.message


def test_bl302_bedrock_body_field_is_not_a_header() -> None:
    code = 'body = {"anthropic_version": "bedrock-2023-05-31", "anthropic_beta": ["compact-2026-01-12"]}\n'
    assert codes(code) == []


def test_bl302_empty_betas_list_and_item_spaces() -> None:
    assert codes(call("[]"), ["BL302"]) == ["BL302"]
    assert codes(call('[" compact-2026-01-12"]'), ["BL302"]) == ["BL302"]
    assert codes(call('["compact-2026-01-12"]'), ["BL302"]) == []


# ---------------------------------------------------------------- BL902 / BL999


def test_bl902_dynamic_is_opt_in() -> None:
    code = "def f(client, names):\n    client.beta.messages.create(betas=names)\n"
    assert codes(code, ["BL902"]) == ["BL902"]
    assert codes(code, ["BL0", "BL1", "BL2", "BL3"]) == []


def test_bl999_syntax_error_names_the_parser_reason() -> None:
    (diagnostic,) = lint('betas = ["x"\n')
    assert diagnostic.code == "BL999"
    assert "cannot parse" in diagnostic.message


# ---------------------------------------------------------------- suppression


def test_suppression_by_code_and_bare_noqa() -> None:
    code = HEADER + (
        'client.beta.messages.create(betas=["computer-use-2025-04-29"])  # noqa: BL002\n'
        'client.beta.messages.create(betas=["computer-use-2025-04-28"])  # beta-lint: ignore[BL002]\n'
        'client.beta.messages.create(betas=["computer-use-2025-04-27"])  # noqa\n'
        'client.beta.messages.create(betas=["computer-use-2025-04-26"])  # noqa: BL001\n'
    )
    found = lint(code, ["BL002"])
    assert [d.location.line for d in found] == [6]


_NAME_TEXT = st.text(alphabet="abcdefilmnoprstu-0123456789", max_size=30)


@settings(max_examples=300, deadline=None)
@given(a=_NAME_TEXT, b=_NAME_TEXT, limit=st.integers(min_value=0, max_value=3))
def test_a_bounded_edit_distance_is_exact_up_to_its_limit(a: str, b: str, limit: int) -> None:
    full = edit_distance(a, b)
    bounded = edit_distance(a, b, limit)
    assert bounded == full if full <= limit else bounded > limit


@settings(max_examples=200, deadline=None)
@given(
    name=st.one_of(
        _NAME_TEXT,
        st.sampled_from(sorted(default_registry().betas)).flatmap(
            lambda known: st.builds(
                lambda i, c: known[:i] + c + known[i + 1 :], st.integers(0, len(known)), st.sampled_from("-ax9")
            )
        ),
    )
)
def test_did_you_mean_offers_exactly_the_names_within_two_edits(name: str) -> None:
    registry = default_registry()
    brute = sorted((edit_distance(name.lower(), known), known) for known in registry.betas)
    assert registry.closest(name, limit=2) == [known for distance, known in brute if distance <= 2]
