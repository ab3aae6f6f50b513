"""`beta-lint audit`, end to end through the installed command, on a test tree written by hand.

tests/audit_tree/ is a small support-bot project modelled on how real projects send betas:
a wrapper class, a settings module whose constants another module imports, betas gathered
under model-name conditions, a Bedrock body, raw HTTP, a notebook with magics, a shell
script, a Markdown page and a TypeScript widget, plus decoys (comments, docstrings, log
messages, test assertions, dated model and API-version strings) that must not be listed.

EXPECTED_USES was written by reading the tree, as the issue defines a use, not by copying the
tool's output. Where the extractor does not meet the issue yet, the difference is listed in
KNOWN_GAPS, and each gap has its own strict xfail test: when the gap is closed that test
passes (XPASS, a failure under strict), and the gap's entry must be removed here.

Golden files (tests/golden/audit/) were produced once with the command and read line by line
against the tree. After a deliberate change, regenerate with BETA_LINT_UPDATE_GOLDEN=1 and
review the diff the same way.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import pty
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click
import pytest
from conftest import run_cli

from beta_lint.audit.inventory import BetaUses, Report, is_test_path, uses_of
from beta_lint.audit.render import render_table
from beta_lint.model import Location, Request, Usage

TREE = Path(__file__).resolve().parent / "audit_tree"
GOLDEN = Path(__file__).resolve().parent / "golden" / "audit"
UPDATE = os.environ.get("BETA_LINT_UPDATE_GOLDEN") == "1"
TODAY = "2026-11-24"

# (where, line, kind, name). `where` is the path from the tree's root; for a notebook it is
# "path:cell N" and the line counts from the start of that cell.
Expected = tuple[str, int, str, str]

EXPECTED_USES: list[Expected] = [
    # The settings module: constants that other modules import, and a dataclass default that
    # is sent from another module through an instance (not followed: <dynamic> there).
    ("supportbot/config.py", 9, "constant", "files-api-2025-04-14"),
    ("supportbot/config.py", 10, "constant", "pdfs-2024-09-25"),
    ("supportbot/config.py", 21, "constant", "interleaved-thinking-2025-05-14"),
    # The wrapper class: a module constant, a list kept on self in __init__, and betas
    # gathered under model-name conditions (append / +=) then sent as `betas=betas`.
    ("supportbot/client.py", 14, "constant", "fine-grained-tool-streaming-2025-05-14"),
    ("supportbot/client.py", 26, "constant", "token-efficient-tools-2025-02-19"),
    ("supportbot/client.py", 31, "added", "interleaved-thinking-2025-05-14"),  # betas.append(...): added, not constant
    ("supportbot/client.py", 33, "constant", "context-1m-2025-08-07"),
    ("supportbot/client.py", 39, "betas-argument", "interleaved-thinking-2025-05-14"),
    ("supportbot/client.py", 39, "betas-argument", "context-1m-2025-08-07"),
    ("supportbot/client.py", 49, "betas-argument", "fine-grained-tool-streaming-2025-05-14"),
    ("supportbot/client.py", 49, "betas-argument", "token-efficient-tools-2025-02-19"),
    ("supportbot/client.py", 55, "betas-argument", "files-api-2025-04-14"),  # from .config import
    ("supportbot/client.py", 64, "betas-argument", "<dynamic>"),  # settings.betas, another module
    # Dataclass defaults sent from a method as a re-joined header; a client-wide default
    # header; a value from the environment; an imported constant in extra_headers.
    ("supportbot/agents.py", 16, "constant", "mcp-client-2025-04-04"),
    ("supportbot/agents.py", 18, "constant", "context-management-2025-06-27"),
    ("supportbot/agents.py", 27, "header", "mcp-client-2025-04-04"),
    ("supportbot/agents.py", 27, "header", "context-management-2025-06-27"),
    ("supportbot/agents.py", 33, "header", "computer-use-2024-10-22"),
    ("supportbot/agents.py", 41, "betas-argument", "<dynamic>"),  # os.environ ... .split(",")
    ("supportbot/agents.py", 50, "header", "pdfs-2024-09-25"),  # from .config import
    # Bedrock carries the betas in the body, beside "anthropic_version" (not a beta).
    ("supportbot/bedrock.py", 15, "betas-argument", "computer-use-2025-01-24"),
    # Raw HTTP: a header mapping, and a curl command line built in Python.
    ("supportbot/raw.py", 23, "header", "token-counting-2024-11-01"),
    ("supportbot/raw.py", 36, "header-string", "output-128k-2025-02-19"),
    # The notebook: only the code cell's betas=; the %pip magic and the !curl shell line are
    # skipped (the issue: "skip IPython magics and shell lines cleanly"), the Markdown cell too.
    ("notebooks/caching.ipynb:cell 4", 4, "betas-argument", "prompt-caching-2024-07-31"),
    # Text files: a shell script, a Markdown page (a python block and a bash block), TypeScript.
    ("scripts/upload.sh", 9, "text", "files-api-2025-04-14"),
    ("scripts/upload.sh", 9, "text", "pdfs-2024-09-25"),
    ("docs/usage.md", 15, "betas-argument", "web-search-2025-03-05"),
    ("docs/usage.md", 26, "text", "mcp-client-2025-04-04"),
    ("web/chat.ts", 10, "text", "search-results-2025-06-09"),
]

# Lines holding a beta-like string that is no use: comments, docstrings, log messages, test
# assertions, a model id and an API version with dates, Markdown prose, notebook shell lines.
DECOYS: list[tuple[str, int]] = [
    ("supportbot/config.py", 14),  # FALLBACK_MODEL = "gpt-4o-2024-08-06"
    ("supportbot/client.py", 20),  # class docstring naming context-1m-2025-08-07
    ("supportbot/client.py", 35),  # comment naming computer-use-2024-10-22
    ("supportbot/client.py", 58),  # log message naming files-api-2025-04-14
    ("supportbot/bedrock.py", 14),  # "anthropic_version": "bedrock-2023-05-31"
    ("tests/test_client.py", 12),  # assert ... == ["interleaved-thinking-2025-05-14"]
    ("tests/test_client.py", 19),  # assert "context-1m-2025-08-07" in ...
    ("scripts/upload.sh", 3),  # shell comment naming files-api-2025-04-14
    ("docs/usage.md", 4),  # prose naming context-1m-2025-08-07
    ("docs/usage.md", 40),  # prose naming bedrock-2023-05-31
    ("notebooks/caching.ipynb:cell 1", 4),  # Markdown cell naming prompt-caching-2024-07-31
    ("notebooks/caching.ipynb:cell 2", 4),  # !curl ... -H "anthropic-beta: message-batches-..."
]


@dataclass(frozen=True)
class Gap:
    reason: str
    missing: tuple[Expected, ...] = ()  # expected by the issue, not reported yet
    extra: tuple[Expected, ...] = ()  # reported, though the issue says it is no use


KNOWN_GAPS: dict[str, Gap] = {}


# ---------------------------------------------------------------- running the command


def audit(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli("audit", "--today", TODAY, *args, cwd=cwd, stdin=stdin)


def audit_json(*args: str, cwd: Path) -> dict[str, Any]:
    result = audit("--format", "json", *args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def flatten(data: dict[str, Any]) -> set[Expected]:
    uses: set[Expected] = set()
    for beta in data["betas"]:
        for use in beta["uses"]:
            where = use["path"] if use["cell"] is None else f"{use['path']}:cell {use['cell']}"
            uses.add((where, use["line"], use["kind"], beta["name"]))
    return uses


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the test tree: nothing the suite writes nearby can leak into the audit."""
    target = tmp_path_factory.mktemp("audit") / "supportbot-repo"
    shutil.copytree(TREE, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.fixture(scope="module")
def tree_json(tree: Path) -> dict[str, Any]:
    return audit_json(".", cwd=tree)


@pytest.fixture(scope="module")
def tree_uses(tree_json: dict[str, Any]) -> set[Expected]:
    return flatten(tree_json)


# ---------------------------------------------------------------- the tree, as the issue defines uses


def test_expected_uses_are_unique() -> None:
    assert len(EXPECTED_USES) == len(set(EXPECTED_USES))


def test_tree_lists_every_use_and_nothing_else(tree_uses: set[Expected]) -> None:
    expected = set(EXPECTED_USES)
    for gap in KNOWN_GAPS.values():
        expected = (expected - set(gap.missing)) | set(gap.extra)
    assert sorted(tree_uses - expected) == [], "reported but not expected"
    assert sorted(expected - tree_uses) == [], "expected but not reported"


@pytest.mark.parametrize(
    "gap",
    [pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=gap.reason)) for name, gap in KNOWN_GAPS.items()],
)
def test_known_gap_closed(tree_uses: set[Expected], gap: str) -> None:
    known = KNOWN_GAPS[gap]
    assert set(known.missing) <= tree_uses
    assert not set(known.extra) & tree_uses


def test_decoys_are_not_uses(tree_uses: set[Expected], tree_json: dict[str, Any]) -> None:
    at = {(where, line) for where, line, _kind, _name in tree_uses}
    assert [decoy for decoy in DECOYS if decoy in at] == []
    names = {beta["name"] for beta in tree_json["betas"]}
    assert not {"gpt-4o-2024-08-06", "bedrock-2023-05-31", "message-batches-2024-09-24"} & names


def test_test_assertions_are_not_uses_but_sends_in_tests_are(tmp_path: Path) -> None:
    write(tmp_path, "beta-lint.toml", "")
    write(
        tmp_path,
        "tests/test_api.py",
        """\
        import anthropic

        FILES_BETA = "files-api-2025-04-14"


        def test_sends() -> None:
            client = anthropic.Anthropic()
            client.beta.files.list(betas=["pdfs-2024-09-25"])
            assert "context-1m-2025-08-07" in str(client)
        """,
    )
    uses = flatten(audit_json(".", cwd=tmp_path))
    assert uses == {
        ("tests/test_api.py", 3, "constant", "files-api-2025-04-14"),  # bound to a *beta* name
        ("tests/test_api.py", 8, "betas-argument", "pdfs-2024-09-25"),  # really sent
    }


def test_notebook_uses_name_the_cell(tree_json: dict[str, Any], tree: Path) -> None:
    (beta,) = [b for b in tree_json["betas"] if b["name"] == "prompt-caching-2024-07-31"]
    assert beta["uses"] == [
        {
            "path": "notebooks/caching.ipynb",
            "cell": 4,
            "line": 4,
            "column": 13,
            "kind": "betas-argument",
            # The client is created in an earlier cell: cells share one namespace.
            "endpoint": "/v1/messages",
            "role": "sent",
            "test": False,
            "function": None,
            "code": 'betas=["prompt-caching-2024-07-31"],',  # line 4 of cell 4
            "owners": [],  # the tree has no CODEOWNERS
            "author": None,  # not a git work tree
            "changed": None,
            "repository": None,
        }
    ]
    table = audit("--beta", "prompt-caching", ".", cwd=tree).stdout
    assert "notebooks/caching.ipynb:cell 4:4:13  betas-argument" in table


def test_endpoint_is_given_where_resolved(tree_json: dict[str, Any]) -> None:
    endpoints = {
        (beta["name"], use["path"], use["line"]): use["endpoint"] for beta in tree_json["betas"] for use in beta["uses"]
    }
    assert endpoints["token-counting-2024-11-01", "supportbot/raw.py", 23] == "/v1/messages/count_tokens"
    assert endpoints["web-search-2025-03-05", "docs/usage.md", 15] == "/v1/messages"
    # Methods called on a client kept on self (assigned in __init__, or a typed dataclass field).
    assert endpoints["interleaved-thinking-2025-05-14", "supportbot/client.py", 39] == "/v1/messages"
    assert endpoints["mcp-client-2025-04-04", "supportbot/agents.py", 27] == "/v1/messages"
    # A client-wide default header is sent to every endpoint: none in particular.
    assert endpoints["computer-use-2024-10-22", "supportbot/agents.py", 33] is None
    # A definition is not sent anywhere by itself: no endpoint.
    assert endpoints["files-api-2025-04-14", "supportbot/config.py", 9] is None


def test_text_files_are_on_by_default_and_can_be_turned_off(tree: Path) -> None:
    names = {b["name"] for b in audit_json("--no-include-text", ".", cwd=tree)["betas"]}
    assert "search-results-2025-06-09" not in names  # web/chat.ts
    assert "web-search-2025-03-05" not in names  # the Python block of docs/usage.md
    assert "prompt-caching-2024-07-31" in names  # notebooks are Python files


# ---------------------------------------------------------------- golden outputs


GOLDEN_FILES = {"table": "table.txt", "markdown": "markdown.md", "json": "json.json", "csv": "csv.csv"}


@pytest.mark.parametrize("fmt", sorted(GOLDEN_FILES))
def test_golden(tree: Path, fmt: str) -> None:
    result = audit("--format", fmt, ".", cwd=tree)
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout  # not a terminal: no colour
    path = GOLDEN / GOLDEN_FILES[fmt]
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == path.read_text(encoding="utf-8")


def test_table_is_the_default_format(tree: Path) -> None:
    assert audit(".", cwd=tree).stdout == audit("--format", "table", ".", cwd=tree).stdout


def test_json_keys_are_the_documented_ones(tree_json: dict[str, Any]) -> None:
    assert list(tree_json) == [
        "version",
        "today",
        "repositories",
        "codeowners",
        "blame",
        "files_scanned",
        "betas",
        "totals",
    ]
    assert tree_json["version"] == 1 and tree_json["today"] == TODAY
    for beta in tree_json["betas"]:
        assert list(beta) == [
            *("name", "status", "confidence", "successor", "successors", "final_successor", "successor_cycle"),
            *("ga_date", "retires", "days_left", "note", "sources", "send_sites", "definitions", "uses"),
        ]
        for use in beta["uses"]:
            assert list(use) == [
                *("repository", "path", "cell", "line", "column", "kind", "endpoint", "role", "test"),
                *("function", "code", "owners", "author", "changed"),
            ]
            assert use["kind"] in ("betas-argument", "header", "header-string", "constant", "added", "text")
            assert use["role"] in ("sent", "bound")  # mentions only with --include-mentions
            assert use["test"] is (use["path"].startswith("tests/") or use["path"].endswith("conftest.py"))


def test_sorted_by_urgency_with_dynamic_last(tree_json: dict[str, Any]) -> None:
    names = [beta["name"] for beta in tree_json["betas"]]
    assert names[-1] == "<dynamic>"
    # Retired first (longest gone first), then by days left; undated ones by status, then name.
    assert names[:3] == ["computer-use-2024-10-22", "output-128k-2025-02-19", "token-efficient-tools-2025-02-19"]
    for beta in tree_json["betas"]:
        keys = [(u["path"], u["cell"] or 0, u["line"], u["column"], u["kind"]) for u in beta["uses"]]
        assert keys == sorted(keys)


def test_csv_has_one_row_per_use(tree: Path, tree_json: dict[str, Any]) -> None:
    rows = list(csv.reader(io.StringIO(audit("--format", "csv", ".", cwd=tree).stdout)))
    header = ["repository", "name", "status", "confidence", "successor", "final_successor", "ga_date", "retires"]
    where = ["days_left", "path", "cell", "line", "column", "kind", "endpoint", "role", "test"]
    assert rows[0] == [*header, *where, "function", "owners", "author", "changed", "code"]
    assert len(rows) - 1 == sum(len(beta["uses"]) for beta in tree_json["betas"])


# ---------------------------------------------------------------- what counts as a use


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_constant_is_listed_once_and_at_every_send_site(tmp_path: Path) -> None:
    write(tmp_path, "beta-lint.toml", "")
    write(
        tmp_path,
        "app.py",
        """\
        import anthropic

        FILES_BETA = "files-api-2025-04-14"
        client = anthropic.Anthropic()


        def listing() -> None:
            client.beta.files.list(betas=[FILES_BETA])


        def again() -> None:
            client.beta.files.list(betas=[FILES_BETA, FILES_BETA])
        """,
    )
    (beta,) = audit_json(".", cwd=tmp_path)["betas"]
    assert [(u["line"], u["column"], u["kind"], u["endpoint"]) for u in beta["uses"]] == [
        (3, 15, "constant", None),
        (8, 35, "betas-argument", "/v1/files"),
        (12, 35, "betas-argument", "/v1/files"),
        (12, 47, "betas-argument", "/v1/files"),
    ]


def test_header_mapping_constant_is_listed_where_written_and_where_sent(tmp_path: Path) -> None:
    # The extractor sets no `via` for a mapping reached through a name; the send site differs.
    write(tmp_path, "beta-lint.toml", "")
    write(
        tmp_path,
        "app.py",
        """\
        import anthropic

        HEADERS = {"anthropic-beta": "files-api-2025-04-14"}
        client = anthropic.Anthropic()
        client.beta.files.list(extra_headers=HEADERS)
        client.beta.files.list(extra_headers={**HEADERS, "x-trace": "1"})
        """,
    )
    (beta,) = audit_json(".", cwd=tmp_path)["betas"]
    assert [(u["line"], u["column"], u["kind"], u["endpoint"]) for u in beta["uses"]] == [
        (3, 31, "constant", None),
        (5, 38, "header", "/v1/files"),
        (6, 41, "header", "/v1/files"),
    ]


def test_dynamic_values_are_never_dropped(tmp_path: Path) -> None:
    write(tmp_path, "beta-lint.toml", "")
    write(
        tmp_path,
        "app.py",
        """\
        import os

        import anthropic

        client = anthropic.Anthropic()
        client.beta.messages.create(model="claude-sonnet-4-5", max_tokens=8, messages=[],
                                    betas=os.environ["BETAS"].split(","))
        """,
    )
    result = audit("--format", "csv", ".", cwd=tmp_path)
    row = ",<dynamic>,dynamic,,,,,,,app.py,,7,35,betas-argument,/v1/messages,sent,no,,,,,"
    row += '"betas=os.environ[""BETAS""].split("",""))"'  # the code line, quoted as CSV does
    assert result.stdout.splitlines()[1] == row


def make(
    usage_kind: str,
    name: str | None,
    path: str,
    *,
    site_line: int | None = None,
    scope: str = "all",
    via: str | None = None,
    site: Location | None = None,
    known: bool = True,
) -> Usage:
    location = Location(path, 3, 5, 3, 25)
    if site is None:
        site = location if site_line is None else Location(path, site_line, 9, site_line, 20)
    request = Request(1, site, "betas", endpoint="/v1/messages", known=known)
    return Usage(usage_kind, name, name or "", location, site, request, scope, via)  # type: ignore[arg-type]


def test_uses_of_each_kind_of_usage() -> None:
    sent = make("betas-argument", "a-2025-01-01", "app.py")
    assert [(n, u.line, u.kind, u.endpoint) for n, u in uses_of(sent)] == [
        ("a-2025-01-01", 3, "betas-argument", "/v1/messages")
    ]
    # The site may be the whole literal, quotes included, or the list holding it: still one use.
    in_literal = make("betas-argument", "a-2025-01-01", "app.py", site=Location("app.py", 3, 4, 3, 26))
    assert [(n, u.line, u.column, u.kind) for n, u in uses_of(in_literal)] == [("a-2025-01-01", 3, 5, "betas-argument")]
    through_name = make("header", "a-2025-01-01", "app.py", site_line=9, via="A_BETA")
    assert [(n, u.line, u.kind, u.endpoint) for n, u in uses_of(through_name)] == [
        ("a-2025-01-01", 3, "constant", None),
        ("a-2025-01-01", 9, "header", "/v1/messages"),
    ]
    # betas= of the project's own function: the definition is a use, the call is not a send site.
    own_function = make("betas-argument", "a-2025-01-01", "app.py", site_line=9, via="A_BETA", known=False)
    assert [(n, u.line, u.kind, u.role) for n, u in uses_of(own_function)] == [("a-2025-01-01", 3, "constant", "bound")]
    assert list(uses_of(make("betas-argument", None, "app.py", site_line=9, known=False))) == []
    dynamic = make("betas-argument", None, "app.py", site_line=9)
    assert [(n, u.line, u.kind) for n, u in uses_of(dynamic)] == [("<dynamic>", 9, "betas-argument")]
    exported = make("literal", "a-2025-01-01", "app/config.py")
    assert [(n, u.line, u.kind, u.endpoint) for n, u in uses_of(exported)] == [("a-2025-01-01", 3, "constant", None)]
    # In test code a registry name is a use like anywhere else, marked as test code; what makes
    # an expectation (asserted, compared) a mention is the extractor's role, not the path.
    (in_test,) = [use for _, use in uses_of(make("literal", "a-2025-01-01", "tests/test_app.py", scope="lifecycle"))]
    assert (in_test.role, in_test.test) == ("bound", True)
    assert len(list(uses_of(make("literal", "a-2025-01-01", "app/checks.py", scope="lifecycle")))) == 1
    mention = replace(make("literal", "a-2025-01-01", "tests/test_app.py"), role="mentioned")
    assert list(uses_of(mention)) == []
    assert [(u.role, u.line) for _, u in uses_of(mention, mentions=True)] == [("mentioned", 3)]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("tests/test_app.py", True),
        ("pkg/tests/helpers.py", True),
        ("test/data.py", True),
        ("app_test.py", True),
        ("conftest.py", True),
        ("testing_tools.py", False),
        ("app/contest.py", False),
        ("latest/app.py", False),
        ("tests.py", False),
    ],
)
def test_is_test_path(path: str, expected: bool) -> None:
    assert is_test_path(path) is expected


# ---------------------------------------------------------------- filters, dates and --fail-on

REGISTRY = """\
version = 1
updated = "2026-11-01"

[[beta]]
name = "acme-doodads-2026-02-01"
status = "active"
retires = "2027-05-01"
in-sdk-literal = false
confidence = "high"
source = "test fixture"

[[beta]]
name = "acme-gizmos-2025-09-01"
status = "retired"
retired-date = "2026-03-01"
in-sdk-literal = false
confidence = "high"
source = "test fixture"

[[beta]]
name = "acme-widgets-2026-01-15"
status = "superseded"
successor = "acme-widgets-2026-06-01"
retires = "2026-12-01"
in-sdk-literal = false
confidence = "high"
source = "test fixture"

[[beta]]
name = "acme-widgets-2026-06-01"
status = "active"
in-sdk-literal = false
confidence = "high"
source = "test fixture"
"""

APP = """\
import os

import anthropic

client = anthropic.Anthropic()


def widgets() -> None:
    client.beta.messages.create(model="claude-sonnet-4-5", max_tokens=8, messages=[],
                                betas=["acme-widgets-2026-01-15", "acme-doodads-2026-02-01"])


def gizmos() -> None:
    client.beta.messages.create(model="claude-sonnet-4-5", max_tokens=8, messages=[],
                                betas=["acme-gizmos-2025-09-01", "acme-widgets-2026-06-01"])


def sprockets() -> None:
    client.beta.messages.create(model="claude-sonnet-4-5", max_tokens=8, messages=[],
                                betas=["acme-sprockets-2026-04-01", os.environ["MORE_BETAS"]])
"""


@pytest.fixture
def dated(tmp_path: Path) -> Path:
    """A project whose betas have known dates, judged on 2026-11-24."""
    write(tmp_path, "beta-lint.toml", "")
    write(tmp_path, "registry.toml", REGISTRY)
    write(tmp_path, "app.py", APP)
    return tmp_path


def summary(data: dict[str, Any]) -> list[tuple[str, str, str | None, str | None, int | None, int]]:
    return [
        (b["name"], b["status"], b["successor"], b["retires"], b["days_left"], len(b["uses"])) for b in data["betas"]
    ]


def test_registry_dates_give_days_left(dated: Path) -> None:
    assert summary(audit_json("--registry", "registry.toml", ".", cwd=dated)) == [
        # Most urgent first: retired, then fewest days left, then undated (unknown before active).
        ("acme-gizmos-2025-09-01", "retired", None, "2026-03-01", -268, 1),
        ("acme-widgets-2026-01-15", "superseded", "acme-widgets-2026-06-01", "2026-12-01", 7, 1),
        ("acme-doodads-2026-02-01", "active", None, "2027-05-01", 158, 1),
        ("acme-sprockets-2026-04-01", "unknown", None, None, None, 1),  # not in any registry
        ("acme-widgets-2026-06-01", "active", None, None, None, 1),
        ("<dynamic>", "dynamic", None, None, None, 1),
    ]


def test_today_moves_days_left(dated: Path) -> None:
    result = run_cli(
        "audit",
        "--today",
        "2026-12-11",
        "--registry",
        "registry.toml",
        "--format",
        "json",
        "--beta",
        "acme-widgets-2026-01-15",
        ".",
        cwd=dated,
    )
    assert json.loads(result.stdout)["betas"][0]["days_left"] == -10


@pytest.mark.parametrize(
    ("before", "names"),
    [
        ("2026-12-31", ["acme-gizmos-2025-09-01", "acme-widgets-2026-01-15"]),
        ("2026-12-01", ["acme-gizmos-2025-09-01"]),  # strictly before: widgets go on the 1st
        ("2027-06-01", ["acme-gizmos-2025-09-01", "acme-widgets-2026-01-15", "acme-doodads-2026-02-01"]),
        ("2026-01-01", []),
    ],
)
def test_retiring_before(dated: Path, before: str, names: list[str]) -> None:
    data = audit_json("--registry", "registry.toml", "--retiring-before", before, ".", cwd=dated)
    assert [b["name"] for b in data["betas"]] == names


@pytest.mark.parametrize(
    ("betas", "names"),
    [
        (["acme-widgets"], ["acme-widgets-2026-01-15", "acme-widgets-2026-06-01"]),  # every version
        (["acme-widgets-2026-06-01"], ["acme-widgets-2026-06-01"]),
        (["acme-wid"], []),  # a prefix ends at a hyphen: not any string prefix
        (["acme-gizmos", "acme-doodads"], ["acme-gizmos-2025-09-01", "acme-doodads-2026-02-01"]),
        (["<dynamic>"], ["<dynamic>"]),
    ],
)
def test_beta_filter(dated: Path, betas: list[str], names: list[str]) -> None:
    args = [arg for beta in betas for arg in ("--beta", beta)]
    data = audit_json("--registry", "registry.toml", *args, ".", cwd=dated)
    assert [b["name"] for b in data["betas"]] == names


def test_filters_say_when_they_hide_dynamic_uses(dated: Path) -> None:
    result = audit("--registry", "registry.toml", "--beta", "acme-widgets", ".", cwd=dated)
    assert "1 dynamic use (values not known statically) not shown by the filters" in result.stderr
    assert audit("--registry", "registry.toml", ".", cwd=dated).stderr == ""


@pytest.mark.parametrize(
    ("status", "names"),
    [
        ("unknown", ["acme-sprockets-2026-04-01"]),
        ("active,superseded", ["acme-widgets-2026-01-15", "acme-doodads-2026-02-01", "acme-widgets-2026-06-01"]),
        (" Retired , ga ", ["acme-gizmos-2025-09-01"]),
        ("dynamic", ["<dynamic>"]),
    ],
)
def test_status_filter(dated: Path, status: str, names: list[str]) -> None:
    data = audit_json("--registry", "registry.toml", "--status", status, ".", cwd=dated)
    assert [b["name"] for b in data["betas"]] == names


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--fail-on", "retired"], 1),
        (["--fail-on", "retired,superseded", "--beta", "acme-widgets"], 1),
        (["--fail-on", "retired", "--beta", "acme-widgets"], 0),  # only the listed uses count
        (["--fail-on", "retired", "--retiring-before", "2026-12-01"], 1),
        (["--fail-on", "ga"], 0),
        (["--fail-on", "dynamic"], 1),
        ([], 0),
    ],
)
def test_fail_on(dated: Path, args: list[str], code: int) -> None:
    result = audit("--registry", "registry.toml", *args, ".", cwd=dated)
    assert result.returncode == code, result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "retired,bogus"], "--status 'bogus': expected a comma list of"),
        (["--status", ","], "--status ',': expected a comma list of"),
        (["--fail-on", "superceded"], "--fail-on 'superceded': expected a comma list of"),
        (["--retiring-before", "2026-13-01"], "--retiring-before '2026-13-01': expected a date YYYY-MM-DD"),
        (["--retiring-before", "soon"], "--retiring-before 'soon': expected a date YYYY-MM-DD"),
    ],
)
def test_usage_errors_exit_two_with_one_line(dated: Path, args: list[str], message: str) -> None:
    result = audit(*args, ".", cwd=dated)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr


def test_bad_today_exits_two(dated: Path) -> None:
    result = run_cli("audit", "--today", "24/11/2026", ".", cwd=dated)
    assert result.returncode == 2
    assert result.stderr.strip() == "beta-lint: error: --today '24/11/2026': expected a date YYYY-MM-DD"


def test_missing_path_is_an_error_but_the_rest_is_listed(dated: Path) -> None:
    result = audit("--registry", "registry.toml", "app.py", "nowhere.py", cwd=dated)
    assert result.returncode == 2
    assert "nowhere.py: no such file or directory" in result.stderr
    assert "acme-gizmos-2025-09-01" in result.stdout


def test_unparsable_file_is_a_warning(dated: Path) -> None:
    write(dated, "broken.py", 'client.beta.messages.create(betas=["acme-gizmos-2025-09-01"]\n')
    result = audit("--registry", "registry.toml", ".", cwd=dated)
    assert result.returncode == 0
    # CPython places it at the bracket that was never closed.
    assert "beta-lint: warning: broken.py:1:28: cannot parse" in result.stderr


# ---------------------------------------------------------------- output file, stdin, terminal


def test_output_file(dated: Path) -> None:
    result = audit("--registry", "registry.toml", "--format", "markdown", "-o", "out/audit.md", ".", cwd=dated)
    assert result.returncode == 0 and result.stdout == ""
    text = (dated / "out" / "audit.md").read_text(encoding="utf-8")
    assert text.startswith("## Beta audit\n")
    assert "| `acme-gizmos-2025-09-01` | retired | high |  |  | 2026-03-01 | -268 | 1 | 0 |" in text


def test_standard_input(dated: Path) -> None:
    result = audit(
        "--format",
        "csv",
        "--stdin-filename",
        "svc/app.py",
        "-",
        cwd=dated,
        stdin="import anthropic\nclient = anthropic.Anthropic()\n"
        'client.beta.models.list(betas=["files-api-2025-04-14"])\n',
    )
    assert result.stdout.splitlines()[1:] == [
        ",files-api-2025-04-14,ga,high,,,2026-08-19,,,svc/app.py,,3,33,betas-argument,/v1/models,sent,no,,,,,"
    ]


def test_empty_tree(tmp_path: Path) -> None:
    write(tmp_path, "beta-lint.toml", "")
    write(tmp_path, "app.py", "print('hello')\n")
    assert audit(".", cwd=tmp_path).stdout == "No beta uses found (2 files scanned).\n"  # app.py, beta-lint.toml
    assert json.loads(audit("--format", "json", ".", cwd=tmp_path).stdout)["betas"] == []


def run_on_terminal(args: list[str], cwd: Path, stream: str, env: dict[str, str] | None = None) -> str:
    """Run the command with `stream` (stdout or stderr) on a pseudo-terminal; return what it wrote there."""
    master, slave = pty.openpty()
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "GITHUB_ACTIONS")}
    full_env.update(env or {})
    targets: dict[str, Any] = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, stream: slave}
    process = subprocess.Popen(
        [sys.executable, "-m", "beta_lint", *args], cwd=cwd, env=full_env, stdin=subprocess.DEVNULL, **targets
    )
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.wait(timeout=120) in (0, 1)
    return b"".join(chunks).decode("utf-8", "replace")


def test_table_is_coloured_by_status_on_a_terminal(dated: Path) -> None:
    args = ["audit", "--today", TODAY, "--registry", "registry.toml", "."]
    coloured = run_on_terminal(args, dated, "stdout")
    assert "\x1b[31m\x1b[1macme-gizmos-2025-09-01" in coloured  # retired: red
    assert "\x1b[33msuperseded" in coloured
    assert "\x1b[32mactive" in coloured
    assert "\x1b[2munknown" in coloured
    assert "\x1b[" not in run_on_terminal(args, dated, "stdout", env={"NO_COLOR": "1"})
    assert "\x1b[" not in run_on_terminal([*args, "-o", "audit.txt"], dated, "stdout")
    assert "\x1b[" not in (dated / "audit.txt").read_text(encoding="utf-8")


def test_colour_keeps_the_columns_aligned() -> None:
    beta = BetaUses("x-2025-01-01", "retired", None, "2025-02-01", -10, ())
    plain = render_table(Report([beta], dt.date(2025, 2, 11), 1))
    coloured = render_table(Report([beta], dt.date(2025, 2, 11), 1), color=True)
    assert click.unstyle(coloured) == plain


def test_progress_bar_only_on_a_terminal_for_big_runs(tmp_path: Path) -> None:
    write(tmp_path, "beta-lint.toml", "")
    for index in range(205):
        write(tmp_path, f"pkg/module_{index:03}.py", f"VALUE = {index}\n")
    write(tmp_path, "pkg/app.py", 'client.beta.models.list(betas=["files-api-2025-04-14"])\n')
    args = ["audit", "--today", TODAY, "."]
    assert "Auditing" in run_on_terminal(args, tmp_path, "stderr")
    assert audit(".", cwd=tmp_path).stderr == ""  # stderr not a terminal: silent
    small = tmp_path / "pkg"
    for path in list(small.glob("module_*.py"))[:150]:
        path.unlink()
    assert run_on_terminal(args, tmp_path, "stderr") == ""  # small and fast: silent
