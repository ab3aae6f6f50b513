"""Right on code nobody wrote for the linter (issue 13): what is sent, what is merely mentioned.

Every test runs the installed command on a small project shaped like public code that calls
Claude, and checks what a user sees: the diagnostics, the audit, and, for fixes, what the fixed
program really sends (the program is executed against a fake SDK client that records `betas`).
"""

from __future__ import annotations

import ast
import itertools
import json
import os
import sys
import textwrap
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from conftest import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

TODAY = "2026-12-01"


def write(root: Path, name: str, code: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(code))
    return path


def diagnostics(root: Path, *args: str) -> list[dict[str, Any]]:
    result = run_cli("check", "--output-format", "json", "--no-cache", "--today", TODAY, *args, ".", cwd=root)
    assert result.returncode in (0, 1), result.stderr
    found: list[dict[str, Any]] = json.loads(result.stdout)["diagnostics"]
    return found


def audit_uses(root: Path, *args: str) -> list[dict[str, Any]]:
    result = run_cli("audit", "--format", "json", "--no-cache", "--today", TODAY, *args, ".", cwd=root)
    assert result.returncode in (0, 1), result.stderr
    data = json.loads(result.stdout)
    return [dict(use, beta=beta["name"]) for beta in data["betas"] for use in beta["uses"]]


def fix(root: Path, *args: str) -> None:
    result = run_cli("check", "--fix", "--no-cache", "--today", TODAY, *args, ".", cwd=root)
    assert result.returncode in (0, 1), result.stderr


# ---------------------------------------------------------------- running a program's requests


class _Recorder:
    """Stands in for `anthropic.Anthropic()`: records the betas of every beta.messages call."""

    def __init__(self, sent: list[tuple[str, ...]]) -> None:
        self.beta = types.SimpleNamespace(messages=types.SimpleNamespace(create=self._create))
        self._sent = sent

    def _create(self, **kwargs: Any) -> None:
        betas = kwargs.get("betas")
        self._sent.append(tuple(betas) if betas is not None else ())


@contextmanager
def _fake_sdk(sent: list[tuple[str, ...]]) -> Iterator[None]:
    fake = types.ModuleType("anthropic")
    fake.Anthropic = lambda *args, **kwargs: _Recorder(sent)  # type: ignore[attr-defined]
    saved = sys.modules.get("anthropic")
    sys.modules["anthropic"] = fake
    try:
        yield
    finally:
        if saved is None:
            del sys.modules["anthropic"]
        else:
            sys.modules["anthropic"] = saved


def sent_per_path(source: str, function: str = "run") -> dict[tuple[bool, ...], tuple[str, ...]]:
    """What `function(*flags)` sends, for every combination of its boolean parameters."""
    tree = ast.parse(source)
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function)
    arity = len(node.args.args)
    out: dict[tuple[bool, ...], tuple[str, ...]] = {}
    sent: list[tuple[str, ...]] = []
    with _fake_sdk(sent):
        namespace: dict[str, Any] = {"__name__": "generated"}
        exec(compile(source, "generated.py", "exec"), namespace)
        run: Callable[..., None] = namespace[function]
        for flags in itertools.product((False, True), repeat=arity):
            sent.clear()
            run(*flags)
            assert len(sent) == 1
            out[flags] = sent[0]
    return out


# ---------------------------------------------------------------- 1. fixes keep the other betas

BUILT_LIST = """\
import anthropic

client = anthropic.Anthropic()


def run(computer, cache, wide):
    betas = ["interleaved-thinking-2025-05-14"]
    if computer:
        betas.append("computer-use-2025-11-24")
    if cache:
        betas.append("prompt-caching-2024-07-31")
    if wide:
        betas.append("context-1m-2025-08-07")
    return client.beta.messages.create(model=MODEL, max_tokens=1, messages=[], betas=betas)


MODEL = "claude-opus-4-6"
"""


def test_safe_fix_removes_the_append_not_the_betas_argument(project: Path) -> None:
    path = write(project, "agent.py", BUILT_LIST)
    before = sent_per_path(path.read_text())
    fix(project)
    fixed = path.read_text()
    assert "betas=betas" in fixed
    after = sent_per_path(fixed)
    for flags, names in before.items():
        assert set(after[flags]) == set(names) - {"prompt-caching-2024-07-31", "context-1m-2025-08-07"}, flags
    # Both GA names were the only statement of their `if`: the block stays valid.
    assert "prompt-caching" not in fixed and "context-1m" not in fixed


def test_show_fixes_says_which_statement_goes(project: Path) -> None:
    write(project, "agent.py", BUILT_LIST)
    diff = run_cli("check", "--diff", "--no-cache", "--today", TODAY, ".", cwd=project).stdout
    result = run_cli("check", "--fix", "--show-fixes", "--no-cache", "--today", TODAY, ".", cwd=project)
    assert 'Remove the statement that adds "prompt-caching-2024-07-31"' in result.stdout + result.stderr
    removed = [line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    assert all("append(" in line for line in removed), removed


def test_duplicate_in_a_variable_list_is_fixed_at_the_append(project: Path) -> None:
    path = write(
        project,
        "agent.py",
        """\
        import anthropic

        client = anthropic.Anthropic()


        def run(again):
            betas = ["computer-use-2025-11-24", "interleaved-thinking-2025-05-14"]
            if again:
                betas.append("computer-use-2025-11-24")
            client.beta.messages.create(model="m", max_tokens=1, messages=[], betas=betas)
        """,
    )
    before = sent_per_path(path.read_text())
    codes = [d["code"] for d in diagnostics(project)]
    assert codes == ["BL301"]
    fix(project)
    after = sent_per_path(path.read_text())
    assert {flags: set(names) for flags, names in after.items()} == {
        flags: set(names) for flags, names in before.items()
    }
    assert "betas=betas" in path.read_text()


def test_last_literal_element_drops_the_keyword_only_when_written_in_the_call(project: Path) -> None:
    path = write(
        project,
        "agent.py",
        """\
        import anthropic

        client = anthropic.Anthropic()


        def run():
            client.beta.messages.create(model="m", max_tokens=1, messages=[], betas=["prompt-caching-2024-07-31"])


        def run_shared():
            client.beta.messages.create(model="m", max_tokens=1, messages=[], betas=SHARED)


        SHARED = ["prompt-caching-2024-07-31"]
        """,
    )
    fix(project)
    fixed = path.read_text()
    assert "messages=[])\n" in fixed  # the call's own list became empty: the keyword went with it
    assert "betas=SHARED" in fixed  # never the argument that holds a name


# ---------------------------------------------------------------- 2. strings that are not sent

MENTIONS = """\
import logging
from typing import Literal
from unittest import mock

import anthropic

log = logging.getLogger(__name__)

BetaFlag = Literal["prompt-caching-2024-07-31", "computer-use-2025-01-24", "files-api-2025-04-14"]


def note(betas):
    log.info("sending betas", betas=["prompt-caching-2024-07-31"])
    logging.debug("beta %s", "computer-use-2025-01-24")


def reads(request):
    if "prompt-caching-2024-07-31" in request.headers["anthropic-beta"]:
        return True
    return request.headers.get("anthropic-beta") == "computer-use-2025-01-24"


def test_sends(client):
    client.beta.messages.create = mock.MagicMock()
    assert client.sent == ["computer-use-2025-01-24"]
    client.beta.messages.create.assert_called_once_with(model="m", betas=["prompt-caching-2024-07-31"])


class TestHeaders:
    def test_value(self):
        self.assertEqual(header(), "files-api-2025-04-14")
        self.assertIn("computer-use-2025-01-24", header())
"""


def test_strings_that_are_never_sent_are_not_reported(project: Path) -> None:
    write(project, "mentions.py", MENTIONS)
    assert diagnostics(project) == []
    assert diagnostics(project, "--select", "ALL") == []


def test_fixes_never_touch_mentions(project: Path) -> None:
    path = write(project, "mentions.py", MENTIONS)
    fix(project, "--unsafe-fixes")
    assert path.read_text() == textwrap.dedent(MENTIONS)


def test_audit_lists_mentions_only_on_request(project: Path) -> None:
    write(project, "mentions.py", MENTIONS)
    assert audit_uses(project) == []
    uses = audit_uses(project, "--include-mentions")
    assert {use["role"] for use in uses} == {"mentioned"}
    lines = {use["line"] for use in uses}
    assert {9, 13, 14, 18, 20, 25, 26, 31, 32} <= lines


def test_expected_values_in_tests_are_not_uses(project: Path) -> None:
    write(
        project,
        "tests/test_client.py",
        """\
        def test_headers(captured):
            expected = {"anthropic-beta": "computer-use-2025-01-24"}
            assert captured.headers == expected
        """,
    )
    assert diagnostics(project) == []
    assert audit_uses(project) == []


# ---------------------------------------------------------------- 3. only known requests


def test_a_projects_own_method_taking_betas_is_not_a_request(project: Path) -> None:
    path = write(
        project,
        "provider.py",
        """\
        class Provider:
            def stream(self, data, config):
                return self._request_via_streaming(data, config, betas=[])

            def old(self, data):
                return self._send(data, betas=["computer-use-2025-01-24"])
        """,
    )
    found = diagnostics(project)
    assert [d["code"] for d in found] == ["BL102"]  # the name is still wrong wherever it goes
    assert found[0]["fix"] is None  # but a project's own call is never edited
    fix(project, "--unsafe-fixes")
    assert "betas=[]" in path.read_text()


def test_another_services_agents_route_is_not_anthropic(project: Path) -> None:
    write(
        project,
        "jobs.py",
        """\
        import httpx

        OTHER_SERVICE = "https://scheduler.internal.example"


        def start(key):
            return httpx.post(f"{OTHER_SERVICE}/v1/agents/run", headers={"x-api-key": key})


        def start_claude(key):
            return httpx.post("https://api.anthropic.com/v1/agents", headers={"x-api-key": key})
        """,
    )
    found = diagnostics(project)
    assert [(d["code"], d["line"]) for d in found] == [("BL202", 11)]


# ---------------------------------------------------------------- 4. branches


def test_exclusive_branches_do_not_add_up(project: Path) -> None:
    write(
        project,
        "agent.py",
        """\
        import anthropic

        client = anthropic.Anthropic()


        def run(a, b, model):
            betas = ["interleaved-thinking-2025-05-14"]
            if a:
                betas.append("computer-use-2025-11-24")
            elif b:
                betas.append("computer-use-2025-11-24")
            else:
                betas.extend(["computer-use-2025-11-24"])
            try:
                extra = ["context-management-2025-06-27"]
            except ValueError:
                extra = ["context-management-2025-06-27"]
            client.beta.messages.create(model=model, max_tokens=1, messages=[], betas=betas + extra)
        """,
    )
    assert diagnostics(project) == []


def test_first_sent_at_names_another_place(project: Path) -> None:
    write(
        project,
        "agent.py",
        """\
        import anthropic

        client = anthropic.Anthropic()


        def run(model):
            betas = ["computer-use-2025-11-24"]
            betas.append("computer-use-2025-11-24")
            client.beta.messages.create(model=model, max_tokens=1, messages=[], betas=betas)
        """,
    )
    found = diagnostics(project)
    assert [d["code"] for d in found] == ["BL301"]
    where = (found[0]["line"], found[0]["column"])
    related = [(r["line"], r["column"]) for r in found[0]["related"]]
    assert related and where not in related


# ---------------------------------------------------------------- check and audit agree


def test_check_and_audit_see_the_same_lines(project: Path) -> None:
    write(project, "mentions.py", MENTIONS)
    write(project, "agent.py", BUILT_LIST)
    write(
        project,
        "client.py",
        """\
        import anthropic

        COMPUTER_BETA = "computer-use-2025-01-24"


        def go(client: anthropic.Anthropic, model):
            return client.beta.messages.create(model=model, max_tokens=1, messages=[], betas=[COMPUTER_BETA])
        """,
    )
    flagged = {(d["path"], d["line"]) for d in diagnostics(project) if d["beta"]}
    inactive = {"prompt-caching-2024-07-31", "context-1m-2025-08-07", "computer-use-2025-01-24"}
    listed = {(u["path"], u["line"]) for u in audit_uses(project) if u["beta"] in inactive and u["role"] == "bound"}
    listed |= {(u["path"], u["line"]) for u in audit_uses(project) if u["beta"] in inactive and u["role"] == "sent"}
    # A name problem is reported where the name is written; the audit lists it there too.
    assert flagged <= listed
    assert not {line for path, line in listed if path == "mentions.py"}


# ---------------------------------------------------------------- the fix guarantee, generated

ACTIVE = ("interleaved-thinking-2025-05-14", "computer-use-2025-11-24", "context-management-2025-06-27")
GA = ("prompt-caching-2024-07-31", "context-1m-2025-08-07")  # BL101 with a safe fix: removed
SUPERSEDED = {"computer-use-2025-01-24": "computer-use-2025-11-24"}  # BL102, unsafe: replaced
POOL = (*ACTIVE, *GA, *SUPERSEDED)


@st.composite
def list_building(draw: st.DrawFn) -> str:
    """A function that builds a beta list under conditions and sends it through a variable."""
    flags = draw(st.integers(min_value=1, max_value=3))
    name = st.sampled_from(POOL)
    flag = st.integers(min_value=0, max_value=flags - 1).map(lambda i: f"c{i}")
    base = [draw(st.sampled_from(ACTIVE)), *draw(st.lists(name, max_size=2))]
    lines = [f"def run({', '.join(f'c{i}' for i in range(flags))}):", f"    betas = {base!r}"]
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        shape = draw(st.sampled_from(["if", "if-elif", "always", "extend-one", "extend-two", "if-else-extend"]))
        first, second, cond, other = draw(name), draw(name), draw(flag), draw(flag)
        if shape == "if":
            lines += [f"    if {cond}:", f"        betas.append({first!r})"]
        elif shape == "if-elif":
            lines += [f"    if {cond}:", f"        betas.append({first!r})", f"    elif {other}:"]
            lines += [f"        betas.append({second!r})"]
        elif shape == "always":
            lines += [f"    betas.append({first!r})"]
        elif shape == "extend-one":
            lines += [f"    if {cond}:", f"        betas.extend([{first!r}])"]
        elif shape == "extend-two":
            lines += [f"    betas.extend([{first!r}, {second!r}])"]
        else:
            lines += [f"    if {cond}:", f"        betas.extend([{first!r}])", "    else:"]
            lines += [f"        betas.append({second!r})", "        print('other path')"]
    sent = draw(st.sampled_from(["betas", "betas + [{0!r}]", "[*betas, {0!r}]", "list(betas)"]))
    sent = sent.format(draw(st.sampled_from(ACTIVE)))
    lines += [f"    client.beta.messages.create(model=model, max_tokens=1, messages=[], betas={sent})"]
    return "import anthropic\n\nclient = anthropic.Anthropic()\nmodel = 'm'\n\n\n" + "\n".join(lines) + "\n"


def _expected(names: tuple[str, ...]) -> set[str]:
    return {SUPERSEDED.get(name, name) for name in names} - set(GA)


@settings(max_examples=int(os.environ.get("BETA_LINT_FIX_EXAMPLES", "25")), deadline=None)
@given(list_building())
def test_every_fix_changes_what_a_request_sends_by_exactly_the_flagged_name(source: str) -> None:
    result = run_cli(
        "check",
        "--fix",
        "--unsafe-fixes",
        "--no-cache",
        "--today",
        TODAY,
        "--stdin-filename",
        "agent.py",
        "-",
        stdin=source,
    )
    assert result.returncode in (0, 1), result.stderr
    fixed = result.stdout
    ast.parse(fixed)
    before, after = sent_per_path(source), sent_per_path(fixed)
    for flags, names in before.items():
        assert set(after[flags]) == _expected(names), (flags, fixed)


def test_another_linters_noqa_code_is_not_an_unused_suppression(project: Path) -> None:
    write(project, "tasks.py", "try:\n    run()\nexcept Exception:  # noqa: BLE001\n    pass\n")
    assert diagnostics(project, "--select", "ALL") == []


def test_betas_given_to_the_projects_own_function_are_listed_where_written(project: Path) -> None:
    write(
        project,
        "wrapper.py",
        """\
        class Provider:
            def headers(self, names):
                betas = {"files-api-2025-04-14"}
                betas.update(names)
                return self._credential_headers(self.key, betas=betas)

            def model(self, betas):
                return ChatAnthropic(model="m", betas=betas)
        """,
    )
    uses = [(u["beta"], u["line"], u["role"]) for u in audit_uses(project)]
    assert uses == [("files-api-2025-04-14", 3, "bound")]
    assert diagnostics(project, "--select", "BL902") == []


# ---------------------------------------------------------------- the ways real code carries names


def _uses_by_line(root: Path) -> dict[tuple[str, int], set[str]]:
    found: dict[tuple[str, int], set[str]] = {}
    for use in audit_uses(root):
        found.setdefault((use["path"], use["line"]), set()).add(use["beta"])
    return found


def test_names_are_followed_through_re_exports_and_carriers(project: Path) -> None:
    write(project, "pkg/__init__.py", "")
    write(project, "pkg/_impl.py", 'FILES_BETA = "files-api-2025-04-14"\nCACHE_BETA = "prompt-caching-2024-07-31"\n')
    write(project, "pkg/env.py", "from pkg._impl import CACHE_BETA, FILES_BETA\n")  # no candidate of its own
    write(
        project,
        "app.py",
        """\
        import os

        import anthropic

        from pkg.env import CACHE_BETA, FILES_BETA

        client = anthropic.Anthropic()


        def reexported(model):
            return client.beta.messages.create(model=model, max_tokens=1, messages=[], betas=[FILES_BETA])


        def joined(model):
            headers = {"anthropic-beta": f"{FILES_BETA},{CACHE_BETA}"}
            return client.messages.create(model=model, max_tokens=1, messages=[], extra_headers=headers)


        def from_the_environment(model):
            betas = os.environ.get("BETAS", "").split(",")
            betas.append(CACHE_BETA)
            return client.beta.messages.create(model=model, max_tokens=1, messages=[], betas=betas)


        def collected_in_a_set(model):
            betas = set()
            betas.add(FILES_BETA)
            return client.beta.messages.create(model=model, max_tokens=1, messages=[], betas=sorted(betas))


        def through_kwargs(model):
            params = {"model": model, "max_tokens": 1, "messages": []}
            params["betas"] = ["context-1m-2025-08-07"]
            return client.beta.messages.create(**params)


        def through_a_payload(model):
            payload = {"model": model, "betas": ["context-management-2025-06-27"]}
            return client.beta.messages.create(**payload, max_tokens=1, messages=[])


        def built_elsewhere(model):
            request = prepare(model)
            return client.beta.messages.create(**request)


        def header_set_in_place(headers):
            headers["anthropic-beta"] = "pdfs-2024-09-25"
            return headers


        def header_extended(model, extra_headers):
            extra_headers["anthropic-beta"] += ",search-results-2025-06-09"
            return client.messages.create(model=model, max_tokens=1, messages=[], extra_headers=extra_headers)
        """,
    )
    uses = _uses_by_line(project)
    assert uses[("pkg/_impl.py", 1)] == {"files-api-2025-04-14"}
    assert uses[("pkg/_impl.py", 2)] == {"prompt-caching-2024-07-31"}
    assert uses[("app.py", 11)] == {"files-api-2025-04-14"}  # sent through the re-export
    assert uses[("app.py", 16)] == {"files-api-2025-04-14", "prompt-caching-2024-07-31"}
    assert uses[("app.py", 22)] == {"prompt-caching-2024-07-31", "<dynamic>"}
    assert uses[("app.py", 28)] == {"files-api-2025-04-14"}
    assert uses[("app.py", 33)] == {"context-1m-2025-08-07"} == uses[("app.py", 34)]
    assert uses[("app.py", 38)] == {"context-management-2025-06-27"} == uses[("app.py", 39)]
    assert uses[("app.py", 44)] == {"<dynamic>"}  # a mapping we cannot follow, in a module with "betas" keys
    assert uses[("app.py", 48)] == {"pdfs-2024-09-25"}
    assert uses[("app.py", 53)] == {"search-results-2025-06-09"}
    # check sees the same names: every GA name is reported where it is written, once.
    flagged = {(d["path"], d["line"], d["beta"]) for d in diagnostics(project)}
    assert ("pkg/_impl.py", 1, "files-api-2025-04-14") in flagged
    assert ("app.py", 33, "context-1m-2025-08-07") in flagged
    assert ("app.py", 48, "pdfs-2024-09-25") in flagged
    assert ("app.py", 53, "search-results-2025-06-09") in flagged


def test_a_re_export_cycle_ends(project: Path) -> None:
    write(project, "a.py", "from b import NAME\n")
    write(project, "b.py", "from a import NAME\n")
    write(
        project,
        "app.py",
        "import anthropic\nfrom a import NAME\n\n"
        "anthropic.Anthropic().beta.messages.create(model='m', max_tokens=1, messages=[], betas=[NAME])\n",
    )
    assert [(u["beta"], u["line"]) for u in audit_uses(project)] == [("<dynamic>", 4)]


def test_kwargs_that_may_carry_betas_are_not_a_certain_type_error(project: Path) -> None:
    write(
        project,
        "llm.py",
        """\
        import anthropic

        client = anthropic.Anthropic()


        def options(servers):
            kwargs = {}
            if servers:
                kwargs["betas"] = ["mcp-client-2025-11-20"]
            return kwargs


        def ask(model, servers):
            return client.messages.create(model=model, max_tokens=1, messages=[], **options(servers))


        def ask_resolved(model):
            params = {"betas": ["mcp-client-2025-11-20"]}
            return client.messages.create(model=model, max_tokens=1, messages=[], **params)
        """,
    )
    found = [(d["code"], d["line"]) for d in diagnostics(project)]
    assert found == [("BL203", 19)]  # only where the mapping is known to hold betas


def test_parametrized_expected_values_are_mentions_and_inputs_are_uses(project: Path) -> None:
    write(
        project,
        "tests/test_handler.py",
        """\
        import pytest


        @pytest.mark.parametrize(
            ("betas", "expected"),
            [
                (None, ["structured-outputs-2025-11-13"]),
                (["structured-outputs-2025-11-13"], ["structured-outputs-2025-11-13"]),
            ],
        )
        def test_prepare(betas, expected):
            request = prepare({"betas": betas})
            assert request["betas"] == expected
        """,
    )
    uses = sorted((u["line"], u["role"], u["test"]) for u in audit_uses(project))
    assert uses == [(8, "bound", True)]  # the input; the expected values on lines 7 and 8 are mentions
    assert [(d["code"], d["line"], d["column"]) for d in diagnostics(project)] == [("BL101", 8, 12)]
    assert audit_uses(project, "--exclude-tests") == []


def test_test_placeholders_are_reported_and_the_readme_line_silences_them(project: Path) -> None:
    write(
        project,
        "tests/test_client.py",
        """\
        import anthropic


        def test_sends_betas(httpx_mock):
            client = anthropic.Anthropic(api_key="k")
            client.beta.messages.create(model="m", max_tokens=1, messages=[], betas=["feature-a"])
        """,
    )
    assert [d["code"] for d in diagnostics(project)] == ["BL001"]  # a real send, to a mock
    (project / "beta-lint.toml").write_text('per-file-ignores = { "tests/**" = ["BL001", "BL002"] }\n')
    assert diagnostics(project) == []


def test_headers_set_on_an_attribute_or_as_pairs_and_constants_given_to_wrappers(project: Path) -> None:
    write(project, "consts.py", 'TOOL_BETA = "mid-conversation-tool-changes-2026-07-01"\n')
    write(
        project,
        "auth.py",
        """\
        from consts import TOOL_BETA

        POLICY = {"headers": (("x-app", "cli"), ("anthropic-beta", "oauth-2025-04-20"))}


        def sign(request, flags):
            request.headers["anthropic-beta"] = ",".join(flags)


        def model():
            return ChatAnthropic(model="m", betas=[TOOL_BETA])
        """,
    )
    uses = _uses_by_line(project)
    assert uses[("auth.py", 3)] == {"oauth-2025-04-20"}
    assert uses[("auth.py", 7)] == {"<dynamic>"}
    assert uses[("auth.py", 11)] == {"mid-conversation-tool-changes-2026-07-01"}  # passed to the wrapper here
    assert uses[("consts.py", 1)] == {"mid-conversation-tool-changes-2026-07-01"}


def test_a_large_class_keeps_the_beta_call_fed_by_kwargs(project: Path) -> None:
    # Big enough for the slicer to split the class into its members (issue 16): the member that
    # sends **request_kwargs holds no candidate of its own, yet may send betas.
    filler = "".join(f"    def helper_{i}(self):\n        return {i}\n\n" for i in range(400))
    write(
        project,
        "claude.py",
        "import anthropic\n\n\nclass Claude:\n"
        "    def params(self):\n        params = {}\n        params['betas'] = self.betas\n        return params\n\n"
        + filler
        + "    def invoke(self, request_kwargs):\n"
        "        return anthropic.Anthropic().beta.messages.create(model='m', **request_kwargs)\n",
    )
    lines = (project / "claude.py").read_text().splitlines()
    send = next(i for i, line in enumerate(lines, 1) if "**request_kwargs" in line)
    assert ("claude.py", send) in _uses_by_line(project)
