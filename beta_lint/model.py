"""The typed interfaces between the pipeline's stages.

discover -> source (read + prefilter) -> extract (Usage, Request) -> checks (Diagnostic, Fix) -> report / fix.
Every stage speaks only in these frozen dataclasses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]
Applicability = Literal["safe", "unsafe"]

# How a beta name reaches (or is prepared for) a request.
UsageKind = Literal[
    "betas-argument",  # betas=[...] of a call
    "header",  # value of an anthropic-beta key in a header mapping
    "header-string",  # "anthropic-beta: a,b" inside any string
    "constant",  # definition of a named constant that is sent somewhere
    "literal",  # a string equal to a registry name, or bound to a name containing "beta"
    "text",  # found in a non-Python text file (Markdown, shell, YAML ...)
]

# Which checks apply to a usage: every check, or only the lifecycle ones (BL1xx) for
# strings that merely equal a registry name outside any send context.
CheckScope = Literal["all", "lifecycle"]

# What a name does in the program. sent: it reaches a request beta-lint recognised (an SDK
# call, an HTTP call to an Anthropic host, a raw header string). bound: it is held where a
# request may pick it up (a constant, a list being built, an argument of the project's own
# function). mentioned: it is only compared, asserted, typed, logged or read back; it never
# reaches a request, so no rule reports it and no fix edits it.
Role = Literal["sent", "bound", "mentioned"]
# Where a statement sits among exclusive branches: (branch point, arm) from the outermost.
# Two values whose paths part at the same branch point in different arms never meet.
BranchPath = tuple[tuple[int, int], ...]


def dominates(first: BranchPath, second: BranchPath) -> bool:
    """Whether every run that executes `second` executes `first` (its path is a prefix)."""
    return second[: len(first)] == first


def exclusive(left: BranchPath, right: BranchPath) -> bool:
    """Whether no run of the program executes both places (if/elif/else, match, try/except arms)."""
    for (point, arm), (other_point, other_arm) in zip(left, right, strict=False):
        if point != other_point:
            return False
        if arm != other_arm:
            return True
    return False


# The line ends Python and libcst count, which Location's lines follow: \r\n, \r and \n, not
# str.splitlines's form feed and others.
LINE_END_RE = re.compile(r"\r\n?|\n")
# Lone UTF-16 surrogates: a str holds them (a file name that is not UTF-8 arrives with
# surrogate escapes; "\ud800" written in linted code evaluates to one), UTF-8 cannot encode them.
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def escape_surrogates(text: str) -> str:
    """`text` with each lone surrogate written as its \\uXXXX escape, encodable anywhere."""
    return _SURROGATE_RE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


@dataclass(frozen=True, order=True)
class Location:
    """A range in a file. Lines and columns are 1-based; end_column is one past the end.

    Columns count Unicode code points. `offset`/`end_offset` are code-point offsets into the
    text that was parsed (for a notebook: the cell's source), used only to apply fixes.
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    offset: int = field(default=0, compare=False)
    end_offset: int = field(default=0, compare=False)
    cell: int | None = None


@dataclass(frozen=True)
class Request:
    """One place that sends betas: a call, a client, or a raw header string.

    `target` is the resolved SDK method path relative to the client ("beta.messages.create")
    or, for raw HTTP, "http". Fields are None when the code does not say it statically.
    """

    id: int
    location: Location  # the call (or string) that sends the betas
    # betas / extra_headers / default_headers / headers: the keyword that carries them;
    # with_options: client.with_options(default_headers=...); header-string: "anthropic-beta: ..."
    # inside a string; mapping: a header mapping not passed to any call beta-lint followed;
    # call: an SDK or HTTP call that sends no anthropic-beta of its own (the SDK may add one).
    carrier: Literal[
        "betas", "extra_headers", "default_headers", "headers", "header-string", "with_options", "mapping", "call"
    ]
    target: str | None = None
    endpoint: str | None = None
    http_method: str | None = None
    platform: str | None = None  # anthropic | bedrock | vertex | foundry
    model: str | None = None
    model_location: Location | None = None
    sdk_added: tuple[str, ...] = ()  # betas the SDK method adds by itself
    betas_param: bool | None = None  # whether the resolved SDK method takes `betas=`
    sdk_method_known: bool = False  # the call is a resolved SDK client method
    beta_namespace: bool | None = None  # True: client.beta.X, False: client.X (no betas= parameter)
    client_wide: bool = False  # default_headers / with_options: applies to every call of a client
    keyword_location: Location | None = None  # the `betas=` / `extra_headers=` keyword argument
    header_texts: tuple[HeaderText, ...] = ()  # raw header values, for punctuation checks
    header_key: HeaderKey | None = None  # the key that carried the header value, as written
    client_key: int | None = None  # offset of the call that created the client used (its identity)
    # For a request without its own anthropic-beta header: absent, or unknown (**kwargs...);
    # for betas carried by `**params`: unknown when the mapping could not be followed completely.
    beta_header: Literal["present", "absent", "unknown"] = "present"
    # Whether beta-lint knows this is an Anthropic request: an SDK method on a resolved client,
    # an HTTP call or raw header string whose URL is an Anthropic host. Rules about a request
    # and fixes that edit a call need it; a project's own function taking `betas` is not one.
    known: bool = False

    @property
    def unknown_call(self) -> bool:
        """`betas=` passed to a call beta-lint does not know (the project's own function): the
        names are checked where they are written, but the call is not vouched for as a send."""
        return not self.known and self.carrier == "betas"


@dataclass(frozen=True)
class HeaderText:
    """A value as it would be sent: a whole header value, or one element of `betas=[...]`.

    Dynamic parts are replaced by a placeholder word, so punctuation can still be checked.
    """

    text: str
    location: Location
    exact: bool  # True when `text` is one literal whose characters all map into the file
    kind: Literal["header", "item", "empty-list"] = "header"


@dataclass(frozen=True)
class HeaderKey:
    text: str
    location: Location


@dataclass(frozen=True)
class Usage:
    """One beta name (or one unresolvable value) sent, prepared or mentioned in the source."""

    kind: UsageKind
    name: str | None  # the item, stripped; None when the value is dynamic
    raw: str  # the item exactly as it would be sent
    location: Location  # where the name is written (the item inside its literal)
    site: Location  # where it enters the request (literal, or the carrying expression)
    request: Request | None = None
    scope: CheckScope = "all"
    via: str | None = None  # the constant name it was resolved through, if any
    alternative: int = 0  # which branch of a conditional value it belongs to
    element: Location | None = None  # the whole list element / literal holding it (for fixes)
    role: Role = "bound"
    branch: BranchPath = ()  # the branch of the statement that put it in the value
    # The `.append(x)`/`.add(x)` statement that adds exactly this name, for a removal fix;
    # `alone` when it is the only statement of its block (removing it needs a `pass`).
    statement: Location | None = None
    statement_alone: bool = False
    # False for a name written in test data pytest passes in (a parametrize row): no fix edits it.
    fixable: bool = True


@dataclass(frozen=True)
class Suppression:
    """A `# noqa` / `# beta-lint: ignore[...]` comment; codes empty means all."""

    line: int
    codes: tuple[str, ...]
    location: Location


@dataclass(frozen=True)
class Export:
    """A module-level constant other modules may import: a string or a list of strings."""

    name: str
    shape: Literal["str", "list"]
    items: tuple[tuple[str, Location], ...]  # each text and where it is written


@dataclass(frozen=True)
class Extraction:
    """Everything the extractor found in one file (or notebook)."""

    usages: tuple[Usage, ...]
    requests: tuple[Request, ...]
    suppressions: tuple[Suppression, ...] = ()
    # Module-level beta constants, for modules that import them (one project-wide table).
    exports: tuple[Export, ...] = ()
    # Names imported from other modules that were sent but could not be resolved here, and
    # where each was imported from: (relative level, module, name).
    wanted: tuple[str, ...] = ()
    wanted_from: tuple[tuple[int, str, str], ...] = ()


@dataclass(frozen=True)
class Edit:
    location: Location
    content: str


@dataclass(frozen=True)
class Fix:
    applicability: Applicability
    message: str
    edits: tuple[Edit, ...]
    note: str | None = None  # e.g. "the constant FILES_BETA is now unused"


@dataclass(frozen=True)
class Diagnostic:
    code: str
    name: str
    severity: Severity
    message: str
    location: Location
    beta: str | None = None
    endpoint: str | None = None
    related: tuple[Location, ...] = ()
    fix: Fix | None = None

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        loc = self.location
        return (loc.path, loc.cell or 0, loc.line, loc.column, self.code, self.message)


@dataclass(frozen=True)
class FileResult:
    """The outcome of linting one file: diagnostics kept and the number suppressed."""

    path: str
    diagnostics: tuple[Diagnostic, ...]
    suppressed: int = 0
    usages: tuple[Usage, ...] = ()
    unused_suppressions: tuple[Suppression, ...] = ()
    digest: str | None = None  # of the bytes linted: fixes refuse a file that changed since
    exports: tuple[Export, ...] = ()
    wanted: tuple[str, ...] = ()
    wanted_from: tuple[tuple[int, str, str], ...] = ()
