"""Extract every beta usage from one Python source with a single libcst walk.

The walk (`collect.Collector`) only records: scopes and their bindings, imports, calls, header
mappings, strings and comments. Resolution happens afterwards (`usages.Resolver`, built on
`clients`, `values` and `scopes`), on demand, so a constant defined below the function that
sends it still resolves, as it does at run time. Nothing is guessed: a value that cannot be
followed statically becomes a dynamic usage.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import libcst as cst

from beta_lint.files.source import ReadError
from beta_lint.knowledge.routes import RouteTable
from beta_lint.model import (
    Extraction,
    Suppression,
)
from beta_lint.python.collect import Collector
from beta_lint.python.libcst_shortcuts import OWN_WALK, node_spans, walk
from beta_lint.python.literals import parse_suppression
from beta_lint.python.positions import LineIndex
from beta_lint.python.scopes import ExternalLookup
from beta_lint.python.usages import Resolver

# `params["betas"] = ...` (or `+=`) and `{"betas": ...}`.
_BETAS_KEY_RE = re.compile(r"""["']betas["']\s*(?:\]\s*\+?=|:)""")


def extract(
    text: str,
    path: str,
    routes: RouteTable,
    registry_names: frozenset[str],
    cell: int | None = None,
    candidates: Sequence[re.Pattern[str]] = (),
    external: ExternalLookup | None = None,
    guard: Callable[[str], None] | None = None,
) -> Extraction:
    """Parse `text` once and return every usage, request and suppression in it.

    With `candidates`, a large file is sliced to the statements that can matter (python/slicer.py).
    `guard` is called with the very text libcst is about to parse (the slice, or the whole
    text) and raises ReadError to refuse it: what libcst never sees need not be checked, so a huge file's
    pre-check costs its slice, not its million lines. A slice the guard refuses is given up for
    the whole text, so the refusal names the right place.
    Raises libcst.ParserSyntaxError (and RecursionError on absurd nesting); the caller turns
    those into BL999.
    """
    how = (text, registry_names, tuple(candidates))  # what the parse depends on besides the path
    kept = _KEPT.take(path, cell, how) if external is not None else None
    if kept is None:
        kept = _parse(text, candidates, registry_names, guard)
    collector, spans, lines = kept
    resolver = Resolver(collector, spans, lines, path, cell, routes, registry_names, external)
    resolver.run()
    if external is None and resolver.wanted:
        _KEPT.keep(path, cell, how, kept)  # the second pass resolves it again with the symbol table
    suppressions = []
    for comment in collector.comments:
        codes = parse_suppression(comment.value)
        if codes is not None:
            location = resolver.loc(comment)
            suppressions.append(Suppression(location.line, codes, location))
    return Extraction(
        tuple(resolver.usages),
        tuple(resolver.requests),
        tuple(suppressions),
        resolver.exports() if cell is None else (),
        tuple(sorted(resolver.wanted)),
        tuple(sorted(resolver.wanted_from)),
    )


Parsed = tuple[Collector, Callable[[cst.CSTNode], tuple[int, int]], LineIndex]
# The text, the registry's names and the slicing patterns: a parse is reused only for all three.
ParseInputs = tuple[str, frozenset[str], tuple[re.Pattern[str], ...]]


def _parse(
    text: str,
    candidates: Sequence[re.Pattern[str]],
    registry_names: frozenset[str],
    guard: Callable[[str], None] | None,
) -> Parsed:
    """One libcst parse and walk of `text` (or of its slice): what resolution starts from."""
    from beta_lint.python.slicer import slice_source

    piece = slice_source(text, candidates, registry_names) if candidates else None
    module = None
    if piece is not None and guard is not None:
        try:
            guard(piece.text)
        except ReadError:
            piece = None  # refused: the verdict on the whole text is the one to give, where it is
    if piece is not None:
        try:
            module = cst.parse_module(piece.text)
        except cst.ParserSyntaxError:
            piece = None  # the slice is not valid on its own: parse the whole file instead
    if module is None or piece is None:
        if guard is not None:
            guard(text)
        module = cst.parse_module(text)
    collector = Collector()
    # Whether some mapping gets a "betas" key is read from the whole text: the slicer may have
    # left out the method that sets it (`create(**params)` then carries a dynamic use).
    collector.betas_key = _BETAS_KEY_RE.search(text) is not None
    if OWN_WALK:
        walk(module, collector)
    else:
        module.visit(collector)
    lines = LineIndex(text, piece.line_map if piece is not None else None)
    return collector, node_spans(module, lines), lines


class _KeptParses:
    """Parses of the modules that import names from other modules, kept for the second pass.

    A module's first pass cannot resolve what it imports; the second pass, given the project's
    symbol table, resolves the same tree again instead of parsing the file anew (that re-parse
    was a third of the time on the pydantic-ai tree). Bounded by the characters parsed: a tree
    costs about 70 bytes of memory per character of source (0.5 MB of the SDK kept made a
    worker 32 MB larger). Taken once; a changed text is parsed again.
    """

    LIMIT = 1_000_000  # characters of source kept at most per process, about 70 MB of trees

    def __init__(self) -> None:
        self.entries: dict[tuple[str, int | None], tuple[ParseInputs, Parsed]] = {}
        self.size = 0  # characters held
        self.released = 0  # characters let go since the last full collection

    def keep(self, path: str, cell: int | None, inputs: ParseInputs, parsed: Parsed) -> None:
        size = len(inputs[0])
        if size > self.LIMIT:
            return
        self.take(path, cell, inputs)
        while self.entries and self.size + size > self.LIMIT:
            oldest = next(iter(self.entries))
            self._released(len(self.entries.pop(oldest)[0][0]))
        self.entries[(path, cell)] = (inputs, parsed)
        self.size += size

    def take(self, path: str, cell: int | None, inputs: ParseInputs) -> Parsed | None:
        entry = self.entries.pop((path, cell), None)
        if entry is None:
            return None
        self._released(len(entry[0][0]))
        return entry[1] if entry[0] == inputs else None

    def _released(self, size: int) -> None:
        # A worker collects only the youngest generation after each file (pipeline/parallel.py);
        # a tree let go is older, and its cycles (scopes <-> bindings) need a full collection.
        # One per half the limit let go: its cost is paid for by the parses it saved.
        self.size -= size
        self.released += size
        if self.released >= self.LIMIT // 2:
            import gc

            gc.collect()
            self.released = 0


_KEPT = _KeptParses()
