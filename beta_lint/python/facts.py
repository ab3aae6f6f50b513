"""The facts the walk records (scopes, bindings, call/dict/string sites) and the values resolution
builds from them (fragments of header text, items of a list)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import libcst as cst

from beta_lint.model import BranchPath, Location

# ---------------------------------------------------------------- collected facts


@dataclass
class Scope:
    kind: Literal["module", "class", "function"]
    name: str
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    returns: list[cst.BaseExpression] = field(default_factory=list)
    return_annotation: cst.BaseExpression | None = None
    # For a class: `self.x` attribute bindings from its methods; for a method: its class.
    self_attrs: dict[str, list[Binding]] = field(default_factory=dict)
    owner_class: Scope | None = None
    self_name: str | None = None
    methods: dict[str, Scope] = field(default_factory=dict)  # for a class: its functions by name
    params: list[str] = field(default_factory=list)  # for a function: its positional parameters
    loops: list[cst.CSTNode] = field(default_factory=list)  # `for`/`while` statements directly in it


BindingOp = Literal["assign", "append", "extend", "insert", "update", "iadd", "param", "with", "subscript"]


@dataclass
class Binding:
    op: BindingOp
    value: cst.BaseExpression | None
    scope: Scope
    annotation: cst.BaseExpression | None = None
    key: str | None = None  # for subscript assignments: the key written
    branch: BranchPath = ()
    # `.append(x)`/`.add(x)`/`.extend([x])`: the expression statement, when it is alone on
    # its line, and whether it is the only statement of its block.
    statement: cst.CSTNode | None = None
    alone: bool = False
    row: bool = False  # a value of a parametrize row: pytest passes it to the test


@dataclass
class CallSite:
    node: cst.Call
    scope: Scope
    mention: bool = False  # an assertion, a mock expectation or a log call: nothing is sent


@dataclass
class DictSite:
    node: cst.Dict
    scope: Scope
    mention: bool = False


@dataclass
class HeaderWrite:
    """`headers["anthropic-beta"] = value` (or `+=`), `body.setdefault("anthropic_beta", value)`,
    or a `("anthropic-beta", value)` pair: a header set outside any mapping literal."""

    target: cst.Subscript | cst.Tuple | cst.Call | cst.Dict
    key: str
    value: cst.BaseExpression
    scope: Scope
    mention: bool = False


@dataclass
class StringSite:
    node: cst.BaseExpression
    scope: Scope
    beta_named: bool  # bound (directly or as a list element) to a name containing "beta"
    bound_to: str | None
    mention: bool = False


# ---------------------------------------------------------------- resolved values


@dataclass(frozen=True)
class Frag:
    """A piece of text in a resolved value and where it came from."""

    text: str
    node: cst.CSTNode | None  # literal node holding it; None for a synthetic join separator
    start: int | None  # code-point offset of text[0] in the file when exactly known
    dynamic: bool = False
    site: cst.CSTNode | None = None  # first reference crossed from the send site
    via: str | None = None
    element: cst.CSTNode | None = None  # list element holding it
    origin: Location | None = None  # where text[0] is written in ANOTHER module (cross-module constant)
    branch: BranchPath = ()  # of the statement that added it to the value
    statement: cst.CSTNode | None = None  # the collection call that adds exactly this name
    alone: bool = False
    fixable: bool = True  # False in test data (a parametrize row): fixes do not rewrite tests


@dataclass(frozen=True)
class Item:
    """One element of a resolved list: a text made of fragments."""

    frags: tuple[Frag, ...]


Text = tuple[Frag, ...]
ItemList = tuple[Item, ...]
