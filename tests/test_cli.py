"""The installed `beta-lint` command, run as a subprocess the way a user or CI runs it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import run_cli, run_json

BAD = (
    "import anthropic\n"
    "client = anthropic.Anthropic()\n"
    'client.beta.messages.create(model="claude-opus-4-6", max_tokens=5, messages=[],\n'
    '                            betas=["computer-use-2025-04-29"])\n'
)
CLEAN = (
    "import anthropic\n"
    "client = anthropic.Anthropic()\n"
    'client.beta.messages.create(betas=["context-management-2025-06-27"])\n'
)


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- exit codes and text output


def test_clean_exit_zero_and_findings_exit_one(project: Path) -> None:
    write(project, "clean.py", CLEAN)
    ok = run_cli("check", "clean.py", cwd=project)
    assert ok.returncode == 0, ok.stderr
    assert "All checks passed" in ok.stdout
    write(project, "bad.py", BAD)
    bad = run_cli("check", cwd=project)
    assert bad.returncode == 1
    assert bad.stderr == ""


def test_text_output_has_location_code_source_and_caret(project: Path) -> None:
    write(project, "bad.py", BAD)
    out = run_cli("check", "bad.py", cwd=project).stdout.splitlines()
    assert out[0].startswith("bad.py:4:37: BL002 ")
    assert out[1] == '4 |                             betas=["computer-use-2025-04-29"])'
    caret_line = out[2]
    assert caret_line.index("^") == out[1].index("computer-use")
    assert caret_line.count("^") == len("computer-use-2025-04-29")
    assert out[-1].startswith("Found 1 problem in 1 file")
    assert "\x1b[" not in "\n".join(out)  # no colour when not on a terminal


def test_exit_zero_and_quiet(project: Path) -> None:
    write(project, "bad.py", BAD)
    result = run_cli("check", "--exit-zero", "-q", "bad.py", cwd=project)
    assert result.returncode == 0
    assert "Found" not in result.stdout and "BL002" in result.stdout


def test_concise_output_is_one_line_per_problem(project: Path) -> None:
    write(project, "bad.py", BAD)
    lines = run_cli("check", "--output-format", "concise", "bad.py", cwd=project).stdout.splitlines()
    assert lines[0].startswith("bad.py:4:37: BL002")
    assert len(lines) == 2


# ---------------------------------------------------------------- JSON


def test_json_schema_fields(project: Path) -> None:
    write(project, "pkg/bad.py", BAD)
    data = run_json("pkg", cwd=project)
    assert data["version"] == 1
    assert data["tool"]["name"] == "beta-lint"
    assert data["registry"]["updated"] == "2026-12-01"  # rules/registry.toml `updated`
    (diagnostic,) = data["diagnostics"]
    assert set(diagnostic) == {
        "code",
        "name",
        "severity",
        "message",
        "path",
        "cell",
        "line",
        "column",
        "end_line",
        "end_column",
        "beta",
        "endpoint",
        "related",
        "fix",
    }
    assert diagnostic["path"] == "pkg/bad.py"
    assert (diagnostic["line"], diagnostic["column"], diagnostic["end_column"]) == (4, 37, 60)
    assert diagnostic["beta"] == "computer-use-2025-04-29"
    assert diagnostic["endpoint"] == "/v1/messages"
    assert data["summary"] == {"files": 1, "diagnostics": 1, "suppressed": 0}


def test_json_is_deterministic(project: Path) -> None:
    for index in range(5):
        write(project, f"m{index}.py", BAD)
    first = run_cli("check", "--output-format", "json", "--today", "2026-11-24", cwd=project).stdout
    second = run_cli("check", "--output-format", "json", "--today", "2026-11-24", "-j", "1", cwd=project).stdout
    assert first == second
    paths = [d["path"] for d in json.loads(first)["diagnostics"]]
    assert paths == sorted(paths)


# ---------------------------------------------------------------- selection and configuration


def test_select_ignore_prefixes(project: Path) -> None:
    write(project, "bad.py", BAD + 'client.beta.messages.create(betas=["pdfs-2024-09-25"])\n')
    everything = {d["code"] for d in run_json("bad.py", cwd=project)["diagnostics"]}
    assert everything == {"BL002", "BL101"}
    only_lifecycle = {d["code"] for d in run_json("--select", "BL1", "bad.py", cwd=project)["diagnostics"]}
    assert only_lifecycle == {"BL101"}
    ignored = {d["code"] for d in run_json("--ignore", "BL0", "bad.py", cwd=project)["diagnostics"]}
    assert ignored == {"BL101"}


def test_unknown_selector_is_exit_two_with_one_line(project: Path) -> None:
    result = run_cli("check", "--select", "BL777", cwd=project)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "BL777" in result.stderr and "--select" in result.stderr


def test_pyproject_configuration(tmp_path: Path) -> None:
    write(
        tmp_path,
        "pyproject.toml",
        (
            "[tool.beta-lint]\n"
            'ignore = ["BL101"]\n'
            'extend-exclude = ["generated/"]\n'
            'per-file-ignores = {"tests/*" = ["BL002"]}\n'
            "[tool.beta-lint.registry]\n"
            'allow = ["my-private-beta-2026-01-01"]\n'
        ),
    )
    write(
        tmp_path,
        "app.py",
        CLEAN.replace("context-management-2025-06-27", "my-private-beta-2026-01-01")
        + 'client.beta.messages.create(betas=["pdfs-2024-09-25"])\n',
    )
    write(tmp_path, "generated/gen.py", BAD)
    write(tmp_path, "tests/test_x.py", BAD)
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    # A file named explicitly is linted even if excluded, unless --force-exclude.
    assert run_cli("check", "generated/gen.py", cwd=tmp_path).returncode == 1
    assert run_cli("check", "--force-exclude", "generated/gen.py", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("selec = []", "unknown key 'selec'"),
        ('select = "BL001"', "key 'select': expected a list"),
        ('select = ["XX1"]', "unknown rule selector 'XX1'"),
        ("respect-gitignore = 1", "key 'respect-gitignore': expected true or false"),
        ("[registry]\nallow = [1]", "registry.allow"),
        ("[[registry.beta]]\nstatus = 'active'", "missing key 'name'"),
        ("select = [", "invalid TOML"),
    ],
)
def test_bad_configuration_exit_two_naming_file_and_key(tmp_path: Path, table: str, expected: str) -> None:
    write(tmp_path, "beta-lint.toml", table + "\n")
    write(tmp_path, "a.py", CLEAN)
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "beta-lint.toml" in result.stderr
    assert "Traceback" not in result.stderr


def test_gitignore_is_respected(project: Path) -> None:
    write(project, ".gitignore", "ignored/\n")
    write(project, "ignored/bad.py", BAD)
    assert run_cli("check", cwd=project).returncode == 0
    assert run_cli("check", "--no-respect-gitignore", cwd=project).returncode == 1


# ---------------------------------------------------------------- suppression, stdin


def test_suppressed_count_in_summary(project: Path) -> None:
    write(project, "bad.py", BAD.replace('"])\n', '"])  # noqa: BL002\n'))
    data = run_json("bad.py", cwd=project)
    assert data["diagnostics"] == []
    assert data["summary"]["suppressed"] == 1


def test_stdin_with_filename(project: Path) -> None:
    result = run_cli("check", "--stdin-filename", "src/app.py", "-", cwd=project, stdin=BAD)
    assert result.returncode == 1
    assert result.stdout.startswith("src/app.py:4:37: BL002")


# ---------------------------------------------------------------- rule pages and registry commands


def test_rules_and_rule_commands() -> None:
    listing = run_cli("rules").stdout
    assert "BL002  unknown-beta" in listing
    assert "BL902  dynamic-beta" in listing and " off " in listing
    page = run_cli("rule", "bl002")
    assert page.returncode == 0
    assert page.stdout.startswith("# BL002 unknown-beta")
    missing = run_cli("rule", "BL777")
    assert missing.returncode == 2 and "unknown rule" in missing.stderr


def test_registry_list_and_show() -> None:
    data = json.loads(run_cli("registry", "list", "--format", "json").stdout)
    assert data["version"] == 1
    names = {b["name"]: b for b in data["betas"]}
    assert names["files-api-2025-04-14"]["status"] == "ga"
    assert names["claude-code-20250219"]["status"] == "unknown"
    assert all(b["source"] for b in data["betas"])
    shown = run_cli("registry", "show", "managed-agents-2026-04-01")
    assert "status:" in shown.stdout and "/v1/agents" in shown.stdout
    unknown = run_cli("registry", "show", "computer-use-2025-04-29")
    assert unknown.returncode == 2 and "computer-use-2025-01-24" in unknown.stderr


# ---------------------------------------------------------------- hostile input: the run goes on


def test_hostile_files_each_get_a_bl999_and_the_run_goes_on(project: Path) -> None:
    write(project, "syntax.py", "betas = ['files-api-2025-04-14'\n")
    write(project, "nul.py", b"betas = 1\x00\n")
    write(project, "undecodable.py", b"betas = '\xff\xfe'\n")
    write(project, "utf16.py", "betas = 1\n".encode("utf-16"))
    write(project, "good.py", BAD)
    data = run_json(".", cwd=project)
    by_path = {d["path"]: d for d in data["diagnostics"]}
    for name in ("syntax.py", "nul.py", "undecodable.py", "utf16.py"):
        assert by_path[name]["code"] == "BL999", name
    assert "NUL" in by_path["nul.py"]["message"]
    assert "decode" in by_path["undecodable.py"]["message"]
    assert by_path["good.py"]["code"] == "BL002"


def test_latin1_cookie_crlf_empty_and_large_files(project: Path) -> None:
    latin = "# -*- coding: latin-1 -*-\nNAME = 'café'\nMY_BETA = 'computer-use-2025-04-29'\n"
    write(project, "latin.py", latin.encode("latin-1"))
    write(project, "crlf.py", BAD.replace("\n", "\r\n").encode())
    write(project, "empty.py", "")
    # 5 MB of generated data (a vendored table), then a real finding at its end.
    write(project, "big.py", "TABLE = [\n" + '    "0123456789abcdef0123456789abcdef",\n' * 130_000 + "]\n" + BAD)
    data = run_json(".", cwd=project)
    found = {(d["path"], d["line"], d["column"]) for d in data["diagnostics"]}
    assert ("latin.py", 3, 12) in found
    assert ("crlf.py", 4, 37) in found
    assert ("big.py", 130_006, 37) in found
    assert not any(d["path"] == "empty.py" for d in data["diagnostics"])


def test_missing_path_is_exit_two_but_others_are_linted(project: Path) -> None:
    write(project, "bad.py", BAD)
    result = run_cli("check", "bad.py", "nope.py", cwd=project)
    assert result.returncode == 2
    assert "nope.py: no such file or directory" in result.stderr
    assert "BL002" in result.stdout


def test_symlink_loop_and_fifo(project: Path) -> None:
    os.symlink("loop", project / "loop")
    os.mkfifo(project / "pipe.py")
    write(project, "bad.py", BAD)
    result = run_cli("check", ".", cwd=project)
    assert result.returncode == 1, result.stderr
    assert "pipe.py:1:1: BL999" in result.stdout
    assert "not a regular file" in result.stdout
    # Named explicitly, the loop is a file that cannot be read: a BL999, the run goes on.
    named = run_cli("check", "loop", "bad.py", cwd=project)
    assert named.returncode == 1
    assert "loop:1:1: BL999 cannot read: Too many levels of symbolic links" in named.stdout
    assert "bad.py:4:37: BL002" in named.stdout
    assert "Traceback" not in named.stderr


def test_unlistable_folder_is_reported_and_run_goes_on(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Root ignores permissions, so deny listing the way the OS would: through os.walk's onerror.
    from click.testing import CliRunner

    import beta_lint.files.discover as discover
    from beta_lint.cli import main

    write(project, "secret/inner.py", BAD)
    write(project, "bad.py", BAD)
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if str(path).rstrip("/").endswith("secret"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(discover.os, "scandir", scandir, raising=False)
    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["check", "--today", "2026-11-24", "."])
    assert result.exit_code == 2
    assert "secret: cannot list folder: Permission denied" in result.stderr
    assert "bad.py:4:37: BL002" in result.stdout


def test_slow_file_is_skipped_after_the_time_limit(project: Path) -> None:
    # 250,000 list elements holding betas take libcst many seconds; a small file takes
    # milliseconds. A 1 s limit skips the first, even on a loaded machine, and not the second.
    big = "BETAS = [\n" + '    "compact-2026-01-12",\n' * 250_000 + "]\nclient.beta.messages.create(betas=BETAS)\n"
    write(project, "slow.py", big)
    write(project, "bad.py", BAD)
    write(project, "beta-lint.toml", "file-timeout = 1\n")
    result = run_cli("check", "--output-format", "concise", ".", cwd=project)
    assert "slow.py:1:1: BL999 skipped: took longer than 1 s to check (file-timeout)" in result.stdout
    assert "bad.py:4:37: BL002" in result.stdout
    assert result.returncode == 1


def test_constants_imported_from_another_scanned_module(project: Path) -> None:
    write(project, "acme/__init__.py", "")
    write(project, "acme/config.py", 'AGENTS = "managed-agents-2026-04-01"\nTYPO = "context-managment-2025-06-27"\n')
    write(project, "acme/settings/__init__.py", 'EXTRA = ["computer-use-2025-04-29"]\n')
    write(
        project,
        "acme/client.py",
        (
            "import anthropic\n"
            "from .config import AGENTS, TYPO\n"
            "from acme.settings import EXTRA\n"
            "client = anthropic.Anthropic()\n"
            "client.beta.messages.create(betas=[AGENTS, TYPO, *EXTRA])\n"
        ),
    )
    data = run_json("acme", cwd=project)
    found = {(d["code"], d["path"], d["line"], d["beta"]) for d in data["diagnostics"]}
    # Name problems point at the definition in the other module, once.
    assert ("BL002", "acme/config.py", 2, "context-managment-2025-06-27") in found
    assert ("BL002", "acme/settings/__init__.py", 1, "computer-use-2025-04-29") in found
    # Request problems point at the send site, with the definition related.
    (wrong,) = [d for d in data["diagnostics"] if d["code"] == "BL201"]
    assert (wrong["path"], wrong["line"], wrong["column"]) == ("acme/client.py", 5, 36)
    assert wrong["related"] == [{"path": "acme/config.py", "cell": None, "line": 1, "column": 11}]


def test_statistics_counts_per_rule(project: Path) -> None:
    write(project, "a.py", BAD + 'client.beta.messages.create(betas=["pdfs-2024-09-25", "pdfs-2024-09-26"])\n')
    lines = run_cli("check", "--statistics", "-q", "--output-format", "concise", "a.py", cwd=project).stdout
    stats = [line.split() for line in lines.splitlines() if line.strip() and line.split()[0].isdigit()]
    assert stats == [["2", "BL002", "unknown-beta"], ["1", "BL101", "[*]", "ga-beta"]]


def test_prefilter_never_loses_a_usage() -> None:
    # The whole corpus and audit tree, linted with and without the byte prefilter.
    from dataclasses import replace

    from conftest import make_linter

    here = Path(__file__).parent
    linter = make_linter()
    unfiltered = replace(linter, prefilter=False)
    files = [
        p for folder in ("corpus", "audit_tree") for p in (here / folder).rglob("*") if p.suffix in (".py", ".ipynb")
    ]
    assert len(files) > 30
    for path in files:
        with_filter = linter.lint(str(path))
        without = unfiltered.lint(str(path))
        assert (with_filter.diagnostics, with_filter.usages) == (without.diagnostics, without.usages), path
