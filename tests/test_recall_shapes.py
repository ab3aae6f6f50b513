"""Ways real code carries betas that the audit must follow (issue 13, recall on real packages).

Each test is small synthetic code shaped like a pattern seen in a public package, checked twice:
through the functions (`extract`, `lint`, the audit's `uses_of`) and through the command a user
runs (`python -m beta_lint audit/check` as a subprocess).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from conftest import extract, lint
from test_trust import audit_uses, diagnostics, write

from beta_lint.audit.inventory import uses_of


def function_uses(code: str, path: str = "example.py") -> set[tuple[int, str]]:
    """(line, name) of every audit use of `code`, through the functions."""
    return {(use.line, name) for usage in extract(textwrap.dedent(code), path).usages for name, use in uses_of(usage)}


def command_uses(root: Path) -> set[tuple[str, int, str]]:
    return {(u["path"], u["line"], u["beta"]) for u in audit_uses(root)}


# ---------------------------------------------------------------- an SDK method held as a value

HELPER_CALL = """\
from anthropic import Anthropic

BETA = "structured-outputs-2025-11-13"


class Model:
    def __init__(self):
        self._client = Anthropic()

    def run(self, beta):
        request_params = {"model": "m", "messages": [], "max_tokens": 1}
        if beta:
            request_params["betas"] = [BETA]
            create_func = self._client.beta.messages.create
        else:
            create_func = self._client.messages.create
        return self._call_client(create_func, **request_params)

    def direct(self):
        create = self._client.beta.messages.create
        return create(model="m", max_tokens=1, messages=[], betas=["files-api-2025-04-14"])

    def in_a_thread(self):
        return asyncio.to_thread(self._client.beta.messages.create, model="m", betas=["compact-2026-01-12"])
"""


def test_an_sdk_method_handed_to_a_helper_or_held_in_a_name_is_a_request(project: Path) -> None:
    # camel-ai: `self._call_client(create_func, **request_params)`, create_func an SDK method.
    expected = {
        (3, "structured-outputs-2025-11-13"),  # the constant
        (13, "structured-outputs-2025-11-13"),  # the constant put in the "betas" key
        (17, "structured-outputs-2025-11-13"),  # sent by the helper, through **request_params
        (21, "files-api-2025-04-14"),
        (24, "compact-2026-01-12"),
    }
    assert function_uses(HELPER_CALL) == expected
    sends = [r for r in extract(HELPER_CALL).requests if r.carrier == "betas" and r.known]
    assert [(r.location.line, r.target, r.known) for r in sends] == [
        (17, "beta.messages.create", True),
        (21, "beta.messages.create", True),
        (24, "beta.messages.create", True),
    ]
    # Of the two methods create_func may hold, betas go to the one that takes them: no BL203.
    assert [(d.code, d.location.line) for d in lint(HELPER_CALL, select=["ALL"]) if d.code.startswith("BL2")] == []
    write(project, "model.py", HELPER_CALL)
    assert command_uses(project) == {("model.py", line, name) for line, name in expected}
    assert ("BL101", 3) in {(d["code"], d["line"]) for d in diagnostics(project)}


def test_a_helper_given_a_non_beta_method_with_betas_is_a_type_error(project: Path) -> None:
    code = """\
    import anthropic

    client = anthropic.Anthropic()


    def ask():
        params = {"betas": ["files-api-2025-04-14"]}
        return retry(client.messages.create, **params)


    def log_it():
        return register(client.beta.messages.create)
    """
    write(project, "ask.py", code)
    found = [(d["code"], d["line"]) for d in diagnostics(project)]
    assert ("BL203", 8) in found
    # A method referred to without arguments (registered, not called here) sends nothing.
    assert not [r for r in extract(textwrap.dedent(code)).requests if r.location.line == 12]


# ---------------------------------------------------------------- a mapping another method returns

BUILT_IN_A_METHOD = """\
import anthropic


class LLM:
    def __init__(self):
        self._client = anthropic.Anthropic()

    def _get_all_kwargs(self, **kwargs):
        kwargs = {**self._model_kwargs, **kwargs}
        if self.mcp_servers:
            kwargs["betas"] = ["mcp-client-2025-04-04"]
        return kwargs

    def chat(self, messages, **kwargs):
        all_kwargs = self._get_all_kwargs(**kwargs)
        return self._client.messages.create(
            messages=messages,
            **all_kwargs,
        )
"""


def test_kwargs_built_by_another_method_are_followed_into_its_return(project: Path) -> None:
    # llama-index: `**all_kwargs` from self._get_all_kwargs() into the non-beta messages.create.
    expected = {(11, "mcp-client-2025-04-04"), (18, "<dynamic>"), (18, "mcp-client-2025-04-04")}
    assert function_uses(BUILT_IN_A_METHOD) == expected
    (send,) = [r for r in extract(BUILT_IN_A_METHOD).requests if r.carrier == "betas"]
    assert (send.location.line, send.target, send.beta_header) == (16, "messages.create", "unknown")
    # Only when the mcp servers are set does the call get betas: no certain TypeError (BL203).
    assert [(d.code, d.location.line) for d in lint(BUILT_IN_A_METHOD)] == [("BL102", 11), ("BL902", 18)]
    write(project, "llm.py", BUILT_IN_A_METHOD)
    assert command_uses(project) == {("llm.py", line, name) for line, name in expected}
    assert [(d["code"], d["line"]) for d in diagnostics(project)] == [("BL102", 11)]


def test_a_followed_function_reads_the_arguments_it_was_given_and_reassignments_replace_values(
    project: Path,
) -> None:
    # strands-agents: `client.messages.stream(**request)`, the request rebuilt by helpers that add
    # an anthropic-beta extra header; count_tokens gets a copy with chosen keys only.
    code = """\
    import anthropic

    client = anthropic.Anthropic()


    def with_output(request, schema):
        if schema is None:
            return request
        return {**request, "output_config": schema}


    def build(headers):
        return {"model": "m", "max_tokens": 1, "messages": [], "extra_headers": headers}


    def count(headers):
        request = build(headers)
        request = {k: request[k] for k in request.keys() & {"model", "messages"}}
        return client.messages.count_tokens(**request)


    def send(schema):
        request = build({"anthropic-beta": "files-api-2025-04-14"})
        request = with_output(request, schema)
        return client.messages.create(**request)


    def filtered(headers):
        headers = update_headers(headers=headers)
        return headers


    def update_headers(headers):
        headers["anthropic-beta"] = ",".join(FLAGS)
        return headers
    """
    found = function_uses(code)
    # The header reaches the create through with_output's parameter; the count_tokens request
    # was rebuilt from chosen keys, so the earlier value (with its headers) does not reach it.
    assert found == {(23, "files-api-2025-04-14"), (25, "files-api-2025-04-14"), (34, "<dynamic>")}
    # Not at line 19 (count_tokens), nor at 29: `headers = update_headers(headers=headers)`
    # passes the parameter, not what the call returns; the write is a use where it is written.
    write(project, "model.py", code)
    assert command_uses(project) == {("model.py", line, name) for line, name in found}
    # The header goes to the non-beta create: the advice to use betas= is given once, at the name.
    advice = [(d["code"], d["line"]) for d in diagnostics(project, "--select", "BL304")]
    assert advice == [("BL304", 23)]


# ---------------------------------------------------------------- setdefault of the header or body key


def test_a_header_or_body_key_set_with_setdefault_is_a_use(project: Path) -> None:
    # anthropic's Bedrock client moves the header into the body: `json_data.setdefault("anthropic_beta", ...)`.
    code = """\
    import anthropic

    client = anthropic.Anthropic()


    def prepare(options):
        betas = build_headers(options.headers)[0].get("anthropic-beta")
        if betas:
            options.json_data.setdefault("anthropic_beta", betas.split(","))
        return options


    def send():
        headers = {}
        headers.setdefault("anthropic-beta", "files-api-2025-04-14")
        return client.messages.create(model="m", max_tokens=1, messages=[], extra_headers=headers)
    """
    expected = {(9, "<dynamic>"), (15, "files-api-2025-04-14"), (16, "files-api-2025-04-14")}
    assert function_uses(code) == expected
    assert [(d.code, d.location.line) for d in lint(code, select=["BL101"])] == [("BL101", 15)]
    write(project, "bedrock.py", code)
    assert command_uses(project) == {("bedrock.py", line, name) for line, name in expected}
    assert [(d["code"], d["line"]) for d in diagnostics(project)] == [("BL101", 15)]


# ---------------------------------------------------------------- parametrized test inputs

PARAMETRIZED = """\
import anthropic
import pytest


@pytest.mark.parametrize("betas", [None, ["test-beta"]])
def test_gateway(betas):
    llm = ChatAnthropic(model="m", betas=betas, max_tokens=10)
    assert llm.invoke("x")


@pytest.mark.parametrize(
    ("betas", "expected"),
    [
        (["files-api-2025-04-14"], ["files-api-2025-04-14"]),
        (["files-api-2025-04-14", "compact-2026-01-12"], ["compact-2026-01-12"]),
    ],
)
def test_send(betas, expected):
    client = anthropic.Anthropic(api_key="k")
    client.beta.messages.create(model="m", max_tokens=1, messages=[], betas=betas)
    assert sent() == expected
"""


def test_parametrize_rows_reach_the_parameter_they_fill(project: Path) -> None:
    # langchain-anthropic: `@pytest.mark.parametrize("betas", [None, ["test-beta"]])` then
    # `ChatAnthropic(betas=betas)`: the placeholder is a use on the decorator's line.
    path = "tests/test_gw.py"
    expected = {
        (5, "test-beta"),
        (14, "files-api-2025-04-14"),
        (15, "files-api-2025-04-14"),
        (15, "compact-2026-01-12"),
        (20, "files-api-2025-04-14"),
        (20, "compact-2026-01-12"),
    }
    assert function_uses(PARAMETRIZED, path) == expected
    usages = [u for u in extract(PARAMETRIZED, path).usages if u.name == "files-api-2025-04-14"]
    inputs = [u for u in usages if u.role != "mentioned"]  # the expected column is a mention
    assert {u.role for u in inputs} == {"sent"} and not any(u.fixable for u in inputs)
    found = [(d.code, d.location.line, d.fix) for d in lint(PARAMETRIZED, path=path)]
    # Each row is a test of its own: no "sent twice" across rows, and no fix rewrites test data.
    assert found == [("BL001", 5, None), ("BL101", 14, None), ("BL101", 15, None)]
    write(project, path, PARAMETRIZED)
    assert command_uses(project) == {(path, line, name) for line, name in expected}
    assert {u["test"] for u in audit_uses(project)} == {True}
    assert [(d["code"], d["line"]) for d in diagnostics(project, "--unsafe-fixes")] == [
        ("BL001", 5),
        ("BL101", 14),
        ("BL101", 15),
    ]


# ---------------------------------------------------------------- the "betas" key of a mapping


def test_a_betas_key_is_where_the_betas_of_a_later_request_are_put(project: Path) -> None:
    # anthropic's threads: `arguments["betas"] = [*betas, MESSAGE_THREADS_BETA]`, returned to the
    # caller; instructor's test: `kwargs["betas"] = betas` from a parametrize row, given to a
    # request builder.
    code = """\
    import pytest
    from anthropic import Anthropic
    THREADS_BETA = "message-threads-2026-08-12"


    def create_arguments(params):
        arguments = {**params}
        betas = params.get("betas") or []
        arguments["betas"] = [*betas, THREADS_BETA]
        return arguments


    def structured(kwargs):
        required_beta = "structured-outputs-2025-11-13"
        kwargs["betas"] = [required_beta]
        return kwargs


    @pytest.mark.parametrize(("betas", "expected"), [(None, ["x-2025-01-01"]), ("other-beta", ["other-beta"])])
    def test_prepare(betas, expected):
        kwargs = {"messages": []}
        if betas is not None:
            kwargs["betas"] = betas
        assert prepare(kwargs)["betas"] == expected
    """
    expected = {
        (3, "message-threads-2026-08-12"),
        (9, "message-threads-2026-08-12"),  # the constant, where it is put in the key
        (14, "structured-outputs-2025-11-13"),  # a local: where it is assigned, not again on line 15
        (19, "other-beta"),  # the row's input; its expected values are mentions
    }
    assert function_uses(code, "tests/test_threads.py") == expected
    write(project, "tests/test_threads.py", code)
    assert command_uses(project) == {("tests/test_threads.py", line, name) for line, name in expected}
    assert [(d["code"], d["line"]) for d in diagnostics(project)] == [("BL101", 14), ("BL001", 19)]


def test_an_optimisers_betas_key_is_no_beta_outside_anthropic_code(project: Path) -> None:
    # PyTorch's Adam takes `betas`, and configs spell it `{"betas": ...}`: strings there are no
    # beta names unless the module is about Anthropic or the string looks like one.
    code = """\
    import torch

    config = {"betas": (0.9, 0.999), "lr": 1e-3}
    names = {"betas": ["alpha", "beta"]}
    kwargs = {}
    kwargs["betas"] = ["warmup", "cosine"]
    dated = {"betas": ["files-api-2025-04-14"]}
    """
    assert function_uses(code, "train.py") == {(7, "files-api-2025-04-14")}
    write(project, "train.py", code)
    assert command_uses(project) == {("train.py", 7, "files-api-2025-04-14")}
    assert [d["code"] for d in diagnostics(project, "--select", "ALL")] == ["BL101"]
    write(project, "train.py", "import anthropic\n" + textwrap.dedent(code))
    names = {name for _path, _line, name in command_uses(project)}
    assert names == {"alpha", "beta", "warmup", "cosine", "files-api-2025-04-14"}


def test_expected_mappings_with_a_betas_key_are_mentions(project: Path) -> None:
    code = """\
    def test_payload():
        expected = {"model": "m", "betas": ["files-api-2025-04-14", "other-beta"]}
        assert build() == expected


    def test_kwargs():
        want = {}
        want["betas"] = ["compact-2026-01-12", "other-beta"]
        assert build() == want


    def test_patched(client, kwargs):
        with patch.object(client.beta.messages, "create", **kwargs):
            run()
    """
    assert function_uses(code, "tests/test_e.py") == set()
    write(project, "tests/test_e.py", code)
    assert audit_uses(project) == []
    assert diagnostics(project, "--select", "ALL") == []
