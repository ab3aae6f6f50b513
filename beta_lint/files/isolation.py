"""Run work items in forked child processes that the parent watches.

libcst's parser is native code: a pathological file can overflow its C stack (the process
dies with SIGSEGV) or keep it busy for minutes with no chance for a Python signal handler to
run. Parsing in a child lets the parent enforce a hard deadline per item and turn a crash
into a result, so one file never takes the run down or stalls a hook.

Children are forked once per run (not per item) and fed one item at a time, so the parent
always knows which item a dead or late child was working on; a replacement child takes the
rest. Forking after the parent has loaded libcst and read the files means children share both
without copying or pickling them.

A child that writes (fixes run here too) marks each write `uninterrupted()`. With `gentle`, a
run that stops early (Ctrl-C, an error) asks its busy children to stop with SIGTERM instead of
killing them: a child stops at once outside such a section, and after it (and its reply) inside
one, so a write is never cut in half and never leaves its temporary file behind.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import signal
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    import multiprocessing.process
    from multiprocessing.connection import Connection

Item = TypeVar("Item")
Result = TypeVar("Result")

# The child's own clean timeout (a Python-level alarm) gets this long to report first.
_GRACE = 0.2
# Items read ahead while every child is busy: enough to keep them fed, bounded in memory.
_LOOKAHEAD = 32
# Items waiting per child before another child starts.
_BACKLOG = 2
# Or this much weight waiting per child (see supervised_map's `weight`).
_WEIGHT_PER_CHILD = 64 * 1024


@dataclass(frozen=True)
class Lost:
    """An item whose child died or ran out of time: `reason` says which, for one line."""

    reason: str
    timed_out: bool = False
    out_of_memory: bool = False  # it hit the worker's memory limit (see worker_memory_limit)


class Barrier:
    """Put among the items: none after it is taken until every item before it is answered.

    The caller's generator then runs on knowing all earlier results (a second pass is built
    from the first), and the same children, with what they kept in memory, take the rest.
    """


BARRIER = Barrier()


class ChildError(Exception):
    """An exception raised by `work` in a child, carried back to the parent."""

    def __init__(self, item: object, error: BaseException) -> None:
        super().__init__(str(error))
        self.item = item
        self.error = error


def can_isolate() -> bool:
    # fork is what makes this cheap; Windows has none, and macOS's system libraries are
    # not fork-safe (Python itself switched it to spawn).
    return hasattr(os, "fork") and sys.platform != "darwin"


@dataclass
class _Child(Generic[Item]):
    process: multiprocessing.process.BaseProcess
    connection: Connection
    log: IO[bytes] | None  # the child's standard error (see _serve); None: it shares the parent's
    ready: bool = False  # has loaded what `prepare` loads and asked for work
    item: Item | None = None  # what it is working on
    started: float = 0.0


_PR_SET_PDEATHSIG = 1
# The address space a worker may add to what it holds once libcst is loaded. A file that needs
# more becomes a BL999 naming this limit instead of swapping the machine to a halt (a 50 MB
# file grew to 18.6 GB before it was capped).
WORKER_MEMORY_BYTES = 3 << 30
# Overrides the limit, in MiB (for the tests, which need a file to hit it; not a user setting).
MEMORY_ENV = "BETA_LINT_WORKER_MEMORY_MB"
# How long a busy child asked to stop (gentle mode) gets to finish its write before it is killed.
_STOP_WAIT = 10.0


def worker_memory_limit() -> int:
    """The bytes a worker may add to its address space: WORKER_MEMORY_BYTES unless overridden."""
    value = os.environ.get(MEMORY_ENV, "")
    return int(value) << 20 if value.isdigit() and int(value) > 0 else WORKER_MEMORY_BYTES


def describe_memory_limit() -> str:
    limit = worker_memory_limit()
    return f"{limit >> 30} GiB" if limit % (1 << 30) == 0 else f"{limit >> 20} MiB"


def _cap_memory() -> None:
    try:
        import resource
    except ImportError:  # not on this platform
        return
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[0])
        current = pages * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        wanted = current + worker_memory_limit()
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (OSError, ValueError, IndexError):
        pass


def _die_with_parent(parent: int) -> None:
    """A worker killed with its parent (SIGTERM, SIGKILL): none is left holding the run's
    stdout and stderr, which would hang whoever reads them (CI logs, `| cat`). Linux only."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


class _Stop(BaseException):
    """Raised in a child by SIGTERM outside an uninterrupted section: it stops where it is."""


@dataclass
class _StopState:
    depth: int = 0  # nested uninterrupted sections being run
    asked: bool = False  # a stop arrived during one: honoured once the item is answered


_STOP = _StopState()


def _on_stop(signum: int, frame: object) -> None:
    _STOP.asked = True
    if not _STOP.depth:
        raise _Stop


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """A section a stopping child finishes first (a file write: its temporary file, the swap,
    the check after it). Only SIGKILL cuts it, which the parent sends when it must: the child
    crashed, or did not stop within _STOP_WAIT. Outside a child it changes nothing."""
    _STOP.depth += 1
    try:
        yield
    finally:
        _STOP.depth -= 1


def _serve(
    connection: Connection,
    work: Callable[[Item], object],
    prepare: Callable[[], None] | None,
    parent: int,
    log: int | None,
) -> None:
    # A child must not run the parent's handlers (an interrupted run is the parent's to report),
    # nor dump a traceback when the parser crashes: the parent reports that as a BL999. Its
    # standard error goes to `log`, which the parent reads: libcst's native parser, out of memory,
    # prints "memory allocation of N bytes failed" and a backtrace, then aborts.
    if log is not None:
        os.dup2(log, 2)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_stop)
    faulthandler.disable()
    _die_with_parent(parent)
    try:
        _answer(connection, work, prepare)
    except _Stop:
        return  # asked to stop between items, or in the middle of one that writes nothing


def _answer(connection: Connection, work: Callable[[Item], object], prepare: Callable[[], None] | None) -> None:
    try:
        if prepare is not None:
            prepare()  # before asking for work: loading libcst must not count against a file's time
        _cap_memory()
    except _Stop:
        raise
    except BaseException as error:
        connection.send(("error", _picklable(error)))
        return
    connection.send(("ready", None))
    while not _STOP.asked:
        message = connection.recv()
        if message is None:
            return
        try:
            reply: tuple[str, object] = ("ok", work(message))
        except _Stop:
            raise
        except MemoryError:
            reply = ("memory", None)  # freed by now: the item is lost, the child goes on
        except BaseException as error:  # every failure goes back to the parent
            reply = ("error", _picklable(error))
        connection.send(reply)


def _picklable(error: BaseException) -> BaseException:
    import pickle

    try:
        pickle.dumps(error)
    except Exception:  # an unpicklable exception still says what happened
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


def supervised_map(
    items: Iterable[Item | Barrier],
    work: Callable[[Item], Result],
    jobs: int,
    deadline: float | None,
    prepare: Callable[[], None] | None = None,
    gentle: bool = False,
    home: Callable[[Item], object] | None = None,
    weight: Callable[[Item], int] | None = None,
) -> Generator[tuple[Item, Result | Lost], None, None]:
    """(item, result) for every item, in completion order; `Lost` when the child died or took
    longer than `deadline` seconds on the item. An exception raised by `work` is raised here
    as ChildError once the children are stopped.

    `items` is consumed lazily, and the first child starts with the first item: the caller's
    own work in producing items (reading, prefiltering) overlaps the children's. Items are
    sent to the children through pipes, so they must pickle, and never be None (a child
    holding None is idle). `prepare` runs once in each child. With `gentle`, a run that stops
    early asks its busy children to stop (SIGTERM) and waits for them (see `uninterrupted`).
    With `home`, an item whose key was answered before goes to the child that answered it,
    while that child lives (it may hold what it parsed then), and waits for it when it is busy.
    With `weight` (an item's size), another child also starts once the waiting items weigh
    more than _WEIGHT_PER_CHILD per child: two large files get two children, many small ones
    share one until they pile up.
    """
    import multiprocessing  # loaded only when some file needs parsing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    source = iter(items)
    queue: deque[Item] = deque()
    children: list[_Child[Item]] = []
    exhausted = False
    waiting = False  # at a barrier: nothing more is taken until every item before it is answered
    homes: dict[object, int] = {}  # an item's key -> the pid of the child that answered it
    jobs = max(1, jobs)

    def start() -> _Child[Item]:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # None: started with that descriptor closed
                stream.flush()  # a forked child must not write the parent's buffered output again
        parent_end, child_end = context.Pipe()
        try:
            log: IO[bytes] | None = tempfile.TemporaryFile()
        except OSError:  # no writable temporary folder: the child writes to the run's stderr
            log = None
        fd = log.fileno() if log is not None else None
        process = context.Process(target=_serve, args=(child_end, work, prepare, os.getpid(), fd), daemon=True)
        process.start()
        child_end.close()
        return _Child(process, parent_end, log)

    def pull() -> None:
        """Take the next item into the queue, starting a child if none is free for it."""
        nonlocal exhausted, waiting
        try:
            item = next(source)
        except StopIteration:
            exhausted = True
            return
        if isinstance(item, Barrier):
            waiting = True
            return
        queue.append(item)
        # Each child costs a libcst load (0.1-0.2 s of CPU): one more only once work piles up.
        if len(children) < jobs and (
            len(queue) > _BACKLOG * len(children)
            or (weight is not None and sum(map(weight, queue)) > _WEIGHT_PER_CHILD * len(children))
        ):
            children.append(start())

    def dispatch() -> None:
        for child in children:
            if child.ready and child.item is None and queue:
                item = _next_for(child, queue, homes, home, children)
                if item is None:
                    continue  # what is queued waits for the children that hold it
                child.item = item
                child.started = time.monotonic()
                child.connection.send(child.item)

    def retire(child: _Child[Item], kill: bool) -> bytes:
        """Stop a child; what it wrote to standard error (passed on unless it was killed)."""
        if kill and gentle and child.ready and child.process.pid is not None:
            try:
                os.kill(child.process.pid, signal.SIGTERM)  # it finishes a write it is in, then stops
            except OSError:
                pass
            child.process.join(_STOP_WAIT)
        if kill:
            child.process.kill()
        else:
            try:
                child.connection.send(None)
            except OSError:
                pass
        child.process.join()
        child.connection.close()
        if child.log is None:
            return b""
        said = _read_log(child.log)
        if said and not kill:  # nothing a child says is lost; what a crash said is in its BL999
            sys.stderr.flush()
            try:
                os.write(2, said)
            except OSError:
                pass
        child.log.close()
        return said

    def handle(timeout: float | None) -> Iterator[tuple[Item, Result | Lost]]:
        ready = set(wait([child.connection for child in children], timeout))
        now = time.monotonic()
        for position, child in enumerate(children):
            held = child.item
            if child.connection in ready:
                try:
                    status, value = child.connection.recv()
                except (EOFError, OSError):
                    said = retire(child, kill=True)
                    children[position] = start()
                    if held is not None:
                        yield held, _death(child.process.exitcode, said)
                    continue
                child.ready, child.item = True, None
                if status == "memory" and held is not None:
                    yield held, _out_of_memory()
                    continue
                if status == "error":
                    assert isinstance(value, BaseException)
                    raise ChildError(held, value)
                if status == "ok" and held is not None:
                    if home is not None and child.process.pid is not None:
                        homes[home(held)] = child.process.pid
                    yield held, value
            elif held is not None and deadline is not None and now - child.started > deadline + _GRACE:
                retire(child, kill=True)
                children[position] = start()
                yield held, Lost(f"took longer than {deadline:g} s", timed_out=True)

    try:
        while True:
            if children:
                yield from handle(0)  # answer whoever is done, without waiting
            dispatch()
            if not exhausted and not waiting and len(queue) < _LOOKAHEAD:
                pull()  # produce while the children work (or start)
                continue
            busy = [child for child in children if child.item is not None]
            if waiting and not queue and not busy:
                waiting = False  # every item before the barrier is answered: take the next ones
                continue
            if exhausted and not queue and not busy:
                return
            timeout = None
            if deadline is not None and busy:
                timeout = max(0.0, min(c.started for c in busy) + deadline + _GRACE - time.monotonic())
            yield from handle(timeout)
    finally:
        for child in children:
            if child.process.exitcode is None:
                retire(child, kill=child.item is not None or not child.ready)


def _next_for(
    child: _Child[Item],
    queue: deque[Item],
    homes: dict[object, int],
    home: Callable[[Item], object] | None,
    children: list[_Child[Item]],
) -> Item | None:
    """The first queued item this child may take: one it answered before, or one whose child is gone."""
    if home is None or not homes:
        return queue.popleft()
    living = {other.process.pid for other in children}
    for position, item in enumerate(queue):
        pid = homes.get(home(item))
        if pid is None or pid == child.process.pid or pid not in living:
            del queue[position]
            return item
    return None


def _out_of_memory() -> Lost:
    return Lost(f"needs more than a worker's memory limit ({describe_memory_limit()})", out_of_memory=True)


_LOG_LIMIT = 64 * 1024


def _read_log(log: IO[bytes]) -> bytes:
    try:
        log.seek(0)
        return log.read(_LOG_LIMIT)
    except (OSError, ValueError):
        return b""


def _death(exitcode: int | None, said: bytes) -> Lost:
    if b"memory allocation of" in said:  # the native parser's own words before it aborts
        return _out_of_memory()
    return Lost(_reason(exitcode))


def _reason(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"the parser crashed ({name})"
    return f"the checking process stopped unexpectedly (exit {exitcode})"
