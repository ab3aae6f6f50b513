"""What CPython's parser settles about one statement for the slicer, where a regular expression
cannot: whether its dated strings are code that can be reported, and whether it can bind a
constant another module imports.

Each answer costs an `ast.parse` of that statement alone (C speed), asked only of statements
whose candidates are dated text; libcst would take about ten times as long to parse them. Any
statement CPython cannot parse on its own is kept (True): libcst then decides, as before.
"""

from __future__ import annotations

import ast
import re
import warnings

# Dated text as the slicer finds it ("here-is-a-slug-2011-12-17").
DATED_TEXT_RE = re.compile(r"[A-Za-z0-9]-(?:19|20)\d\d-\d{1,2}-\d{1,2}")
_ASSIGNMENT_RE = re.compile(r"\w+[ \t]*(?::[^=\n]*)?=(?!=)")
# Items that make a list no export: the resolver's exports hold strings only.
_CONTAINERS = (
    *(ast.Tuple, ast.List, ast.Set, ast.Dict),
    *(ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda),
)


def _parsed(body: str) -> ast.Module | None:
    # A class member is indented: under a class header of its own it parses as it stands.
    code = body if not body[:1].isspace() else "class _:\n" + body
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the user's invalid escapes are not ours to report
            return ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def may_export(body: str) -> bool:
    """Whether a top-level assignment can bind what another module imports and sends: a dated
    string or a list of strings (`Resolver.exports`). A list or tuple holding containers
    cannot (ansible's 10.8k-line table of test-case tuples)."""
    if not _ASSIGNMENT_RE.match(body):
        return True  # an `if` or `try` may assign a constant inside
    tree = _parsed(body)
    if tree is None:
        return True
    statement = tree.body[0] if len(tree.body) == 1 else None
    value = statement.value if isinstance(statement, ast.Assign | ast.AnnAssign) else None
    if isinstance(value, ast.List | ast.Tuple | ast.Set):
        return not any(isinstance(item, _CONTAINERS) for item in value.elts)
    return True


def dated_text_in_code(body: str) -> bool:
    """Whether some dated string of the statement is outside annotations, docstrings and
    comments: the extractor reports no string of those (an annotation's is a mention)."""
    tree = _parsed(body)
    if tree is None:
        return True
    hidden: set[int] = set()
    for node in ast.walk(tree):
        annotations: list[ast.expr | None] = []
        if isinstance(node, ast.arg | ast.AnnAssign):
            annotations.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            annotations.append(node.returns)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            hidden.add(id(node.value))  # a docstring, or a string used as a comment
        for annotation in annotations:
            if annotation is not None:
                hidden.update(id(inner) for inner in ast.walk(annotation))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and id(node) not in hidden:
            value = node.value
            if isinstance(value, bytes):
                value = value.decode("latin-1")
            if isinstance(value, str) and DATED_TEXT_RE.search(value):
                return True
    return False
