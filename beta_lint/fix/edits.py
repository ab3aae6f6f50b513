"""Fix construction: the exact edits that repair a finding, computed from the source text.

Each helper returns None when it cannot build an edit it is sure of; the finding is then
reported without a fix rather than with a risky one.
"""

from __future__ import annotations

import re

from beta_lint.model import Applicability, Edit, Fix, HeaderText, Location, Request, Usage

_OPENERS = "[({"
_CLOSERS = "])}"


def _edit(location: Location, source: str, start: int, end: int, content: str) -> Edit:
    """An edit on [start, end) of the same text `location` refers to.

    One line index per source text, kept for the next edit: a file with a thousand fixable
    calls builds it once, not once per edit (which made such a file quadratic).
    """
    from beta_lint.python.positions import LineIndex  # local: only needed when a fix is built

    held = _edit.__dict__.get("index")
    index = held if isinstance(held, LineIndex) and held.text is source else LineIndex(source)
    _edit.__dict__["index"] = index
    line, column = index.position(start)
    end_line, end_column = index.position(end)
    return Edit(Location(location.path, line, column, end_line, end_column, start, end, location.cell), content)


def replace_text(
    location: Location, old: str, new: str, source: str, applicability: Applicability, message: str
) -> Fix | None:
    if source[location.offset : location.end_offset] != old:
        return None
    return Fix(applicability, message, (_edit(location, source, location.offset, location.end_offset, new),))


def replace_name(usage: Usage, new: str, source: str) -> Fix | None:
    """Replace the name where it is written (the literal, shared by every use of a constant)."""
    if usage.name is None or not editable(usage):
        return None
    location = usage.location
    if source[location.offset : location.end_offset] != usage.raw or usage.raw.strip() != usage.name:
        return None
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", new):
        return None  # written inside the literal as it is: only a plain name can never become code
    note = f"edits the definition of {usage.via}, used wherever it is sent" if usage.via else None
    edit = _edit(location, source, location.offset, location.end_offset, new)
    return Fix("unsafe", f'Replace "{usage.name}" with "{new}"', (edit,), note)


def _skip_space_back(source: str, position: int) -> int:
    while position > 0 and source[position - 1] in " \t":
        position -= 1
    return position


def _skip_space(source: str, position: int) -> int:
    while position < len(source) and source[position] in " \t":
        position += 1
    return position


def _code_end(line: str) -> int:
    """Length of a line without its trailing comment (a `#` outside any string)."""
    quote = ""
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\":
                index += 1
            elif line.startswith(quote, index):
                index += len(quote) - 1
                quote = ""
        elif char in "'\"":
            quote = line[index : index + 3] if line[index : index + 3] in ('"""', "'''") else char
            index += len(quote) - 1
        elif char == "#":
            return index
        index += 1
    return len(line)


def _prev_significant(source: str, position: int) -> tuple[int, str]:
    """Index and character of the last code character before `position` (comments skipped)."""
    index = position - 1
    while index >= 0:
        char = source[index]
        if char == "\n":
            line_start = source.rfind("\n", 0, index) + 1
            # Jump over a comment at the end of the previous line.
            index = line_start + _code_end(source[line_start:index])
        elif char not in " \t\r":
            return index, char
        index -= 1
    return index, ""


def _next_significant(source: str, position: int) -> tuple[int, str]:
    index = position
    while index < len(source) and source[index] in " \t\r\n":
        index += 1
    if index < len(source) and source[index] == "#":  # a comment after the element's comma
        return index, "#"
    return index, source[index] if index < len(source) else ""


def _line_bounds(source: str, start: int, end: int) -> tuple[int, int] | None:
    """The whole line(s) holding [start, end) if nothing else but a comma is on them."""
    line_start = source.rfind("\n", 0, start) + 1
    if source[line_start:start].strip():
        return None
    after = _skip_space(source, end)
    if after < len(source) and source[after] == ",":
        after = _skip_space(source, after + 1)
    if after < len(source) and source[after] == "\r":
        after += 1
    if after < len(source) and source[after] == "\n":
        return line_start, after + 1
    if after >= len(source):
        return line_start, after
    return None


ONLY_ELEMENT = "only"


def remove_span_from_sequence(source: str, start: int, end: int) -> tuple[int, int, str] | str | None:
    """Remove the element at [start, end) of a list/tuple/set/call with its comma.

    Returns (start, end, replacement); ONLY_ELEMENT when it is the container's only element
    (the caller decides what an empty container means); None when the surroundings are not
    a sequence this function understands.
    """
    before_index, before = _prev_significant(source, start)
    after_index, after = _next_significant(source, end)
    if after == "#":  # a comment right after the element: look past it
        after_index, after = _next_significant(source, source.find("\n", after_index) + 1 or len(source))
    if before not in _OPENERS + "," or after not in _CLOSERS + ",":
        return None
    if before in _OPENERS and after in _CLOSERS:
        return ONLY_ELEMENT
    if _closer(source, end) != "]" and _closer(source, end) != "}":
        # A tuple left with one element would lose its comma and become a plain string,
        # which the SDK would send character by character: no automatic fix for tuples.
        return None
    whole_line = _line_bounds(source, start, end)
    if whole_line is not None:
        # On a line of its own: drop the line (a trailing comma before `]` stays valid).
        return whole_line[0], whole_line[1], ""
    if after == ",":
        return start, _skip_space(source, after_index + 1), ""
    # The last element: remove the comma before it.
    return _skip_space_back(source, before_index), end, ""


def _closer(source: str, position: int) -> str:
    """The bracket that closes the container holding `position` (strings skipped)."""
    depth = 0
    index = position
    while index < len(source):
        char = source[index]
        if char in "'\"":
            close = source.find(char, index + 1)
            if close == -1:
                return ""
            index = close
        elif char == "#":
            newline = source.find("\n", index)
            index = len(source) if newline == -1 else newline
        elif char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            if depth == 0:
                return char
            depth -= 1
        index += 1
    return ""


def _argument_span(source: str, keyword: Location) -> tuple[int, int] | None:
    """The span that removes a keyword argument with its separating comma."""
    start, end = keyword.offset, keyword.end_offset
    after_index, after = _next_significant(source, end)
    before_index, before = _prev_significant(source, start)
    if after == ",":
        whole = _line_bounds(source, start, end)
        if whole is not None:
            return whole
        return start, _skip_space(source, after_index + 1)
    if before == ",":
        return _skip_space_back(source, before_index), end
    if before == "(" and after == ")":
        return start, end
    return None


def editable(usage: Usage) -> bool:
    """Whether a fix may edit where this name is written.

    Never a mention (an assertion, a type, a log line), and never inside the arguments of a
    call beta-lint does not know to be an Anthropic request (the project's own function).
    """
    if usage.role == "mentioned" or not usage.fixable:
        return False
    request = usage.request
    if request is None or request.known:
        return True
    call = request.location
    return not (call.offset <= usage.location.offset < call.end_offset)


def _statement_edit(usage: Usage, source: str) -> tuple[int, int, str] | None:
    """Remove the `.append(x)` statement that adds the name (a `pass` where it was alone)."""
    statement = usage.statement
    assert statement is not None
    start, end = statement.offset, statement.end_offset
    if usage.statement_alone:
        return start, end, "pass"
    line_start = source.rfind("\n", 0, start) + 1
    if source[line_start:start].strip():
        return None
    line_end = source.find("\n", end)
    line_end = len(source) if line_end == -1 else line_end + 1
    rest = source[end:line_end].strip()
    if rest and not rest.startswith("#"):
        return None
    return line_start, line_end, ""


def _own_literal(usage: Usage, source: str, start: int, end: int) -> bool:
    """Whether [start, end) is the only element of the list written as the call's `betas=` value."""
    request = usage.request
    keyword = request.keyword_location if request is not None else None
    if keyword is None or not (keyword.offset <= start and end <= keyword.end_offset):
        return False
    opener, _ = _prev_significant(source, start)
    closer, _ = _next_significant(source, end)
    written = source[keyword.offset : keyword.end_offset]
    return re.fullmatch(r"[A-Za-z_]\w*\s*=\s*", source[keyword.offset : opener]) is not None and written.endswith(
        source[opener : closer + 1]
    )


_COMMA_AFTER_RE = re.compile(r"\s*,\s*(?=[a-z0-9])")


def _comma_before(source: str, start: int) -> int | None:
    """Where `<name>, ` ends just before `start` begins its comma: the span to remove with the
    item (spaces, the comma, spaces), or None when no name-and-comma precedes it."""
    index = start
    while index > 0 and source[index - 1].isspace():
        index -= 1
    if index == 0 or source[index - 1] != ",":
        return None
    index -= 1
    while index > 0 and source[index - 1].isspace():
        index -= 1
    if index == 0 or not ("0" <= source[index - 1] <= "9" or "a" <= source[index - 1] <= "z"):
        return None
    return index


def remove_name(usage: Usage, source: str, applicability: Applicability, second: bool = False) -> Fix | None:
    """Remove one beta from the requests it reaches, exactly where it is written.

    Three shapes only: the item of a comma-joined string (with one comma), the element of a
    list literal, and the `.append(x)`/`.add(x)` statement that adds just this name. The
    `betas=` keyword goes only when the call's own literal list would be left empty. A name
    that reaches the request any other way gets no fix. `second`: the name is a duplicate, and
    this copy is the one to remove.
    """
    if usage.name is None or usage.role != "sent" or not editable(usage):
        return None
    location = usage.location
    token_start, token_end = location.offset, location.end_offset
    if source[token_start:token_end] != usage.raw:
        return None
    if usage.statement is not None:
        statement = _statement_edit(usage, source)
        if statement is None:
            return None
        edit = _edit(usage.statement, source, *statement)
        again = " again" if second else ""
        return Fix(applicability, f'Remove the statement that adds "{usage.name}"{again}', (edit,))
    edits: list[Edit] = []
    note = None
    message = ""
    which = f'the second "{usage.name}"' if second else f'"{usage.name}"'
    # Inside a comma-joined string ("a,b"): remove the item and one neighbouring comma. Both
    # looks stay next to the token: a file with 1,600 fixable calls must not rescan its text
    # once per name (issue 16).
    follow = _COMMA_AFTER_RE.match(source, token_end)
    precede = _comma_before(source, token_start)
    if follow:
        edits.append(_edit(location, source, token_start, follow.end(), ""))
        message = f"Remove {which} from the header value"
    elif precede is not None:
        edits.append(_edit(location, source, precede, token_end, ""))
        message = f"Remove {which} from the header value"
    elif usage.element is not None:
        element = usage.element
        if (
            usage.via is not None
            and element.offset <= token_start < element.end_offset
            and usage.kind != "betas-argument"
        ):
            return None
        span = remove_span_from_sequence(source, element.offset, element.end_offset)
        if isinstance(span, tuple):
            edits.append(_edit(location, source, span[0], span[1], span[2]))
            message = f"Remove {which} from the list"
        elif span is None:
            return None
        elif (
            usage.request is not None
            and usage.request.keyword_location is not None
            and _own_literal(usage, source, element.offset, element.end_offset)
        ):
            # The last beta of the call's own list: drop `betas=[...]` rather than leave `betas=[]`.
            argument = _argument_span(source, usage.request.keyword_location)
            if argument is None:
                return None
            edits.append(_edit(location, source, argument[0], argument[1], ""))
            keyword = source[usage.request.keyword_location.offset :].split("=", 1)[0].strip()
            message = f"Remove {which} and the `{keyword}=` argument it was the only element of"
        else:
            # The only element of a list defined elsewhere: removing it would send an empty list.
            return None
        if usage.via is not None:
            note = f"{usage.via} is left in place (now possibly unused)"
    else:
        return None
    return Fix(applicability, message, tuple(edits), note)


def normalise_header(request: Request, text: HeaderText, source: str) -> Fix | None:
    """Rewrite a header value literal as names joined by single commas."""
    if text.kind == "empty-list":
        if request.keyword_location is None or text.location != request.keyword_location:
            return None  # an empty branch of a conditional: only a person knows what was meant
        argument = _argument_span(source, request.keyword_location)
        if argument is None:
            return None
        return Fix("safe", "Remove the empty `betas=[]`", (_edit(text.location, source, *argument, ""),))
    if not text.exact or source[text.location.offset : text.location.end_offset] != text.text:
        return None
    names = [name for name in re.split(r"[,;\s]+", text.text) if name]
    if not names:
        return None
    cleaned = ",".join(names)
    if text.kind == "item" and len(names) > 1:
        # One list element holding several names: make each its own element.
        literal_start = text.location.offset - 1
        literal_end = text.location.end_offset + 1
        quote = source[literal_start] if literal_start >= 0 else ""
        if quote not in "'\"" or source[literal_end - 1 : literal_end] != quote:
            return None
        replacement = ", ".join(f"{quote}{name}{quote}" for name in names)
        edit = _edit(text.location, source, literal_start, literal_end, replacement)
        return Fix("safe", "Split the item into one element per beta", (edit,))
    edit = _edit(text.location, source, text.location.offset, text.location.end_offset, cleaned)
    return Fix("safe", f'Rewrite the header value as "{cleaned}"', (edit,))


def move_to_beta_namespace(request: Request, source: str) -> Fix | None:
    """`client.messages.create(..., betas=...)` -> `client.beta.messages.create(...)`."""
    call = request.location
    text = source[call.offset : call.end_offset]
    target = request.target
    if target is None:
        return None
    first = target.split(".")[0]
    match = re.search(rf"\.{re.escape(first)}\b", text)
    if match is None or text.count(f".{first}") != 1 or ".beta." in text.split("(")[0]:
        return None
    at = call.offset + match.start() + 1
    edit = _edit(call, source, at, at, "beta.")
    return Fix("unsafe", "Call the method through client.beta", (edit,))


def remove_comment(location: Location, source: str) -> Fix | None:
    """Remove a whole comment and the spaces before it."""
    if not source[location.offset : location.end_offset].startswith("#"):
        return None
    start = _skip_space_back(source, location.offset)
    edit = _edit(location, source, start, location.end_offset, "")
    return Fix("safe", "Remove the unused suppression comment", (edit,))
