"""`beta-lint audit` as a work plan: owners, last changes, successor chains, totals, merging.

The tree is written here: a CODEOWNERS in `.github/`, production code and tests, and a git
history made in the test with fixed names and dates (GIT_AUTHOR_DATE/GIT_COMMITTER_DATE), so
`git blame` gives the same answer on every machine. The registry is the test's own, with a
successor chain of three betas and a pair of betas that name each other (a cycle).

Every expectation below was written by reading the tree, the history and the registry: which
CODEOWNERS rule matches last, which commit last touched each line, which function holds it.
The golden files (tests/golden/audit_plan/) were produced once by the command and read line by
line against those expectations; regenerate with BETA_LINT_UPDATE_GOLDEN=1 after a deliberate
change and review the diff the same way.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from beta_lint.audit.blame import parse_porcelain
from beta_lint.audit.owners import parse_codeowners, pattern_regex

GOLDEN = Path(__file__).resolve().parent / "golden" / "audit_plan"
UPDATE = os.environ.get("BETA_LINT_UPDATE_GOLDEN") == "1"
TODAY = "2026-11-24"

REGISTRY = """\
version = 1
updated = "2026-11-01"

[[beta]]
name = "acme-chain-2025-01-01"
status = "superseded"
successor = "acme-chain-2025-06-01"
retires = "2026-12-04"
confidence = "high"
source = "[RN] 2025-06-01; [3P] a blog post"
note = "Move to the newest acme-chain; the old tool version is refused after the retirement date."

[[beta]]
name = "acme-chain-2025-06-01"
status = "superseded"
successor = "acme-chain-2026-01-01"
confidence = "medium"
source = "[BH]"

[[beta]]
name = "acme-chain-2026-01-01"
status = "active"
confidence = "high"
source = "[SDK] resources/beta/messages"

[[beta]]
name = "acme-gone-2025-02-01"
status = "retired"
retired-date = "2026-02-19"
confidence = "medium"
source = "[RN] 2026-02-19"
note = "Only worked on a retired model: remove it."

[[beta]]
name = "acme-loop-2025-03-01"
status = "superseded"
successor = "acme-loop-2025-04-01"
ga-date = "2025-09-01"
confidence = "low"
source = "[3P]"

[[beta]]
name = "acme-loop-2025-04-01"
status = "superseded"
successor = "acme-loop-2025-03-01"
confidence = "low"
source = "[3P]"
"""

CODEOWNERS = """\
# Everything else: the platform team.
*                   @acme/platform
/app/               @acme/agents
/app/billing/       @acme/billing @carol
tests/              @acme/qa
"""

AGENT = """\
import anthropic

CHAIN_BETA = "acme-chain-2025-01-01"


class Agent:
    def __init__(self) -> None:
        self.client = anthropic.Anthropic()

    def run(self, prompt: str) -> object:
        betas = [CHAIN_BETA]
        betas.append("acme-loop-2025-03-01")
        return self.client.beta.messages.create(model="m", max_tokens=8, messages=[], betas=betas)
"""

PAY_V1 = """\
import anthropic

client = anthropic.Anthropic()


def charge(amount: int) -> object:
    return client.beta.messages.create(model="m", max_tokens=8, messages=[], betas=["acme-chain-2025-06-01"])
"""

# Bob's change: the send line of charge() now carries a retired beta as well.
PAY_V2 = PAY_V1.replace('betas=["acme-chain-2025-06-01"]', 'betas=["acme-chain-2025-06-01", "acme-gone-2025-02-01"]')

TEST = """\
import anthropic


def test_agent() -> None:
    client = anthropic.Anthropic()
    client.beta.messages.create(model="m", max_tokens=8, messages=[], betas=["acme-chain-2025-01-01"])
"""


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def git(root: Path, *args: str, who: str, when: str) -> None:
    name, email = who.split(" <")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email.rstrip(">"),
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email.rstrip(">"),
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


ALICE = "Alice Able <alice@example.com>"
BOB = "Bob Baker <bob@example.com>"


def make_repo(root: Path) -> Path:
    write(root, "beta-lint.toml", "")
    write(root, "registry.toml", REGISTRY)
    write(root, ".github/CODEOWNERS", CODEOWNERS)
    write(root, "app/agent.py", AGENT)
    write(root, "app/billing/pay.py", PAY_V1)
    write(root, "tests/test_agent.py", TEST)
    git(root, "init", "-q", "-b", "main", who=ALICE, when="2026-01-10T09:00:00+00:00")
    git(root, "add", "-A", who=ALICE, when="2026-01-10T09:00:00+00:00")
    git(root, "commit", "-q", "-m", "first", who=ALICE, when="2026-01-10T09:00:00+00:00")
    write(root, "app/billing/pay.py", PAY_V2)
    git(root, "commit", "-q", "-am", "charge with the gone beta", who=BOB, when="2026-03-05T17:30:00+00:00")
    return root


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    return make_repo(tmp_path_factory.mktemp("plan") / "shop")


def audit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_cli("audit", "--today", TODAY, "--registry", "registry.toml", *args, cwd=cwd)


def audit_json(*args: str, cwd: Path) -> dict[str, Any]:
    result = audit("--format", "json", *args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture(scope="module")
def plan(repo: Path) -> dict[str, Any]:
    return audit_json(".", cwd=repo)


# (beta, path, line, kind, role, test, function, owners, author, changed), read from the tree.
EXPECTED = [
    # Retired, 278 days ago: Bob added it to charge() on 2026-03-05; /app/billing/ owns pay.py.
    ("acme-gone-2025-02-01", "app/billing/pay.py", 7, "betas-argument", "sent", False, "charge",
     ["@acme/billing", "@carol"], "Bob Baker", "2026-03-05"),
    # 10 days left: the constant (module level), the list it starts, the test's own send.
    ("acme-chain-2025-01-01", "app/agent.py", 3, "constant", "bound", False, None,
     ["@acme/agents"], "Alice Able", "2026-01-10"),
    ("acme-chain-2025-01-01", "app/agent.py", 13, "betas-argument", "sent", False, "Agent.run",
     ["@acme/agents"], "Alice Able", "2026-01-10"),
    ("acme-chain-2025-01-01", "tests/test_agent.py", 6, "betas-argument", "sent", True, "test_agent",
     ["@acme/qa"], "Alice Able", "2026-01-10"),
    # Undated superseded betas, by name: Bob rewrote the line, so it is his change too.
    ("acme-chain-2025-06-01", "app/billing/pay.py", 7, "betas-argument", "sent", False, "charge",
     ["@acme/billing", "@carol"], "Bob Baker", "2026-03-05"),
    ("acme-loop-2025-03-01", "app/agent.py", 12, "added", "bound", False, "Agent.run",
     ["@acme/agents"], "Alice Able", "2026-01-10"),
    ("acme-loop-2025-03-01", "app/agent.py", 13, "betas-argument", "sent", False, "Agent.run",
     ["@acme/agents"], "Alice Able", "2026-01-10"),
]  # fmt: skip


def flatten(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (b["name"], u["path"], u["line"], u["kind"], u["role"], u["test"], u["function"], u["owners"], u["author"],
         u["changed"])
        for b in data["betas"]
        for u in b["uses"]
    ]  # fmt: skip


def test_every_use_has_its_owner_function_and_last_change(plan: dict[str, Any]) -> None:
    assert flatten(plan) == EXPECTED


def test_code_line_is_the_line_of_the_use(plan: dict[str, Any]) -> None:
    (gone,) = [b for b in plan["betas"] if b["name"] == "acme-gone-2025-02-01"]
    assert gone["uses"][0]["code"] == PAY_V2.splitlines()[6].strip()


def test_per_beta_plan(plan: dict[str, Any]) -> None:
    by_name = {b["name"]: b for b in plan["betas"]}
    chain = by_name["acme-chain-2025-01-01"]
    assert chain["days_left"] == 10  # 2026-12-04 - 2026-11-24
    assert chain["successors"] == ["acme-chain-2025-06-01", "acme-chain-2026-01-01"]
    assert chain["final_successor"] == "acme-chain-2026-01-01" and chain["successor_cycle"] is False
    assert chain["note"] == "Move to the newest acme-chain; the old tool version is refused after the retirement date."
    assert chain["sources"] == [
        {"text": "[RN] 2025-06-01", "url": "https://platform.claude.com/docs/en/release-notes/overview"},
        {"text": "[3P] a blog post", "url": None},
    ]
    assert (chain["send_sites"], chain["definitions"]) == (2, 1)
    loop = by_name["acme-loop-2025-03-01"]
    assert loop["successors"] == ["acme-loop-2025-04-01"] and loop["successor_cycle"] is True
    assert loop["ga_date"] == "2025-09-01" and loop["confidence"] == "low"
    assert by_name["acme-gone-2025-02-01"]["days_left"] == -278  # 2026-02-19 - 2026-11-24


def test_sorted_by_urgency(plan: dict[str, Any]) -> None:
    names = [b["name"] for b in plan["betas"]]
    assert names == ["acme-gone-2025-02-01", "acme-chain-2025-01-01", "acme-chain-2025-06-01", "acme-loop-2025-03-01"]


def test_totals(plan: dict[str, Any]) -> None:
    totals = plan["totals"]
    assert totals["all"] == {"betas": 4, "send_sites": 5, "definitions": 2, "production": 6, "tests": 1}
    assert list(totals["status"]) == ["retired", "superseded"]
    assert totals["status"]["retired"] == {"betas": 1, "send_sites": 1, "definitions": 0, "production": 1, "tests": 0}
    assert totals["owners"]["@acme/agents"] == {
        "betas": 2,
        "send_sites": 2,
        "definitions": 2,
        "production": 4,
        "tests": 0,
    }
    assert totals["owners"]["@carol"]["send_sites"] == 2  # both betas on pay.py line 7
    assert totals["owners"]["@acme/qa"] == {"betas": 1, "send_sites": 1, "definitions": 0, "production": 0, "tests": 1}
    assert plan["codeowners"] == ".github/CODEOWNERS" and plan["repositories"] == ["shop"] and plan["blame"] is True


def test_owner_filter_and_exclude_tests(repo: Path) -> None:
    only_qa = audit_json("--owner", "@acme/qa", ".", cwd=repo)
    assert [(b["name"], [u["path"] for u in b["uses"]]) for b in only_qa["betas"]] == [
        ("acme-chain-2025-01-01", ["tests/test_agent.py"])
    ]
    assert audit_json("--owner", "carol", ".", cwd=repo)["totals"]["all"]["send_sites"] == 2  # '@' optional
    production = audit_json("--exclude-tests", ".", cwd=repo)
    assert production["totals"]["all"]["tests"] == 0 and production["totals"]["all"]["production"] == 6


def test_no_blame_and_outside_git(repo: Path, tmp_path: Path) -> None:
    plain = audit_json("--no-blame", ".", cwd=repo)
    assert plain["blame"] is False
    assert {(u["author"], u["changed"]) for b in plain["betas"] for u in b["uses"]} == {(None, None)}
    copy = tmp_path / "copy"
    shutil.copytree(repo, copy, ignore=shutil.ignore_patterns(".git"))
    outside = audit_json(".", cwd=copy)  # not a git work tree: no blame, everything else as before
    assert {(u["author"], u["changed"]) for b in outside["betas"] for u in b["uses"]} == {(None, None)}
    assert [row[:8] for row in flatten(outside)] == [row[:8] for row in EXPECTED]


def test_merge_tags_each_use_with_its_repository(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "shop.json").write_text(audit("--format", "json", ".", cwd=repo).stdout, encoding="utf-8")
    other = tmp_path / "other"
    write(other, "beta-lint.toml", "")
    write(other, "registry.toml", REGISTRY)
    write(other, "main.py", PAY_V1)
    json_other = audit("--format", "json", "--repository", "billing-svc", ".", cwd=other).stdout
    (tmp_path / "other.json").write_text(json_other, encoding="utf-8")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    result = run_cli(
        "audit", "--merge", "--today", TODAY, "--format", "json", "shop.json", "other.json", "broken.json", cwd=tmp_path
    )
    assert result.returncode == 2  # the broken file is an error, on one line; the others are merged
    assert result.stderr.count("\n") == 1 and "broken.json: cannot be read as JSON" in result.stderr
    merged = json.loads(result.stdout)
    assert merged["repositories"] == ["shop", "billing-svc"]
    (chain,) = [b for b in merged["betas"] if b["name"] == "acme-chain-2025-06-01"]
    assert [(u["repository"], u["path"], u["line"]) for u in chain["uses"]] == [
        ("billing-svc", "main.py", 7),
        ("shop", "app/billing/pay.py", 7),
    ]
    assert merged["totals"]["repositories"]["billing-svc"]["send_sites"] == 1
    assert merged["totals"]["repositories"]["shop"]["send_sites"] == 5
    table = run_cli("audit", "--merge", "--today", TODAY, "shop.json", "other.json", cwd=tmp_path).stdout
    assert "billing-svc:main.py:7:" in table and "REPOSITORY" in table


@pytest.mark.parametrize("fmt", ["table", "markdown", "json", "csv", "html"])
def test_golden(repo: Path, fmt: str) -> None:
    result = audit("--format", fmt, ".", cwd=repo)
    assert result.returncode == 0, result.stderr
    path = GOLDEN / f"plan.{ {'table': 'txt', 'markdown': 'md'}.get(fmt, fmt) }"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == path.read_text(encoding="utf-8")


def test_table_headers_cover_every_column(repo: Path) -> None:
    lines = audit(".", cwd=repo).stdout.splitlines()
    assert lines[0].split() == [
        *("BETA", "STATUS", "CONFIDENCE", "MOVE", "TO", "GA", "RETIRES", "DAYS", "LEFT", "SEND"),
        *("SITES", "DEFINITIONS"),
    ]
    gone = lines[1].split()
    # name, status, confidence, (no successor, no GA date) retires, days left, send sites, definitions
    assert gone == ["acme-gone-2025-02-01", "retired", "medium", "2026-02-19", "-278", "1", "0"]


def test_csv_rows_carry_the_plan(repo: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(audit("--format", "csv", ".", cwd=repo).stdout)))
    assert len(rows) == len(EXPECTED)
    first = rows[0]
    assert (first["name"], first["owners"], first["author"], first["changed"], first["function"]) == (
        "acme-gone-2025-02-01",
        "@acme/billing @carol",
        "Bob Baker",
        "2026-03-05",
        "charge",
    )


# ---------------------------------------------------------------- CODEOWNERS and blame, as functions


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("*", "a/b/c.py", True),
        ("*.py", "deep/down/x.py", True),
        ("*.py", "x.pyc", False),
        ("/app/", "app/x.py", True),
        ("/app/", "lib/app/x.py", False),
        ("app/", "lib/app/x.py", True),  # no leading or inner slash: any depth
        ("docs/*", "docs/a.md", True),
        ("docs/*", "docs/deep/a.md", False),  # GitHub: one level only
        ("/build/logs", "build/logs/x.log", True),  # a folder owns what is under it
        ("apps/**/setup.py", "apps/a/b/setup.py", True),
        ("apps/**/setup.py", "apps/setup.py", True),
        ("README.md", "sub/README.md", True),
        ("/README.md", "sub/README.md", False),
    ],
)
def test_codeowners_patterns(pattern: str, path: str, matches: bool) -> None:
    assert bool(pattern_regex(pattern).fullmatch(path)) is matches


def test_codeowners_last_rule_wins_and_ownerless_rule_unsets() -> None:
    owners = parse_codeowners("* @all\n/app/ @app # the app\n/app/vendor/\n\\#odd.py @hash\n")
    assert owners.owners_of("lib/x.py") == ("@all",)
    assert owners.owners_of("app/x.py") == ("@app",)
    assert owners.owners_of("app/vendor/x.py") == ()
    assert owners.owners_of("#odd.py") == ("@hash",)


def test_gitlab_sections_combine_and_default_owners() -> None:
    text = "[Docs] @docs-team\n*.md\n/api/*.md @api-writers\n^[Backend][2] @backend\n/api/\n"
    owners = parse_codeowners(text)
    assert owners.owners_of("api/guide.md") == ("@api-writers", "@backend")  # one owner per section
    assert owners.owners_of("readme.md") == ("@docs-team",)
    assert owners.owners_of("api/x.py") == ("@backend",)
    # A bracket that does not stand alone is a pattern (GitHub has no character ranges).
    assert parse_codeowners("[abc].py @x\n").owners_of("[abc].py") == ("@x",)


@needs_git
def test_codeowners_in_docs_is_found(tmp_path: Path) -> None:
    write(tmp_path, "beta-lint.toml", "")
    write(tmp_path, "registry.toml", REGISTRY)
    write(tmp_path, "docs/CODEOWNERS", "*.py @docs-owned\n")
    write(tmp_path, "svc.py", PAY_V1)
    data = audit_json(".", cwd=tmp_path)
    assert data["codeowners"] == "docs/CODEOWNERS"
    assert data["betas"][0]["uses"][0]["owners"] == ["@docs-owned"]


def test_porcelain_repeats_commit_details_once() -> None:
    sha, other = "a" * 40, "0" * 40
    text = textwrap.dedent(
        f"""\
        {sha} 1 3 1
        author Ann
        author-time 1767949200
        filename x.py
        \tline three
        {sha} 2 5 1
        \tline five
        {other} 6 6 1
        author Not Committed Yet
        author-time 1767949300
        \tline six
        """
    )
    changes = parse_porcelain(text)
    assert {line: (c.author, c.date) for line, c in changes.items()} == {
        3: ("Ann", "2026-01-09"),  # 1767949200 = 2026-01-09T09:00:00Z
        5: ("Ann", "2026-01-09"),
        6: ("(not committed)", None),
    }


def test_set_add_site_is_added_not_constant(tmp_path: Path) -> None:
    write(tmp_path, "beta-lint.toml", "")
    write(tmp_path, "registry.toml", REGISTRY)
    write(
        tmp_path,
        "svc.py",
        textwrap.dedent(
            """\
            import anthropic

            client = anthropic.Anthropic()


            def go() -> None:
                betas = {"acme-chain-2025-01-01"}
                betas.add("acme-gone-2025-02-01")
                client.beta.messages.create(model="m", max_tokens=8, messages=[], betas=list(betas))
            """
        ),
    )
    data = audit_json(".", cwd=tmp_path)
    kinds = {(b["name"], u["line"], u["kind"]) for b in data["betas"] for u in b["uses"]}
    assert ("acme-gone-2025-02-01", 8, "added") in kinds  # betas.add(...)
    assert ("acme-gone-2025-02-01", 8, "constant") not in kinds
