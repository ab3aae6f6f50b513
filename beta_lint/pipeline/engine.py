"""One file through the pipeline: read -> prefilter -> extract -> check -> suppress.

`Linter` holds what every file shares (registry, routes, selection); `lint_paths` runs it
over many files, in worker processes when there is enough work to pay for them.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import datetime as dt
import functools
import itertools
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from beta_lint.files.cache import ResultCache, Stamp
    from beta_lint.files.isolation import Lost
from beta_lint.checks.rules import RULES, Context, Finding, Rule
from beta_lint.files.source import (
    CANDIDATE_TEXT_RE,
    Cell,
    ReadError,
    SourceFile,
    candidate_kind,
    light_file_matters,
    load_source,
    read_bytes,
)
from beta_lint.knowledge.registry import Registry
from beta_lint.knowledge.routes import RouteTable, default_route_table
from beta_lint.model import (
    LINE_END_RE,
    Diagnostic,
    Export,
    Extraction,
    FileResult,
    Location,
    Request,
    Suppression,
    Usage,
    escape_surrogates,
)

# Below this many candidate files a process pool costs more than it saves.
_POOL_THRESHOLD = 24
# From this many files, file stamps answer for unchanged files (see cache.py); below it,
# reading a few files costs less than loading a large cache.
_STAMP_THRESHOLD = 64
# From this many files to read, a helper process reads and prefilters half of them.
_SHARE_THRESHOLD = 1000


@dataclass(frozen=True)
class Linter:
    registry: Registry
    enabled: frozenset[str]
    today: dt.date
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
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
        kind = candidate_kind(data, self.extra_names)
        if kind == "light" and not path.endswith(".ipynb"):
            return light_file_matters(data)
        return kind is not None

    @functools.cached_property
    def extra_names(self) -> tuple[bytes, ...]:
        """Byte strings that make a file a candidate beyond the prefilter's regex.

        Registry names without a dated tail (claude-code-20250219), allowed names, and the
        routes that require a beta (a raw call to /v1/agents without one is BL202).
        """
        names = {n for n in self.registry.names() if not _dated(n)} | set(self.registry.allowed)
        for beta in self.registry.betas.values():
            names.update(route.split("{")[0] for route in beta.required_on)
        return tuple(sorted(n.encode() for n in names if n))

    def candidate_patterns(self) -> tuple[re.Pattern[str], ...]:
        """What makes a statement worth parsing in a large file (see slicer.py)."""
        if not self.slicing:
            return ()
        extra = [re.escape(name.decode()) for name in self.extra_names]
        return (CANDIDATE_TEXT_RE, *((re.compile("|".join(extra)),) if extra else ()))

    def ignored_codes(self, path: str) -> tuple[str, ...]:
        codes: list[str] = []
        for pattern, listed in self.per_file_ignores:
            import pathspec  # only with per-file-ignores

            if pathspec.GitIgnoreSpec.from_lines([pattern]).match_file(path):
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
            with _time_limit(self.file_timeout):
                result = self.lint_source(source)
        except FileTimeout:
            return self._timed_out(path)
        except Exception as error:
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
        if source.notebook and len(source.cells) > 1:
            joined = self._lint_notebook_as_one(source)
            if joined is not None:
                return self._finish(source.path, *joined, texts)
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
        result = self._finish(source.path, diagnostics, usages, suppressions, texts)
        return replace(result, exports=tuple(exports), wanted=tuple(wanted))

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
        import libcst  # imported only when some file needs parsing: start-up stays fast

        from beta_lint.python.extract import InvalidLiteral, extract

        _refuse_pathological(cell.text)
        try:
            return extract(
                cell.text,
                path,
                self.routes,
                frozenset(self.registry.betas),
                cell.cell,
                self.candidate_patterns(),
                self.symbols.lookup if self.symbols is not None else None,
            )
        except libcst.ParserSyntaxError as error:
            position = _clamp(cell.text, *_python_position(cell.text, error.raw_line, error.raw_column + 1))
            raise ReadError(f"cannot parse: {error.message}", *position) from None
        except RecursionError:
            raise ReadError("cannot parse: nesting too deep for the parser") from None
        except InvalidLiteral as error:
            position = _clamp(cell.text, *_python_position(cell.text, 1, 1))
            raise ReadError(f"cannot parse: invalid string literal ({error})", *position) from None

    def check(self, extraction: Extraction, text: str) -> list[Diagnostic]:
        ctx = Context(self.registry, self.today, text)
        out: list[Diagnostic] = []
        rules = [RULES[code] for code in sorted(self.enabled) if code in RULES]
        by_request: dict[int, list[Usage]] = {}
        for usage in extraction.usages:
            if usage.request is not None:
                by_request.setdefault(usage.request.id, []).append(usage)
            for rule in rules:
                if rule.on_usage is None or (usage.scope == "lifecycle" and not rule.lifecycle):
                    continue
                out.extend(self._diagnostic(rule, finding, usage.request) for finding in rule.on_usage(usage, ctx))
        for request in extraction.requests:
            members = by_request.get(request.id, [])
            for rule in rules:
                if rule.on_request is not None:
                    out.extend(self._diagnostic(rule, f, request) for f in rule.on_request(request, members, ctx))
        for rule in rules:
            if rule.on_file is not None:
                for request, finding in rule.on_file(extraction.requests, by_request, ctx):
                    out.append(self._diagnostic(rule, finding, request))
        return out

    @staticmethod
    def _diagnostic(rule: Rule, finding: Finding, request: Request | None) -> Diagnostic:
        return Diagnostic(
            code=rule.code,
            name=rule.name,
            severity=rule.severity,
            # Quoted source text may hold a lone surrogate no output stream can encode.
            message=escape_surrogates(finding.message),
            location=finding.location,
            beta=finding.beta,
            endpoint=request.endpoint if request is not None else None,
            related=finding.related,
            fix=finding.fix,
        )

    def parse_error(
        self,
        path: str,
        message: str,
        cell: int | None = None,
        line: int = 1,
        column: int = 1,
        end_column: int | None = None,
    ) -> Diagnostic:
        rule = RULES["BL999"]
        end = column + 1 if end_column is None else end_column
        location = Location(path, line, column, line, end, cell=cell)
        return Diagnostic(rule.code, rule.name, rule.severity, message, location)

    def failed(self, path: str, message: str) -> FileResult:
        """The result for a file that could not be checked at all: one BL999 saying why."""
        return self._finish(path, [self.parse_error(path, message)], [], [])

    def _timed_out(self, path: str) -> FileResult:
        return self.failed(path, f"skipped: took longer than {self.file_timeout:g} s to check (file-timeout)")

    def lost(self, path: str, data: bytes | None, lost: Lost) -> FileResult:
        """The BL999 for a file whose checking process crashed or ran out of time."""
        if lost.timed_out:
            return self._timed_out(path)
        diagnostic = self.parse_error(path, f"cannot parse: {lost.reason}")
        try:
            source = load_source(path, data if data is not None else read_bytes(path, self.max_file_size))
        except ReadError as error:
            return self.failed(path, str(error))
        for cell in source.cells:
            try:
                # CPython's parser has guards libcst's lacks: its verdict makes the better message.
                _refuse_pathological(cell.text, always=True)
            except ReadError as error:
                diagnostic = self.parse_error(path, str(error), cell.cell, error.line, error.column, error.end_column)
                break
        return self._finish(path, [diagnostic], [], [])

    def _finish(
        self,
        path: str,
        diagnostics: list[Diagnostic],
        usages: list[Usage],
        suppressions: list[Suppression],
        texts: dict[int | None, str] | None = None,
    ) -> FileResult:
        ignored = self.ignored_codes(path)
        unique: dict[tuple[str, str, int, int, int | None, str], Diagnostic] = {}
        for diagnostic in diagnostics:
            if diagnostic.code != "BL999" and any(diagnostic.code.startswith(p) for p in ignored):
                continue
            if diagnostic.code not in self.enabled and diagnostic.code != "BL999":
                continue
            loc = diagnostic.location
            key = (diagnostic.code, loc.path, loc.offset, loc.end_offset, loc.cell, diagnostic.message)
            seen = unique.get(key)
            # One literal reached through several references: one diagnostic, whose fix edits
            # every reference (removing a constant's beta removes it at each send site).
            unique[key] = diagnostic if seen is None else _merge_fixes(seen, diagnostic)
        kept: list[Diagnostic] = []
        used: set[int] = set()
        suppressed = 0
        for diagnostic in unique.values():
            hit = _suppressing(diagnostic, suppressions)
            if hit is None:
                kept.append(diagnostic)
            else:
                used.add(hit)
                suppressed += 1
        unused = tuple(s for i, s in enumerate(suppressions) if i not in used and _names_ours(s))
        if "BL901" in self.enabled:
            kept.extend(self._unused_suppression(s, (texts or {}).get(s.location.cell)) for s in unused)
        kept.sort(key=Diagnostic.sort_key)
        return FileResult(path, tuple(kept), suppressed, tuple(usages), unused)

    def _unused_suppression(self, suppression: Suppression, text: str | None) -> Diagnostic:
        rule = RULES["BL901"]
        codes = ", ".join(suppression.codes) if suppression.codes else "all"
        fix = None
        if text is not None:
            from beta_lint.fix.edits import remove_comment

            fix = remove_comment(suppression.location, text)
        return Diagnostic(
            rule.code,
            rule.name,
            rule.severity,
            f"unused suppression ({codes}): nothing on this line is reported",
            suppression.location,
            fix=fix,
        )


def _merge_fixes(first: Diagnostic, second: Diagnostic) -> Diagnostic:
    if first.fix is None or second.fix is None or first.fix.applicability != second.fix.applicability:
        return first
    edits = list(first.fix.edits)
    for edit in second.fix.edits:
        span = (edit.location.offset, edit.location.end_offset)
        if any(span == (e.location.offset, e.location.end_offset) for e in edits):
            continue
        if any(span[0] < e.location.end_offset and e.location.offset < span[1] for e in edits):
            return first  # overlapping edits cannot both apply: keep the first fix whole
        edits.append(edit)
    return replace(first, fix=replace(first.fix, edits=tuple(edits)))


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
def _time_limit(seconds: float | None) -> Iterator[None]:
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


# Shapes that make libcst's native parser overflow the C stack (the process dies): very deep
# brackets or very long unary/attribute/call chains. Plain substring checks find the suspects
# (cheap even on 50 MB); CPython's own parser then refuses the real ones in microseconds.
_SUSPECT_RUNS = tuple(
    piece * count
    for piece, count in (
        ("(", 60),
        ("[", 60),
        ("{", 60),
        ("-", 200),
        ("+", 200),
        ("~", 200),
        ("not ", 60),
        ("1+", 100),
        (".a", 100),
        ("()", 100),
    )
)


def _compile_quietly(text: str) -> None:
    """CPython's parser as a check only: its warnings about the user's code are not ours."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compile(text, "<checked>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)


def _refuse_pathological(text: str, always: bool = False) -> None:
    if not always and not any(run in text for run in _SUSPECT_RUNS):
        return
    try:
        _compile_quietly(text)
    except (SyntaxError, RecursionError, MemoryError, ValueError) as error:
        line = getattr(error, "lineno", None) or 1
        column = getattr(error, "offset", None) or 1
        reason = getattr(error, "msg", None) or str(error) or type(error).__name__
        raise ReadError(f"cannot parse: {reason}", *_clamp(text, line, column)) from None


def _python_position(text: str, line: int, column: int) -> tuple[int, int]:
    """Where CPython's parser places a syntax error (libcst's tokenizer errors say 1:1)."""
    try:
        _compile_quietly(text)
    except SyntaxError as error:
        if error.lineno:
            return error.lineno, error.offset or 1
    except (RecursionError, MemoryError, ValueError):
        pass
    return line, column


def _clamp(text: str, line: int, column: int) -> tuple[int, int, int]:
    """A parser position made safe: (line, column, end column) inside the file and the line.

    The parser may count a column in bytes on a line with non-ASCII text, or point one line
    past the end at end of file. At the end of a line the range is empty: nothing to underline.
    """
    lines = LINE_END_RE.split(text)
    line = min(max(line, 1), len(lines))
    end_of_line = len(lines[line - 1]) + 1
    column = min(max(column, 1), end_of_line)
    return line, column, min(column + 1, end_of_line)


def content_digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _names_ours(suppression: Suppression) -> bool:
    """A bare `# noqa` may be for another linter: only ours count as unused."""
    return bool(suppression.codes) and all(code.startswith("BL") for code in suppression.codes)


def _suppressing(diagnostic: Diagnostic, suppressions: Sequence[Suppression]) -> int | None:
    for index, suppression in enumerate(suppressions):
        if suppression.location.cell != diagnostic.location.cell:
            continue
        if suppression.line != diagnostic.location.line:
            continue
        if not suppression.codes or any(diagnostic.code.startswith(c) for c in suppression.codes):
            return index
    return None


def _dated(name: str) -> bool:
    from beta_lint.knowledge.registry import looks_like_beta

    return looks_like_beta(name)


# ---------------------------------------------------------------- many files

_WORKER: Linter | None = None


def _init_worker(linter: Linter) -> None:
    global _WORKER
    _WORKER = linter


def _lint_in_worker(path: str) -> FileResult:
    assert _WORKER is not None
    return _WORKER.lint(path)


def lint_one(linter: Linter, path: str, data: bytes) -> FileResult:
    """One file already read (standard input), parsed where a crash cannot end the run."""
    ((_, result),) = _lint_each(linter, [(path, data)], 1)
    return result


def _lint_each(linter: Linter, work: Iterable[tuple[str, bytes | None]], jobs: int) -> Iterator[tuple[str, FileResult]]:
    """(path, result) for each file, in completion order; `work` is consumed lazily.

    Where the platform can fork, files are parsed in watched child processes: a file that
    crashes the native parser or outlives `file-timeout` becomes a BL999 and the run goes on.
    """
    work = iter(work)
    first = next(work, None)
    if first is None:
        return  # nothing to parse (a clean commit): neither libcst nor multiprocessing is loaded
    work = itertools.chain((first,), work)
    from beta_lint.files.isolation import ChildError, Lost, can_isolate, supervised_map

    if not can_isolate():
        work = list(work)
        if jobs > 1 and len(work) >= _POOL_THRESHOLD:
            from concurrent.futures import ProcessPoolExecutor  # only when there is work for a pool

            with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(linter,)) as pool:
                names = [path for path, _ in work]
                yield from zip(names, pool.map(_lint_in_worker, names, chunksize=4), strict=True)
        else:
            for path, data in work:
                yield path, linter.lint(path, data)
        return
    try:
        for (path, data), outcome in supervised_map(work, _lint_item(linter), jobs, linter.file_timeout, _load_libcst):
            yield path, linter.lost(path, data, outcome) if isinstance(outcome, Lost) else outcome
    except ChildError as failure:
        raise failure.error from None


def _load_libcst() -> None:
    import beta_lint.python.extract  # noqa: F401  (each child loads it once, while the parent goes on reading)


def _lint_item(linter: Linter) -> Callable[[tuple[str, bytes | None]], FileResult]:
    def lint_item(item: tuple[str, bytes | None]) -> FileResult:
        return linter.lint(*item)

    return lint_item


def _prefilter_elsewhere(linter: Linter, paths: Sequence[str]) -> Callable[[], dict[str, str]] | None:
    """Read and prefilter `paths` in a forked helper while the caller does the rest.

    The answer, from the returned function, maps each path to "clean", "parse" (the caller
    reads it again to parse it) or the one-line reason it could not be read. An empty answer
    (no fork here, or the helper failed) leaves every path to the caller.
    """
    from beta_lint.files.isolation import can_isolate

    if not can_isolate():
        return None
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def work() -> None:
        verdicts: dict[str, str] = {}
        try:
            for path in paths:
                try:
                    data = read_bytes(path, linter.max_file_size)
                except ReadError as error:
                    verdicts[path] = str(error) or "cannot read"
                    continue
                verdicts[path] = "parse" if linter.needs_parsing(path, data) else "clean"
        except BaseException:  # any surprise: the caller reads the rest itself, quietly
            pass
        sender.send(verdicts)

    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # a forked child must not write the parent's buffered output again
    helper = context.Process(target=work, daemon=True)
    helper.start()
    sender.close()

    def collect() -> dict[str, str]:
        try:
            answer: dict[str, str] = receiver.recv()
        except (EOFError, OSError):
            answer = {}  # the helper died: the caller reads everything itself
        receiver.close()
        helper.join()
        return answer

    return collect


def lint_paths(
    linter: Linter,
    paths: Sequence[str],
    jobs: int | None = None,
    cache: ResultCache | Callable[[], ResultCache | None] | None = None,
    on_done: Callable[[int], None] | None = None,
) -> Iterator[FileResult]:
    """Results in the order of `paths`. Files without a candidate byte are never parsed;
    candidates whose content is in the cache are not parsed again."""
    jobs = jobs or os.cpu_count() or 1
    contents: dict[str, str] = {}  # every candidate's digest, parsed or answered by the cache
    parsed: list[str] = []  # the candidates parsed in this run
    results: dict[str, FileResult] = {}
    seen: set[tuple[str, str]] = set()
    # The cache: for a few files (a commit) opened only once a candidate shows up, so a clean
    # commit never pays for it; for many, opened first, so unchanged files are not even read.
    opened: list[ResultCache | None] = [] if callable(cache) else [cache]
    if callable(cache) and len(paths) >= _STAMP_THRESHOLD:
        opened.append(cache())
    stamps = bool(opened) and opened[0] is not None and len(paths) >= _STAMP_THRESHOLD

    def answered_by_stamp(path: str, stamp: Stamp | None) -> bool:
        known = opened[0].unchanged(path, stamp) if opened[0] is not None else None
        if known is None:
            return False
        digest, result = known
        results[path] = result if result is not None else FileResult(path, ())
        if digest:
            seen.add((path, digest))
            contents[path] = digest
        if on_done is not None:
            on_done(1)
        return True

    def clean(path: str, stamp: Stamp | None) -> None:
        """A file the prefilter ruled out."""
        results[path] = FileResult(path, ())
        if stamp is not None and opened[0] is not None:
            opened[0].record(path, stamp, "")
        if on_done is not None:
            on_done(1)

    def to_parse() -> Iterator[tuple[str, bytes | None]]:
        stamped: dict[str, Stamp | None] = {}
        pending = list(paths)
        if stamps and opened[0] is not None:
            stamped = {path: opened[0].stamp_of(path) for path in paths}
            pending = [path for path in paths if not answered_by_stamp(path, stamped[path])]
        # A large run shares the reading and prefiltering with a helper process, every other
        # file (sorted paths put a big package's files together): its share comes last.
        collect = None
        if jobs > 1 and len(pending) >= _SHARE_THRESHOLD:
            collect = _prefilter_elsewhere(linter, pending[1::2])
            if collect is not None:
                pending = pending[0::2] + pending[1::2]
        split = (len(pending) + 1) // 2 if collect is not None else len(pending)
        verdicts: dict[str, str] = {}
        for index, path in enumerate(pending):
            if index == split and collect is not None:
                verdicts = collect()
            stamp = stamped.get(path)
            verdict = verdicts.get(path)
            if verdict == "clean":
                clean(path, stamp)
                continue
            if verdict is not None and verdict != "parse":
                results[path] = linter.failed(path, verdict)  # why the helper could not read it
                continue
            try:
                data = read_bytes(path, linter.max_file_size)
            except ReadError as error:
                results[path] = linter.failed(path, str(error))
                continue
            if verdict is None and not linter.needs_parsing(path, data):
                clean(path, stamp)
                continue
            digest = content_digest(data)
            seen.add((path, digest))
            contents[path] = digest
            if not opened and callable(cache):
                opened.append(cache())
            if stamp is not None and opened[0] is not None:
                opened[0].record(path, stamp, digest)
            cached = opened[0].get(path, digest) if opened[0] is not None else None
            if cached is not None:
                results[path] = cached
            else:
                parsed.append(path)
                yield path, data

    for path, result in _lint_each(linter, to_parse(), jobs):
        results[path] = result
        if on_done is not None:
            on_done(1)
    store = opened[0] if opened else None
    if store is not None:
        for path in parsed:
            if results[path].digest == contents[path]:  # unchanged while we worked: safe to remember
                store.put(path, contents[path], results[path])
    # Second pass: modules that send constants imported from other scanned modules. Their
    # results depend on the other modules' constants too: cached under the table's digest.
    importers = [path for path, result in results.items() if result.wanted]
    if importers:
        table = SymbolTable.build(results.values())
        second = replace(linter, symbols=table)
        table_key = table.digest()
        keys = {path: f"{contents[path]}+{table_key}" for path in importers if path in contents}
        seen.update(keys.items())
        again: list[tuple[str, bytes | None]] = []
        for path in importers:
            if not table.resolves_any(path, results[path].wanted):
                continue
            cached = store.get(path, keys[path]) if store is not None and path in keys else None
            if cached is not None:
                results[path] = cached
            else:
                again.append((path, None))
        for path, result in _lint_each(second, again, jobs):
            results[path] = result
            if store is not None and path in keys and result.digest == contents[path]:
                store.put(path, keys[path], result)
        _merge_foreign(results, importers)
    if store is not None:
        store.save(seen)
    for path in paths:
        yield results[path]


def _merge_foreign(results: dict[str, FileResult], importers: Sequence[str]) -> None:
    """A name an importer sends but another module defines is reported at the definition, where
    that module's own run may report it too: one diagnostic each, the one with a fix kept."""
    for path in importers:
        result = results[path]
        kept: list[Diagnostic] = []
        for diagnostic in result.diagnostics:
            owner = results.get(diagnostic.location.path)
            if diagnostic.location.path == path or owner is None:
                kept.append(diagnostic)
                continue
            loc = diagnostic.location
            same = [
                i
                for i, d in enumerate(owner.diagnostics)
                if (d.code, d.beta, d.location.offset, d.location.end_offset, d.location.cell)
                == (diagnostic.code, diagnostic.beta, loc.offset, loc.end_offset, loc.cell)
            ]
            if not same:
                kept.append(diagnostic)
            elif owner.diagnostics[same[0]].fix is None and diagnostic.fix is not None:
                swapped = list(owner.diagnostics)
                swapped[same[0]] = diagnostic
                results[owner.path] = replace(owner, diagnostics=tuple(swapped))
        if len(kept) != len(result.diagnostics):
            results[path] = replace(result, diagnostics=tuple(kept))


@dataclass(frozen=True)
class SymbolTable:
    """Module-level beta constants of every scanned candidate file, by dotted module name."""

    modules: dict[str, dict[str, Export]]

    @staticmethod
    def module_name(path: str) -> str:
        stem = os.path.normpath(path)
        for suffix in (".pyi", ".py", ".ipynb"):
            if stem.endswith(suffix):
                stem = stem[: -len(suffix)]
        parts = [p for p in stem.split(os.sep) if p not in ("", ".")]
        if parts and parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)

    @classmethod
    def build(cls, results: Iterable[FileResult]) -> SymbolTable:
        modules: dict[str, dict[str, Export]] = {}
        for result in results:
            if result.exports:
                modules[cls.module_name(result.path)] = {e.name: e for e in result.exports}
        return cls(modules)

    def _target(self, importer: str, level: int, module: str) -> str | None:
        if level:
            package = self.module_name(importer).split(".")
            if not os.path.basename(importer).startswith("__init__."):
                package = package[:-1]
            if level - 1 > len(package):
                return None
            base = package[: len(package) - (level - 1)]
            return ".".join([*base, module] if module else base)
        if module in self.modules:
            return module
        # The scan may start above the package root (src/acme/config.py for acme.config).
        matches = [name for name in self.modules if name.endswith("." + module)]
        return matches[0] if len(matches) == 1 else None

    def digest(self) -> str:
        """Changes whenever any exported constant (its name, value or place) changes."""
        import hashlib
        import pickle

        return hashlib.sha256(pickle.dumps(sorted(self.modules.items()))).hexdigest()[:16]

    def lookup(self, importer: str, level: int, module: str, name: str) -> Export | None:
        target = self._target(importer, level, module)
        return self.modules.get(target, {}).get(name) if target is not None else None

    def resolves_any(self, importer: str, wanted: Iterable[str]) -> bool:
        # The importer's own import table is not kept; any wanted name exported anywhere counts.
        names = set(wanted)
        return any(names & set(exports) for exports in self.modules.values())
