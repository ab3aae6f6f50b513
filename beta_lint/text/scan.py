"""Betas in text files: Markdown, shell, YAML/TOML/JSON, .env, .http, JavaScript/TypeScript.

Python code blocks in Markdown go through the Python extractor (with the rest of the file
blanked to spaces, so every offset stays the file's own). Everything else is matched as
text: an `anthropic-beta` header (`-H "anthropic-beta: a,b"`, `anthropic-beta: a`,
`"anthropic-beta": "a"`) or a JS/TS `betas: [...]` array.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

from beta_lint.files.source import Cell, ReadError
from beta_lint.model import Extraction, HeaderText, Location, Request, Usage

if TYPE_CHECKING:
    from beta_lint.knowledge.routes import RouteTable


class FrontEnd(Protocol):
    """What the text scanner needs: the Python extractor (for code blocks) and the route table."""

    @property
    def routes(self) -> RouteTable: ...

    def extract(self, path: str, cell: Cell) -> Extraction: ...


_HEADER_RE = re.compile(
    r"anthropic-beta[\"']?\s*[:=]\s*[\"']?(?P<value>[A-Za-z0-9][^\"'\r\n`]*?)\s*(?=[\"'`\r\n]|$)",
    re.IGNORECASE | re.MULTILINE,
)
_JS_BETAS_RE = re.compile(r"\bbetas\s*:\s*\[(?P<body>[^\]]*)\]")
_JS_STRING_RE = re.compile(r"([\"'`])(?P<value>[^\"'`\r\n]*)\1")
_FENCE_RE = re.compile(
    r"^(?P<fence>```+|~~~+)[ \t]*(?P<lang>[A-Za-z0-9_+-]*)[^\n]*\n(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
_NAME_RE = re.compile(r"[^,;\s]+")


class _Locator:
    def __init__(self, path: str, text: str) -> None:
        from beta_lint.python.positions import LineIndex

        self.path = path
        self.index = LineIndex(text)

    def span(self, start: int, end: int) -> Location:
        line, column = self.index.position(start)
        end_line, end_column = self.index.position(end)
        return Location(self.path, line, column, end_line, end_column, start, end)


def _blank_except(text: str, start: int, end: int) -> str:
    """Keep text[start:end]; every other character becomes a space (newlines stay)."""

    def blank(part: str) -> str:
        return re.sub(r"[^\r\n]", " ", part)

    return blank(text[:start]) + text[start:end] + blank(text[end:])


def scan_text(linter: FrontEnd, path: str, text: str) -> tuple[Extraction, list[str]]:
    """Usages in a text file, and one-line notes for Python blocks that did not parse."""
    locator = _Locator(path, text)
    usages: list[Usage] = []
    requests: list[Request] = []
    covered: list[tuple[int, int]] = []
    notes: list[str] = []
    if path.endswith((".md", ".markdown", ".rst", ".txt")):
        for block in _FENCE_RE.finditer(text):
            if block.group("lang").lower() not in ("python", "py", "python3", "pycon", "ipython"):
                continue
            start, end = block.span("body")
            try:
                extraction = linter.extract(path, _cell(_blank_except(text, start, end)))
            except ReadError as error:
                notes.append(f"python block at line {locator.span(start, start).line}: {error}")
                continue
            covered.append((start, end))
            usages.extend(extraction.usages)
            requests.extend(extraction.requests)
    for match, values in _matches(text):
        if any(lo <= match.start() < hi for lo, hi in covered):
            continue
        line_text = text[text.rfind("\n", 0, match.start()) + 1 : _line_end(text, match.end())]
        value_start, value_end = values[0][1], values[-1][2]
        request = Request(
            id=match.start() * 64 + 63,  # offset-based like the extractor's, in a slot it never uses
            location=locator.span(match.start(), match.end()),
            carrier="header-string",
            endpoint=linter.routes.endpoint_of_url(line_text),
            platform=linter.routes.platform_of_url(line_text),
            header_texts=(
                HeaderText(text[value_start:value_end], locator.span(value_start, value_end), True, "header"),
            )
            if len(values) == 1
            else (),
        )
        requests.append(request)
        for value, start, _end in values:
            for token in _NAME_RE.finditer(value):
                location = locator.span(start + token.start(), start + token.end())
                usages.append(Usage("text", token.group(0), token.group(0), location, location, request))
    return Extraction(tuple(usages), tuple(requests)), notes


def _cell(text: str) -> Cell:
    return Cell(text, None)


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end == -1 else end


_MAX_LINE = 1000  # longer lines are minified bundles or data, not code a person sends betas from


def _in_long_line(text: str, position: int) -> bool:
    start = text.rfind("\n", 0, position) + 1
    return _line_end(text, position) - start > _MAX_LINE


def _matches(text: str) -> Iterator[tuple[re.Match[str], list[tuple[str, int, int]]]]:
    for match in _HEADER_RE.finditer(text):
        if _in_long_line(text, match.start()):
            continue
        yield match, [(match.group("value"), match.start("value"), match.end("value"))]
    for match in _JS_BETAS_RE.finditer(text):
        if _in_long_line(text, match.start()):
            continue
        body_start = match.start("body")
        values = [
            (item.group("value"), body_start + item.start("value"), body_start + item.end("value"))
            for item in _JS_STRING_RE.finditer(match.group("body"))
        ]
        if values:
            yield match, values
