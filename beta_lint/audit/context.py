"""What surrounds each use: the enclosing function or class, the code line, its owner and its
last change. Only files that hold uses are read again (Python through `ast`, much cheaper than
the extraction's libcst pass); notebooks are read cell by cell.
"""

from __future__ import annotations

import ast
import json
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from beta_lint.audit.blame import Change, blame_files
from beta_lint.audit.inventory import Use
from beta_lint.audit.owners import CodeOwners

_CODE_WIDTH = 160  # a code line longer than this is cut, with an ellipsis


@dataclass(frozen=True)
class _Scope:
    start: int
    end: int
    name: str  # dotted: Class.method, outer.inner


@dataclass(frozen=True)
class _Text:
    lines: tuple[str, ...]
    scopes: tuple[_Scope, ...]


def scopes_of(source: str) -> tuple[_Scope, ...]:
    """Every function and class with its line range and dotted name; none if it does not parse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return ()
    found: list[_Scope] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                found.append(_Scope(child.lineno, child.end_lineno or child.lineno, name))
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return tuple(found)


def enclosing(scopes: tuple[_Scope, ...], line: int) -> str | None:
    """The innermost function or class around a line (the last started of those that hold it)."""
    inside = [scope for scope in scopes if scope.start <= line <= scope.end]
    return max(inside, key=lambda s: s.start).name if inside else None


def _read(path: str) -> dict[int | None, _Text]:
    """The file's text by cell (None for a file that is not a notebook)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return {}
    text = data.decode("utf-8", errors="replace")
    if not path.endswith(".ipynb"):
        scopes = scopes_of(text) if path.endswith((".py", ".pyi")) else ()
        return {None: _Text(tuple(text.splitlines()), scopes)}
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError):
        return {}
    out: dict[int | None, _Text] = {}
    for number, cell in enumerate(cells if isinstance(cells, list) else [], start=1):
        source = cell.get("source", "") if isinstance(cell, dict) else ""
        joined = "".join(source) if isinstance(source, list) else str(source)
        out[number] = _Text(tuple(joined.splitlines()), scopes_of(joined))
    return out


def _code(text: _Text | None, line: int) -> str | None:
    if text is None or not 1 <= line <= len(text.lines):
        return None
    code = text.lines[line - 1].strip()
    return code if len(code) <= _CODE_WIDTH else code[: _CODE_WIDTH - 1] + "…"


def relative_to(path: str, root: Path) -> str | None:
    """A use's path from the repository root, '/' separated; None when it lies outside."""
    relative = os.path.relpath(os.path.abspath(path), root)
    if relative == ".." or relative.startswith(".." + os.sep):
        return None
    return relative.replace(os.sep, "/")


def annotate(uses: Mapping[str, list[Use]], root: Path, owners: CodeOwners) -> dict[str, list[Use]]:
    """Each use with its function or class, code line and owners."""
    paths = sorted({use.path for found in uses.values() for use in found})
    texts = {path: _read(path) for path in paths}
    owned = {path: owners.owners_of(rel) if (rel := relative_to(path, root)) else () for path in paths}
    out: dict[str, list[Use]] = {}
    for name, found in uses.items():
        annotated: list[Use] = []
        for use in found:
            text = texts.get(use.path, {}).get(use.cell)
            function = enclosing(text.scopes, use.line) if text is not None else None
            annotated.append(replace(use, function=function, code=_code(text, use.line), owners=owned[use.path]))
        out[name] = annotated
    return out


def with_blame(uses: Mapping[str, list[Use]]) -> dict[str, list[Use]]:
    """Each use with the last change of its line: one `git blame` per file (see audit.blame)."""
    # Notebook lines count per cell, not per file: git cannot blame those.
    wanted: dict[str, set[int]] = {}
    for found in uses.values():
        for use in found:
            if use.cell is None and not use.path.endswith(".ipynb"):
                wanted.setdefault(use.path, set()).add(use.line)
    changes: dict[str, dict[int, Change]] = blame_files(wanted)
    out: dict[str, list[Use]] = {}
    for name, found in uses.items():
        out[name] = []
        for use in found:
            change = changes.get(use.path, {}).get(use.line)
            out[name].append(replace(use, author=change.author, changed=change.date) if change else use)
    return out
