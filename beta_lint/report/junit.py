"""JUnit XML: one test case per linted file, failing with one <failure> per diagnostic.

CI systems (GitLab, Jenkins, Azure) show a failing test per file with problems and count the
clean files as passing tests, which is how a lint run reads on a test dashboard.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from beta_lint.model import Diagnostic, FileResult
from beta_lint.report import ReportContext
from beta_lint.report.physical import physical_results

SUITE_NAME = "beta-lint"

# Characters XML 1.0 cannot carry at all (not even escaped); a beta name written with "\x01"
# in the source would otherwise make the whole report unparsable.
_INVALID_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    return _INVALID_XML_RE.sub("\ufffd", text)


def _where(diagnostic: Diagnostic) -> str:
    # The same `path:line:col` (with `cell N:` for notebooks) as the text report.
    loc = diagnostic.location
    cell = f"cell {loc.cell}:" if loc.cell is not None else ""
    return f"{loc.path}:{cell}{loc.line}:{loc.column}"


def _testcase(result: FileResult) -> ET.Element:
    path = xml_text(result.path)
    case = ET.Element("testcase", {"classname": path, "name": path})
    for diagnostic in sorted(result.diagnostics, key=Diagnostic.sort_key):
        failure = ET.SubElement(case, "failure", {"message": xml_text(diagnostic.message), "type": diagnostic.code})
        failure.text = xml_text(f"{_where(diagnostic)}: {diagnostic.code} {diagnostic.message}")
    return case


def render_junit(results: Sequence[FileResult], ctx: ReportContext) -> str:
    ordered = sorted(physical_results(results), key=lambda result: result.path)
    # `failures` counts failing test cases (files), so it never exceeds `tests`.
    counts = {
        "tests": str(len(ordered)),
        "failures": str(sum(1 for result in ordered if result.diagnostics)),
        "errors": "0",
    }
    suites = ET.Element("testsuites", {"name": SUITE_NAME, **counts})
    suite = ET.SubElement(suites, "testsuite", {"name": SUITE_NAME, **counts})
    suite.extend(_testcase(result) for result in ordered)
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
