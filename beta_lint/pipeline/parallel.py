"""Many files: the cache, the prefilter shared with a helper process, watched worker processes, and
the second pass for constants one module imports from another.

Results come back in the order of the paths given, whatever order the workers finish in.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from beta_lint.files.source import ReadError, content_digest, read_bytes
from beta_lint.model import Diagnostic, FileResult
from beta_lint.pipeline.linter import Linter
from beta_lint.python.symbols import SymbolTable

if TYPE_CHECKING:
    from beta_lint.files.cache import ResultCache, Stamp
    from beta_lint.files.isolation import Barrier

# Below this many candidate files a process pool costs more than it saves.
_POOL_THRESHOLD = 24
# From this many files, file stamps answer for unchanged files (see files/cache.py); below it,
# reading a few files costs less than loading a large cache.
_STAMP_THRESHOLD = 64
# From this many files to read, a helper process reads and prefilters half of them.
_SHARE_THRESHOLD = 1000

_WORKER: Linter | None = None


def _init_worker(linter: Linter) -> None:
    global _WORKER
    _WORKER = linter


def _lint_in_worker(item: Work) -> FileResult:
    assert _WORKER is not None
    return _lint_work(_WORKER, item)


# One file to parse: its path, its bytes when already read, and the symbol table of a second pass.
Work = tuple[str, "bytes | None", "SymbolTable | None"]


def lint_one(linter: Linter, path: str, data: bytes) -> FileResult:
    """One file already read (standard input), parsed where a crash cannot end the run."""
    ((_, result),) = _lint_each(linter, [(path, data, None)], 1)
    return result


def _lint_each(linter: Linter, work: Iterable[Work | Barrier], jobs: int) -> Iterator[tuple[Work, FileResult]]:
    """(item, result) for each file, in completion order; `work` is consumed lazily.

    Where the platform can fork, files are parsed in watched child processes: a file that
    crashes the native parser or outlives `file-timeout` becomes a BL999 and the run goes on.
    A `BARRIER` in `work` holds back what follows until everything before it is answered.
    """
    work = iter(work)
    first = next((item for item in work if isinstance(item, tuple)), None)  # not a barrier
    if first is None:
        return  # nothing to parse (a clean commit): neither libcst nor multiprocessing is loaded
    work = itertools.chain((first,), work)
    from beta_lint.files.isolation import ChildError, Lost, can_isolate, supervised_map

    if not can_isolate():
        yield from _lint_without_fork(linter, work, jobs)
        return
    try:
        lint = _lint_item(linter)
        outcomes = supervised_map(work, lint, jobs, linter.file_timeout, load_libcst, home=_path, weight=_size)
        for item, outcome in outcomes:
            yield item, linter.lost(item[0], item[1], outcome) if isinstance(outcome, Lost) else outcome
    except ChildError as failure:
        raise failure.error from None


def _path(item: Work) -> str:
    return item[0]


def _size(item: Work) -> int:
    return len(item[1]) if item[1] is not None else 0


def _lint_without_fork(linter: Linter, work: Iterable[Work | Barrier], jobs: int) -> Iterator[tuple[Work, FileResult]]:
    """The same without fork: in this process, or a pool for many files, up to each barrier."""
    from beta_lint.files.isolation import BARRIER, Barrier

    batch: list[Work] = []
    for item in itertools.chain(work, (BARRIER,)):
        if not isinstance(item, Barrier):
            batch.append(item)
            continue
        if jobs > 1 and len(batch) >= _POOL_THRESHOLD:
            from concurrent.futures import ProcessPoolExecutor  # only when there is work for a pool

            with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(linter,)) as pool:
                yield from zip(batch, pool.map(_lint_in_worker, batch, chunksize=4), strict=True)
        else:
            for one in batch:
                yield one, _lint_work(linter, one)
        batch = []


def _lint_work(linter: Linter, item: Work) -> FileResult:
    path, data, symbols = item
    if symbols is not None:
        linter = replace(linter, symbols=symbols)
    return linter.lint(path, data)


def load_libcst() -> None:
    import gc

    import beta_lint.python.extract  # noqa: F401  (each child loads it once, while the parent goes on reading)

    # What the child inherited and loaded lives until it exits: the collector need never look
    # at it again (a full collection in the middle of a large file walked all of libcst).
    gc.freeze()


def _lint_item(linter: Linter) -> Callable[[Work], FileResult]:
    return one_collection_per_item(lambda item: _lint_work(linter, item))


A = TypeVar("A")
R = TypeVar("R")


def one_collection_per_item(work: Callable[[A], R]) -> Callable[[A], R]:
    """`work` as run in a child: no garbage collection during an item, one after it."""
    import gc

    def run(item: A) -> R:
        # A syntax tree is millions of young objects, none garbage until the file is done:
        # collecting during the file is pure cost (12-25% of extraction). One collection after
        # it frees the file's cycles (scopes and their bindings) at once.
        gc.disable()
        try:
            return work(item)
        finally:
            gc.enable()
            # No collection ran during the file, so all its objects are in the youngest
            # generation: collecting that one frees its cycles. What survives (trees kept for
            # the second pass) moves on, and is not walked again after every later file.
            gc.collect(0)

    return run


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

    def opened_cache() -> ResultCache | None:
        """The cache, once opened (for a few files, by the first candidate): None until then."""
        return opened[0] if opened else None

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

    def to_parse() -> Iterator[Work]:
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
                yield path, data, None

    def second_pass(store: ResultCache | None) -> Iterator[Work]:
        """Modules that send constants imported from other scanned modules, again with the
        symbol table. Their results depend on the other modules' constants too: cached under
        the table's digest. The children that parsed them first still hold their trees."""
        table = SymbolTable.build(results.values())
        table_key = table.digest()
        for path in importers:
            if not table.resolves_any(path, results[path].wanted):
                continue
            if path in contents:
                second_keys[path] = f"{contents[path]}+{table_key}"
                seen.add((path, second_keys[path]))
            cached = store.get(path, second_keys[path]) if store is not None and path in second_keys else None
            if cached is not None:
                results[path] = cached
            else:
                yield path, None, table

    def work() -> Iterator[Work | Barrier]:
        yield from to_parse()
        from beta_lint.files.isolation import BARRIER

        yield BARRIER  # the first pass is answered below before the second is built
        store = opened_cache()
        if store is not None:
            for path in parsed:
                if results[path].digest == contents[path]:  # unchanged while we worked: safe to remember
                    store.put(path, contents[path], results[path])
        importers.extend(path for path, result in results.items() if result.wanted)
        if importers:
            yield from second_pass(store)

    importers: list[str] = []
    second_keys: dict[str, str] = {}
    for (path, _data, symbols), result in _lint_each(linter, work(), jobs):
        results[path] = result
        if symbols is None:
            if on_done is not None:
                on_done(1)
            continue
        store = opened_cache()
        if store is not None and path in second_keys and result.digest == contents[path]:
            store.put(path, second_keys[path], result)
    if importers:
        _merge_foreign(results, importers)
    store = opened_cache()
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
