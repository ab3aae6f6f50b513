"""The watched child processes that parse files: a crash or a hang costs one item, not the run."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from beta_lint.files.isolation import BARRIER, Barrier, ChildError, Lost, can_isolate, supervised_map

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


def _run(
    items: list[str], jobs: int, deadline: float | None = None, work: Callable[[str], str] | None = None
) -> dict[int, str | Lost]:
    numbered = [f"{index}:{item}" for index, item in enumerate(items)]
    chosen = work or _work
    results = supervised_map(numbered, lambda item: chosen(item.split(":", 1)[1]), jobs, deadline)
    return {int(item.split(":")[0]): result for item, result in results}


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


def test_a_barrier_holds_back_what_follows_until_everything_before_it_is_answered() -> None:
    answered: list[str] = []
    seen_at_barrier: list[list[str]] = []

    def produce() -> Iterator[str | Barrier]:
        yield from (f"first{i}" for i in range(6))
        yield BARRIER
        seen_at_barrier.append(sorted(answered))  # what the second pass is built from
        yield from (f"second{i}" for i in range(3))

    for _item, result in supervised_map(produce(), _work, 2, None):
        answered.append(result)
    assert seen_at_barrier == [sorted(f"FIRST{i}" for i in range(6))]
    assert sorted(answered) == sorted([f"FIRST{i}" for i in range(6)] + [f"SECOND{i}" for i in range(3)])


def _pid(item: str) -> int:
    if item.endswith("crash"):
        os.kill(os.getpid(), signal.SIGSEGV)
    time.sleep(0.05)  # long enough that both children take items
    return os.getpid()


def _key(item: str) -> str:
    return item.split(":")[0]


def test_an_item_goes_back_to_the_child_that_answered_its_key() -> None:
    # Without `home`, the second round shifts by one (k1 goes to whoever is free first, which
    # answered k0): every item lands on the other child.
    keys = [f"k{i}" for i in range(8)]
    items: list[str | Barrier] = [f"{key}:first" for key in keys] + [BARRIER] + [f"{key}:again" for key in keys[1:]]
    pids: dict[str, dict[str, object]] = {}
    for item, pid in supervised_map(items, _pid, 2, None, home=_key):
        key, which = item.split(":")
        pids.setdefault(key, {})[which] = pid
    assert len({answer["first"] for answer in pids.values()}) == 2  # both children worked
    assert all(answer["again"] == answer["first"] for answer in pids.values() if "again" in answer)


def test_an_item_whose_child_died_goes_to_another() -> None:
    items: list[str | Barrier] = ["k:first", BARRIER, "other:crash", BARRIER, "k:again"]
    results = {item: result for item, result in supervised_map(items, _pid, 1, None, home=_key)}
    assert results["other:crash"] == Lost("the parser crashed (SIGSEGV)")
    assert isinstance(results["k:again"], int) and results["k:again"] != results["k:first"]


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


def _allocate(item: str) -> str:
    if item == "huge":
        block = bytearray(400 << 20)  # 400 MiB at once: over a 64 MiB cap
        return str(len(block))
    if item == "native-oom":  # what libcst's native parser does when an allocation fails
        os.write(2, b"memory allocation of 540688 bytes failed\nstack backtrace:\n")
        os.abort()
    if item == "abort":
        os.abort()
    if item == "talk":
        os.write(2, b"a warning from the child\n")
    return item.upper()


def test_the_memory_cap_stops_an_item_and_the_child_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    from beta_lint.files.isolation import MEMORY_ENV

    monkeypatch.setenv(MEMORY_ENV, "64")
    results = _run(["a", "huge", "b"], 1, work=_allocate)
    assert results[1] == Lost("needs more than a worker's memory limit (64 MiB)", out_of_memory=True)
    assert (results[0], results[2]) == ("A", "B")


def test_the_default_memory_cap_is_3_gib(monkeypatch: pytest.MonkeyPatch) -> None:
    from beta_lint.files.isolation import MEMORY_ENV, describe_memory_limit, worker_memory_limit

    monkeypatch.delenv(MEMORY_ENV, raising=False)
    assert (worker_memory_limit(), describe_memory_limit()) == (3 << 30, "3 GiB")
    monkeypatch.setenv(MEMORY_ENV, "not a number")
    assert worker_memory_limit() == 3 << 30


def test_a_native_allocation_failure_is_reported_as_the_memory_limit(capfd: pytest.CaptureFixture[str]) -> None:
    results = _run(["native-oom", "abort", "a"], 1, work=_allocate)
    assert results[0].out_of_memory  # type: ignore[union-attr]
    assert "memory limit" in results[0].reason  # type: ignore[union-attr]
    assert results[1] == Lost("the parser crashed (SIGABRT)")
    assert results[2] == "A"
    assert "memory allocation" not in capfd.readouterr().err  # the crash is told once, in its result


def test_what_a_child_writes_to_standard_error_is_passed_on(capfd: pytest.CaptureFixture[str]) -> None:
    assert _run(["talk"], 1, work=_allocate) == {0: "TALK"}
    assert "a warning from the child" in capfd.readouterr().err


def test_without_a_temporary_folder_children_still_work(monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def refuse() -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    assert _run(["a", "crash", "b"], 1) == {0: "A", 1: Lost("the parser crashed (SIGSEGV)"), 2: "B"}


@pytest.mark.parametrize("heavy", [False, True])
def test_two_heavy_items_get_two_children_and_light_ones_share_one(heavy: bool) -> None:
    # Each child pays for loading libcst: two large files are worth a second one, two small not.
    size = 200 * 1024 if heavy else 100
    pids = {pid for _item, pid in supervised_map(["a", "b"], _pid, 2, None, weight=lambda item: size)}
    assert len(pids) == (2 if heavy else 1)
