"""Hash beta-lint's outputs over the test corpora and the bench trees (issue 12).

A restructuring must not change a byte of what the tool prints. Run this before and after:

    python3 bench/output_hashes.py                      # runs `python3 -m beta_lint`
    python3 bench/output_hashes.py --command "beta-lint"

It prints one sha256 per (tree, command) and a total over all of them. Each command runs from the
repository root with relative paths, so the outputs hold no absolute path; the repository root is
still replaced by `<ROOT>` in case one slips through (a message quoting a resolved path). The exit
code of each run is part of what is hashed. Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-24"

# Test trees: the corpus with its expectations, the audit tree, the golden report inputs.
TEST_TREES = ["tests/corpus", "tests/audit_tree", "tests/golden"]
# Built by bench/run.py; git ignores bench/work, so they may be missing.
BENCH_TREES = ["bench/work/sparse", "bench/work/dense", "bench/work/precommit"]

COMMANDS: dict[str, list[str]] = {
    "check-json": ["check", "--output-format", "json", "--today", TODAY, "--no-cache", "--exit-zero"],
    "check-json-text": [
        "check",
        "--output-format",
        "json",
        "--today",
        TODAY,
        "--no-cache",
        "--exit-zero",
        "--include-text",
    ],
    "check-diff": ["check", "--diff", "--unsafe-fixes", "--today", TODAY, "--no-cache"],
    "audit-json": ["audit", "--format", "json", "--today", TODAY, "--no-cache"],
}


def run_one(command: list[str], args: list[str], tree: str) -> bytes:
    env = dict(os.environ, NO_COLOR="1", GITHUB_ACTIONS="", COLUMNS="120")
    proc = subprocess.run([*command, *args, tree], cwd=ROOT, env=env, capture_output=True, timeout=1800, check=False)
    blob = b"exit=%d\n--stdout--\n%s\n--stderr--\n%s" % (proc.returncode, proc.stdout, proc.stderr)
    return blob.replace(str(ROOT).encode(), b"<ROOT>")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--command", default=f"{shlex.quote(sys.executable)} -m beta_lint")
    parser.add_argument("--no-bench", action="store_true", help="skip the bench trees even if built")
    parser.add_argument("--dump", type=Path, help="also write every raw output into this folder")
    args = parser.parse_args()
    command = shlex.split(args.command)

    trees = list(TEST_TREES)
    for tree in BENCH_TREES:
        if args.no_bench:
            print(f"# {tree}: skipped (--no-bench)")
        elif (ROOT / tree).is_dir():
            trees.append(tree)
        else:
            print(f"# {tree}: not built (run bench/run.py), skipped")

    total = hashlib.sha256()
    for tree in trees:
        for name, cmd_args in COMMANDS.items():
            blob = run_one(command, cmd_args, tree)
            digest = hashlib.sha256(blob).hexdigest()
            total.update(f"{tree} {name} {digest}\n".encode())
            print(f"{digest}  {tree}  {name}", flush=True)
            if args.dump:
                args.dump.mkdir(parents=True, exist_ok=True)
                (args.dump / f"{tree.replace('/', '_')}-{name}.out").write_bytes(blob)
    print(f"{total.hexdigest()}  TOTAL")


if __name__ == "__main__":
    main()
