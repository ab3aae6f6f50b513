"""Two shortcuts past libcst's slow paths must agree with libcst exactly: the collector's walk
(libcst's visit rebuilds every node it passes) and the offset-counting positions (libcst's
PositionProvider builds three objects per node)."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from beta_lint.python.libcst_shortcuts import node_spans as _spans
from beta_lint.python.libcst_shortcuts import walk as _walk
from beta_lint.python.positions import LineIndex

HERE = Path(__file__).parent
SOURCES = sorted(p for folder in ("corpus", "audit_tree") for p in (HERE / folder).rglob("*.py"))
SHAPES = '''
@decorator(arg)
async def f(a, /, b: int = 1, *args, c, **kw) -> "T":
    """Doc."""
    x = f"{a!r:>{b}} {c=}" "tail" r"raw"
    y = [i async for i in g() if i] + {k: v for k, v in d.items()} + (lambda q=1: q)(2)
    del x[1:2, ...], y.z
    match y:
        case {"k": [1, *rest]} | Point(x=0) if rest:
            pass
    try:
        import a.b as c
        from .. import (d as e, f)
    except* (ValueError, TypeError) as err:
        raise RuntimeError from err
    finally:
        global g; nonlocal_ = 1
    with open(p) as h, other():
        yield from h
    return await z if z else None
class C(B, metaclass=M):
    def method(self) -> None: ...
'''


class Recorder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, int]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.events.append(("visit", id(node)))
        # Skip children where the collector does, so that path is compared too.
        return not isinstance(node, cst.ConcatenatedString)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.events.append(("leave", id(original_node)))


@pytest.mark.parametrize("source", [SHAPES, *(p.read_text(encoding="utf-8") for p in SOURCES)])
def test_same_hooks_in_the_same_order_as_libcst(source: str) -> None:
    module = cst.parse_module(source)
    ours, theirs = Recorder(), Recorder()
    _walk(module, ours)  # type: ignore[arg-type]  # any visitor with on_visit/on_leave
    module.visit(theirs)
    assert ours.events
    assert ours.events == theirs.events


def test_corpus_is_there() -> None:
    assert len(SOURCES) > 30


AWKWARD = [
    "x = 1\r\ny = 'a'\r\n",  # CRLF
    "x = [1,\r  2]\ry = 3\r",  # lone CR ends lines too
    "if x:\n\tname = 'caf\u00e9-\u00fc'  # \u00e9\n\x0cz = 1\n",  # tab, non-ASCII, form feed
    "def f():\n    return (\n        1\n    )\n\n\n# trailing comment",  # no final newline
    "",
]


@pytest.mark.parametrize("source", [SHAPES, *AWKWARD, *(p.read_text(encoding="utf-8") for p in SOURCES)])
def test_offsets_agree_with_position_provider(source: str) -> None:
    module = cst.parse_module(source)
    lines = LineIndex(source)
    spans = _spans(module, lines)
    ranges = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    assert ranges
    for node, code_range in ranges.items():
        if code_range.end.line > len(lines.starts):
            continue  # the newline libcst adds past the end of a file without one: no place in it
        expected = (
            lines.offset(code_range.start.line, code_range.start.column),
            lines.offset(code_range.end.line, code_range.end.column),
        )
        assert spans(node) == expected, (type(node).__name__, code_range)
