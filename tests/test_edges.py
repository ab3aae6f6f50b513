"""Issue 15: what a new user meets at the edges, through the installed command.

CI outputs for notebooks, reports with lone surrogates, and the command line and configuration
following ruff's conventions. Expected outputs are written out by hand from the inputs.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

UNKNOWN = 'client.beta.messages.create(betas=["pdfs-2099-01-01"])\n'
CLEAN = "x = 1\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- command line


def test_stdin_without_a_name_is_one_file() -> None:
    result = run_cli("check", "--no-cache", "-", stdin=CLEAN)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "All checks passed (1 file).\n"
    assert result.stderr == ""


def test_stdin_without_a_name_reports_as_dash() -> None:
    result = run_cli("check", "--no-cache", "--output-format", "concise", "-", stdin=UNKNOWN)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith('-:1:37: BL002 unknown beta "pdfs-2099-01-01"')
    assert lines[1] == "Found 1 problem in 1 file."


def test_nonexistent_path_prints_only_the_error(project: Path) -> None:
    result = run_cli("check", "nope.py", cwd=project)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "beta-lint: error: nope.py: no such file or directory\n"


def test_summary_counts_files_with_problems_and_files_scanned(project: Path) -> None:
    write(project, "a.py", UNKNOWN + UNKNOWN.replace("foo", "bar"))
    write(project, "b.py", CLEAN)
    write(project, "c.py", CLEAN)
    result = run_cli("check", "--no-cache", "--output-format", "concise", cwd=project)
    assert result.stdout.splitlines()[-1] == "Found 2 problems in 1 of 3 files."
    write(project, "b.py", UNKNOWN)
    write(project, "c.py", UNKNOWN)
    result = run_cli("check", "--no-cache", "--output-format", "concise", cwd=project)
    assert result.stdout.splitlines()[-1] == "Found 4 problems in 3 files."


def test_statistics_prints_the_table_only(project: Path) -> None:
    write(project, "a.py", UNKNOWN + UNKNOWN.replace("foo", "bar"))
    result = run_cli("check", "--no-cache", "--statistics", "a.py", cwd=project)
    assert result.returncode == 1
    assert result.stdout == "    2  BL002      unknown-beta\n"


def test_rule_accepts_a_rule_name() -> None:
    by_name = run_cli("rule", "unknown-beta")
    by_code = run_cli("rule", "BL002")
    assert by_name.returncode == 0, by_name.stderr
    assert by_name.stdout == by_code.stdout
    assert "BL002" in by_name.stdout.splitlines()[0]


def test_select_accepts_a_rule_name(project: Path) -> None:
    # BL101 (ga-beta) is on by default; selecting only unknown-beta leaves it out.
    write(project, "a.py", UNKNOWN + 'client.beta.messages.create(betas=["files-api-2025-04-14"])\n')
    result = run_cli("check", "--no-cache", "--output-format", "concise", "--select", "unknown-beta", cwd=project)
    assert result.returncode == 1, result.stderr
    assert [line.split()[1] for line in result.stdout.splitlines()[:-1]] == ["BL002"]
    write(project, "beta-lint.toml", 'select = ["unknown-beta"]\n')
    result = run_cli("check", "--no-cache", "--output-format", "concise", cwd=project)
    assert [line.split()[1] for line in result.stdout.splitlines()[:-1]] == ["BL002"]


def test_unknown_rule_name_is_an_error(project: Path) -> None:
    result = run_cli("check", "--select", "no-such-rule", cwd=project)
    assert result.returncode == 2
    expected = "beta-lint: error: unknown rule selector 'no-such-rule' in --select (see `beta-lint rules`)\n"
    assert result.stderr == expected


def test_syntax_error_says_what_cpython_says(project: Path) -> None:
    # A beta name, so the file is parsed; line 2 opens a bracket that is never closed.
    write(project, "a.py", 'b = ["files-api-2025-04-14"]\nx = (1,\ny = 2\n')
    result = run_cli("check", "--no-cache", "--output-format", "concise", "a.py", cwd=project)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "a.py:2:5: BL999 cannot parse: '(' was never closed"


# ---------------------------------------------------------------- configuration


def test_per_file_ignores_are_relative_to_the_config_file(project: Path) -> None:
    write(project, "beta-lint.toml", '[per-file-ignores]\n"tests/**" = ["BL002"]\n')
    write(project, "tests/t.py", UNKNOWN)
    from_root = run_cli("check", "--no-cache", cwd=project)
    from_tests = run_cli("check", "--no-cache", ".", cwd=project / "tests")
    assert from_root.returncode == 0, from_root.stdout
    assert from_tests.returncode == 0, from_tests.stdout
    assert from_tests.stdout == "All checks passed (1 file).\n"


def test_per_file_ignores_accepts_all(project: Path) -> None:
    write(project, "beta-lint.toml", '[per-file-ignores]\n"x.py" = ["ALL"]\n')
    write(project, "x.py", UNKNOWN)
    write(project, "y.py", UNKNOWN)
    result = run_cli("check", "--no-cache", "--output-format", "concise", cwd=project)
    assert result.returncode == 1
    assert [line.split(":")[0] for line in result.stdout.splitlines()[:-1]] == ["y.py"]


def test_per_file_ignores_unknown_code_names_the_key(project: Path) -> None:
    write(project, "beta-lint.toml", '[per-file-ignores]\n"x.py" = ["BL9999"]\n')
    write(project, "x.py", UNKNOWN)
    result = run_cli("check", cwd=project)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "key 'per-file-ignores.x.py': unknown rule selector 'BL9999'" in result.stderr


def test_allow_must_hold_beta_names(project: Path) -> None:
    write(project, "beta-lint.toml", '[registry]\nallow = ["not a name"]\n')
    write(project, "x.py", CLEAN)
    result = run_cli("check", cwd=project)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "key 'registry.allow': 'not a name' is not a beta name" in result.stderr
    write(project, "beta-lint.toml", '[registry]\nallow = ["my-private-beta-2026-01-01"]\n')
    assert run_cli("check", cwd=project).returncode == 0


# ---------------------------------------------------------------- notebooks in CI outputs


def notebook(folder: Path) -> Path:
    """Cells as Jupyter writes them (source as a list of lines), and one as a single string;
    escapes (\\u00e9, \\") before the names make file columns differ from cell columns."""
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n", "text"]},
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": ["import anthropic\n", "client = anthropic.Anthropic()\n"],
        },
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": [
                "%matplotlib inline\n",
                'x = "\u00e9"; client.beta.messages.create(betas=["pdfs-2099-01-01"])\n',
            ],
        },
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": 'y = 1\nclient.beta.messages.create(betas=["pdfs-2099-02-02"])\n',
        },
    ]
    document = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = folder / "n.ipynb"
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    return path


NOTEBOOK_NAMES = ["pdfs-2099-01-01", "pdfs-2099-02-02"]


def test_notebook_findings_point_at_the_ipynb_line_in_sarif(project: Path) -> None:
    raw = notebook(project).read_text(encoding="utf-8").splitlines()
    result = run_cli("check", "--no-cache", "--output-format", "sarif", "n.ipynb", cwd=project)
    assert result.returncode == 1, result.stderr
    found = []
    for item in json.loads(result.stdout)["runs"][0]["results"]:
        region = item["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] == region["endLine"]
        found.append(raw[region["startLine"] - 1][region["startColumn"] - 1 : region["endColumn"] - 1])
        assert item["properties"]["cell"] in (3, 4)
    assert found == NOTEBOOK_NAMES


def test_notebook_findings_point_at_the_ipynb_line_in_github_annotations(project: Path) -> None:
    raw = notebook(project).read_text(encoding="utf-8").splitlines()
    result = run_cli("check", "--no-cache", "--output-format", "github", "n.ipynb", cwd=project)
    found = []
    for line in result.stdout.splitlines():
        fields = dict(part.split("=", 1) for part in line.split("::")[1].split(" ", 1)[1].split(","))
        assert fields["line"] == fields["endLine"]
        found.append(raw[int(fields["line"]) - 1][int(fields["col"]) - 1 : int(fields["endColumn"]) - 1])
    assert found == NOTEBOOK_NAMES
    assert [line.split("::")[2][:7] for line in result.stdout.splitlines()] == ["cell 3:", "cell 4:"]


def test_notebook_findings_point_at_the_ipynb_line_in_gitlab_and_junit(project: Path) -> None:
    raw = notebook(project).read_text(encoding="utf-8").splitlines()
    gitlab = json.loads(run_cli("check", "--no-cache", "--output-format", "gitlab", "n.ipynb", cwd=project).stdout)
    assert [name in raw[issue["location"]["lines"]["begin"] - 1] for issue in gitlab for name in NOTEBOOK_NAMES] == [
        True,
        False,
        False,
        True,
    ]
    junit = run_cli("check", "--no-cache", "--output-format", "junit", "n.ipynb", cwd=project).stdout
    import re

    points = [(int(m[1]), int(m[2])) for m in re.finditer(r">n\.ipynb:(\d+):(\d+): BL002", junit)]
    assert [
        raw[line - 1][column - 1 :][: len(name)] for (line, column), name in zip(points, NOTEBOOK_NAMES, strict=True)
    ] == (NOTEBOOK_NAMES)


def test_notebook_findings_keep_the_cell_in_json_and_text_with_the_snippet(project: Path) -> None:
    notebook(project)
    data = json.loads(run_cli("check", "--no-cache", "--output-format", "json", "n.ipynb", cwd=project).stdout)
    # Cell 3, line 2: 'x = "é"; client.beta...' is 9 characters, then 36 up to the name: column 46.
    assert [(d["cell"], d["line"], d["column"]) for d in data["diagnostics"]] == [(3, 2, 46), (4, 2, 37)]
    text = run_cli("check", "--no-cache", "n.ipynb", cwd=project).stdout.splitlines()
    assert text[0].startswith("n.ipynb:cell 3:2:46: BL002 ")
    assert text[1] == '2 | x = "é"; client.beta.messages.create(betas=["pdfs-2099-01-01"])'
    assert text[2] == " " * (len("2 | ") + 45) + "^" * len("pdfs-2099-01-01")


# ---------------------------------------------------------------- lone surrogates in reports

# A beta name holding a lone surrogate ("\ud800" in the code evaluates to one) in a file whose
# name is not UTF-8 (byte E9, which Python holds as the surrogate U+DCE9).
SURROGATE_CODE = 'c.beta.messages.create(betas=["\\ud800x-2025-01-01"])\n'


def surrogate_project(project: Path) -> None:
    (project / os.fsdecode(b"caf\xe9.py")).write_text(SURROGATE_CODE, encoding="utf-8")
    write(project, "plain.py", SURROGATE_CODE)


def run_bytes(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    env["PYTHONIOENCODING"] = "utf-8:strict"
    return subprocess.run([sys.executable, "-m", "beta_lint", *args], cwd=cwd, capture_output=True, env=env)


@pytest.mark.parametrize("fmt", ["text", "concise", "github", "json", "sarif", "gitlab", "junit"])
def test_check_reports_stay_utf8_with_lone_surrogates(project: Path, fmt: str) -> None:
    surrogate_project(project)
    done = run_bytes("check", "--no-cache", "--output-format", fmt, ".", cwd=project)
    assert done.returncode == 1, done.stderr
    text = done.stdout.decode("utf-8")  # strict: raises on anything that is not UTF-8
    if fmt in ("text", "concise", "github"):
        assert "caf\\udce9.py" in text and "\\ud800x-2025-01-01" in text


@pytest.mark.parametrize("fmt", ["table", "markdown", "json", "csv"])
def test_audit_reports_stay_utf8_and_keep_their_structure(project: Path, fmt: str) -> None:
    surrogate_project(project)
    done = run_bytes("audit", "--today", "2026-11-24", "--format", fmt, ".", cwd=project)
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    text = done.stdout.decode("utf-8")
    if fmt == "json":
        (beta,) = json.loads(text)["betas"]
        assert beta["name"] == "\ud800x-2025-01-01"
        assert sorted(os.fsencode(use["path"]) for use in beta["uses"]) == [b"caf\xe9.py", b"plain.py"]
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        header = rows[0]
        assert len(rows) == 3 and all(len(row) == len(header) for row in rows)  # no row broken apart
        paths = sorted(row[header.index("path")] for row in rows[1:])
        assert paths == ["caf\\udce9.py", "plain.py"]
        assert {row[header.index("name")] for row in rows[1:]} == {"\\ud800x-2025-01-01"}
    elif fmt == "markdown":
        assert "| `\\ud800x-2025-01-01` | unknown |" in text
        assert "| `caf\\udce9.py:1:31` | betas-argument | sent | production |" in text
    else:
        lines = text.splitlines()
        # The BETA column is as wide as the escaped name: STATUS starts where the header says.
        status_at = lines[0].index("STATUS")
        assert lines[1].startswith("\\ud800x-2025-01-01")
        assert lines[1][status_at:].startswith("unknown")
        # The per-beta table of uses: KIND starts where its header says, on both rows.
        (header,) = [line for line in lines if line.strip().startswith("WHERE")]
        rows = [line for line in lines if "caf\\udce9.py:1:31" in line or "plain.py:1:31" in line]
        assert len(rows) == 2
        assert all(row.index("betas-argument") == header.index("KIND") for row in rows)


# ---------------------------------------------------------------- nearest configuration per file

TWO_BETAS = UNKNOWN + 'client.beta.messages.create(betas=["files-api-2025-04-14"])\n'  # BL002 line 1, BL101 line 2


def monorepo(root: Path) -> Path:
    """A root config and two projects with their own: a/ allows the unknown name and ignores
    BL002 under its sub/; b/ (a pyproject.toml) selects only BL1 and excludes skip.py."""
    write(root, "beta-lint.toml", "")
    write(
        root,
        "a/beta-lint.toml",
        '[per-file-ignores]\n"sub/**" = ["BL101"]\n[registry]\nallow = ["pdfs-2099-01-01"]\n',
    )
    write(root, "b/pyproject.toml", '[tool.beta-lint]\nselect = ["BL1"]\nextend-exclude = ["skip.py"]\n')
    for name in ("x.py", "a/x.py", "a/sub/x.py", "b/x.py", "b/skip.py"):
        write(root, name, TWO_BETAS)
    return root


def findings(result_stdout: str) -> list[tuple[str, str]]:
    return [(line.split(":")[0], line.split()[1]) for line in result_stdout.splitlines()[:-1]]


def test_each_file_takes_the_nearest_config(project: Path) -> None:
    monorepo(project)
    expected = [
        ("a/x.py", "BL101"),  # the name is allowed in a/
        ("b/x.py", "BL101"),  # only BL1 in b/; skip.py excluded by b's own config
        ("x.py", "BL002"),
        ("x.py", "BL101"),
    ]  # a/sub/x.py: allowed, and BL101 ignored there
    result = run_cli("check", "--no-cache", "--output-format", "concise", cwd=project)
    assert result.returncode == 1, result.stderr
    assert findings(result.stdout) == expected
    # The same from inside a/: patterns are relative to each config's folder, not the cwd.
    inside = run_cli("check", "--no-cache", "--output-format", "concise", "..", cwd=project / "a")
    assert findings(inside.stdout) == [("../" + path, code) for path, code in expected]


def test_config_option_and_isolated_override_the_nearest_config(project: Path) -> None:
    monorepo(project)
    everything = [
        (path, code) for path in ("a/sub/x.py", "a/x.py", "b/skip.py", "b/x.py", "x.py") for code in ("BL002", "BL101")
    ]
    isolated = run_cli("check", "--no-cache", "--output-format", "concise", "--isolated", cwd=project)
    assert findings(isolated.stdout) == everything
    # --config b/pyproject.toml: BL1 only, and its extend-exclude (relative to b/) for every file.
    configured = run_cli(
        "check", "--no-cache", "--output-format", "concise", "--config", "b/pyproject.toml", cwd=project
    )
    assert findings(configured.stdout) == [(path, "BL101") for path in ("a/sub/x.py", "a/x.py", "b/x.py", "x.py")]
    both = run_cli("check", "--isolated", "--config", "b/pyproject.toml", cwd=project)
    assert both.returncode == 2 and "--isolated" in both.stderr


def test_show_settings_names_the_config_the_settings_and_the_registry(project: Path) -> None:
    monorepo(project)
    result = run_cli("check", "--show-settings", "a/sub/x.py", cwd=project)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    facts = dict(line.split(": ", 1) for line in lines)
    config = project / "a" / "beta-lint.toml"
    assert facts["File"] == "a/sub/x.py"
    assert facts["Configuration file"] == f"{config} (the nearest above the file)"
    assert facts["Rules ignored for this file"] == "BL101"
    assert facts["per-file-ignores"] == '{"sub/**" = ["BL101"]}'
    assert facts["registry.allow"] == '["pdfs-2099-01-01"]'
    assert "BL002" in facts["Rules enabled"].split(", ")
    updated = tomllib.loads((Path(__file__).parent.parent / "rules" / "registry.toml").read_text())["updated"]
    assert facts["Registry"] == f"built-in (updated {updated})"
    b = dict(
        line.split(": ", 1) for line in run_cli("check", "--show-settings", "b/x.py", cwd=project).stdout.splitlines()
    )
    assert b["Configuration file"].startswith(str(project / "b" / "pyproject.toml"))
    assert b["Rules enabled"] == "BL101, BL102, BL103, BL104"
    assert b["extend-exclude"] == '["skip.py"]'
    registry = write(project, "extra.toml", 'updated = "2026-01-01"\n')
    extra = run_cli("check", "--show-settings", "--registry", str(registry), "x.py", cwd=project).stdout
    assert f"Registry: built-in (updated {updated}) + {registry}" in extra.splitlines()
    # The SDK the project uses (issue 18): the one beta-lint runs with, here the pinned 2.15.0.
    assert facts["SDK"].startswith("anthropic 2.15.0 at "), facts["SDK"]
    none = run_cli("check", "--show-settings", "--sdk", "none", "x.py", cwd=project).stdout
    (sdk_line,) = [line for line in none.splitlines() if line.startswith("SDK: ")]
    assert "turned off" in sdk_line and "shipped table" in sdk_line, sdk_line


# ---------------------------------------------------------------- notebook positions, as a function

_CELL_TEXT = st.text(alphabet=st.sampled_from(list('ab "\\\t\n\r/é€\U0001f600\x01')), max_size=40)


@given(
    sources=st.lists(_CELL_TEXT, min_size=1, max_size=3),
    as_list=st.booleans(),
    ascii_only=st.booleans(),
    indent=st.sampled_from([None, 1, 2]),
)
@settings(max_examples=150, deadline=None)
def test_every_cell_character_maps_to_the_file_text_that_spells_it(
    sources: list[str], as_list: bool, ascii_only: bool, indent: int | None
) -> None:
    from beta_lint.files.notebook_lines import NotebookLines
    from beta_lint.model import LINE_END_RE

    def cell(source: str) -> dict[str, object]:
        return {"cell_type": "code", "source": source.splitlines(keepends=True) if as_list else source}

    text = json.dumps({"cells": [cell(s) for s in sources]}, indent=indent, ensure_ascii=ascii_only)
    starts = [0] + [m.end() for m in LINE_END_RE.finditer(text)]
    lines = NotebookLines(text)

    def offset(position: tuple[int, int] | None) -> int:
        assert position is not None
        return starts[position[0] - 1] + position[1] - 1

    for number, source in enumerate(sources, 1):
        assert lines.cell_source(number) == source
        for row, line in enumerate(LINE_END_RE.split(source), 1):
            for column, char in enumerate(line, 1):
                begin = offset(lines.physical(number, row, column))
                end = offset(lines.physical(number, row, column + 1, end=True))
                assert json.loads('"' + text[begin:end] + '"') == char


def test_audit_takes_the_nearest_config_too(project: Path) -> None:
    monorepo(project)

    def audited(*extra: str) -> list[str]:
        result = run_cli("audit", "--format", "json", "--no-include-text", *extra, cwd=project)
        assert result.returncode == 0, result.stderr
        return sorted({use["path"] for beta in json.loads(result.stdout)["betas"] for use in beta["uses"]})

    assert audited() == ["a/sub/x.py", "a/x.py", "b/x.py", "x.py"]  # b/skip.py: excluded by b's config
    assert audited("--isolated") == ["a/sub/x.py", "a/x.py", "b/skip.py", "b/x.py", "x.py"]
