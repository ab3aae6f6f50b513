#!/usr/bin/env python3
"""Score beta-lint against the hand labels of real packages (see README.md).

    python3 bench/realworld/score.py                        # all packages, `python3 -m beta_lint`
    python3 bench/realworld/score.py --beta-lint "beta-lint" --packages litellm,dspy
    python3 bench/realworld/score.py --no-write             # print only, leave results.md alone

Standard library only. Run bench/realworld/fetch.py first. For each package the linter runs four
times over the package's scope (cwd = the unpacked package root, so paths are relative to it):
check with the default rules, check --select ALL, audit, and check --diff --unsafe-fixes. A run
that crashes (exit 2, no JSON) is reported and the package is scored on what did run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import shlex
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import tomllib

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
WORK = REPO / "bench" / "work" / "realworld"
TODAY = "2026-12-01"
DYNAMIC = "<dynamic>"
ROLES = ("sent", "bound", "mentioned")
ROLE_RANK = {"mentioned": 0, "bound": 1, "sent": 2}
LABEL_COLUMNS = ("path", "line", "name", "role", "scope", "note")
TIMEOUT = 600

Key = tuple[str, int, str]  # (path, line, name)
Line = tuple[str, int]


# ---------------------------------------------------------------- inputs


def load_packages() -> list[dict]:
    with (HERE / "packages.toml").open("rb") as handle:
        return tomllib.load(handle)["package"]


def norm(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, "/")


@dataclass
class Labels:
    roles: dict[Key, str] = field(default_factory=dict)  # strongest role per (path, line, name)
    scopes: dict[Key, str] = field(default_factory=dict)
    rows: list[dict[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def lines(self, *roles: str) -> set[Line]:
        return {(p, n) for (p, n, _), role in self.roles.items() if role in roles}

    def keys(self, *roles: str) -> set[Key]:
        return {key for key, role in self.roles.items() if role in roles}


def load_labels(name: str) -> Labels:
    labels = Labels()
    path = HERE / "labels" / f"{name}.csv"
    if not path.exists():
        labels.errors.append(f"no label file {path.relative_to(REPO)}")
        return labels
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != LABEL_COLUMNS:
            labels.errors.append(f"{path.name}: columns must be {','.join(LABEL_COLUMNS)}")
            return labels
        for number, row in enumerate(reader, start=2):
            role, scope = row["role"].strip(), row["scope"].strip()
            if role not in ROLES or scope not in ("prod", "test") or not row["line"].strip().isdigit():
                labels.errors.append(f"{path.name}:{number}: bad row {row}")
                continue
            key = (norm(row["path"].strip()), int(row["line"]), row["name"].strip())
            labels.rows.append(row)
            if ROLE_RANK[role] >= ROLE_RANK.get(labels.roles.get(key, "mentioned"), 0):
                labels.roles[key] = role
            labels.scopes[key] = scope
    return labels


# ---------------------------------------------------------------- running the tool


@dataclass
class Run:
    argv: list[str]
    returncode: int | None
    stdout: str
    stderr: str
    data: object = None
    error: str | None = None


def run_tool(tool: list[str], args: list[str], cwd: Path, want_json: bool) -> Run:
    argv = [*tool, *args]
    try:
        proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return Run(argv, None, "", "", error=f"timed out after {TIMEOUT}s")
    except OSError as exc:
        return Run(argv, None, "", "", error=f"could not start: {exc}")
    run = Run(argv, proc.returncode, proc.stdout, proc.stderr)
    stderr_line = next((line for line in proc.stderr.splitlines() if line.strip()), "")
    if proc.returncode not in (0, 1):
        run.error = f"exit {proc.returncode}: {stderr_line[:300]}"
    if want_json:
        try:
            run.data = json.loads(proc.stdout)
        except json.JSONDecodeError:
            run.error = (
                run.error or f"exit {proc.returncode}, output is not JSON: {proc.stdout[:120]!r} {stderr_line[:200]}"
            )
            run.data = None
    return run


def diagnostics(run: Run) -> list[dict]:
    if not isinstance(run.data, dict):
        return []
    found = []
    for diag in run.data.get("diagnostics", []):
        if isinstance(diag, dict) and "path" in diag and "line" in diag:
            found.append({**diag, "path": norm(str(diag["path"]))})
    return found


def audit_uses(run: Run) -> list[dict]:
    if not isinstance(run.data, dict):
        return []
    uses = []
    for beta in run.data.get("betas", []):
        for use in beta.get("uses", []):
            uses.append(
                {"name": beta.get("name"), "status": beta.get("status"), **use, "path": norm(str(use.get("path")))}
            )
    return uses


# ---------------------------------------------------------------- diffs


HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
# `betas=` followed by something that is not a list display: a name, a call, a conditional ...
NON_LITERAL_BETAS = re.compile(r"\bbetas\s*=\s*(?!\[)(?!\))\S")


@dataclass
class Hunk:
    path: str
    removed: list[tuple[int, str]] = field(default_factory=list)  # (old line number, text)
    added: list[str] = field(default_factory=list)


def parse_diff(text: str) -> list[Hunk]:
    hunks: list[Hunk] = []
    path: str | None = None
    current: Hunk | None = None
    old_line = 0
    for line in text.splitlines():
        if line.startswith("--- "):
            path = norm(line[4:].split("\t")[0].strip())
            if path.startswith("a/"):
                path = path[2:]
            current = None
            continue
        if line.startswith("+++ "):
            continue
        match = HUNK.match(line)
        if match and path is not None:
            current = Hunk(path)
            hunks.append(current)
            old_line = int(match.group(1))
            continue
        if current is None:
            continue
        if line.startswith("-"):
            current.removed.append((old_line, line[1:]))
            old_line += 1
        elif line.startswith("+"):
            current.added.append(line[1:])
        elif line.startswith(" ") or line == "":
            old_line += 1
    return hunks


# ---------------------------------------------------------------- scoring


@dataclass
class Score:
    package: str
    version: str
    labels: Labels
    errors: list[str] = field(default_factory=list)
    recall_total: int = 0
    recall_found: int = 0
    misses: list[tuple[Key, str]] = field(default_factory=list)
    false_uses: list[dict] = field(default_factory=list)
    check_count: int = 0
    false_alarms: list[dict] = field(default_factory=list)
    all_count: int = 0
    all_false_alarms: list[dict] = field(default_factory=list)
    check_not_audit: list[dict] = field(default_factory=list)
    audit_not_check: list[dict] = field(default_factory=list)
    fix_lines: int = 0
    fix_hazards: list[tuple[str, int, str, str]] = field(default_factory=list)  # path, line, why, text
    audit_count: int = 0


def score_package(pkg: dict, tool: list[str]) -> Score:
    name = pkg["name"]
    labels = load_labels(name)
    score = Score(name, pkg["version"], labels, errors=list(labels.errors))
    root = WORK / f"{name}-{pkg['version']}"
    if not root.is_dir():
        score.errors.append(f"not fetched: run bench/realworld/fetch.py {name}")
        return score
    targets = [norm(s) for s in pkg["scope"]]
    common = ["--today", TODAY]
    check = run_tool(tool, ["check", "--output-format", "json", *common, "--no-cache", *targets], root, True)
    check_all = run_tool(
        tool, ["check", "--output-format", "json", "--select", "ALL", *common, "--no-cache", *targets], root, True
    )
    audit = run_tool(tool, ["audit", "--format", "json", *common, "--no-cache", *targets], root, True)
    diff = run_tool(tool, ["check", "--diff", "--unsafe-fixes", *common, "--no-cache", *targets], root, False)
    for label, run in (("check", check), ("check --select ALL", check_all), ("audit", audit), ("check --diff", diff)):
        if run.error:
            score.errors.append(f"{label}: {run.error}")

    positive_lines = labels.lines("sent", "bound")
    positive = labels.keys("sent", "bound")

    # audit recall and false uses
    uses = audit_uses(audit)
    score.audit_count = len(uses)
    use_keys = {(u["path"], int(u["line"]), u["name"]) for u in uses}
    use_lines = {(u["path"], int(u["line"])) for u in uses}
    if audit.data is not None:
        for key in sorted(positive):
            path, line, beta = key
            score.recall_total += 1
            hit = (path, line) in use_lines if beta == DYNAMIC else key in use_keys
            if hit:
                score.recall_found += 1
            else:
                score.misses.append((key, labels.roles[key]))
        score.false_uses = [u for u in uses if (u["path"], int(u["line"])) not in positive_lines]

    # check false alarms
    diags = diagnostics(check)
    score.check_count = len(diags)
    score.false_alarms = [d for d in diags if (d["path"], int(d["line"])) not in positive_lines]
    diags_all = diagnostics(check_all)
    score.all_count = len(diags_all)
    score.all_false_alarms = [d for d in diags_all if (d["path"], int(d["line"])) not in positive_lines]

    # check/audit disagreement
    if check.data is not None and audit.data is not None:
        score.check_not_audit = [d for d in diags if (d["path"], int(d["line"])) not in use_lines]
    if check_all.data is not None and audit.data is not None:
        all_lines = {(d["path"], int(d["line"])) for d in diags_all}
        for fix_edit_diag in diags_all:
            for related in fix_edit_diag.get("related") or []:
                all_lines.add((norm(str(related.get("path"))), int(related.get("line", 0))))
        seen: set[Line] = set()
        for use in uses:
            where = (use["path"], int(use["line"]))
            if where not in all_lines and where not in seen:
                seen.add(where)
                score.audit_not_check.append(use)

    # fix hazards
    if diff.error is None:
        changed: set[Line] = set()
        for hunk in parse_diff(diff.stdout):
            for line, text in hunk.removed:
                changed.add((hunk.path, line))
                if NON_LITERAL_BETAS.search(text) and not any(re.search(r"\bbetas\s*=", a) for a in hunk.added):
                    score.fix_hazards.append((hunk.path, line, "deletes a non-literal betas= keyword", text.strip()))
            for line, text in hunk.removed:
                if (hunk.path, line) not in positive_lines:
                    score.fix_hazards.append((hunk.path, line, "changes a line not labelled sent/bound", text.strip()))
        score.fix_lines = len(changed)
    return score


# ---------------------------------------------------------------- report


def pct(found: int, total: int) -> str:
    return f"{found}/{total} ({100 * found / total:.0f}%)" if total else "-"


def role_counts(labels: Labels) -> Counter:
    counts: Counter = Counter()
    for key, role in labels.roles.items():
        counts[role] += 1
        if key[2] == DYNAMIC:
            counts["dynamic"] += 1
        if labels.scopes.get(key) == "test":
            counts["test"] += 1
    return counts


def table(scores: list[Score]) -> list[str]:
    head = (
        "package",
        "labels s/b/m (dyn, test)",
        "audit recall",
        "audit false uses",
        "check diags",
        "check false alarms",
        "ALL diags",
        "ALL false alarms",
        "check-not-audit",
        "audit-not-check(ALL)",
        "fix lines",
        "fix hazards",
        "errors",
    )
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    total = Counter()
    for s in scores:
        c = role_counts(s.labels)
        row = (
            f"{s.package} {s.version}",
            f"{c['sent']}/{c['bound']}/{c['mentioned']} ({c['dynamic']}, {c['test']})",
            pct(s.recall_found, s.recall_total),
            str(len(s.false_uses)),
            str(s.check_count),
            str(len(s.false_alarms)),
            str(s.all_count),
            str(len(s.all_false_alarms)),
            str(len(s.check_not_audit)),
            str(len(s.audit_not_check)),
            str(s.fix_lines),
            str(len(s.fix_hazards)),
            str(len(s.errors)),
        )
        out.append("| " + " | ".join(row) + " |")
        for role in ("sent", "bound", "mentioned", "dynamic", "test"):
            total[role] += c[role]
        total["found"] += s.recall_found
        total["recall"] += s.recall_total
        for name, value in (
            ("false_uses", len(s.false_uses)),
            ("check", s.check_count),
            ("fa", len(s.false_alarms)),
            ("all", s.all_count),
            ("all_fa", len(s.all_false_alarms)),
            ("cna", len(s.check_not_audit)),
            ("anc", len(s.audit_not_check)),
            ("fix", s.fix_lines),
            ("haz", len(s.fix_hazards)),
            ("err", len(s.errors)),
        ):
            total[name] += value
    out.append(
        "| "
        + " | ".join(
            (
                "**total**",
                f"{total['sent']}/{total['bound']}/{total['mentioned']} ({total['dynamic']}, {total['test']})",
                pct(total["found"], total["recall"]),
                str(total["false_uses"]),
                str(total["check"]),
                str(total["fa"]),
                str(total["all"]),
                str(total["all_fa"]),
                str(total["cna"]),
                str(total["anc"]),
                str(total["fix"]),
                str(total["haz"]),
                str(total["err"]),
            )
        )
        + " |"
    )
    return out


def one_line(text: object, limit: int = 160) -> str:
    flat = " ".join(str(text).split()).replace("|", "\\|")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def details(scores: list[Score]) -> list[str]:
    out: list[str] = []
    for s in scores:
        out.append(f"### {s.package} {s.version}")
        out.append("")
        if s.errors:
            out.append("Errors:")
            out += [f"- {one_line(e, 400)}" for e in s.errors]
            out.append("")
        if s.misses:
            out.append("Audit misses (labelled sent/bound, not among the audit's uses):")
            for (path, line, name), role in s.misses:
                out.append(f"- `{path}:{line}` {name} ({role}, {s.labels.scopes.get((path, line, name))})")
            out.append("")
        if s.false_alarms:
            out.append("Check false alarms (default rules, line not labelled sent/bound):")
            for d in s.false_alarms:
                label = labelled_as(s.labels, d["path"], int(d["line"]))
                out.append(
                    f"- `{d['path']}:{d['line']}` {d.get('code')} {d.get('beta')} [{label}]: "
                    f"{one_line(d.get('message'))}"
                )
            out.append("")
        extra = [d for d in s.all_false_alarms if d not in s.false_alarms]
        if extra:
            out.append(
                "More false alarms with --select ALL (code counts): "
                + ", ".join(f"{code} x{count}" for code, count in sorted(Counter(d.get("code") for d in extra).items()))
            )
            for d in extra[:15]:
                out.append(
                    f"- `{d['path']}:{d['line']}` {d.get('code')} {d.get('beta')}: {one_line(d.get('message'), 120)}"
                )
            if len(extra) > 15:
                out.append(f"- … {len(extra) - 15} more")
            out.append("")
        if s.false_uses:
            out.append("Audit false uses (line not labelled sent/bound):")
            for u in s.false_uses:
                label = labelled_as(s.labels, u["path"], int(u["line"]))
                out.append(f"- `{u['path']}:{u['line']}` {u['name']} kind={u.get('kind')} [{label}]")
            out.append("")
        if s.check_not_audit:
            out.append("Reported by check, not an audit use:")
            out += [f"- `{d['path']}:{d['line']}` {d.get('code')} {d.get('beta')}" for d in s.check_not_audit]
            out.append("")
        if s.audit_not_check:
            out.append(
                "Audit uses that check --select ALL says nothing about (neither at the line nor as a related "
                "location): " + ", ".join(f"`{u['path']}:{u['line']}` {u['name']}" for u in s.audit_not_check)
            )
            out.append("")
        if s.fix_hazards:
            out.append("Fix hazards (`--diff --unsafe-fixes`):")
            for path, line, why, text in s.fix_hazards:
                out.append(f"- `{path}:{line}` {why}: `{one_line(text, 120)}`")
            out.append("")
        if not (s.errors or s.misses or s.false_alarms or s.false_uses or s.fix_hazards or extra):
            out.append("Nothing to report.")
            out.append("")
    return out


def labelled_as(labels: Labels, path: str, line: int) -> str:
    roles = sorted({role for (p, n, _), role in labels.roles.items() if p == path and n == line})
    return "labelled " + "/".join(roles) if roles else "unlabelled"


def tool_commit(tool: list[str], override: str | None) -> str:
    """The git HEAD of the beta_lint package that `python -m beta_lint` imports where the tool runs."""
    if override:
        return override
    try:
        proc = subprocess.run(
            [sys.executable, "-c", "import beta_lint, os; print(os.path.dirname(beta_lint.__file__))"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=WORK,
        )  # not this checkout
        folder = proc.stdout.strip()
        if folder:
            rev = subprocess.run(
                ["git", "-C", folder, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=60
            )
            if rev.returncode == 0:
                return rev.stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        pass
    return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--beta-lint",
        default=f"{shlex.quote(sys.executable)} -m beta_lint",
        help="the linter command (default: this Python's -m beta_lint)",
    )
    parser.add_argument("--packages", help="comma-separated package names (default: all)")
    parser.add_argument("--tool-commit", help="the beta-lint commit to record (default: git of the imported beta_lint)")
    parser.add_argument("--no-write", action="store_true", help="do not write results.md")
    args = parser.parse_args(argv)
    tool = shlex.split(args.beta_lint)
    packages = load_packages()
    if args.packages:
        wanted = set(args.packages.split(","))
        packages = [p for p in packages if p["name"] in wanted]
    scores = []
    for pkg in packages:
        print(f"scoring {pkg['name']} {pkg['version']} ...", file=sys.stderr, flush=True)
        scores.append(score_package(pkg, tool))
    version = "?"
    commit = tool_commit(tool, args.tool_commit)
    heldout = {p["name"] for p in packages if p.get("heldout")}
    tuned_scores = [s for s in scores if s.package not in heldout]
    heldout_scores = [s for s in scores if s.package in heldout]
    lines = [
        "# beta-lint on real packages",
        "",
        f"Measured {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} with beta-lint commit "
        f"`{commit}` (`{' '.join(tool)}`), `--today {TODAY}`. Produced by `bench/realworld/score.py`; "
        "the columns are explained in README.md.",
        "",
    ]
    if tuned_scores:
        lines += [*table(tuned_scores), ""]
    if heldout_scores:
        lines += [
            "## Held-out packages",
            "",
            "Labelled after beta-lint's last change and never used to tune it (`heldout = true` in packages.toml).",
            "",
            *table(heldout_scores),
            "",
        ]
    lines += ["## Details", "", *details(scores)]
    text = "\n".join(lines).rstrip() + "\n"
    for group in (tuned_scores, heldout_scores):
        if group:
            print("\n".join(table(group)))
    if not args.no_write:
        (HERE / "results.md").write_text(text, encoding="utf-8")
        print(f"wrote {(HERE / 'results.md').relative_to(REPO)}", file=sys.stderr)
    del version
    return 0


if __name__ == "__main__":
    sys.exit(main())
