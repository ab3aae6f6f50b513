"""The extractor finds every beta in every send context, and nothing that is not one."""

from __future__ import annotations

import ast as python_ast
import warnings

import hypothesis
import libcst as cst
import pytest
from conftest import extract, names

from beta_lint.python.literals import evaluated


def usages_named(code: str, name: str) -> list[tuple[int, int]]:
    return [(u.location.line, u.location.column) for u in extract(code).usages if u.name == name]


# ---------------------------------------------------------------- 1. betas=


@pytest.mark.parametrize(
    "value",
    [
        '["files-api-2025-04-14", "context-management-2025-06-27"]',
        '("files-api-2025-04-14", "context-management-2025-06-27")',
        '{"files-api-2025-04-14", "context-management-2025-06-27"}',
    ],
)
def test_betas_literal_collections(value: str) -> None:
    found = names(f"client.beta.messages.create(model='m', betas={value})\n")
    assert sorted(n for n in found if n) == ["context-management-2025-06-27", "files-api-2025-04-14"]


def test_betas_single_string() -> None:
    assert names('client.beta.messages.create(betas="files-api-2025-04-14")\n') == ["files-api-2025-04-14"]


def test_betas_through_names_star_and_plus() -> None:
    code = """
    FILES = "files-api-2025-04-14"
    BASE = [FILES]
    client.beta.messages.create(betas=[*BASE, "context-management-2025-06-27"])
    client.beta.messages.create(betas=BASE + ["compact-2026-01-12"])
    """
    requests = extract(code).requests
    assert len(requests) == 2
    by_request = {
        r.id: sorted(u.name or "" for u in extract(code).usages if u.request and u.request.id == r.id) for r in requests
    }
    assert sorted(by_request.values()) == [
        ["compact-2026-01-12", "files-api-2025-04-14"],
        ["context-management-2025-06-27", "files-api-2025-04-14"],
    ]


def test_conditional_betas_checks_both_branches() -> None:
    code = 'client.beta.messages.create(betas=["compact-2026-01-12"] if big else ["files-api-2025-04-14"])\n'
    usages = extract(code).usages
    assert sorted(u.name or "" for u in usages) == ["compact-2026-01-12", "files-api-2025-04-14"]
    assert len({u.alternative for u in usages}) == 2


def test_constant_location_is_definition_and_site_is_reference() -> None:
    code = 'FILES_BETA = "files-api-2025-04-14"\nclient.beta.messages.create(betas=[FILES_BETA])\n'
    (usage,) = extract(code).usages
    assert (usage.location.line, usage.location.column, usage.location.end_column) == (1, 15, 35)
    assert (usage.site.line, usage.site.column) == (2, 36)
    assert usage.via == "FILES_BETA"


def test_function_and_class_level_constants() -> None:
    code = """
    class Settings:
        BETA = "compact-2026-01-12"

    def call(client):
        local = ["files-api-2025-04-14"]
        return client.beta.messages.create(betas=local)
    """
    assert "files-api-2025-04-14" in names(code)


def test_names_collected_with_append_extend_add_and_iadd() -> None:
    code = """
    def build(model, client):
        betas = []
        if "opus" in model:
            betas.append("context-management-2025-06-27")
        betas.extend(["files-api-2025-04-14"])
        betas += ["compact-2026-01-12"]
        extra = set()
        extra.add("skills-2025-10-02")
        client.beta.messages.create(betas=betas)
        client.beta.messages.create(betas=list(extra))
    """
    found = sorted(n for n in names(code) if n)
    assert found == [
        "compact-2026-01-12",
        "context-management-2025-06-27",
        "files-api-2025-04-14",
        "skills-2025-10-02",
    ]


def test_self_attribute_assigned_in_init() -> None:
    code = """
    class Agent:
        def __init__(self):
            self.betas = ["compact-2026-01-12"]

        def run(self, client):
            return client.beta.messages.create(betas=self.betas)
    """
    assert names(code) == ["compact-2026-01-12"]


# ---------------------------------------------------------------- 2. header mappings


@pytest.mark.parametrize(
    "headers",
    [
        '{"anthropic-beta": "files-api-2025-04-14,compact-2026-01-12"}',
        '{"Anthropic-Beta": "files-api-2025-04-14,compact-2026-01-12"}',
        'dict({"anthropic-beta": "files-api-2025-04-14,compact-2026-01-12"})',
        '{**BASE_HEADERS, "anthropic-beta": ",".join(["files-api-2025-04-14", "compact-2026-01-12"])}',
        '{"anthropic-beta": f"{FILES},compact-2026-01-12"}',
        '{"anthropic-beta": FILES + "," + "compact-2026-01-12"}',
        '{"anthropic-beta": ",".join(NAMES)}',
    ],
)
def test_header_values(headers: str) -> None:
    code = f"""
    FILES = "files-api-2025-04-14"
    NAMES = [FILES, "compact-2026-01-12"]
    BASE_HEADERS = {{"x-api-key": "k"}}
    client.beta.messages.create(extra_headers={headers})
    """
    usages = [u for u in extract(code).usages if u.kind == "header"]
    assert sorted(u.name or "" for u in usages) == ["compact-2026-01-12", "files-api-2025-04-14"]


def test_default_headers_on_client_and_with_options() -> None:
    code = """
    import anthropic
    client = anthropic.Anthropic(default_headers={"anthropic-beta": "files-api-2025-04-14"})
    other = client.with_options(default_headers={"anthropic-beta": "compact-2026-01-12"})
    """
    requests = extract(code).requests
    assert {r.carrier for r in requests} == {"default_headers", "with_options"}
    assert all(r.client_wide for r in requests)


def test_header_item_points_inside_the_joined_string() -> None:
    code = 'h = {"anthropic-beta": "files-api-2025-04-14,compact-2026-01-12"}\n'
    assert usages_named(code, "compact-2026-01-12") == [(1, 46)]


def test_headers_of_raw_http_call_with_endpoint() -> None:
    code = """
    import httpx
    BASE_URL = "https://api.anthropic.com"
    httpx.post(f"{BASE_URL}/v1/agents", headers={"anthropic-beta": "managed-agents-2026-04-01"})
    """
    (request,) = extract(code).requests
    assert request.endpoint == "/v1/agents"
    assert request.http_method == "POST"
    assert request.platform == "anthropic"


# ---------------------------------------------------------------- 3. raw header strings


def test_raw_header_string_in_curl_line() -> None:
    code = """
    import subprocess
    CMD = 'curl https://api.anthropic.com/v1/messages -H "anthropic-beta: files-api-2025-04-14,compact-2026-01-12"'
    """
    usages = extract(code).usages
    assert sorted(u.name or "" for u in usages) == ["compact-2026-01-12", "files-api-2025-04-14"]
    assert {u.kind for u in usages} == {"header-string"}
    assert usages[0].request is not None and usages[0].request.endpoint == "/v1/messages"


# ---------------------------------------------------------------- 5. literals


def test_registry_name_anywhere_is_a_lifecycle_usage() -> None:
    (usage,) = extract('SUPPORTED = {"fast": "fast-mode-2026-02-01"}\n').usages
    assert usage.scope == "lifecycle"
    assert usage.kind == "literal"


def test_beta_named_binding_gets_all_checks() -> None:
    (usage,) = extract('MY_BETA = "files-api-2025-4-14"\n').usages
    assert usage.scope == "all"


@pytest.mark.parametrize(
    "code",
    [
        'RELEASE = "release-2024-01-15"\n',
        'MODEL = "gpt-4o-2024-08-06"\n',
        'VERSION = "bedrock-2023-05-31"\n',
        'log.info("we now send files-api-2025-04-14 in every call")\n',
        '# client.beta.messages.create(betas=["files-api-2025-04-14"])\n',
        'def f():\n    """Uses betas=["files-api-2025-04-14"] and anthropic-beta: compact-2026-01-12."""\n',
        'BETA_URL = "https://example.com/beta"\n',
    ],
)
def test_not_usages(code: str) -> None:
    assert extract(code).usages == ()


def test_dynamic_value_is_kept_not_guessed() -> None:
    code = "def f(client, names):\n    client.beta.messages.create(betas=names)\n"
    (usage,) = extract(code).usages
    assert usage.name is None
    assert (usage.site.line, usage.site.column) == (2, 39)


def test_registry_name_used_in_send_context_is_not_double_counted() -> None:
    code = 'client.beta.messages.create(betas=["files-api-2025-04-14"])\n'
    assert [u.kind for u in extract(code).usages] == ["betas-argument"]


def test_suppression_comments_are_collected() -> None:
    code = "X = 1  # noqa: BL002, BL001\nY = 2  # beta-lint: ignore[BL101]\nZ = 3  # noqa\n"
    found = [(s.line, s.codes) for s in extract(code).suppressions]
    assert found == [(1, ("BL002", "BL001")), (2, ("BL101",)), (3, ())]


@pytest.mark.parametrize(
    ("code", "method", "endpoint"),
    [
        (
            "import aiohttp\nasync def f():\n    async with aiohttp.ClientSession() as s:\n"
            "        await s.post('https://api.anthropic.com/v1/messages',\n"
            "                     headers={'anthropic-beta': 'compact-2026-01-12'})\n",
            "POST",
            "/v1/messages",
        ),
        (
            "import urllib.request\nreq = urllib.request.Request('https://api.anthropic.com/v1/agents', "
            "headers={'anthropic-beta': 'managed-agents-2026-04-01'}, method='GET')\n",
            "GET",
            "/v1/agents",
        ),
        (
            "import requests\nsession = requests.Session()\n"
            "session.request('DELETE', 'https://api.anthropic.com/v1/files/f1',\n"
            "                headers={'anthropic-beta': 'x-2026-01-01'})\n",
            "DELETE",
            "/v1/files/f1",
        ),
        (
            "import httpx\nclient = httpx.Client(base_url='https://api.anthropic.com')\n"
            "client.build_request('POST', '/v1/messages/batches', headers={'anthropic-beta': 'x-2026-01-01'})\n",
            "POST",
            "/v1/messages/batches",
        ),
    ],
)
def test_raw_http_libraries(code: str, method: str, endpoint: str) -> None:
    requests = [r for r in extract(code).requests if r.carrier == "headers"]
    assert [(r.http_method, r.endpoint, r.target) for r in requests] == [(method, endpoint, "http")]


def test_sdk_receivers_are_resolved_through_aliases_factories_and_typed_parameters() -> None:
    code = """
    import anthropic as ai
    from anthropic import AsyncAnthropicBedrock as Bedrock

    def make() -> ai.Anthropic:
        return ai.Anthropic()

    def typed(client: ai.Anthropic) -> None:
        client.beta.agents.list(betas=["managed-agents-2026-04-01"])

    async def bedrock() -> None:
        async with Bedrock() as client:
            await client.beta.messages.create(betas=["compact-2026-01-12"])

    make().with_options(timeout=5).beta.messages.count_tokens(betas=["compact-2026-01-12"])
    """
    found = {(r.target, r.endpoint, r.platform) for r in extract(code).requests if r.carrier == "betas"}
    assert found == {
        ("beta.agents.list", "/v1/agents", "anthropic"),
        ("beta.messages.create", "/v1/messages", "bedrock"),
        ("beta.messages.count_tokens", "/v1/messages/count_tokens", "anthropic"),
    }


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(
    body=hypothesis.strategies.text(alphabet="ab-é\\\r\n\t'\"{}0", max_size=12),
    prefix=hypothesis.strategies.sampled_from(["", "r", "u", "R", "b", "rb"]),
    quote=hypothesis.strategies.sampled_from(["'", '"', "'''", '"""']),
)
def test_a_string_literals_value_is_what_python_gives(body: str, prefix: str, quote: str) -> None:
    # literals.evaluated skips libcst's evaluation (a compile per literal) for plain bodies.
    source = f"{prefix}{quote}{body}{quote}\n"
    if prefix in ("b", "rb") and not body.isascii():
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes are the point: Python still gives a value
            expected = python_ast.literal_eval(source)
        node = cst.parse_module(source).body[0].body[0].value  # type: ignore[attr-defined]
    except (SyntaxError, ValueError, cst.ParserSyntaxError):
        return
    if not isinstance(node, cst.SimpleString):
        return
    assert evaluated(node) == expected
