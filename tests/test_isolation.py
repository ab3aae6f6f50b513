"""The watched child processes that parse files: a crash or a hang costs one item, not the run."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from beta_lint.files.isolation import ChildError, Lost, can_isolate, supervised_map

pytestmark = pytest.mark.skipif(not can_isolate(), reason="needs fork")


def _work(item: str) -> str:
    if item == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    if item == "hang":
        time.sleep(60)
    if item == "raise":
        raise ValueError("bad item")
    if item == "exit":
        os._exit(3)
    return item.upper()


def _run(items: list[str], jobs: int, deadline: float | None = None) -> dict[int, str | Lost]:
    numbered = [f"{index}:{item}" for index, item in enumerate(items)]
    results = supervised_map(numbered, _numbered_work, jobs, deadline)
    return {int(item.split(":")[0]): result for item, result in results}


def _numbered_work(item: str) -> str:
    return _work(item.split(":", 1)[1])


@pytest.mark.parametrize("jobs", [1, 2, 4])
def test_every_item_gets_its_own_result(jobs: int) -> None:
    items = [f"file{i}" for i in range(25)]
    assert _run(items, jobs) == {i: f"FILE{i}" for i in range(25)}


def test_items_are_consumed_lazily_and_children_start_with_the_first() -> None:
    pulled: list[int] = []

    def produce() -> Iterator[str]:
        for index in range(5):
            pulled.append(index)
            yield f"item{index}"

    results = supervised_map(produce(), _work, 2, None)
    assert pulled == []  # nothing read before the first result is asked for
    assert sorted(result for _, result in results) == [f"ITEM{i}" for i in range(5)]
    assert pulled == list(range(5))


def test_a_child_that_cannot_start_stops_the_run() -> None:
    def broken() -> None:
        raise ImportError("no libcst")

    with pytest.raises(ChildError) as raised:
        list(supervised_map(["a"], _work, 1, None, prepare=broken))
    assert isinstance(raised.value.error, ImportError)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_crash_loses_one_item_and_the_rest_go_on(jobs: int) -> None:
    results = _run(["a", "crash", "b", "crash", "c"], jobs)
    assert results[1] == Lost("the parser crashed (SIGSEGV)")
    assert results[3] == Lost("the parser crashed (SIGSEGV)")
    assert [results[0], results[2], results[4]] == ["A", "B", "C"]


def test_a_child_that_exits_is_reported_with_its_exit_code() -> None:
    results = _run(["exit", "a"], 1)
    assert results == {0: Lost("the checking process stopped unexpectedly (exit 3)"), 1: "A"}


def test_a_hang_is_cut_at_the_deadline() -> None:
    start = time.monotonic()
    results = _run(["hang", "a", "b"], 1, deadline=0.5)
    elapsed = time.monotonic() - start
    assert results[0] == Lost("took longer than 0.5 s", timed_out=True)
    assert (results[1], results[2]) == ("A", "B")
    assert elapsed < 30  # not the 60 s the item asked for: a hang guard, not a benchmark


def test_an_exception_reaches_the_parent_with_its_item() -> None:
    with pytest.raises(ChildError) as raised:
        _run(["a", "raise", "b"], 1)
    assert raised.value.item == "1:raise"
    assert isinstance(raised.value.error, ValueError) and str(raised.value.error) == "bad item"


def test_no_child_outlives_the_run() -> None:
    _run(["a", "crash", "b"], 2)
    with pytest.raises(ChildError):
        _run(["raise", "hang"], 2)
    time.sleep(0.1)
    import multiprocessing

    assert multiprocessing.active_children() == []


class _Interrupted(Exception):
    pass


def _write_slowly(item: str) -> str:
    """A worker's write: marked uninterrupted, as fix/write.py marks it; `item` is a folder."""
    from beta_lint.files.isolation import uninterrupted

    folder = Path(item)
    with uninterrupted():
        (folder / "started").write_text(str(os.getpid()))
        time.sleep(1.0)
        (folder / "done").write_text("")
    return item


def _work_slowly(item: str) -> str:
    (Path(item) / "started").write_text(str(os.getpid()))
    time.sleep(60)
    return item


def _interrupt_once_started(folder: Path) -> None:
    """Raise _Interrupted in the parent (as Ctrl-C raises KeyboardInterrupt) once the child has begun."""

    def check(signum: int, frame: object) -> None:
        if (folder / "started").exists():
            raise _Interrupted
        signal.setitimer(signal.ITIMER_REAL, 0.05)

    signal.signal(signal.SIGALRM, check)
    signal.setitimer(signal.ITIMER_REAL, 0.05)


@pytest.mark.parametrize("gentle", [True, False])
def test_a_stopped_run_lets_a_gentle_child_finish_its_uninterrupted_section(tmp_path: Path, gentle: bool) -> None:
    previous = signal.getsignal(signal.SIGALRM)
    _interrupt_once_started(tmp_path)
    try:
        with pytest.raises(_Interrupted):
            list(supervised_map([str(tmp_path)], _write_slowly, 1, None, gentle=gentle))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    # Gentle: the section ran to its end before the run stopped. Otherwise the child was killed in it.
    assert (tmp_path / "done").exists() == gentle


def test_a_gentle_child_outside_a_section_stops_at_once(tmp_path: Path) -> None:
    previous = signal.getsignal(signal.SIGALRM)
    _interrupt_once_started(tmp_path)
    start = time.monotonic()
    try:
        with pytest.raises(_Interrupted):
            list(supervised_map([str(tmp_path)], _work_slowly, 1, None, gentle=True))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - start < 8  # not the 60 s of the item, nor the 10 s wait for a write
