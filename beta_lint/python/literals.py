"""Values of literals and the list/text algebra resolution uses: string values, header keys,
products of alternatives, splitting header text into items, and suppression comments."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

import libcst as cst

from beta_lint.model import (
    HeaderText,
    Location,
    Request,
    Usage,
)
from beta_lint.python.facts import Binding, Frag, Item, ItemList, Text
from beta_lint.python.patterns import HEADER_KEY, MAX_ALTERNATIVES, NEAR_HEADER_KEY_RE, SUPPRESS_RE


class InvalidLiteral(ValueError):
    """A string literal Python itself would reject (`"\\N{nonexistent}"`): the file is not valid."""


def evaluated(node: cst.SimpleString | cst.ConcatenatedString) -> str | bytes | None:
    if isinstance(node, cst.SimpleString) and "b" not in node.prefix.lower():
        # Without a backslash or a carriage return (which Python's tokenizer turns into a
        # newline) a str literal's value is its body: libcst's evaluated_value compiles it.
        body = node.raw_value
        if "\\" not in body and "\r" not in body:
            return body
    try:
        return node.evaluated_value
    except (SyntaxError, ValueError, UnicodeError) as error:
        raise InvalidLiteral(str(error)) from None


def string_value(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
        value = evaluated(node)
        return value if isinstance(value, str) else None
    return None


def subscript_key(node: cst.Subscript) -> str | None:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    return string_value(node.slice[0].slice.value)


def near_header_key(key: str | None) -> bool:
    return key is not None and bool(NEAR_HEADER_KEY_RE.match(key))


def is_header_key(key: str | None) -> bool:
    return key is not None and key.lower() == HEADER_KEY


def literal_body(node: cst.SimpleString) -> tuple[int, str, bool]:
    """(offset of the body inside the token, body, exact) for a simple string literal."""
    prefix = node.prefix
    quote = node.quote
    body = node.value[len(prefix) + len(quote) : len(node.value) - len(quote)]
    raw = "r" in prefix.lower()
    exact = raw or "\\" not in body
    return len(prefix) + len(quote), body, exact and "b" not in prefix.lower()


# ---------------------------------------------------------------- list/text algebra


def product(left: list[ItemList], right: list[ItemList]) -> list[ItemList]:
    return limit([a + b for a in left for b in right])


def limit(alternatives: list[ItemList]) -> list[ItemList]:
    if len(alternatives) <= MAX_ALTERNATIVES:
        return alternatives
    # Too many branches to keep apart: merge the rest into the last one (nothing dropped).
    kept = alternatives[: MAX_ALTERNATIVES - 1]
    merged: tuple[Item, ...] = ()
    for alternative in alternatives[MAX_ALTERNATIVES - 1 :]:
        merged += alternative
    return [*kept, merged]


def empty_branches(node: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """`[] ` written as one branch of a conditional `betas=` value (sends an empty header)."""
    if isinstance(node, cst.IfExp):
        for branch in (node.body, node.orelse):
            if isinstance(branch, cst.List | cst.Tuple) and not branch.elements:
                yield branch
            else:
                yield from empty_branches(branch)


def is_listish(binding: Binding) -> bool:
    if binding.op in {"append", "extend", "insert", "iadd"}:
        return True
    value = binding.value
    if isinstance(value, cst.List | cst.Tuple | cst.Set):
        return True
    if isinstance(value, cst.BinaryOperation):
        return isinstance(value.left, cst.List | cst.Tuple) or isinstance(value.right, cst.List | cst.Tuple)
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
        return value.func.value in {"list", "tuple", "set", "sorted", "frozenset", "field"}
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute):
        return value.func.attr.value == "split"
    return False


def added_by(lists: list[ItemList], binding: Binding) -> list[ItemList]:
    """The items a binding puts in a list, marked with its branch and, when it adds exactly one
    name, with the statement that adds it (a removal fix can then remove just that statement)."""
    if not binding.branch and binding.statement is None and not binding.row:
        return lists
    out: list[ItemList] = []
    for alternative in lists:
        items = []
        for item in alternative:
            single = binding.statement is not None and len(alternative) == 1 and len(item.frags) == 1
            frags = tuple(
                replace(f, branch=f.branch or binding.branch, statement=binding.statement, alone=binding.alone)
                if single
                else replace(f, branch=f.branch or binding.branch)
                for f in item.frags
            )
            if binding.row:
                frags = tuple(replace(f, fixable=False) for f in frags)
            items.append(Item(frags))
        out.append(tuple(items))
    return out


def set_via(frag: Frag, name: str | None) -> Frag:
    if frag.via is not None or name is None or frag.dynamic:
        return frag
    return replace(frag, via=name)


def with_element(text: Text, element: cst.CSTNode) -> Text:
    return tuple(replace(f, element=f.element or element) for f in text)


def shift(origin: Location, offset: int, length: int) -> Location:
    """The part [offset, offset + length) of a one-line literal written elsewhere."""
    if origin.line != origin.end_line:
        return origin
    return replace(
        origin,
        column=origin.column + offset,
        end_column=origin.column + offset + length,
        offset=origin.offset + offset,
        end_offset=origin.offset + offset + length,
    )


def split_items(text: Sequence[Frag]) -> Iterator[Item]:
    """Split a header value at commas, keeping each piece's origin."""
    current: list[Frag] = []
    for frag in text:
        if frag.dynamic or "," not in frag.text:
            current.append(frag)
            continue
        pieces = frag.text.split(",")
        offset = 0
        for index, piece in enumerate(pieces):
            start = None if frag.start is None else frag.start + offset
            if piece or index == 0:
                origin = shift(frag.origin, offset, len(piece)) if frag.origin is not None else None
                current.append(replace(frag, text=piece, start=start, dynamic=False, origin=origin))
            if index < len(pieces) - 1:
                yield Item(tuple(current))
                current = []
            offset += len(piece) + 1
    yield Item(tuple(current))


def slice_text(text: Sequence[Frag], start: int, end: int) -> Text:
    out: list[Frag] = []
    position = 0
    for frag in text:
        frag_end = position + len(frag.text)
        lo, hi = max(start, position), min(end, frag_end)
        if lo < hi or (frag.dynamic and position >= start and frag_end <= end):
            if frag.dynamic:
                out.append(frag)
            else:
                piece = frag.text[lo - position : hi - position]
                new_start = None if frag.start is None else frag.start + lo - position
                out.append(
                    Frag(piece.rstrip() if hi == end else piece, frag.node, new_start, False, frag.site, frag.via)
                )
        position = frag_end
    return tuple(out)


def unique(texts: list[HeaderText]) -> tuple[HeaderText, ...]:
    seen: dict[tuple[str, Location, str], HeaderText] = {}
    for text in texts:
        seen.setdefault((text.text, text.location, text.kind), text)
    return tuple(seen.values())


def rebind(usages: list[Usage], request: Request) -> list[Usage]:
    from dataclasses import replace

    return [replace(usage, request=request) for usage in usages]


def looks_dated(text: str) -> bool:
    from beta_lint.knowledge.registry import looks_like_beta

    return looks_like_beta(text)


def unwrap_optional(node: cst.BaseExpression) -> cst.BaseExpression:
    """`Anthropic | None`, `Optional[Anthropic]` -> `Anthropic`."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return unwrap_optional(node.left)
    if isinstance(node, cst.Subscript) and node.slice and isinstance(node.slice[0].slice, cst.Index):
        return node.slice[0].slice.value
    if isinstance(node, cst.SimpleString):  # "Anthropic" forward reference
        value = evaluated(node)
        if isinstance(value, str) and value.isidentifier():
            return cst.Name(value)
    return node


# ---------------------------------------------------------------- suppressions


def parse_suppression(comment: str) -> tuple[str, ...] | None:
    """Codes a comment suppresses: () for all, None when it is no suppression."""
    match = SUPPRESS_RE.search(comment)
    if match is None:
        return None
    listed = match.group("noqa") or match.group("ignore")
    if not listed:
        return ()
    return tuple(code.upper() for code in re.split(r"[\s,]+", listed.strip()) if code)
