#!/usr/bin/env python3
"""`check --fix` on many files, timed with 1 and 2 workers (issue 14: fixes run in the workers).

    python3 bench/fix_parallel.py                       # 3,000 files of 400 lines, a third fixable
    python3 bench/fix_parallel.py --files 600 --repeat 1 --jobs 1,2

The tree is generated in bench/work/fix_parallel/tree (git-ignored): every file imports the SDK
and calls it (so each one is parsed), every `--every`-th one also sends a beta that is generally
available (`prompt-caching-2024-07-31`), which the safe fix removes. Each run fixes a fresh copy
of the tree with `python -m beta_lint check --no-cache --fix -j N`, and checks that exactly the
fixable files changed. The table gives the median wall time; the CPU time of the command with
its workers, of its main process alone, and of its busiest worker (each process's own time,
sampled from /proc every 0.1 s); and the machine's load (the 1-minute load average before the
run, and the cores other processes used during it, from /proc/stat). On a shared machine wall
time says little: the main process's CPU time is the serial part of the run, whatever the load.
Linux only (it reads /proc); standard library only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

WORK = Path(__file__).resolve().parent / "work" / "fix_parallel"
GA_CALL = 'client.beta.messages.create(model="m", max_tokens=1, messages=[], betas=["prompt-caching-2024-07-31"])\n'
PLAIN_CALL = 'client.messages.create(model="m", max_tokens=1, messages=[])\n'


def module(index: int, lines: int, fixable: bool) -> str:
    head = f'"""Module {index}."""\n\nimport anthropic\n\nclient = anthropic.Anthropic()\n\n'
    body: list[str] = []
    count = head.count("\n") + 2
    function = 0
    while count + 8 <= lines:
        body.append(
            f"\ndef handler_{function}(value: int) -> dict[str, int]:\n"
            f"    total = value * {function + 1}\n"
            f"    for step in range({function % 7 + 2}):\n"
            f"        total += step\n"
            f"    result = {{'value': value, 'total': total}}\n"
            f"    return result\n\n"
        )
        count += 8
        function += 1
    body.extend("\n" for _ in range(lines - count))
    return head + "".join(body) + PLAIN_CALL + (GA_CALL if fixable else PLAIN_CALL)


def build(tree: Path, files: int, lines: int, every: int) -> int:
    if tree.exists():
        shutil.rmtree(tree)
    fixable = 0
    for index in range(files):
        folder = tree / f"pkg{index // 100:03}"
        folder.mkdir(parents=True, exist_ok=True)
        is_fixable = index % every == 0
        fixable += is_fixable
        (folder / f"mod{index:04}.py").write_text(module(index, lines, is_fixable))
    (tree / "beta-lint.toml").write_text("")  # the tree is its own project root
    return fixable


def busy_jiffies() -> int:
    with open("/proc/stat") as handle:
        fields = [int(x) for x in handle.readline().split()[1:]]
    return sum(fields) - fields[3] - fields[4]  # all but idle and iowait


def own_cpu(pid: int) -> tuple[int, float] | None:
    """(parent pid, the process's own CPU seconds, its children not counted), from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sample_tree(root: int, seen: dict[int, float]) -> None:
    """The latest own CPU time of `root` and of every descendant alive now, into `seen`."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            found = own_cpu(int(entry))
            if found is not None:
                parents[int(entry)], times[int(entry)] = found
    for pid, cpu in times.items():
        ancestor = pid
        while ancestor not in (root, 0, 1) and ancestor in parents:
            ancestor = parents[ancestor]
        if ancestor == root:
            seen[pid] = max(seen.get(pid, 0.0), cpu)


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float  # the command and its workers
    main_cpu: float  # the main process alone
    busiest: float  # the worker that used the most
    load: float
    other: float  # cores other processes used meanwhile


def run_once(tree: Path, copy: Path, jobs: int, expected: int, env: dict[str, str]) -> Run:
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(tree, copy)
    load = os.getloadavg()[0]
    before_busy, before = busy_jiffies(), os.times()
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "beta_lint", "check", "--no-cache", "--fix", "-j", str(jobs), "."],
        cwd=copy,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: dict[int, float] = {}
    while process.poll() is None:
        sample_tree(process.pid, seen)
        time.sleep(0.1)
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - start
    after, after_busy = os.times(), busy_jiffies()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    other = max(0.0, (after_busy - before_busy) / os.sysconf("SC_CLK_TCK") - cpu) / wall
    main_cpu = seen.pop(process.pid, 0.0)
    busiest = max(seen.values(), default=0.0)
    changed = sum((copy / p.relative_to(tree)).read_bytes() != p.read_bytes() for p in tree.rglob("*.py"))
    summary = stdout.strip().splitlines()[-1] if stdout.strip() else stderr.strip()[-200:]
    if changed != expected or f"({expected} fixed)" not in stdout:
        raise SystemExit(f"-j {jobs}: {changed} files changed, {expected} expected; {summary}")
    return Run(wall, cpu, main_cpu, busiest, load, other)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--lines", type=int, default=400)
    parser.add_argument("--every", type=int, default=3, help="every N-th file has a fixable beta")
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tree, copy = WORK / "tree", WORK / "copy"
    expected = build(tree, args.files, args.lines, args.every)
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    print(f"{args.files} files of {args.lines} lines, {expected} fixable; {os.cpu_count()} cores\n")
    print(
        "| -j | median wall s | runs (s) | CPU s, all processes | CPU s, main process | CPU s, busiest worker "
        "| load avg before | other processes' cores |"
    )
    print("|---|---|---|---|---|---|---|---|")
    counts = [int(j) for j in args.jobs.split(",")]
    runs: dict[int, list[Run]] = {jobs: [] for jobs in counts}
    for _ in range(args.repeat):  # rounds interleaved: drift in the machine's load hits every row
        for jobs in counts:
            runs[jobs].append(run_once(tree, copy, jobs, expected, env))
    for jobs in counts:
        done = runs[jobs]
        walls = [r.wall for r in done]

        def median(values: list[float]) -> float:
            return statistics.median(values)

        print(
            f"| {jobs} | {median(walls):.1f} | {', '.join(f'{w:.1f}' for w in walls)} "
            f"| {median([r.cpu for r in done]):.1f} | {median([r.main_cpu for r in done]):.1f} "
            f"| {median([r.busiest for r in done]):.1f} | {median([r.load for r in done]):.2f} "
            f"| {median([r.other for r in done]):.2f} |",
            flush=True,
        )
    shutil.rmtree(copy, ignore_errors=True)


if __name__ == "__main__":
    main()
