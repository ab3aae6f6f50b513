"""Run work items in forked child processes that the parent watches.

libcst's parser is native code: a pathological file can overflow its C stack (the process
dies with SIGSEGV) or keep it busy for minutes with no chance for a Python signal handler to
run. Parsing in a child lets the parent enforce a hard deadline per item and turn a crash
into a result, so one file never takes the run down or stalls a hook.

Children are forked once per run (not per item) and fed one item at a time, so the parent
always knows which item a dead or late child was working on; a replacement child takes the
rest. Forking after the parent has loaded libcst and read the files means children share both
without copying or pickling them.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    import multiprocessing.process
    from multiprocessing.connection import Connection

Item = TypeVar("Item")
Result = TypeVar("Result")

# The child's own clean timeout (a Python-level alarm) gets this long to report first.
_GRACE = 0.2


@dataclass(frozen=True)
class Lost:
    """An item whose child died or ran out of time: `reason` says which, for one line."""

    reason: str
    timed_out: bool = False


class ChildError(Exception):
    """An exception raised by `work` in a child, carried back to the parent."""

    def __init__(self, index: int, error: BaseException) -> None:
        super().__init__(str(error))
        self.index = index
        self.error = error


def can_isolate() -> bool:
    # fork is what makes this cheap; Windows has none, and macOS's system libraries are
    # not fork-safe (Python itself switched it to spawn).
    return hasattr(os, "fork") and sys.platform != "darwin"


@dataclass
class _Child(Generic[Item]):
    process: multiprocessing.process.BaseProcess
    connection: Connection
    index: int | None = None
    started: float = 0.0


def _serve(connection: Connection, items: Sequence[Item], work: Callable[[Item], object]) -> None:
    # A child must not run the parent's handlers (an interrupted run is the parent's to report),
    # nor dump a traceback when the parser crashes: the parent reports that as a BL999.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    faulthandler.disable()
    while True:
        index = connection.recv()
        if index is None:
            return
        try:
            reply: tuple[str, int, object] = ("ok", index, work(items[index]))
        except BaseException as error:  # every failure goes back to the parent
            reply = ("error", index, _picklable(error))
        connection.send(reply)


def _picklable(error: BaseException) -> BaseException:
    import pickle

    try:
        pickle.dumps(error)
    except Exception:  # an unpicklable exception still says what happened
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


def supervised_map(
    items: Sequence[Item],
    work: Callable[[Item], Result],
    jobs: int,
    deadline: float | None,
) -> Iterator[tuple[int, Result | Lost]]:
    """(index, result) for every item, in completion order; `Lost` when the child died or took
    longer than `deadline` seconds on the item. An exception raised by `work` is raised here
    as ChildError once the children are stopped."""
    if not items:
        return
    import multiprocessing  # loaded only when some file needs parsing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    queue = deque(range(len(items)))
    children: list[_Child[Item]] = []
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # a forked child must not write the parent's buffered output again

    def start() -> _Child[Item]:
        parent_end, child_end = context.Pipe()
        process = context.Process(target=_serve, args=(child_end, items, work), daemon=True)
        process.start()
        child_end.close()
        return _Child(process, parent_end)

    def feed(child: _Child[Item]) -> None:
        if queue:
            child.index = queue.popleft()
            child.started = time.monotonic()
            child.connection.send(child.index)
        else:
            child.index = None

    def retire(child: _Child[Item], kill: bool) -> None:
        if kill:
            child.process.kill()
        else:
            try:
                child.connection.send(None)
            except OSError:
                pass
        child.process.join()
        child.connection.close()

    try:
        for _ in range(max(1, min(jobs, len(items)))):
            child = start()
            children.append(child)
            feed(child)
        while any(child.index is not None for child in children):
            busy = [child for child in children if child.index is not None]
            timeout = None
            if deadline is not None:
                timeout = max(0.0, min(c.started for c in busy) + deadline + _GRACE - time.monotonic())
            ready = set(wait([c.connection for c in busy], timeout))
            now = time.monotonic()
            for position, child in enumerate(children):
                index = child.index
                if index is None:
                    continue
                if child.connection in ready:
                    try:
                        status, done, value = child.connection.recv()
                    except (EOFError, OSError):
                        retire(child, kill=True)
                        yield index, Lost(_death(child.process.exitcode))
                        children[position] = child = start()
                        feed(child)
                        continue
                    if status == "error":
                        assert isinstance(value, BaseException)
                        raise ChildError(done, value)
                    feed(child)
                    yield done, value
                elif deadline is not None and now - child.started > deadline + _GRACE:
                    retire(child, kill=True)
                    yield index, Lost(f"took longer than {deadline:g} s", timed_out=True)
                    children[position] = child = start()
                    feed(child)
    finally:
        for child in children:
            if child.process.is_alive() or child.process.exitcode is None:
                retire(child, kill=child.index is not None)


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"the parser crashed ({name})"
    return f"the checking process stopped unexpectedly (exit {exitcode})"
