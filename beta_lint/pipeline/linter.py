"""One file through the stages: read -> prefilter -> extract -> check -> settle suppressions.

`Linter` holds what every file of a run shares (registry, enabled rules, the day, routes, the
symbol table of a second pass) and passes each stage exactly what it needs: the prefilter gets
the registry's names, the extractor the route table, the rules the registry and the day.
`parallel.py` runs it over many files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import re
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

from beta_lint.checks.runner import engine_error, run_rules
from beta_lint.checks.suppressions import settle
from beta_lint.files import prefilter
from beta_lint.files.source import (
    Cell,
    ReadError,
    SourceFile,
    content_digest,
    decode_python,
    load_source,
    looks_like_betas_keyword,
    read_bytes,
)
from beta_lint.knowledge.registry import Registry
from beta_lint.knowledge.routes import RouteTable, default_route_table
from beta_lint.model import Diagnostic, Export, Extraction, FileResult, Location, Suppression, Usage, escape_surrogates
from beta_lint.python.frontend import extract_cell, refuse_pathological

if TYPE_CHECKING:
    from beta_lint.files.isolation import Lost
    from beta_lint.python.symbols import SymbolTable


# Largest file whose slice the prefilter works out itself (see Linter._slices_to_nothing).
_SLICED_HERE_LIMIT = 1024 * 1024


@dataclass(frozen=True)
class Linter:
    registry: Registry
    enabled: frozenset[str]
    today: dt.date
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The folder of the config file that defined per_file_ignores: its patterns are relative to it.
    ignores_root: str | None = None
    max_file_size: int | None = None
    prefilter: bool = True
    slicing: bool = True
    file_timeout: float | None = None  # seconds; a slower file is skipped with a BL999
    symbols: SymbolTable | None = None  # constants of the other scanned modules (second pass)
    # None: the SDK route table is loaded when a file first needs it (not for a clean commit).
    route_table: RouteTable | None = None

    @property
    def routes(self) -> RouteTable:
        return self.route_table if self.route_table is not None else default_route_table()

    def needs_parsing(self, path: str, data: bytes) -> bool:
        """The prefilter: False only when nothing the extractor reports can be in the file."""
        if not self.prefilter:
            return True
        if not self.slicing:
            return prefilter.needs_parsing(path, data, self.extra_names)
        from beta_lint.python.slicer import SLICE_MIN_LINES  # read here: tests change it

        return prefilter.needs_parsing(
            path, data, self.extra_names, self.dated_names, SLICE_MIN_LINES, self._slices_to_nothing
        )

    def _slices_to_nothing(self, data: bytes) -> bool:
        """Whether a large light candidate's slice is empty (python/slicer.py): no statement of it
        can be reported, so no worker need start (and load libcst) to find that out.

        Django's 9k-line admin tests and a SymPy module full of dated strings were the only
        candidates of the Django + SymPy sdists: sent to workers, they cost 0.18 s of a 0.6 s
        run. The slicer is a scan, linear in the text; above _SLICED_HERE_LIMIT the worker,
        which file-timeout bounds, scans instead.
        """
        if len(data) > _SLICED_HERE_LIMIT or looks_like_betas_keyword(data):
            # A `betas=` keyword: its slice is never empty on the bench trees, and the worker
            # would scan it again (a 22k-line generated module with one call: +0.2 s).
            return False
        from beta_lint.python.slicer import slice_source

        try:
            text, _ = decode_python(data)
        except ReadError:
            return False  # the worker reports it as it should
        piece = slice_source(text, self.candidate_patterns(), self.beta_names)
        return piece is not None and not piece.text

    @functools.cached_property
    def beta_names(self) -> frozenset[str]:
        """The registry's names, for the slicer and the extractor (one set, not one per file)."""
        return frozenset(self.registry.betas)

    @functools.cached_property
    def extra_names(self) -> tuple[bytes, ...]:
        return prefilter.extra_names(self.registry)

    @functools.cached_property
    def dated_names(self) -> tuple[bytes, ...]:
        return prefilter.dated_names(self.registry)

    def candidate_patterns(self) -> tuple[re.Pattern[str], ...]:
        return prefilter.candidate_patterns(self.extra_names) if self.slicing else ()

    def ignored_codes(self, path: str) -> tuple[str, ...]:
        if not self.per_file_ignores:
            return ()
        import pathspec  # only with per-file-ignores

        relative = _relative_to(path, self.ignores_root)
        codes: list[str] = []
        for pattern, listed in self.per_file_ignores:
            if pathspec.GitIgnoreSpec.from_lines([pattern]).match_file(relative):
                codes.extend(listed)
        return tuple(codes)

    def lint(self, path: str, data: bytes | None = None) -> FileResult:
        """Lint one file; `data` given means it was read already (standard input)."""
        try:
            if data is None:
                data = read_bytes(path, self.max_file_size)
            if not self.needs_parsing(path, data):
                return FileResult(path, ())
            source = load_source(path, data)
        except ReadError as error:
            return self.failed(path, str(error))
        import beta_lint.python.extract  # noqa: F401  (loading libcst must not count against the file's time)

        try:
            with time_limit(self.file_timeout):
                result = self.lint_source(source)
        except FileTimeout:
            return self._timed_out(path)
        except UnicodeEncodeError as error:
            character = escape_surrogates(error.object[error.start : error.start + 1])
            reason = f"the text holds {character}, a lone surrogate the parser cannot read"
            return self.failed(path, f"cannot check: {reason}")
        except MemoryError:
            from beta_lint.files.isolation import describe_memory_limit

            limit = describe_memory_limit()
            return self.failed(path, f"skipped: needs more than a worker's memory limit ({limit}) to check")
        except (UnicodeError, RecursionError) as error:
            # Text the parser cannot hold (a lone surrogate from an escape codec) or nesting
            # and size beyond it: that one file is a BL999, the run goes on.
            return self.failed(path, f"cannot check: {type(error).__name__}: {_one_line(error)}")
        except Exception as error:
            if type(error).__name__ == "CSTValidationError":  # CPython accepts it, libcst does not
                return self.failed(path, f"cannot parse with libcst: {_one_line(error)}")
            error.beta_lint_path = path  # type: ignore[attr-defined]  # the bug report names the file
            raise
        return replace(result, digest=content_digest(data))

    def lint_source(self, source: SourceFile) -> FileResult:
        diagnostics: list[Diagnostic] = []
        usages: list[Usage] = []
        suppressions: list[Suppression] = []
        texts = {cell.cell: cell.text for cell in source.cells}
        exports: list[Export] = []
        wanted: list[str] = []
        wanted_from: list[tuple[int, str, str]] = []
        if source.notebook and len(source.cells) > 1:
            joined = self._lint_notebook_as_one(source)
            if joined is not None:
                return self.finish(source.path, *joined, texts)
        for cell in source.cells:
            try:
                extraction = self.extract(source.path, cell)
            except ReadError as error:
                diagnostics.append(
                    self.parse_error(source.path, str(error), cell.cell, error.line, error.column, error.end_column)
                )
                continue
            usages.extend(extraction.usages)
            suppressions.extend(extraction.suppressions)
            diagnostics.extend(self.check(extraction, cell.text))
            exports.extend(extraction.exports)
            wanted.extend(extraction.wanted)
            wanted_from.extend(extraction.wanted_from)
        result = self.finish(source.path, diagnostics, usages, suppressions, texts)
        return replace(result, exports=tuple(exports), wanted=tuple(wanted), wanted_from=tuple(wanted_from))

    def _lint_notebook_as_one(
        self, source: SourceFile
    ) -> tuple[list[Diagnostic], list[Usage], list[Suppression]] | None:
        """Cells run in one namespace: a client or constant from an earlier cell is in scope.

        The code cells are joined into one module, linted once, and every location is mapped
        back to its cell. None when the joined text does not parse (a cell is broken): the
        caller then lints cell by cell, so the broken cell gets its own BL999.
        """
        pieces: list[str] = []
        starts: list[tuple[int, int, int]] = []  # (cell number, offset, first line) in the joined text
        offset, line = 0, 1
        for cell in source.cells:
            text = cell.text if cell.text.endswith("\n") or not cell.text else cell.text + "\n"
            starts.append((cell.cell or 0, offset, line))
            pieces.append(text)
            offset += len(text)
            line += text.count("\n")
        joined = "".join(pieces)
        try:
            extraction = self.extract(source.path, Cell(joined, None))
        except ReadError:
            return None
        diagnostics = self.check(extraction, joined)

        def to_cell(location: Location) -> Location:
            number, start, first = next(s for s in reversed(starts) if s[1] <= location.offset)
            return replace(
                location,
                line=location.line - first + 1,
                end_line=location.end_line - first + 1,
                offset=location.offset - start,
                end_offset=location.end_offset - start,
                cell=number,
            )

        return (
            [remap_locations(d, to_cell) for d in diagnostics],
            [remap_locations(u, to_cell) for u in extraction.usages],
            [remap_locations(s, to_cell) for s in extraction.suppressions],
        )

    def extract(self, path: str, cell: Cell) -> Extraction:
        lookup = self.symbols.lookup if self.symbols is not None else None
        return extract_cell(path, cell, self.routes, self.beta_names, self.candidate_patterns(), lookup)

    def check(self, extraction: Extraction, text: str) -> list[Diagnostic]:
        return run_rules(extraction, text, self.registry, self.today, self.enabled)

    def parse_error(
        self,
        path: str,
        message: str,
        cell: int | None = None,
        line: int = 1,
        column: int = 1,
        end_column: int | None = None,
    ) -> Diagnostic:
        return engine_error(path, message, cell, line, column, end_column)

    def failed(self, path: str, message: str) -> FileResult:
        """The result for a file that could not be checked at all: one BL999 saying why."""
        return self.finish(path, [self.parse_error(path, message)], [], [])

    def _timed_out(self, path: str) -> FileResult:
        return self.failed(
            path,
            f"skipped: took longer than {self.file_timeout:g} s to check (file-timeout), "
            "the guard against pathological input",
        )

    def lost(self, path: str, data: bytes | None, lost: Lost) -> FileResult:
        """The BL999 for a file whose checking process crashed or ran out of time."""
        if lost.timed_out:
            return self._timed_out(path)
        if lost.out_of_memory:
            return self.failed(path, f"skipped: {lost.reason} to check")
        diagnostic = self.parse_error(path, f"cannot parse: {lost.reason}")
        try:
            source = load_source(path, data if data is not None else read_bytes(path, self.max_file_size))
        except ReadError as error:
            return self.failed(path, str(error))
        for cell in source.cells:
            if len(cell.text) > prefilter.LIGHT_CHECK_LIMIT:
                continue  # here, in the main process, neither file-timeout nor a memory cap applies
            try:
                # CPython's parser has guards libcst's lacks: its verdict makes the better message.
                refuse_pathological(cell.text, always=True)
            except ReadError as error:
                diagnostic = self.parse_error(path, str(error), cell.cell, error.line, error.column, error.end_column)
                break
        return self.finish(path, [diagnostic], [], [])

    def finish(
        self,
        path: str,
        diagnostics: list[Diagnostic],
        usages: list[Usage],
        suppressions: list[Suppression],
        texts: dict[int | None, str] | None = None,
    ) -> FileResult:
        return settle(path, diagnostics, usages, suppressions, texts, self.enabled, self.ignored_codes(path))


def _relative_to(path: str, root: str | None) -> str:
    """`path` relative to `root` (where patterns are written), as given when it lies outside."""
    import os

    if root is None:
        return path
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, root)
    except ValueError:  # another drive (Windows)
        return path
    return path if relative == os.pardir or relative.startswith(os.pardir + os.sep) else relative


T = TypeVar("T")


def remap_locations(value: T, mapping: Callable[[Location], Location]) -> T:
    """A copy of a frozen dataclass tree with every Location passed through `mapping`."""
    if isinstance(value, Location):
        return mapping(value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(remap_locations(item, mapping) for item in value)  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: remap_locations(getattr(value, f.name), mapping) for f in dataclasses.fields(value)}
        return replace(value, **changes)
    return value


class FileTimeout(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Interrupt a file that takes too long: one pathological file must not stall a hook.

    Uses an interval timer, so only in the main thread of a process (workers included).
    """
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise FileTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return escape_surrogates(text[:200])
