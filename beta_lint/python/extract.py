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
    resolver = Resolver(collector, node_spans(module, lines), lines, path, cell, routes, registry_names, external)
    resolver.run()
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
