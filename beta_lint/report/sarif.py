"""SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer).

Suppressed findings never reach FileResult.diagnostics, so none is emitted here: GitHub would
open a suppressed result as an alert, which is exactly what the suppression asked it not to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from beta_lint.checks.base import Rule
from beta_lint.model import Diagnostic, FileResult, Fix, Location
from beta_lint.report import ReportContext, all_diagnostics, json_text
from beta_lint.report.fingerprint import SourceLines, absolute_path, fingerprints, repo_relative, utf8_bytes
from beta_lint.report.physical import physical_diagnostics

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "betaLintContent/v1"

# The hundreds digit of a code is its family (checks/ has one module per family).
_FAMILY_TAGS = {"0": "beta-name", "1": "lifecycle", "2": "endpoint", "3": "header", "9": "meta"}

# What a related location is, as seen from the finding that points at it.
_RELATED_MESSAGES = {"BL301": "first sent here"}


def _rule_page(rule: Rule) -> tuple[str, str]:
    """(full description, help text) from the rule's page, or its one-line summary without one."""
    from beta_lint.checks.catalog import page

    try:
        found = page(rule.code)
    except FileNotFoundError:
        # Pages are written separately from the rules; a missing one must not break the report.
        return rule.summary, rule.summary
    return found.summary or rule.summary, found.text or rule.summary


def _tags(rule: Rule) -> list[str]:
    tags = [_FAMILY_TAGS.get(rule.code[2:3], "other")]
    if rule.fix is not None:
        tags.append("fixable")
    return tags


def _rule_json(rule: Rule) -> dict[str, Any]:
    full, help_text = _rule_page(rule)
    configuration: dict[str, Any] = {"level": rule.severity}
    if not rule.default:
        # SARIF's own words for "off unless selected"; level "none" keeps viewers from ranking it.
        configuration = {"enabled": False, "level": "none"}
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": configuration,
        "properties": {"tags": _tags(rule), "severity": rule.severity},
    }


def _artifact(path: str, root: str) -> dict[str, Any]:
    relative = repo_relative(path, root)
    if relative is None:
        # Outside the root a relative URI would point at the wrong file: give the absolute one.
        return {"uri": absolute_path(path).as_uri()}
    # A URI names octets: percent-encode the name's real bytes (quote(str) raises on a name that is not UTF-8).
    return {"uri": quote(utf8_bytes(relative), safe="/"), "uriBaseId": SRCROOT}


def _region(location: Location) -> dict[str, Any]:
    region: dict[str, Any] = {
        "startLine": location.line,
        "startColumn": location.column,
        "endLine": location.end_line,
        "endColumn": location.end_column,  # already one past the end, as SARIF wants
    }
    return region


def _physical(location: Location, root: str) -> dict[str, Any]:
    return {"artifactLocation": _artifact(location.path, root), "region": _region(location)}


def _fix_json(fix: Fix, root: str) -> dict[str, Any] | None:
    if any(edit.location.cell is not None for edit in fix.edits):
        # Cell edits are relative to the cell's source, not to the .ipynb JSON: applying them
        # to the file would corrupt it, so such fixes are left to `beta-lint check --fix`.
        return None
    changes: dict[str, list[dict[str, Any]]] = {}
    for edit in fix.edits:
        changes.setdefault(edit.location.path, []).append(
            {"deletedRegion": _region(edit.location), "insertedContent": {"text": edit.content}}
        )
    if not changes:
        return None
    return {
        "description": {"text": fix.message},
        "artifactChanges": [
            {"artifactLocation": _artifact(path, root), "replacements": replacements}
            for path, replacements in changes.items()
        ],
        "properties": {"applicability": fix.applicability},
    }


def _message(diagnostic: Diagnostic, cell: int | None) -> str:
    return f"cell {cell}: {diagnostic.message}" if cell is not None else diagnostic.message


def _result_json(
    diagnostic: Diagnostic, rule_index: dict[str, int], fingerprint: str, root: str, cell: int | None = None
) -> dict[str, Any]:
    """One result; a notebook's arrives with its lines the file's own, `cell` says which cell it is in."""
    result: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "level": diagnostic.severity,
        "message": {"text": _message(diagnostic, cell)},
        "locations": [{"physicalLocation": _physical(diagnostic.location, root)}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if diagnostic.code in rule_index:
        result["ruleIndex"] = rule_index[diagnostic.code]
    if diagnostic.related:
        label = _RELATED_MESSAGES.get(diagnostic.code, "defined here")
        result["relatedLocations"] = [
            {"id": index, "physicalLocation": _physical(related, root), "message": {"text": label}}
            for index, related in enumerate(diagnostic.related, 1)
        ]
    if diagnostic.fix is not None:
        fix = _fix_json(diagnostic.fix, root)
        if fix is not None:
            result["fixes"] = [fix]
    properties = {
        key: value
        for key, value in (
            ("cell", cell),
            ("beta", diagnostic.beta),
            ("endpoint", diagnostic.endpoint),
        )
        if value is not None
    }
    if properties:
        result["properties"] = properties
    return result


def _root_uri(root: str) -> str:
    uri = Path(root).resolve().as_uri()
    # A base URI must end in "/" or the last folder name is dropped when resolving against it.
    return uri if uri.endswith("/") else uri + "/"


def render_sarif(results: Sequence[FileResult], ctx: ReportContext) -> str:
    from beta_lint.checks.catalog import rules

    all_rules = rules()  # every rule, sorted by code: viewers can describe any code we may emit
    rule_index = {rule.code: index for index, rule in enumerate(all_rules)}
    diagnostics = all_diagnostics(results)
    # Fingerprints read the cell's lines (stable when the notebook's JSON is re-indented);
    # the locations code scanning marks are the .ipynb file's own lines.
    prints = fingerprints(diagnostics, ctx.root, SourceLines(ctx.sources))
    cells = [diagnostic.location.cell for diagnostic in diagnostics]
    diagnostics = physical_diagnostics(diagnostics)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "beta-lint",
                "version": ctx.tool_version,
                "rules": [_rule_json(rule) for rule in all_rules],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": _root_uri(ctx.root)}},
        "columnKind": "unicodeCodePoints",
        "properties": {"registryUpdated": ctx.registry_updated, "sdk": ctx.sdk},
        "results": [
            _result_json(diagnostic, rule_index, fingerprint, ctx.root, cell)
            for diagnostic, fingerprint, cell in zip(diagnostics, prints, cells, strict=True)
        ],
    }
    document = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json_text(document)
