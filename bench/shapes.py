#!/usr/bin/env python3
"""The shapes of file that once made beta-lint slow (issue 16), generated and timed one by one.

    python3 bench/shapes.py                  # every shape, 3 runs each, a Markdown table on stdout
    python3 bench/shapes.py --repeat 5 --only many_calls,giant_dict

Each shape is one generated file in bench/work/shapes/ (git-ignored), checked alone with
`python -m beta_lint check --no-cache -j 1`; the table gives the median wall time, the peak RSS
of the checking processes (the largest single one, from the rusage wait4 gives) and the
problems found, so a faster run that found less would show. The cost-model table then times
files that hold candidate code in growing amounts, to show time against lines of candidate code.
Standard library only; the shapes are made here, nothing is downloaded.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

WORK = Path(__file__).resolve().parent / "work" / "shapes"


def large_test_module() -> str:
    """A 25k-line test module: no beta, dated slugs in assertions (Django's admin tests)."""
    parts = ["import unittest\n\n\nclass AdminViewTests(unittest.TestCase):\n"]
    for i in range(2500):
        slug = f"here-is-a-stacked-inline-{2000 + i % 25}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        parts.append(
            f"    def test_case_{i}(self):\n"
            f"        response = self.client.get('/admin/{i}/')\n"
            f"        self.assertEqual(response.status_code, 200)\n"
            f"        self.assertContains(response, {slug!r})\n"
            f"        data = {{'name': 'n{i}', 'value': {i}}}\n"
            f"        self.assertIn('n{i}', str(data))\n"
            f"        self.assertTrue(response.context['ok'])\n"
            f"        self.assertFalse(response.context.get('bad'))\n\n"
        )
    return "".join(parts)


def generated_module() -> str:
    """A 20k-line generated module with one beta call at the very bottom."""
    parts = ['"""Generated code: do not edit."""\n\nimport anthropic\n\n']
    for i in range(2000):
        parts.append(
            f"class Model{i}:\n"
            f"    field_a: int = {i}\n"
            f"    field_b: str = 'value-{i}'\n\n"
            f"    def to_dict(self) -> dict[str, object]:\n"
            f"        return {{'a': self.field_a, 'b': self.field_b}}\n\n"
            f"    def __repr__(self) -> str:\n"
            f"        return f'Model{i}({{self.field_a}})'\n\n\n"
        )
    parts.append(
        "client = anthropic.Anthropic()\n"
        "client.beta.messages.create(model='m', max_tokens=1, messages=[], betas=['files-api-2025-04-14'])\n"
    )
    return "".join(parts)


def giant_dict() -> str:
    """One dict literal of about 1 MB whose keys are dated strings (a release table)."""
    rows = [
        f"    'release-{2000 + i % 26}-{1 + i % 12:02d}-{1 + i % 28:02d}-{i}': ('build {i}', {i}, {i * 7 % 1000}),\n"
        for i in range(16000)
    ]
    return "RELEASES = {\n" + "".join(rows) + "}\n"


def many_calls() -> str:
    """1,600 calls, each sending a beta with a fix (GA since: BL101)."""
    parts = ["import anthropic\n\nclient = anthropic.Anthropic()\n\n\n"]
    for i in range(1600):
        parts.append(
            f"def call_{i}():\n"
            f"    return client.beta.messages.create(\n"
            f"        model='m', max_tokens={i + 1}, messages=[], betas=['files-api-2025-04-14']\n"
            f"    )\n\n\n"
        )
    return "".join(parts)


SHAPES: dict[str, tuple[str, Callable[[], str]]] = {
    "large_test_module": ("large test module with dated non-beta strings", large_test_module),
    "generated_module": ("generated module with one beta at the bottom", generated_module),
    "giant_dict": ("giant dict literal with dated keys", giant_dict),
    "many_calls": ("1,600 beta calls in one file", many_calls),
}


def candidate_file(units: int) -> str:
    """`units` functions of ten lines, each holding a beta call: all of it is candidate code."""
    parts = ["import anthropic\n\nclient = anthropic.Anthropic()\n\n\n"]
    for i in range(units):
        parts.append(
            f"def ask_{i}(question: str) -> str:\n"
            f"    messages = [{{'role': 'user', 'content': question}}]\n"
            f"    response = client.beta.messages.create(\n"
            f"        model='claude-x',\n"
            f"        max_tokens={i + 1},\n"
            f"        messages=messages,\n"
            f"        betas=['compact-2026-01-12'],\n"
            f"    )\n"
            f"    return str(response.content[0])\n\n\n"
        )
    return "".join(parts)


def run_once(path: Path) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in MB of the checking process, and the summary line."""
    argv = [sys.executable, "-m", "beta_lint", "check", "--no-cache", "-j", "1", "--exit-zero", str(path)]
    sink = WORK / "output.txt"  # a file, not a pipe: a large report must not block the child
    with sink.open("w") as out:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    output = sink.read_text()
    lines = [line for line in output.splitlines() if line.strip()]
    summary = lines[-1] if lines else "(no output)"
    if "BL999" in output:
        summary = "BL999: " + next(line for line in lines if "BL999" in line)
    # wait4's rusage covers the child and the descendants it reaped (the checking workers).
    return wall, usage.ru_maxrss // 1024, summary


def measure(path: Path, repeat: int) -> tuple[float, int, str]:
    samples = [run_once(path) for _ in range(repeat)]
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples), samples[-1][2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated shape names (default: all)")
    parser.add_argument("--no-cost-model", action="store_true")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    chosen = [name for name in SHAPES if not args.only or name in args.only.split(",")]
    load = os.getloadavg()[0]
    print(f"load average at start: {load:.2f} on {os.cpu_count()} cores\n")
    print("| shape | lines | KB | wall s (median) | peak MB | result |")
    print("|---|---|---|---|---|---|")
    for name in chosen:
        title, make = SHAPES[name]
        path = WORK / f"{name}.py"
        text = make()
        path.write_text(text)
        wall, peak, summary = measure(path, args.repeat)
        kb = len(text.encode()) // 1024
        print(f"| {title} | {text.count(chr(10)):,} | {kb:,} | {wall:.2f} | {peak} | {summary} |", flush=True)
    if args.no_cost_model:
        return
    print("\nCost model: one file, all of it candidate code (beta calls in functions), -j 1\n")
    print("| candidate lines | wall s (median) | ms per 1k lines above the empty run | peak MB |")
    print("|---|---|---|---|")
    base: float | None = None
    for units in (0, 100, 400, 1600):
        path = WORK / f"cost_{units}.py"
        text = candidate_file(units)
        path.write_text(text)
        wall, peak, _ = measure(path, args.repeat)
        lines = text.count("\n")
        if base is None:
            base = wall
            per = "-"
        else:
            per = f"{(wall - base) * 1e6 / lines:.0f}"
        print(f"| {lines:,} | {wall:.2f} | {per} | {peak} |", flush=True)
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
