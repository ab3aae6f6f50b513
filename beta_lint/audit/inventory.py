"""`beta-lint audit`: every beta a tree sends, grouped by beta, for the day a beta is retired.

Data flow: the same extraction as `check` (FileResult.usages) -> uses -> grouped by beta ->
filters -> one of four renderers (table, markdown, json, csv).

What counts as a use (one row of the inventory):

- a name written where it is sent (`betas=[...]`, an `anthropic-beta` header value, an
  `"anthropic-beta: a,b"` string, a text file) is one use at the name, of the usage's kind;
- a name reached through another name (a constant, a list collected with `.append`/`+=`, a
  value kept on `self`) is one use of kind `constant` where the name is written, listed once
  however often it is sent, and one use at every place it is sent, with the resolved name;
- a string that is not sent anywhere beta-lint can see but equals a registry name, or is bound
  to a `*beta*` variable, is a `constant` use where it is written (an exported constant, a
  dataclass default);
- a mention (a name only compared, asserted, typed, logged, or held by an expected value such
  as a parametrize row or a variable only asserted on) is not a use; `--include-mentions` lists
  mentions too, with role `mentioned`. Every use says whether it is in test code (`tests/`,
  `test_*.py`, `*_test.py`, `conftest.py`); `--exclude-tests` leaves those out;
- a value that cannot be resolved statically is a use in the `<dynamic>` group at the place it
  is sent: never dropped.

JSON output: see `json_format` (version 1). The kinds `constant` and `added` are definitions;
the others are send sites.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import PurePath

from beta_lint.audit.lifecycle import source_links, successor_chain
from beta_lint.errors import UsageError, parse_date
from beta_lint.knowledge.registry import STATUSES, Registry
from beta_lint.model import FileResult, Location, Usage

DYNAMIC = "<dynamic>"
DYNAMIC_STATUS = "dynamic"
# `dynamic` is accepted too, so a CI gate can insist that every beta is known statically.
FILTER_STATUSES: tuple[str, ...] = (*STATUSES, DYNAMIC_STATUS)

_TEST_DIRS = frozenset({"test", "tests"})
# Where a name is written down rather than sent: a constant, or an `.append(x)`/`.add(x)`.
DEFINITION_KINDS = frozenset({"constant", "added"})


# ---------------------------------------------------------------- uses


@dataclass(frozen=True)
class Use:
    path: str
    cell: int | None
    line: int
    column: int
    kind: str  # betas-argument | header | header-string | constant | text
    endpoint: str | None = None
    role: str = "bound"  # sent | bound | mentioned (see model.Role)
    test: bool = False  # in test code (tests/, test_*.py, *_test.py, conftest.py)
    # Filled in by audit.context (and audit.merge for `repository`):
    function: str | None = None  # the enclosing function or class, dotted (Class.method)
    code: str | None = None  # the line of code, stripped
    owners: tuple[str, ...] = ()  # from CODEOWNERS; () when no rule owns the file
    author: str | None = None  # the last change of the line, from git blame
    changed: str | None = None  # its date, YYYY-MM-DD
    repository: str | None = None  # set when audits of several repositories are merged

    @property
    def file(self) -> str:
        """The file, with its repository when audits were merged (`repo:path`)."""
        return f"{self.repository}:{self.path}" if self.repository else self.path

    @property
    def definition(self) -> bool:
        """A place the name is written down (a constant, an `.append`), not a place it is sent."""
        return self.kind in DEFINITION_KINDS

    def where(self) -> str:
        """`path:line:col`, or `notebook.ipynb:cell N:line:col` (notebook lines count per cell)."""
        cell = f"cell {self.cell}:" if self.cell is not None else ""
        return f"{self.path}:{cell}{self.line}:{self.column}"

    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.path, self.cell or 0, self.line, self.column, self.kind)


def _definition_kind(usage: Usage) -> str:
    """`added` for a name put into a list or set by `.append(x)`/`.add(x)`, else `constant`."""
    return "added" if usage.statement is not None else "constant"


def use_at(location: Location, kind: str, endpoint: str | None, role: str = "bound") -> Use:
    test = is_test_path(location.path)
    return Use(location.path, location.cell, location.line, location.column, kind, endpoint, role, test)


def is_test_path(path: str) -> bool:
    """Test code by the usual layouts (a use's `test` column, and `--exclude-tests`)."""
    parts = PurePath(path).parts
    name = parts[-1] if parts else path
    stem = name.rsplit(".", 1)[0]
    return (
        any(part in _TEST_DIRS for part in parts[:-1])
        or stem.startswith("test_")
        or stem.endswith("_test")
        or name == "conftest.py"
    )


def _within(inner: Location, outer: Location) -> bool:
    """Whether `inner` lies inside `outer`: a name written in the literal (or expression) sent."""
    return (
        inner.path == outer.path
        and inner.cell == outer.cell
        and (outer.line, outer.column) <= (inner.line, inner.column)
        and (inner.end_line, inner.end_column) <= (outer.end_line, outer.end_column)
    )


def uses_of(usage: Usage, mentions: bool = False) -> Iterator[tuple[str, Use]]:
    """The (beta name, use) pairs one extracted usage stands for (see the module docstring).

    Mentions (a name compared, asserted, typed or logged) are uses only when asked for.
    """
    endpoint = usage.request.endpoint if usage.request is not None else None
    if usage.role == "mentioned":
        if mentions:
            name = usage.name if usage.name is not None else DYNAMIC
            kind = "constant" if usage.kind == "literal" else usage.kind
            yield name, use_at(usage.location, kind, None, "mentioned")
        return
    # `betas=` of a call beta-lint does not know (the project's own function): the names are
    # listed where they are written, but the call is not vouched for as a send site. (A mapping
    # with an anthropic-beta key is a header wherever it goes.)
    unknown_call = usage.request is not None and usage.request.unknown_call
    if usage.name is None:
        if unknown_call:
            return
        # Where the unknown value enters the request is what someone has to go and read.
        kind = "constant" if usage.kind == "literal" else usage.kind
        yield DYNAMIC, use_at(usage.site, kind, endpoint, usage.role)
        return
    if usage.kind in ("literal", "constant"):
        yield usage.name, use_at(usage.location, _definition_kind(usage), None)
        return
    if not _within(usage.location, usage.site):
        # Reached through a name (the site is elsewhere): the definition, and where it is sent.
        yield usage.name, use_at(usage.location, _definition_kind(usage), None)
        if not unknown_call or _written_in_call(usage):
            yield usage.name, use_at(usage.site, usage.kind, endpoint, usage.role)
        return
    yield usage.name, use_at(usage.location, usage.kind, endpoint, usage.role)


def _written_in_call(usage: Usage) -> bool:
    """A constant written in the call's own `betas=[CONSTANT]` (not a variable passed along)."""
    request, element = usage.request, usage.element
    keyword = request.keyword_location if request is not None else None
    return element is not None and keyword is not None and _within(element, keyword)


_ROLE_RANK = {"mentioned": 0, "bound": 1, "sent": 2}


def collect_uses(results: Iterable[FileResult], mentions: bool = False) -> dict[str, list[Use]]:
    """Uses by beta name, each (path, cell, line, column, kind) once per beta."""
    found: dict[str, dict[tuple[str, int | None, int, int, str], Use]] = {}
    for result in results:
        for usage in result.usages:
            for name, use in uses_of(usage, mentions):
                key = (use.path, use.cell, use.line, use.column, use.kind)
                seen = found.setdefault(name, {}).get(key)
                # Alternatives of one request can repeat a use; keep an endpoint if any knows
                # it, and the strongest role (a constant sent by one call and bound by another).
                if seen is None or (seen.endpoint is None and use.endpoint is not None):
                    found[name][key] = use
                if _ROLE_RANK[found[name][key].role] < _ROLE_RANK[use.role]:
                    found[name][key] = replace(found[name][key], role=use.role)
    return {name: sorted(uses.values(), key=Use.sort_key) for name, uses in found.items()}


# ---------------------------------------------------------------- grouped by beta


@dataclass(frozen=True)
class BetaUses:
    name: str
    status: str  # a registry status, or "dynamic" for the <dynamic> group
    successor: str | None
    retires: str | None
    days_left: int | None
    uses: tuple[Use, ...]
    confidence: str | None = None
    ga_date: str | None = None
    chain: tuple[str, ...] = ()  # successor after successor (chain[-1] is the one to move to)
    cycle: bool = False  # the registry's successors come back to a name already passed
    note: str | None = None  # the registry's note: what the beta does, what to do about it
    sources: tuple[tuple[str, str | None], ...] = ()  # (text, address or None)

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(sorted({use.file for use in self.uses}))

    @property
    def final_successor(self) -> str | None:
        return self.chain[-1] if self.chain else self.successor

    @property
    def send_sites(self) -> int:
        return sum(1 for use in self.uses if not use.definition)

    @property
    def definitions(self) -> int:
        return sum(1 for use in self.uses if use.definition)


# Urgency: what is gone first, then what goes soonest; undated betas by how much they need
# doing (superseded and GA ones have somewhere to go), the dynamic group last.
_STATUS_URGENCY = {"retired": 0, "superseded": 1, "ga": 2, "unknown": 3, "active": 4, DYNAMIC_STATUS: 5}


def urgency(beta: BetaUses) -> tuple[int, int, int, int, str]:
    retired = 0 if beta.status == "retired" else 1
    dated = 0 if beta.days_left is not None else 1
    days = beta.days_left if beta.days_left is not None else 0
    return (
        beta.name == DYNAMIC,
        retired,
        dated,
        days if dated == 0 else _STATUS_URGENCY.get(beta.status, 9),
        beta.name,
    )


def group(uses: dict[str, list[Use]], registry: Registry, today: dt.date) -> list[BetaUses]:
    """One entry per beta, sorted by urgency (see `urgency`)."""
    groups: list[BetaUses] = []
    for name, listed in uses.items():
        if name == DYNAMIC:
            groups.append(BetaUses(name, DYNAMIC_STATUS, None, None, None, tuple(listed)))
            continue
        beta = registry.get(name)
        if beta is None:
            groups.append(BetaUses(name, "unknown", None, None, None, tuple(listed)))
            continue
        retires = beta.retires or beta.retired_date
        chain = successor_chain(registry, name)
        groups.append(
            BetaUses(
                name,
                beta.status,
                beta.successor,
                retires,
                days_between(retires, today),
                tuple(listed),
                confidence=beta.confidence,
                ga_date=beta.ga_date,
                chain=chain.steps,
                cycle=chain.cycle,
                note=beta.note,
                sources=source_links(beta.source),
            )
        )
    return sorted(groups, key=urgency)


def days_between(day: str | None, today: dt.date) -> int | None:
    return (dt.date.fromisoformat(day) - today).days if day else None


# ---------------------------------------------------------------- filters


def parse_statuses(value: str | None, option: str) -> frozenset[str] | None:
    """A comma list of statuses; None when the option was not given."""
    if value is None:
        return None
    statuses = frozenset(part.strip().lower() for part in value.split(",") if part.strip())
    unknown = sorted(statuses - set(FILTER_STATUSES))
    if unknown or not statuses:
        shown = ", ".join(repr(s) for s in unknown) if unknown else repr(value)
        raise UsageError(f"{option} {shown}: expected a comma list of {','.join(FILTER_STATUSES)}")
    return statuses


def _owner_key(owner: str) -> str:
    return owner.lstrip("@").lower()


def parse_owners(values: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(_owner_key(v.strip()) for v in values or () if v.strip())


def parse_day(value: str | None, option: str) -> dt.date | None:
    return None if value is None else parse_date(value, option)


@dataclass(frozen=True)
class Filters:
    betas: tuple[str, ...] = ()
    statuses: frozenset[str] | None = None
    retiring_before: dt.date | None = None
    owners: tuple[str, ...] = ()  # --owner: only uses owned by one of these (CODEOWNERS)
    exclude_tests: bool = False  # --exclude-tests: no uses in test code

    @property
    def active(self) -> bool:
        return bool(self.betas or self.owners) or self.statuses is not None or self.retiring_before is not None

    def keep_use(self, use: Use) -> bool:
        """`--exclude-tests`, and `--owner @team` (or `team`, or `none` for files no rule owns)."""
        if self.exclude_tests and use.test:
            return False
        if not self.owners:
            return True
        if not use.owners:
            return "none" in self.owners
        return any(_owner_key(owner) in self.owners for owner in use.owners)

    def keep(self, beta: BetaUses) -> bool:
        # `--beta computer-use` names a feature: every dated version of it matches.
        if self.betas and not any(beta.name == b or beta.name.startswith(b + "-") for b in self.betas):
            return False
        if self.statuses is not None and beta.status not in self.statuses:
            return False
        if self.retiring_before is not None:
            if beta.retires is None or dt.date.fromisoformat(beta.retires) >= self.retiring_before:
                return False
        return True


# ---------------------------------------------------------------- renderers


@dataclass(frozen=True)
class Report:
    betas: list[BetaUses]
    today: dt.date
    files_scanned: int
    repositories: tuple[str, ...] = ()  # the repository audited, or every one merged
    codeowners: str | None = None  # the CODEOWNERS file owners came from
    blame: bool = False  # whether last changes were looked up

    @property
    def use_count(self) -> int:
        return sum(len(b.uses) for b in self.betas)

    def summary(self) -> str:
        named = [b for b in self.betas if b.name != DYNAMIC]
        dynamic = sum(len(b.uses) for b in self.betas if b.name == DYNAMIC)
        files = len({path for b in self.betas for path in b.files})
        sites = sum(b.send_sites for b in self.betas)
        definitions = sum(b.definitions for b in self.betas)
        text = (
            f"{plural(len(named), 'beta')}, {plural(sites, 'send site')} and {plural(definitions, 'definition')} "
            f"in {files} of {plural(self.files_scanned, 'file')} scanned"
        )
        if len(self.repositories) > 1:
            text += f" in {plural(len(self.repositories), 'repository')}".replace("repositorys", "repositories")
        if dynamic:
            text += f"; {plural(dynamic, 'dynamic use')} could not be resolved statically"
        return text


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
