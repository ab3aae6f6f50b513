"""What `git blame` costs the audit (issue 17): `audit` against `audit --no-blame` on a real tree.

The tree is the installed `anthropic` package (the SDK: the densest real source of beta names
there is), copied into bench/work/audit-blame/ and made a git repository with a history of
several commits (each touching a fifth of the files) so that blame has history to walk. Each
command runs --repeat times, alternating, with the cache off; the medians and their ratio go
to bench/audit_blame.md. The issue's target: blame on takes no more than 1.5x blame off.

    python3 bench/audit_blame.py [--repeat 5] [--sdk PATH] [--commits 8]

Uses only the standard library, git, and the beta_lint importable by this Python.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work" / "audit-blame"
TARGET = 1.5


def git(tree: Path, *args: str, when: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "bench@example.com",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "bench@example.com",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(["git", "-C", str(tree), *args], check=True, capture_output=True, env=env)


def build(sdk: Path, commits: int) -> Path:
    tree = WORK / "tree"
    if tree.exists():
        shutil.rmtree(tree)
    shutil.copytree(sdk, tree / "anthropic", ignore=shutil.ignore_patterns("__pycache__"))
    (tree / "beta-lint.toml").write_text("", encoding="utf-8")
    git(tree, "init", "-q", "-b", "main", when="2026-01-01T00:00:00+00:00")
    git(tree, "add", "-A", when="2026-01-01T00:00:00+00:00")
    git(tree, "commit", "-q", "-m", "import", when="2026-01-01T00:00:00+00:00")
    files = sorted(tree.rglob("*.py"))
    for number in range(1, commits + 1):
        for path in files[number % 5 :: 5]:
            with path.open("a", encoding="utf-8") as handle:
                handle.write(f"# bench change {number}\n")
        when = f"2026-02-{number:02d}T00:00:00+00:00"
        git(tree, "commit", "-q", "-am", f"change {number}", when=when)
    return tree


def files_with_uses(tree: Path) -> int:
    command = [
        sys.executable,
        "-m",
        "beta_lint",
        "audit",
        "--no-blame",
        "--today",
        "2026-11-24",
        "--format",
        "csv",
        ".",
    ]
    done = subprocess.run(command, cwd=tree, capture_output=True, check=False, text=True)
    rows = done.stdout.splitlines()[1:]
    return len({row.split(",")[9] for row in rows if row.count(",") > 9})


def time_once(tree: Path, extra: list[str]) -> float:
    command = [sys.executable, "-m", "beta_lint", "audit", "--no-cache", "--today", "2026-11-24", "--format", "json"]
    started = time.perf_counter()
    done = subprocess.run([*command, *extra, "."], cwd=tree, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"audit failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--commits", type=int, default=8)
    parser.add_argument("--sdk", type=Path, help="the anthropic package folder (default: the installed one)")
    args = parser.parse_args()
    sdk = args.sdk
    if sdk is None:
        spec = importlib.util.find_spec("anthropic")
        if spec is None or spec.origin is None:
            raise SystemExit("anthropic is not installed: pass --sdk PATH")
        sdk = Path(spec.origin).parent
    tree = build(sdk, args.commits)
    files = sum(1 for _ in tree.rglob("*.py"))
    blamed = files_with_uses(tree)
    blame: list[float] = []
    plain: list[float] = []
    for _ in range(args.repeat):
        blame.append(time_once(tree, []))
        plain.append(time_once(tree, ["--no-blame"]))
    with_blame, without = statistics.median(blame), statistics.median(plain)
    ratio = with_blame / without
    version = sdk.name
    version_file = sdk / "_version.py"
    if version_file.is_file():
        found = re.search(r"__version__\s*=\s*[\"']([^\"']+)", version_file.read_text(encoding="utf-8"))
        version = found.group(1) if found else version
    lines = [
        "# audit: git blame on against --no-blame (issue 17)",
        "",
        f"Tree: anthropic {version} ({files} Python files, {blamed} with uses: one blame each), "
        f"a git repository of {args.commits + 1} commits "
        "built by `bench/audit_blame.py`; the cache off; "
        f"{args.repeat} runs each, alternating; {os.cpu_count()} cores, shared.",
        "",
        "| command | median s | min s | max s |",
        "|---|---:|---:|---:|",
        f"| `audit` (blame) | {with_blame:.2f} | {min(blame):.2f} | {max(blame):.2f} |",
        f"| `audit --no-blame` | {without:.2f} | {min(plain):.2f} | {max(plain):.2f} |",
        "",
        f"Ratio {ratio:.2f} (target: at most {TARGET}): {'met' if ratio <= TARGET else 'NOT met'}.",
        "",
    ]
    (HERE / "audit_blame.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
