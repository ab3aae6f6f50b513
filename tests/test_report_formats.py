"""The CI report formats (SARIF, GitHub, JUnit, GitLab), end to end through the real command.

One realistic project is linted once per format; the outputs are compared with golden files
under tests/golden/report_formats/ that were read and checked line by line by hand. After a
deliberate change, regenerate them with BETA_LINT_UPDATE_GOLDEN=1 and review the diff the same way.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from beta_lint import __version__
from beta_lint.checks.catalog import page, rules
from beta_lint.model import Diagnostic, Location
from beta_lint.report.fingerprint import display_path, fingerprints, repo_relative, utf8_bytes
from beta_lint.report.github import annotation, annotation_path, escape_data, escape_property

GOLDEN = Path(__file__).resolve().parent / "golden" / "report_formats"
UPDATE = os.environ.get("BETA_LINT_UPDATE_GOLDEN") == "1"
TODAY = "2026-11-24"

# --------------------------------------------------------------------------- the project

CLIENT_PY = '''\
"""Chat helpers for the support bot."""

import anthropic

client = anthropic.Anthropic()
FILES_BETA = "files-api-2025-04-14"


def ask(question: str) -> str:
    # A typo in the beta name, a GA beta, and a duplicate in the same call.
    response = client.beta.messages.create(
        model="claude-sonnet-4-5",
        max_tokens=1024,
        betas=["interleaved-thinkng-2025-05-14", "context-1m-2025-08-07", "context-1m-2025-08-07"],
        messages=[{"role": "user", "content": question}],
    )
    return response.content[0].text


def summarise(text: str) -> str:
    response = client.messages.create(
        model="claude-sonnet-4-5",
        max_tokens=512,
        extra_headers={"anthropic-beta": "interleaved-thinking-2025-05-14, context-1m-2025-08-07"},
        messages=[{"role": "user", "content": "Résumé : " + text}],
    )
    return response.content[0].text
'''

# Non-ASCII text before the finding on the same line: columns count code points, not bytes.
LEGACY_PY = (
    "import anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef old_call() -> None:\n"
    '    client.beta.messages.create(model="claude-3-5-sonnet-latest", max_tokens=10, '
    'messages=[{"role": "user", "content": "héllo"}], betas=["computer-use-2024-10-22"])\n'
)

CLEAN_PY = """\
import anthropic

client = anthropic.Anthropic()


def think() -> None:
    client.beta.messages.create(
        model="claude-opus-4-6",
        max_tokens=10,
        messages=[],
        betas=["interleaved-thinking-2025-05-14"],
    )
"""

NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Exploring betas\n"]},
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": ["import anthropic\n", "\n", "client = anthropic.Anthropic()\n"],
        },
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": [
                "%pip install anthropic\n",
                "client.beta.messages.create(\n",
                '    model="claude-opus-4-6", max_tokens=10, messages=[],\n',
                '    betas=["interleaved-thinking-2025-05-14", "interleaved-thinking-2025-05-14"],\n',
                ")\n",
            ],
        },
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def write_project(root: Path) -> Path:
    (root / "app").mkdir(parents=True)
    (root / "beta-lint.toml").write_text("")  # pins the root: no configuration above leaks in
    (root / "app" / "client.py").write_text(CLIENT_PY, encoding="utf-8")
    (root / "app" / "legacy.py").write_text(LEGACY_PY, encoding="utf-8")
    (root / "app" / "clean.py").write_text(CLEAN_PY, encoding="utf-8")
    (root / "explore.ipynb").write_text(json.dumps(NOTEBOOK, indent=1) + "\n", encoding="utf-8")
    return root


def run(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installed command, as CI runs it; no CI variables of the machine running the tests."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_") and k != "NO_COLOR"}
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "beta_lint", "check", "--today", TODAY, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=clean,
        timeout=120,
    )


def report(cwd: Path, fmt: str, *args: str) -> str:
    result = run(cwd, "--output-format", fmt, *args)
    assert result.returncode == 1, result.stderr  # the project has findings
    assert result.stderr == ""
    return result.stdout


FORMATS = ("json", "concise", "sarif", "github", "junit", "gitlab")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("report-project"))


@pytest.fixture(scope="module")
def outputs(project: Path) -> dict[str, str]:
    return {fmt: report(project, fmt) for fmt in FORMATS}


# --------------------------------------------------------------------------- golden files


def normalise_sarif(text: str) -> str:
    """Drop what depends on the machine or on documents edited elsewhere.

    The root URI and tool version vary by machine and release; rule descriptions come from the
    rule pages (tested against the catalog in test_sarif_rules_describe_every_rule).
    """
    document = json.loads(text)
    run_ = document["runs"][0]
    run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "file:///PROJECT/"
    run_["tool"]["driver"]["version"] = "VERSION"
    # Where the SDK was found depends on the machine (VIRTUAL_ENV, beta-lint's environment ...).
    if run_["properties"]["sdk"]["path"] is not None:
        run_["properties"]["sdk"]["path"] = "SDK_PATH"
        run_["properties"]["sdk"]["origin"] = "ORIGIN"
    for rule in run_["tool"]["driver"]["rules"]:
        rule["fullDescription"]["text"] = "<rule page summary>"
        rule["help"] = {"text": "<rule page>", "markdown": "<rule page>"}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


GOLDEN_FILES = {
    "sarif": ("sarif.json", normalise_sarif),
    "github": ("github.txt", lambda text: text),
    "junit": ("junit.xml", lambda text: text),
    "gitlab": ("gitlab.json", lambda text: text),
}


@pytest.mark.parametrize("fmt", sorted(GOLDEN_FILES))
def test_golden(outputs: dict[str, str], fmt: str) -> None:
    name, normalise = GOLDEN_FILES[fmt]
    actual = normalise(outputs[fmt])
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- locations agree


Where = tuple[str, int | None, int, int, int, int]  # path, cell, line, column, end line, end column


def json_locations(text: str) -> list[Where]:
    return [
        (d["path"], d["cell"], d["line"], d["column"], d["end_line"], d["end_column"])
        for d in json.loads(text)["diagnostics"]
    ]


def sarif_locations(text: str) -> list[Where]:
    out: list[Where] = []
    for result in json.loads(text)["runs"][0]["results"]:
        physical = result["locations"][0]["physicalLocation"]
        region = physical["region"]
        cell = result.get("properties", {}).get("cell")
        out.append(
            (
                physical["artifactLocation"]["uri"],
                cell,
                region["startLine"],
                region["startColumn"],
                region["endLine"],
                region["endColumn"],
            )
        )
    return out


_GITHUB_RE = re.compile(
    r"^::(?:error|warning) file=(?P<file>[^,]*),line=(?P<line>\d+),col=(?P<col>\d+),"
    r"endLine=(?P<end_line>\d+),endColumn=(?P<end_col>\d+),title=[^:]*::(?:cell (?P<cell>\d+): )?"
)


def github_locations(text: str) -> list[Where]:
    out: list[Where] = []
    for line in text.splitlines():
        match = _GITHUB_RE.match(line)
        assert match, line
        cell = int(match["cell"]) if match["cell"] else None
        out.append(
            (match["file"], cell, int(match["line"]), int(match["col"]), int(match["end_line"]), int(match["end_col"]))
        )
    return out


_WHERE_RE = re.compile(r"^(?P<path>[^:]+):(?:cell (?P<cell>\d+):)?(?P<line>\d+):(?P<col>\d+): BL\d{3} ")


def point(text: str) -> tuple[str, int | None, int, int]:
    match = _WHERE_RE.match(text)
    assert match, text
    return match["path"], int(match["cell"]) if match["cell"] else None, int(match["line"]), int(match["col"])


def concise_points(text: str) -> list[tuple[str, int | None, int, int]]:
    return [point(line) for line in text.splitlines()[:-1]]  # the last line is the summary


def junit_points(text: str) -> list[tuple[str, int | None, int, int]]:
    return [point(failure.text or "") for failure in ET.fromstring(text).iter("failure")]


def gitlab_lines(text: str) -> list[tuple[str, int | None, int, int]]:
    out = []
    for issue in json.loads(text):
        match = re.match(r"BL\d{3} (?:cell (\d+): )?", issue["description"])
        assert match
        cell = int(match[1]) if match[1] else None
        lines = issue["location"]["lines"]
        out.append((issue["location"]["path"], cell, lines["begin"], lines["end"]))
    return out


def in_notebook_file(where: Where, notebook_text: str) -> tuple[int, int, int, int]:
    """A cell position as (line, column, end line, end column) of explore.ipynb's own text.

    Worked out from how json.dumps(indent=1) writes the notebook: each source line is one JSON
    string on a line of its own, so a character's column is where that string starts plus the
    length of the escaped text before it.
    """
    _, cell, line, column, end_line, end_column = where
    piece = NOTEBOOK["cells"][cell - 1]["source"][line - 1]  # type: ignore[index, operator]
    assert end_line == line
    encoded = json.dumps(piece)
    (row,) = [number for number, text in enumerate(notebook_text.splitlines(), 1) if encoded in text]
    quote = notebook_text.splitlines()[row - 1].index(encoded)  # 0-based column of the opening quote
    start = quote + 2 + len(json.dumps(piece[: column - 1])) - 2
    end = quote + 2 + len(json.dumps(piece[: end_column - 1])) - 2
    return row, start, row, end


def test_every_format_reports_the_same_locations(outputs: dict[str, str], project: Path) -> None:
    reference = json_locations(outputs["json"])
    assert len(reference) == 9
    points = [(path, cell, line, column) for path, cell, line, column, _, _ in reference]
    assert concise_points(outputs["concise"]) == points
    # Formats read by tools that open the file count a notebook's lines in the .ipynb itself.
    notebook_text = (project / "explore.ipynb").read_text(encoding="utf-8")
    on_disk = [
        (where[0], where[1], *in_notebook_file(where, notebook_text)) if where[1] is not None else where
        for where in reference
    ]
    assert sarif_locations(outputs["sarif"]) == on_disk
    assert github_locations(outputs["github"]) == on_disk
    # JUnit groups by file (sorted by path), in position order inside each: the same order here.
    assert junit_points(outputs["junit"]) == [(path, None, line, column) for path, _, line, column, _, _ in on_disk]
    assert gitlab_lines(outputs["gitlab"]) == [(p, c, line, end) for p, c, line, _, end, _ in on_disk]


def cell_source(index: int) -> str:
    return "".join(NOTEBOOK["cells"][index - 1]["source"])  # type: ignore[index]


def test_reference_locations_cover_the_flagged_text(outputs: dict[str, str]) -> None:
    """The json reference itself is right: each range holds the beta it names (code points)."""
    files = {"app/client.py": CLIENT_PY, "app/legacy.py": LEGACY_PY}
    for d in json.loads(outputs["json"])["diagnostics"]:
        if d["beta"] is None:
            continue
        text = cell_source(d["cell"]) if d["cell"] is not None else files[d["path"]]
        assert d["line"] == d["end_line"]
        line = text.splitlines()[d["line"] - 1]
        assert line[d["column"] - 1 : d["end_column"] - 1] == d["beta"], d


# --------------------------------------------------------------------------- SARIF


def sarif_schema() -> dict[str, Any]:
    shared = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-schema-2.1.0.json"
    local = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"
    data: dict[str, Any] = json.loads((shared if shared.is_file() else local).read_text(encoding="utf-8"))
    return data


def test_sarif_is_valid_against_the_schema(outputs: dict[str, str]) -> None:
    validator = Draft4Validator(sarif_schema())
    document = json.loads(outputs["sarif"])
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []


def test_sarif_run_and_results(outputs: dict[str, str], project: Path) -> None:
    document = json.loads(outputs["sarif"])
    assert document["version"] == "2.1.0" and "$schema" in document
    (run_,) = document["runs"]
    assert run_["columnKind"] == "unicodeCodePoints"
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"
    driver = run_["tool"]["driver"]
    assert driver["name"] == "beta-lint" and driver["version"] == __version__
    assert "informationUri" not in driver
    ids = [rule["id"] for rule in driver["rules"]]
    for result in run_["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%" and not artifact["uri"].startswith(("/", "file:"))
        assert result["level"] in ("error", "warning")
    by_rule = {r["ruleId"]: r for r in run_["results"]}
    duplicate = next(r for r in run_["results"] if r["ruleId"] == "BL301")  # app/client.py's, first
    (related,) = duplicate["relatedLocations"]
    assert related["physicalLocation"]["region"]["startColumn"] == 51 and related["id"] == 1
    # A fix is a list of replacements of the file's own text.
    (fix,) = by_rule["BL002"]["fixes"]
    (replacement,) = fix["artifactChanges"][0]["replacements"]
    assert replacement["insertedContent"]["text"] == "interleaved-thinking-2025-05-14"
    region = {"startLine": 14, "startColumn": 17, "endLine": 14, "endColumn": 47}
    assert replacement["deletedRegion"] == region
    # Notebook findings carry their cell; their fixes (cell-relative) are not offered as file edits.
    notebook = next(r for r in run_["results"] if "cell" in r.get("properties", {}))
    assert notebook["properties"]["cell"] == 3 and notebook["message"]["text"].startswith("cell 3: ")
    assert "fixes" not in notebook


def test_sarif_rules_describe_every_rule(outputs: dict[str, str]) -> None:
    driver = json.loads(outputs["sarif"])["runs"][0]["tool"]["driver"]
    expected = rules()
    codes = [rule.code for rule in expected]
    assert [r["id"] for r in driver["rules"]] == codes == sorted(codes)
    for described, rule in zip(driver["rules"], expected, strict=True):
        try:
            found = page(rule.code)
            full, text = found.summary or rule.summary, found.text
        except FileNotFoundError:
            full, text = rule.summary, rule.summary
        assert described["name"] == rule.name
        assert described["shortDescription"]["text"] == rule.summary
        assert described["fullDescription"]["text"] == full
        assert described["help"] == {"text": text, "markdown": text}
        level = described["defaultConfiguration"]["level"]
        assert level == (rule.severity if rule.default else "none")
        assert described["defaultConfiguration"].get("enabled", True) is rule.default
        assert described["properties"]["tags"]


def fingerprints_of(sarif_text: str) -> list[str]:
    results = json.loads(sarif_text)["runs"][0]["results"]
    return [r["partialFingerprints"]["betaLintContent/v1"] for r in results]


def test_fingerprints_survive_moving_the_lines(tmp_path: Path) -> None:
    """Blank lines above every finding, in another checkout folder: same fingerprints, new lines."""
    before = write_project(tmp_path / "one")
    after = write_project(tmp_path / "two")
    for name in ("app/client.py", "app/legacy.py"):
        path = after / name
        path.write_text("\n\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    sarif_before, sarif_after = report(before, "sarif"), report(after, "sarif")
    lines_before = [w[2] for w in sarif_locations(sarif_before)]
    lines_after = [w[2] for w in sarif_locations(sarif_after)]
    moved = [a - b for a, b in zip(lines_after, lines_before, strict=True)]
    assert moved == [3] * 8 + [0]  # the notebook is unchanged
    assert fingerprints_of(sarif_before) == fingerprints_of(sarif_after)
    gitlab_before = [i["fingerprint"] for i in json.loads(report(before, "gitlab"))]
    assert gitlab_before == [i["fingerprint"] for i in json.loads(report(after, "gitlab"))]
    assert gitlab_before == fingerprints_of(sarif_before)  # one helper for both


def test_fingerprints_are_unique_and_ignore_other_lines(outputs: dict[str, str], tmp_path: Path) -> None:
    prints = fingerprints_of(outputs["sarif"])
    # The two BL101 findings for "context-1m-2025-08-07" on line 14 differ by their occurrence.
    assert len(set(prints)) == len(prints)
    changed = write_project(tmp_path / "p")
    client = changed / "app" / "client.py"
    client.write_text(client.read_text(encoding="utf-8").replace("max_tokens=512", "max_tokens=256"))
    # Editing a line without findings changes nothing; the flagged lines keep their identity.
    assert fingerprints_of(report(changed, "sarif")) == prints


def test_fingerprints_hash_the_real_bytes_of_a_name_that_is_not_utf8(tmp_path: Path) -> None:
    # os.fsdecode keeps the byte 0xE9 of a Latin-1 name as U+DCE9; the hash must see 0xE9 again.
    assert utf8_bytes(os.fsdecode(b"latin\xe9.py")) == b"latin\xe9.py"
    assert utf8_bytes("\ud800x") == b"\xed\xa0\x80x"  # no byte form: its code point, never an error
    for text in ("app/client.py", "café 日本.py", "\U0001f600"):
        assert utf8_bytes(text) == text.encode()  # so every fingerprint of valid text is unchanged
    names = ["latin\udce9.py", "latin\ufffd.py", "latin\u00e9.py"]  # byte E9, its replacement, é (C3 A9)
    prints = fingerprints([diagnostic(name, "m") for name in names], str(tmp_path))
    assert len(set(prints)) == len(names)
    odd_beta = Diagnostic("BL001", "malformed-beta-name", "error", "m", Location("a.py", 3, 5, 3, 9), beta="\ud800x")
    assert len(fingerprints([odd_beta], str(tmp_path))) == 1


def test_sarif_paths_are_relative_to_the_root_not_the_cwd(project: Path) -> None:
    text = report(project / "app", "sarif", ".")
    uris = {w[0] for w in sarif_locations(text)}
    assert uris == {"app/client.py", "app/legacy.py"}
    base = json.loads(text)["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == project.resolve().as_uri() + "/"
    assert {issue["location"]["path"] for issue in json.loads(report(project / "app", "gitlab", "."))} == uris


# --------------------------------------------------------------------------- GitHub


def test_escape_data() -> None:
    assert escape_data("100% sure\r\nnext line") == "100%25 sure%0D%0Anext line"
    # An escape sequence already in the text must survive as text, not turn into a newline.
    assert escape_data("literal %0A here") == "literal %250A here"
    assert escape_data("a: b, c") == "a: b, c"  # `:` and `,` are fine in the message


def test_escape_property() -> None:
    assert escape_property("src/a,b:c.py") == "src/a%2Cb%3Ac.py"
    assert escape_property("50%\nx") == "50%25%0Ax"


def diagnostic(path: str, message: str) -> Diagnostic:
    return Diagnostic("BL002", "unknown-beta", "error", message, Location(path, 3, 5, 3, 9))


def test_annotation_escapes_path_and_message() -> None:
    line = annotation(diagnostic("src/a,b:c.py", "100% wrong\nsee docs"))
    assert line == (
        "::error file=src/a%2Cb%3Ac.py,line=3,col=5,endLine=3,endColumn=9,title=BL002 unknown-beta"
        "::100%25 wrong%0Asee docs"
    )
    warning = Diagnostic("BL101", "ga-beta", "warning", "m", Location("nb.ipynb", 2, 1, 2, 4, cell=7))
    assert annotation(warning) == (
        "::warning file=nb.ipynb,line=2,col=1,endLine=2,endColumn=4,title=BL101 ga-beta::cell 7: m"
    )


def test_annotation_paths_are_relative_to_the_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "src").mkdir()
    monkeypatch.chdir(tmp_path / "src")
    assert annotation_path("x.py", str(tmp_path)) == "src/x.py"
    assert annotation_path("x.py", None) == "x.py"
    assert annotation_path("../../elsewhere.py", str(tmp_path)) == "../../elsewhere.py"  # outside: as given


def test_github_annotations_with_odd_file_names(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p")
    shutil.move(project / "app" / "legacy.py", project / "app" / "odd,name:x.py")
    out = report(project, "github", "app")
    assert "::warning file=app/odd%2Cname%3Ax.py,line=7,col=139," in out
    sarif = json.loads(report(project, "sarif", "app"))
    uris = {w[0] for w in sarif_locations(json.dumps(sarif))}
    assert "app/odd%2Cname%3Ax.py" in uris  # a URI: "," and ":" percent-encoded


def test_github_actions_defaults_to_github_format(project: Path, outputs: dict[str, str]) -> None:
    result = run(project, env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 1 and result.stdout == outputs["github"]


# --------------------------------------------------------------------------- output file


def test_output_file_gets_the_report_and_stdout_stays_empty(
    project: Path, outputs: dict[str, str], tmp_path: Path
) -> None:
    target = tmp_path / "reports" / "beta-lint.sarif"
    result = run(project, "--output-format", "sarif", "--output-file", str(target))
    assert result.returncode == 1 and result.stdout == "" and result.stderr == ""
    assert target.read_text(encoding="utf-8") == outputs["sarif"]


# --------------------------------------------------------------------------- JUnit


def test_junit_structure(outputs: dict[str, str]) -> None:
    root = ET.fromstring(outputs["junit"])
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "beta-lint"
    cases = suite.findall("testcase")
    names = ["app/clean.py", "app/client.py", "app/legacy.py", "explore.ipynb"]
    assert [c.get("name") for c in cases] == names
    assert all(c.get("classname") == c.get("name") for c in cases)
    failures = {c.get("name"): [f.get("type") for f in c.findall("failure")] for c in cases}
    assert failures == {
        "app/clean.py": [],  # a clean file is a passing test case
        "app/client.py": ["BL101", "BL002", "BL101", "BL101", "BL301", "BL302", "BL101"],
        "app/legacy.py": ["BL103"],
        "explore.ipynb": ["BL301"],
    }
    for element in (root, suite):
        assert (element.get("tests"), element.get("failures"), element.get("errors")) == ("4", "3", "0")
    first = cases[1].findall("failure")[1]
    assert first.text is not None and first.text.startswith("app/client.py:14:17: BL002 unknown beta ")
    assert first.get("message", "").startswith('unknown beta "interleaved-thinkng-2025-05-14"')


# --------------------------------------------------------------------------- GitLab


def test_gitlab_structure(outputs: dict[str, str]) -> None:
    issues = json.loads(outputs["gitlab"])
    diagnostics = json.loads(outputs["json"])["diagnostics"]
    assert isinstance(issues, list) and len(issues) == len(diagnostics)
    for issue, d in zip(issues, diagnostics, strict=True):
        assert issue["check_name"] == d["code"]
        assert issue["description"].startswith(f"{d['code']} ") and d["message"] in issue["description"]
        assert issue["severity"] == {"error": "major", "warning": "minor"}[d["severity"]]
        assert issue["location"]["path"] == d["path"] and isinstance(issue["location"]["lines"]["begin"], int)
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)


# --------------------------------------------------------------------------- path helpers


def test_repo_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "root" / "pkg").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "root" / "pkg")
    root = str(tmp_path / "root")
    assert repo_relative("mod.py", root) == "pkg/mod.py"
    assert repo_relative(str(tmp_path / "root" / "a.py"), root) == "a.py"  # absolute paths too
    assert repo_relative("../../other.py", root) is None
    assert display_path("../../other.py", root) == "../../other.py"
