#!/usr/bin/env python3
"""Benchmark beta-lint beside ruff, grep and semgrep on real trees (issues 7 and 16).

    python3 bench/run.py                      # build the trees, run everything, write bench/results.md
    python3 bench/run.py --skip-build --repeat 3 --trees dense,sdist-dense
    python3 bench/run.py --profile            # also: -X importtime and cProfile of beta-lint on the dense tree

Standard library only. It pip-downloads packages into bench/work/dl and pip-installs semgrep into
bench/work/semgrep-venv; everything it writes stays under bench/ (bench/work is git-ignored).
The trees are defined and built in bench/trees.py. See bench/README.md for what each row means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/trees.py, when run from elsewhere
from trees import (
    BENCH,
    PLANTED_DIR,
    TREES,
    WORK,
    count_lines,
    dist_name_version,
    log,
    needed,
    py_files,
)
from trees import build as build_tree

LOGS = WORK / "logs"
RESULTS = BENCH / "results.md"

GREP_PATTERN = "anthropic-beta|betas"
# A copy of beta-lint's byte prefilter, used only when beta-lint's own cannot be imported.
FALLBACK_CANDIDATE_RE = re.compile(rb"(?i:anthropic[-_ ]?beta)|\bbetas\b|[A-Za-z0-9]-\d{1,4}-\d{1,2}-\d{1,2}")
HEADER_KEY_RE = re.compile(r"""["']anthropic-beta["']\s*:""", re.IGNORECASE)

SLOW_FIRST_RUN = 15.0  # a command whose first run takes longer is repeated at most SLOW_REPEAT times
SLOW_REPEAT = 3
SEMGREP_INSTALL_LIMIT = 300.0
SEMGREP_SPEC = "semgrep==1.185.0"  # pinned; an existing bench/work/semgrep-venv is reused as it is
ISSUE_SEMGREP_DENSE = 7.3  # issue 7's reference figure (s) for semgrep on the anthropic SDK
SEMGREP_ONCE_FILES = 20_000  # semgrep runs once on a tree with more files (issue 16: 342 s on 43k files)
SEMGREP_BIG_TIMEOUT = 1800.0

SEMGREP_RULE = """\
rules:
  - id: anthropic-beta-usage
    languages: [python]
    severity: INFO
    message: Anthropic beta usage
    pattern-either:
      - pattern: $F(..., betas=[...], ...)
      - pattern: '{..., "anthropic-beta": $V, ...}'
"""

# ---------------------------------------------------------------- small helpers


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(WORK))
    except ValueError:
        return str(path)


def tool_env() -> dict[str, str]:
    """Environment for every measured command: no colour, nothing written outside bench/work."""
    env = dict(os.environ)
    env.update(
        NO_COLOR="1",
        PIP_CACHE_DIR=str(WORK / "pip-cache"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        SEMGREP_SEND_METRICS="off",
        SEMGREP_ENABLE_VERSION_CHECK="0",
    )
    env.pop("GITHUB_ACTIONS", None)
    # Measure Python tools as installed: with PYTHONDONTWRITEBYTECODE set (some sandboxes do),
    # an editable install recompiles beta-lint's modules on every run (about 35 ms each time).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def quick(
    argv: Sequence[str], timeout: float = 120.0, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(argv),
        cwd=cwd or WORK,
        env=env or tool_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def code_state() -> str:
    """The git commit and a digest of beta_lint/*.py and rules/, to tell whether the code changed mid-run."""
    import hashlib

    repo = BENCH.parent
    digest = hashlib.sha1()
    for folder in (repo / "beta_lint", repo / "rules"):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file() and path.suffix in (".py", ".toml", ".md"):
                digest.update(str(path.relative_to(repo)).encode() + b"\0" + path.read_bytes())
    try:
        head = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        head = ""
    return f"commit {head or '?'}, source digest {digest.hexdigest()[:12]}"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# ---------------------------------------------------------------- measuring one process

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as handle:
                out.extend(int(c) for c in handle.read().split())
    except (OSError, ValueError):
        pass
    return out


def _tree_rss(root: int, skip_root: bool) -> int:
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        if not (skip_root and pid == root):
            try:
                with open(f"/proc/{pid}/statm") as handle:
                    total += int(handle.read().split()[1]) * PAGE
            except (OSError, ValueError, IndexError):
                continue
        todo.extend(_children(pid))
    return total


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process's tree every 50 ms (all worker processes together)."""

    def __init__(self, pid: int, skip_root: bool) -> None:
        super().__init__(daemon=True)
        self.pid, self.skip_root, self.peak, self._halt = pid, skip_root, 0, threading.Event()
        self.enabled = os.path.exists(f"/proc/{pid}")

    def run(self) -> None:
        while self.enabled and not self._halt.is_set():
            self.peak = max(self.peak, _tree_rss(self.pid, self.skip_root))
            self._halt.wait(0.05)

    def stop(self) -> None:
        self._halt.set()
        self.join(1.0)


@dataclass
class Sample:
    wall: float
    rc: int | None
    maxrss_kb: int  # the largest single process: the command or any descendant it reaped
    tree_kb: int  # sampled sum over the live process tree (0 when the run was too short to sample)
    timed_out: bool
    stdout: bytes
    stderr: bytes
    error: str = ""
    bg_cores: float = 0.0  # CPU other processes used meanwhile, in cores (machine busy time minus ours)
    cpu: float = 0.0  # user + system CPU seconds of the command and every descendant it reaped


def _gnu_time() -> str | None:
    """/usr/bin/time when it is GNU time (-f %M -o FILE); None otherwise."""
    binary = "/usr/bin/time"
    if not os.access(binary, os.X_OK):
        return None
    LOGS.mkdir(parents=True, exist_ok=True)
    probe = LOGS / ".rss-probe"
    try:
        subprocess.run([binary, "-f", "%M", "-o", str(probe), "true"], capture_output=True, timeout=10)
        int(probe.read_text().split()[-1])
    except (OSError, ValueError, IndexError, subprocess.SubprocessError):
        return None
    return binary


HZ = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def busy_seconds() -> float:
    """CPU seconds the whole machine has been busy since boot (all cores), from /proc/stat."""
    try:
        with open("/proc/stat") as handle:
            v = [int(x) for x in handle.readline().split()[1:9]]
    except (OSError, ValueError):
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (v + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / HZ


def wait_idle(limit: float) -> None:
    """Wait (up to `limit` s) for a second in which other processes use under a quarter of a core."""
    deadline, told = time.monotonic() + limit, False
    while time.monotonic() < deadline:
        before = busy_seconds()
        time.sleep(1.0)
        load = busy_seconds() - before
        if load < 0.25:
            return
        if not told:
            log(f"machine busy ({load:.2f} cores used by other processes): waiting up to {limit:.0f} s")
            told = True
    log("still busy: going on (see the bg cores column)")


TIME_BIN: str | None = None  # set in main()
RUNNING: set[int] = set()  # process groups of the commands being measured (killed if we are stopped)


def _stop(signum: int, _frame: object) -> None:
    for group in list(RUNNING):
        try:
            os.killpg(group, signal.SIGKILL)
        except OSError:
            pass
    raise SystemExit(f"bench: stopped by signal {signum}")


RSS_METHOD = ""


def run_measured(argv: Sequence[str], cwd: Path, timeout: float, env: dict[str, str] | None = None) -> Sample:
    """Whole-process wall time (perf_counter around start to exit) and peak RSS.

    Peak RSS of the largest single process comes from `/usr/bin/time -f %M` (GNU time's wait4 of
    its child, which covers every descendant the child reaped, e.g. pool workers). Without GNU
    time it comes from our own os.wait4, whose figure also counts the image of this Python
    process that the child was forked from before exec (a floor of some 20 MB).
    """
    out_path, err_path, rss_path = LOGS / ".stdout", LOGS / ".stderr", LOGS / ".rss"
    LOGS.mkdir(parents=True, exist_ok=True)
    rss_path.unlink(missing_ok=True)
    wrapped = [TIME_BIN, "-f", "%M", "-o", str(rss_path), *argv] if TIME_BIN else list(argv)
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        busy_before = busy_seconds()
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(
                wrapped,
                cwd=cwd,
                env=env or tool_env(),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
        except OSError as error:
            return Sample(0.0, None, 0, 0, False, b"", b"", error=f"cannot start {argv[0]}: {error}")
        RUNNING.add(proc.pid)
        sampler = TreeSampler(proc.pid, skip_root=TIME_BIN is not None)
        sampler.start()
        fired = threading.Event()

        def kill() -> None:
            fired.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        while True:
            try:
                _, status, usage = os.wait4(proc.pid, 0)
                break
            except InterruptedError:
                continue
        wall = time.perf_counter() - start
        busy = busy_seconds() - busy_before
        timer.cancel()
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        try:  # workers left behind by a killed run
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        RUNNING.discard(proc.pid)
    maxrss = int(usage.ru_maxrss)
    if TIME_BIN:
        try:
            maxrss = int(rss_path.read_text().split()[-1])
        except (OSError, ValueError, IndexError):
            maxrss = 0
    # Too short to sample (< 0.2 s): the one sample may predate exec; report nothing.
    tree = sampler.peak // 1024 if wall >= 0.2 else 0
    own = usage.ru_utime + usage.ru_stime
    return Sample(
        wall,
        proc.returncode,
        maxrss,
        tree,
        fired.is_set(),
        out_path.read_bytes(),
        err_path.read_bytes(),
        # /proc/stat counts 10 ms ticks: too coarse for short runs.
        bg_cores=min(max(0.0, busy - own) / wall, float(os.cpu_count() or 1)) if wall >= 0.2 else float("nan"),
        cpu=own,
    )


# ---------------------------------------------------------------- tools


@dataclass
class Tools:
    beta_lint: Path
    beta_lint_python: Path | None
    ruff: Path | None
    grep: Path | None
    semgrep: Path | None
    has_no_cache: bool
    notes: dict[str, str] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)


def _find_tool(name: str, given: str | None) -> Path | None:
    if given:
        path = Path(given)
        return path if path.exists() else None
    sibling = Path(sys.executable).parent / name
    if sibling.exists():
        return sibling
    found = shutil.which(name)
    return Path(found) if found else None


def _script_python(script: Path) -> Path | None:
    try:
        first = script.read_bytes()[:300].split(b"\n", 1)[0]
    except OSError:
        return None
    if first.startswith(b"#!"):
        candidate = Path(first[2:].decode(errors="replace").strip().split()[0])
        if candidate.exists() and "python" in candidate.name:
            return candidate
    return None


def find_tools(args: argparse.Namespace) -> Tools:
    beta_lint = _find_tool("beta-lint", args.beta_lint)
    if beta_lint is None:
        sys.exit("bench: beta-lint not found: install it (pip install -e .) or pass --beta-lint PATH")
    help_text = quick([str(beta_lint), "check", "--help"]).stdout
    tools = Tools(
        beta_lint,
        _script_python(beta_lint),
        _find_tool("ruff", args.ruff),
        Path(shutil.which("grep")) if shutil.which("grep") else None,
        None,
        "--no-cache" in help_text,
    )
    if not tools.has_no_cache:
        tools.notes["beta-lint"] = "`check --no-cache` does not exist yet: cold runs are plain runs"
    tools.versions["beta-lint"] = quick([str(beta_lint), "--version"]).stdout.strip() or "?"
    if tools.ruff is None:
        tools.notes["ruff"] = "ruff not found (pass --ruff PATH): ruff rows and ratios skipped"
    else:
        tools.versions["ruff"] = quick([str(tools.ruff), "--version"]).stdout.strip()
    if tools.grep is None:
        tools.notes["grep"] = "grep not found: grep rows skipped"
    else:
        tools.versions["grep"] = quick([str(tools.grep), "--version"]).stdout.splitlines()[0]
    if args.no_semgrep:
        tools.notes["semgrep"] = "semgrep skipped (--no-semgrep)"
    else:
        tools.semgrep = install_semgrep(tools)
        if tools.semgrep is not None:
            tools.versions["semgrep"] = quick([str(tools.semgrep), "--version"], timeout=120).stdout.strip()
    return tools


def install_semgrep(tools: Tools) -> Path | None:
    venv = WORK / "semgrep-venv"
    binary = venv / "bin" / "semgrep"
    if binary.exists():
        return binary
    log(f"installing {SEMGREP_SPEC} from PyPI into {rel(venv)} (limit {SEMGREP_INSTALL_LIMIT:.0f} s)")
    started = time.monotonic()
    try:
        made = quick([sys.executable, "-m", "venv", str(venv)], timeout=120)
        if made.returncode != 0:
            raise RuntimeError(made.stderr.strip().splitlines()[-1] if made.stderr.strip() else "venv failed")
        left = SEMGREP_INSTALL_LIMIT - (time.monotonic() - started)
        done = quick([str(venv / "bin" / "pip"), "install", "-q", SEMGREP_SPEC], timeout=max(left, 1.0))
        if done.returncode != 0 or not binary.exists():
            tail = (done.stderr.strip().splitlines() or ["pip install semgrep failed"])[-1]
            raise RuntimeError(tail)
    except subprocess.TimeoutExpired:
        tools.notes["semgrep"] = f"semgrep skipped: pip install took over {SEMGREP_INSTALL_LIMIT:.0f} s"
        shutil.rmtree(venv, ignore_errors=True)
        return None
    except (RuntimeError, OSError) as error:
        tools.notes["semgrep"] = f"semgrep skipped: could not install it from PyPI ({error})"
        shutil.rmtree(venv, ignore_errors=True)
        return None
    log(f"semgrep installed in {time.monotonic() - started:.0f} s")
    return binary


# ---------------------------------------------------------------- building the trees


def write_isolation_files() -> None:
    """Keep every tool's configuration lookup inside bench/work (not /work/main/pyproject.toml)."""
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "ruff.toml").write_text("# bench: an empty ruff configuration, so /work/main's is not used\n")
    (WORK / "beta-lint.toml").write_text("# bench: beta-lint defaults; its root (and any cache) is bench/work\n")
    (WORK / ".semgrepignore").write_text("# bench: empty, so semgrep scans tests/ folders too, like the others\n")
    (WORK / "semgrep-rule.yml").write_text(SEMGREP_RULE)
    (WORK / "semgrep-home").mkdir(exist_ok=True)  # semgrep writes ~/.semgrep: keep it in here


# ---------------------------------------------------------------- candidates (beta-lint's own prefilter)

CANDIDATE_SNIPPET = r"""
import json, sys
from beta_lint.files.source import could_hold_beta
extra = ()
try:
    from beta_lint.knowledge.registry import default_registry, looks_like_beta
    registry = default_registry()
    extra = tuple(n.encode() for n in registry.names() if not looks_like_beta(n))
    extra += tuple(n.encode() for n in registry.allowed)
except Exception:
    pass
hits = []
for path in sys.stdin.read().splitlines():
    with open(path, "rb") as handle:
        if could_hold_beta(handle.read(), extra):
            hits.append(path)
print(json.dumps(hits))
"""


def make_candidate_finder(tools: Tools) -> tuple[Callable[[list[Path]], list[Path]], str]:
    def fallback(paths: list[Path]) -> list[Path]:
        return [p for p in paths if FALLBACK_CANDIDATE_RE.search(p.read_bytes())]

    if tools.beta_lint_python is None:
        return fallback, "a copy of beta-lint's prefilter regex (its interpreter was not found)"
    probe = quick([str(tools.beta_lint_python), "-c", CANDIDATE_SNIPPET], timeout=60, env=None)
    if probe.returncode != 0:
        return fallback, "a copy of beta-lint's prefilter regex (beta_lint.files.source.could_hold_beta did not import)"

    def own(paths: list[Path]) -> list[Path]:
        done = subprocess.run(
            [str(tools.beta_lint_python), "-c", CANDIDATE_SNIPPET],
            capture_output=True,
            text=True,
            input="\n".join(str(p) for p in paths),
            timeout=300,
        )
        if done.returncode != 0:
            return fallback(paths)
        return [Path(p) for p in json.loads(done.stdout)]

    return own, "beta-lint's own prefilter (beta_lint.files.source.could_hold_beta)"


# ---------------------------------------------------------------- what to run


@dataclass
class Command:
    group: str  # rows of one group share files/lines and the ruff/semgrep reference
    label: str
    argv: list[str]
    role: str = ""  # "ruff-cold", "semgrep", "bl-cold", ... (for ratios and targets)
    ok_codes: tuple[int, ...] = (0,)
    prepare: Callable[[], str] | None = None  # run once before the timed runs; returns a note
    note: str = ""
    skip: str = ""  # a reason: the row is shown, nothing is run
    env: dict[str, str] | None = None
    samples: list[Sample] = field(default_factory=list)
    limit: int = 0  # repeat count for this command
    max_runs: int = 0  # at most this many timed runs (0: --repeat)
    min_timeout: float = 0.0  # a run's time limit is at least this (s)


@dataclass
class Group:
    name: str
    tree: str
    files: int
    lines: int
    paths: list[str]  # arguments naming the files (relative to WORK)


def beta_lint_cache_dirs() -> list[Path]:
    """Wherever beta-lint may keep a cache: <root>/.beta_lint_cache (root is bench/work), a tree, ~/.cache."""
    places = [WORK, *(p for p in WORK.iterdir() if p.is_dir()), WORK / "caches", Path.home() / ".cache"]
    found: list[Path] = []
    for place in places:
        try:
            found += [p for p in place.iterdir() if "beta" in p.name.lower() and "cache" in p.name.lower()]
            found += [p for p in place.iterdir() if p.name.lower() in ("beta-lint", "beta_lint")]
        except OSError:
            continue
    return sorted(set(found))


NO_CACHE = "no cache written by beta-lint: a second run is a cold run, not measured again"


def build_commands(tools: Tools, groups: dict[str, Group]) -> list[Command]:
    bl = str(tools.beta_lint)
    report = ["--exit-zero", "-q", "--output-format", "concise"]
    cold = ["--no-cache"] if tools.has_no_cache else []
    ruff_cache = WORK / "caches"
    commands: list[Command] = []

    def ruff_rows(group: Group) -> None:
        if tools.ruff is None:
            commands.append(Command(group.name, "ruff check --select E9 (cold / warm)", [], skip=tools.notes["ruff"]))
            return
        ruff = str(tools.ruff)
        commands.append(
            Command(
                group.name,
                "ruff check --no-cache --select E9",
                [ruff, "check", "--no-cache", "--select", "E9", *group.paths],
                role="ruff-cold",
                ok_codes=(0, 1),
            )
        )
        cache = ruff_cache / f"ruff-{group.name}"
        warm_argv = [ruff, "check", "--cache-dir", str(cache), "--select", "E9", *group.paths]

        def fill() -> str:
            shutil.rmtree(cache, ignore_errors=True)
            quick(warm_argv, timeout=600)
            return ""

        commands.append(
            Command(
                group.name,
                "ruff check --select E9 (warm cache)",
                warm_argv,
                role="ruff-warm",
                ok_codes=(0, 1),
                prepare=fill,
            )
        )

    def bl_warm(group: Group) -> Command:
        # A cache of this tree's own, as ruff's warm rows have (`--cache-dir ruff-<tree>`) and as
        # a project has: a cache shared by every tree made a small tree's warm run load the
        # monorepo's stamps (sdist-sparse: 0.35 s shared, 0.22 s its own). The configuration
        # sits beside bench/work/beta-lint.toml, so the root (and what is discovered) stays the same.
        config = WORK / f"beta-lint-warm-{group.name}.toml"
        config.write_text(
            f"# bench: beta-lint defaults, with a cache of the {group.name} tree's own\n"
            f'cache-dir = "caches/beta-lint-{group.name}"\n'
        )
        argv = [bl, "check", "--config", str(config), *report, *group.paths]

        def fill() -> str:
            before = set(beta_lint_cache_dirs())
            quick(argv, timeout=900)
            found = beta_lint_cache_dirs()
            if found:
                return f"cache in {', '.join(rel(p) for p in found)}" + ("" if before else " (filled by a first run)")
            return NO_CACHE

        return Command(group.name, "beta-lint check (warm: 2nd run, cache on)", argv, role="bl-warm", prepare=fill)

    for name, group in groups.items():
        if TREES[group.tree].shape == "tree":
            commands.append(
                Command(
                    name,
                    "beta-lint check " + " ".join(cold + report) + " (cold)",
                    [bl, "check", *cold, *report, *group.paths],
                    role="bl-cold",
                )
            )
            commands.append(bl_warm(group))
            if group.tree == "dense":
                for jobs in ("1", "2"):
                    commands.append(
                        Command(
                            name,
                            f"beta-lint check -j {jobs} (cold)",
                            [bl, "check", *cold, "-j", jobs, *report, *group.paths],
                            role=f"bl-j{jobs}",
                        )
                    )
            ruff_rows(group)
            if tools.grep is not None:
                commands.append(
                    Command(
                        name,
                        f"grep -rlE '{GREP_PATTERN}'",
                        [str(tools.grep), "-rlE", GREP_PATTERN, *group.paths],
                        role="grep",
                        ok_codes=(0, 1),
                    )
                )
            else:
                commands.append(Command(name, "grep -rlE", [], skip=tools.notes["grep"]))
            if tools.semgrep is not None:
                commands.append(
                    Command(
                        name,
                        "semgrep scan (2-pattern rule)",
                        [
                            str(tools.semgrep),
                            "scan",
                            "--config",
                            str(WORK / "semgrep-rule.yml"),
                            "--metrics=off",
                            "--disable-version-check",
                            "--quiet",
                            "--json",
                            "--no-git-ignore",
                            "--project-root",
                            ".",
                            "--max-target-bytes",
                            "0",
                            "-j",
                            str(os.cpu_count() or 1),
                            *group.paths,
                        ],
                        role="semgrep",
                        ok_codes=(0, 1),
                        env={**tool_env(), "HOME": str(WORK / "semgrep-home")},
                        # Minutes per run on a large tree: once, with room to finish.
                        max_runs=1 if group.files > SEMGREP_ONCE_FILES else 0,
                        min_timeout=SEMGREP_BIG_TIMEOUT if group.files > SEMGREP_ONCE_FILES else 0.0,
                        note=f"1 run: over {SEMGREP_ONCE_FILES} files" if group.files > SEMGREP_ONCE_FILES else "",
                    )
                )
            else:
                commands.append(
                    Command(
                        name,
                        "semgrep scan (2-pattern rule)",
                        [],
                        role="semgrep",
                        skip=tools.notes.get("semgrep", "semgrep unavailable"),
                    )
                )
        else:  # pre-commit shape: a handful of files named on the command line
            commands.append(
                Command(
                    name,
                    "beta-lint check FILES " + " ".join(cold) + " (cold)",
                    [bl, "check", *cold, *report, *group.paths],
                    role="bl-cold",
                )
            )
            commands.append(bl_warm(group))
            ruff_rows(group)
    if "precommit-clean" in groups:
        commands.append(
            Command("precommit-clean", "beta-lint --version (startup floor)", [bl, "--version"], role="floor")
        )
    return commands


# ---------------------------------------------------------------- running


def run_all(commands: list[Command], repeat: int, timeout: float, idle: float) -> None:
    """Round-robin: every command once per round, so drift spreads evenly over all of them."""
    live = [c for c in commands if not c.skip]
    for command in live:
        command.limit = min(repeat, command.max_runs) if command.max_runs else repeat
        if command.prepare is not None:
            log(f"prepare: {command.group}: {command.label}")
            command.note = command.prepare()
            if command.note == NO_CACHE:
                command.skip = command.note
    live = [c for c in commands if not c.skip]
    for round_no in range(1, repeat + 1):
        if idle > 0:
            wait_idle(idle)
        for command in live:
            if len(command.samples) >= command.limit:
                continue
            sample = run_measured(command.argv, WORK, max(timeout, command.min_timeout), command.env)
            command.samples.append(sample)
            status = "ok"
            if sample.error:
                status = sample.error
            elif sample.timed_out:
                status = f"TIMEOUT after {max(timeout, command.min_timeout):.0f} s"
            elif sample.rc not in command.ok_codes:
                status = f"exit {sample.rc}"
                save = LOGS / f"fail-{command.group}-{command.role or 'cmd'}.log"
                save.write_bytes(
                    b"$ "
                    + " ".join(command.argv[:8]).encode()
                    + b" ...\n"
                    + sample.stdout[-4000:]
                    + b"\n--- stderr\n"
                    + sample.stderr[-8000:]
                )
                status += f" (see {rel(save)})"
            log(
                f"round {round_no}/{repeat} {command.group:16} {command.label[:60]:60} {sample.wall:8.3f} s "
                f"{sample.maxrss_kb / 1024:7.1f} MB  bg {fmt(sample.bg_cores, 2):>4}  {status}"
            )
            if round_no == 1 and sample.wall > SLOW_FIRST_RUN and command.limit > SLOW_REPEAT:
                command.limit = SLOW_REPEAT
                log(f"  first run over {SLOW_FIRST_RUN:.0f} s: this command runs {SLOW_REPEAT} times, not {repeat}")
            if sample.timed_out or sample.error:
                command.limit = len(command.samples)  # do not burn the budget on a command that cannot finish


@dataclass
class Stats:
    n: int
    median: float
    low: float
    high: float
    peak_mb: float
    tree_mb: float
    failed: str
    bg: float = 0.0
    cpu: float = 0.0


def stats_of(command: Command) -> Stats | None:
    good = [s for s in command.samples if not s.error and not s.timed_out and s.rc in command.ok_codes]
    failed = ""
    bad = [s for s in command.samples if s not in good]
    if bad:
        first = bad[0]
        failed = first.error or ("timeout" if first.timed_out else f"exit {first.rc}")
    if not good:
        return (
            Stats(0, float("nan"), float("nan"), float("nan"), 0.0, 0.0, failed or "not run", 0.0)
            if command.samples
            else None
        )
    walls = [s.wall for s in good]
    return Stats(
        len(good),
        statistics.median(walls),
        min(walls),
        max(walls),
        max(s.maxrss_kb for s in good) / 1024,
        max(s.tree_kb for s in good) / 1024,
        failed,
        statistics.median(b) if (b := [s.bg_cores for s in good if s.bg_cores == s.bg_cores]) else float("nan"),
        statistics.median(s.cpu for s in good),
    )


# ---------------------------------------------------------------- correctness and linearity


def beta_lint_json(tools: Tools, paths: Sequence[str], timeout: float) -> tuple[dict[str, object] | None, str]:
    argv = [str(tools.beta_lint), "check", "--select", "BL", "--output-format", "json", "--exit-zero"]
    argv += (["--no-cache"] if tools.has_no_cache else []) + list(paths)
    sample = run_measured(argv, WORK, timeout)
    if sample.timed_out or sample.rc != 0:
        tail = sample.stderr[-300:].decode(errors="replace")
        return None, f"beta-lint --output-format json failed (exit {sample.rc}): {tail}"
    try:
        return json.loads(sample.stdout), ""
    except json.JSONDecodeError as error:
        return None, f"beta-lint JSON did not parse: {error}"


def beta_lint_audit(tools: Tools, paths: Sequence[str], timeout: float) -> tuple[list[dict[str, object]], str]:
    """Every use `beta-lint audit --format json` reports (path, line, kind, beta); error text if none."""
    argv = [str(tools.beta_lint), "audit", "--format", "json"]
    argv += (["--no-cache"] if tools.has_no_cache else []) + list(paths)
    sample = run_measured(argv, WORK, timeout)
    if sample.timed_out or sample.rc != 0:
        tail = sample.stderr[-300:].decode(errors="replace").strip()
        return [], f"`beta-lint audit --format json` failed (exit {sample.rc}): {tail}"
    try:
        document = json.loads(sample.stdout)
        uses = [
            {**use, "beta": beta.get("name"), "path": str(use["path"]).removeprefix("./")}
            for beta in document.get("betas", [])
            for use in beta.get("uses", [])
        ]
    except (json.JSONDecodeError, AttributeError, KeyError, TypeError) as error:
        return [], f"`beta-lint audit --format json` output not understood: {error}"
    return uses, ""


def check_dense(
    tools: Tools, tree: str, semgrep_cmd: Command | None, timeout: float
) -> tuple[list[str], tuple[int, int]]:
    """Does beta-lint still find every real beta usage of the SDK in `tree`? Compared with grep (and semgrep).

    A header key line (`"anthropic-beta": ...`) counts as found when beta-lint reports a use
    (audit) or a diagnostic (check --select BL, which includes BL902 for values it cannot
    resolve) from 2 lines before to 5 lines after it: the value may sit on the next lines.
    """
    lines_out: list[str] = []
    key_lines: list[tuple[str, int]] = []
    any_lines = 0
    for path in py_files(WORK / tree):
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if "anthropic-beta" in line.lower():
                any_lines += 1
                if HEADER_KEY_RE.search(line):
                    key_lines.append((str(path.relative_to(WORK)), number))
    lines_out.append(
        f"- grep: {any_lines} lines mention `anthropic-beta` (docstrings included); "
        f'{len(key_lines)} of them are header keys (`"anthropic-beta": ...`) '
        f"in {len({p for p, _ in key_lines})} files."
    )
    reported: dict[str, set[int]] = {}
    document, error = beta_lint_json(tools, [tree], timeout)
    if document is None:
        lines_out.append(f"- beta-lint check: {error}")
    else:
        diagnostics = document.get("diagnostics", [])
        assert isinstance(diagnostics, list)
        codes = Counter(d["code"] for d in diagnostics)
        for d in diagnostics:
            reported.setdefault(d["path"].removeprefix("./"), set()).add(int(d["line"]))
        lines_out.append(
            f"- beta-lint `check --select BL --output-format json`: {len(diagnostics)} diagnostics on "
            f"{len({(d['path'], d['line']) for d in diagnostics})} lines in "
            f"{len({d['path'] for d in diagnostics})} files "
            f"({', '.join(f'{c} {k}' for k, c in sorted(codes.items()))})."
        )
    uses, error = beta_lint_audit(tools, [tree], timeout)
    if error:
        lines_out.append(f"- beta-lint audit: {error}")
    else:
        kinds = Counter(str(u.get("kind")) for u in uses)
        for use in uses:
            reported.setdefault(str(use["path"]), set()).add(int(use["line"]))  # type: ignore[call-overload]
        lines_out.append(
            f"- beta-lint `audit --format json`: {len(uses)} uses of {len({u['beta'] for u in uses})} betas in "
            f"{len({u['path'] for u in uses})} files ({', '.join(f'{c} {k}' for k, c in sorted(kinds.items()))})."
        )
    covered = [(p, n) for p, n in key_lines if any(n - 2 <= line <= n + 5 for line in reported.get(p, ()))]
    missed = [x for x in key_lines if x not in covered]
    lines_out.append(
        "- header keys with a beta-lint use or diagnostic from 2 lines before to 5 after: "
        f"{len(covered)}/{len(key_lines)}" + (" (all found)" if not missed else "")
    )
    for path, number in missed[:10]:
        lines_out.append(f"  - missed: {path}:{number}")
    if semgrep_cmd is not None:
        good = [s for s in semgrep_cmd.samples if s.rc in semgrep_cmd.ok_codes and not s.timed_out]
        if good:
            try:
                results = json.loads(good[-1].stdout).get("results", [])
                spans: dict[str, list[tuple[int, int]]] = {}
                for r in results:
                    spans.setdefault(r["path"].removeprefix("./"), []).append((r["start"]["line"], r["end"]["line"]))
                hit = sum(1 for p, n in key_lines if any(a <= n <= b for a, b in spans.get(p, [])))
                lines_out.append(
                    f"- semgrep (same run): {len(results)} matches; header keys inside a match: {hit}/{len(key_lines)}."
                )
            except (json.JSONDecodeError, KeyError, TypeError):
                lines_out.append("- semgrep: its JSON output did not parse")
    return lines_out, (len(covered), len(key_lines))


def check_sparse(tools: Tools, manifest: dict[str, object], timeout: float) -> list[str]:
    planted = manifest.get("sparse", {}).get("planted", [])  # type: ignore[union-attr]
    document, error = beta_lint_json(tools, ["sparse"], timeout)
    if document is None:
        return [f"- beta-lint: {error}"]
    diagnostics = document.get("diagnostics", [])
    assert isinstance(diagnostics, list)
    found = [
        (p, n, b)
        for p, n, b in planted
        if any(d["path"].removeprefix("./") == p and d["line"] == n and d.get("beta") == b for d in diagnostics)
    ]
    elsewhere = [d for d in diagnostics if f"/{PLANTED_DIR}/" not in d["path"]]
    out = [f"- planted usages reported (same file, line and beta): {len(found)}/{len(planted)}"]
    for p, n, b in planted:
        if (p, n, b) not in found:
            out.append(f"  - missed: {p}:{n} {b}")
    out.append(f"- diagnostics in the third-party files (none expected: no beta there): {len(elsewhere)}")
    for d in elsewhere[:5]:
        out.append(f"  - {d['path']}:{d['line']} {d['code']} {d['message'][:100]}")
    return out


@dataclass
class LinearPoint:
    share: int
    files: int
    lines: int
    seconds: float


def run_linearity(tools: Tools, dense_candidates: list[Path], repeat: int, timeout: float) -> list[LinearPoint]:
    points: list[LinearPoint] = []
    ordered = sorted(dense_candidates)
    for share, step in ((25, 4), (50, 2), (100, 1)):
        subset = ordered[::step]
        argv = [
            str(tools.beta_lint),
            "check",
            *(["--no-cache"] if tools.has_no_cache else []),
            "-j",
            "1",
            "--exit-zero",
            "-q",
            "--output-format",
            "concise",
            *(str(p.relative_to(WORK)) for p in subset),
        ]
        walls = []
        for _ in range(repeat):
            sample = run_measured(argv, WORK, timeout)
            if sample.timed_out or sample.rc != 0:
                log(f"linearity {share}%: run failed (exit {sample.rc})")
                break
            walls.append(sample.wall)
        if walls and subset:
            points.append(LinearPoint(share, len(subset), count_lines(subset), statistics.median(walls)))
            log(f"linearity {share}%: {len(subset)} files, {points[-1].lines} lines, {points[-1].seconds:.2f} s")
    return points


def fit(points: list[LinearPoint]) -> tuple[float, float, float]:
    """Least squares seconds = a + b * kilolines; returns (a, b, r2)."""
    points = [p for p in points if p.lines > 0]
    xs = [p.lines / 1000 for p in points]
    ys = [p.seconds for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else 0.0
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - (a + b * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    return a, b, (1 - ss_res / ss_tot) if ss_tot else 1.0


# ---------------------------------------------------------------- profiling (--profile)

ENTRY = "import sys\nfrom beta_lint.cli import main\nsys.argv[0] = 'beta-lint'\nsys.exit(main())\n"


def libcst_imported(tools: Tools, paths: Sequence[str]) -> str:
    if tools.beta_lint_python is None:
        return "unknown (beta-lint's interpreter not found)"
    argv = [
        str(tools.beta_lint_python),
        "-X",
        "importtime",
        "-c",
        ENTRY,
        "check",
        *(["--no-cache"] if tools.has_no_cache else []),
        "--exit-zero",
        "-q",
        *paths,
    ]
    done = quick(argv, timeout=120)
    imported = re.search(r"\|\s+libcst\s*$", done.stderr, re.MULTILINE) is not None
    return "yes" if imported else "no"


def profile_dense(tools: Tools) -> list[str]:
    if tools.beta_lint_python is None:
        return ["- profiling skipped: beta-lint's interpreter not found"]
    import pstats

    out: list[str] = []
    cold = ["--no-cache"] if tools.has_no_cache else []
    args = ["check", *cold, "-j", "1", "--exit-zero", "-q", "--output-format", "concise", "dense"]
    done = quick([str(tools.beta_lint_python), "-X", "importtime", "-c", ENTRY, *args], timeout=900)
    rows = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)", line)
        if match and len(match.group(3)) == 1:  # top-level imports only
            rows.append((int(match.group(2)), match.group(4)))
    (WORK / "importtime.txt").write_text(done.stderr)
    total = sum(c for c, _ in rows)
    out.append(
        f"- `-X importtime` (top-level imports, cumulative): {total / 1e6:.3f} s in all; "
        + ", ".join(f"{name} {c / 1e3:.0f} ms" for c, name in sorted(rows, reverse=True)[:8])
    )
    entry = WORK / "profile_entry.py"
    entry.write_text(ENTRY)
    stats_file = WORK / "profile.pstats"
    started = time.perf_counter()
    quick([str(tools.beta_lint_python), "-m", "cProfile", "-o", str(stats_file), str(entry), *args], timeout=1800)
    elapsed = time.perf_counter() - started
    if not stats_file.exists():
        return [*out, "- cProfile failed"]
    import io

    buffer = io.StringIO()
    stats = pstats.Stats(str(stats_file), stream=buffer)
    stats.sort_stats("cumulative").print_stats(15)
    stats.sort_stats("tottime").print_stats(15)
    (WORK / "profile.txt").write_text(buffer.getvalue())
    total = max((v[3] for v in stats.stats.values()), default=0.0)  # type: ignore[attr-defined]

    def where(key: tuple[str, int, str]) -> str:
        filename, line, func = key
        short = filename.split("site-packages/")[-1].split("/work/main/")[-1]
        if "/lib/python3" in short:
            short = "stdlib/" + short.rsplit("/", 1)[-1]
        return f"`{func}`" if short == "~" else f"`{short}:{line}({func})`"

    # The entry chain (exec, click, cli, run_check) takes ~100% and says nothing: leave it out.
    chain = ("click/", "profile_entry.py", "beta_lint/cli.py", "beta_lint/run.py")
    entries = [
        (key, value)
        for key, value in stats.stats.items()  # type: ignore[attr-defined]
        if not any(part in key[0] for part in chain) and key[2] != "<built-in method builtins.exec>"
    ]
    out.append(
        f"- cProfile of `beta-lint check -j 1` on the dense tree: {total:.1f} s under the profiler "
        f"({elapsed:.1f} s wall with profiling overhead). Top 15 by cumulative time, below the CLI "
        "entry chain (full listing: bench/work/profile.txt):"
    )
    out += ["", "| cumulative s | share | own s | calls | function |", "|---:|---:|---:|---:|---|"]
    for key, (_cc, calls, own, cumulative, _callers) in sorted(entries, key=lambda e: e[1][3], reverse=True)[:15]:
        share = f"{100 * cumulative / total:.0f}%" if total else "-"
        out.append(f"| {cumulative:.2f} | {share} | {own:.2f} | {calls} | {where(key)} |")
    out += ["", "Top 10 by own time:", "", "| own s | share | calls | function |", "|---:|---:|---:|---|"]
    for key, (_cc, calls, own, _cumulative, _callers) in sorted(entries, key=lambda e: e[1][2], reverse=True)[:10]:
        share = f"{100 * own / total:.0f}%" if total else "-"
        out.append(f"| {own:.2f} | {share} | {calls} | {where(key)} |")
    return out


# ---------------------------------------------------------------- report


def elapsed_text(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def fmt(value: float, digits: int = 3) -> str:
    return "-" if value != value else f"{value:.{digits}f}"


def table(commands: list[Command], groups: dict[str, Group]) -> list[str]:
    out = [
        "| tree | files | lines | command | n | median s | min s | max s | cpu s | peak MB | all procs MB "
        "| vs ruff cold | vs semgrep | bg cores | note |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for command in commands:
        group = groups[command.group]
        stat = stats_of(command)
        ref_ruff = next((stats_of(c) for c in commands if c.group == command.group and c.role == "ruff-cold"), None)
        ref_sg = next((stats_of(c) for c in commands if c.group == command.group and c.role == "semgrep"), None)
        note = command.skip or command.note
        label = command.label.replace("|", "\\|")  # a pipe would end the table cell
        if stat is None:
            out.append(
                f"| {group.name} | {group.files} | {group.lines} | `{label}` | 0 | - | - | - | - | - | - "
                f"| - | - | - | {note or 'not run'} |"
            )
            continue
        if stat.failed:
            note = (note + "; " if note else "") + f"failed: {stat.failed}"
        vs_ruff = f"{stat.median / ref_ruff.median:.1f}x" if ref_ruff and ref_ruff.n and stat.n else "-"
        vs_sg = f"{stat.median / ref_sg.median:.2f}x" if ref_sg and ref_sg.n and stat.n else "-"
        tree_mb = f"{stat.tree_mb:.0f}" if stat.tree_mb else "-"
        out.append(
            f"| {group.name} | {group.files} | {group.lines} | `{label}` | {stat.n} "
            f"| {fmt(stat.median)} | {fmt(stat.low)} | {fmt(stat.high)} | {fmt(stat.cpu, 2)} | {stat.peak_mb:.0f} "
            f"| {tree_mb} "
            f"| {vs_ruff} | {vs_sg} | {fmt(stat.bg, 2)} | {note} |"
        )
    return out


def median_of(commands: list[Command], group: str, role: str) -> Stats | None:
    stat = next((stats_of(c) for c in commands if c.group == group and c.role == role), None)
    return stat if stat is not None and stat.n else None


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "MISSED")


class TargetTable:
    """Rows of a targets table: what was measured against a limit, and the verdict."""

    def __init__(self, commands: list[Command], groups: dict[str, Group]) -> None:
        self.commands, self.groups = commands, groups
        self.out = ["| target | measured | verdict |", "|---|---|---|"]

    def row(self, target: str, measured: str, ok: bool | None) -> None:
        self.out.append(f"| {target} | {measured} | {verdict(ok)} |")

    def ratio(self, target: str, group: str, role: str, ref_role: str, limit: float) -> None:
        a, b = median_of(self.commands, group, role), median_of(self.commands, group, ref_role)
        if a is None or b is None:
            self.row(target, "not measured", None)
            return
        r = a.median / b.median
        self.row(target, f"{a.median:.3f} s vs {b.median:.3f} s = {r:.2f}x (limit {limit:g}x)", r <= limit)

    def warm(self, group: str, limit: float = 1.5) -> None:
        warm = next((c for c in self.commands if c.group == group and c.role == "bl-warm"), None)
        if warm is not None and warm.note == NO_CACHE:  # the second run costs what the first did
            self.ratio(
                f"{group}: warm <= {limit:g}x ruff warm (no cache yet: cold)", group, "bl-cold", "ruff-warm", limit
            )
        else:
            self.ratio(f"{group}: warm <= {limit:g}x ruff warm", group, "bl-warm", "ruff-warm", limit)

    def coverage(self, group: str, extra: dict[str, object]) -> None:
        coverage = extra.get(f"dense_coverage_{group}")
        if isinstance(coverage, tuple):
            self.row(
                f"{group}: every header key the SDK sends found (a use or diagnostic)",
                f"{coverage[0]}/{coverage[1]}",
                coverage[0] == coverage[1],
            )

    def seconds(self, group: str, limit: float) -> None:
        for role, what in (("bl-cold", "cold"), ("bl-warm", "cache on")):
            stat = median_of(self.commands, group, role)
            if stat is not None:
                self.row(
                    f"{group} ({self.groups[group].files} files, {what}): <= {limit * 1000:.0f} ms",
                    f"{stat.median * 1000:.0f} ms",
                    stat.median <= limit,
                )


def targets(commands: list[Command], groups: dict[str, Group], extra: dict[str, object]) -> list[str]:
    t = TargetTable(commands, groups)
    if "sparse" in groups:
        t.ratio("sparse: cold <= ruff cold", "sparse", "bl-cold", "ruff-cold", 1.0)
    if "dense" in groups:
        t.ratio("dense: cold <= 1/4 of semgrep (side by side)", "dense", "bl-cold", "semgrep", 0.25)
        cold = median_of(commands, "dense", "bl-cold")
        if cold is not None:
            t.row(
                f"dense: cold <= 1/4 of issue's semgrep figure ({ISSUE_SEMGREP_DENSE} s)",
                f"{cold.median:.3f} s vs {ISSUE_SEMGREP_DENSE / 4:.3f} s",
                cold.median <= ISSUE_SEMGREP_DENSE / 4,
            )
        t.coverage("dense", extra)
    for group in ("sparse", "dense"):
        if group in groups:
            t.warm(group)
    for group, limit in (("precommit-clean", 0.150), ("precommit-betas", 0.500)):
        if group in groups:
            t.seconds(group, limit)
    if "libcst_clean" in extra:
        t.row(
            "precommit-clean: libcst not imported",
            f"imported: {extra['libcst_clean']}",
            None if extra["libcst_clean"] not in ("yes", "no") else extra["libcst_clean"] == "no",
        )
    if "dense" in groups:
        peaks = [s for s in (median_of(commands, "dense", r) for r in ("bl-cold", "bl-warm", "bl-j1", "bl-j2")) if s]
        if peaks:
            proc = max(s.peak_mb for s in peaks)
            tree = max(s.tree_mb for s in peaks)
            t.row(
                "dense: peak memory <= 300 MB",
                f"largest process {proc:.0f} MB; all processes together {tree:.0f} MB (sampled)",
                max(proc, tree) <= 300,
            )
        one, two = median_of(commands, "dense", "bl-j1"), median_of(commands, "dense", "bl-j2")
        if one and two:
            t.row(
                "dense: 2 workers >= 1.6x",
                f"{one.median:.2f} s / {two.median:.2f} s = {one.median / two.median:.2f}x",
                one.median / two.median >= 1.6,
            )
        points = extra.get("linear")
        if isinstance(points, list) and len(points) >= 2:
            a, b, r2 = fit(points)
            rates = [p.seconds / (p.lines / 1000) for p in points]
            net = [(p.seconds - a) / (p.lines / 1000) for p in points]
            spread = (max(net) - min(net)) / statistics.fmean(net) if statistics.fmean(net) > 0 else float("inf")
            t.row(
                "dense: time linear in candidate lines",
                f"fit {a:.2f} s + {b * 1000:.2f} ms/1k lines, R^2 {r2:.4f}; s per 1k lines "
                + "/".join(f"{r:.3f}" for r in rates)
                + " at "
                + "/".join(f"{p.share}%" for p in points),
                r2 >= 0.98 and spread <= 0.2,
            )
    return t.out


def targets_16(commands: list[Command], groups: dict[str, Group], extra: dict[str, object]) -> list[str]:
    """Issue 16: the trees a user would recognise, against ruff --select E9 and semgrep of the same run."""
    t = TargetTable(commands, groups)
    for group in ("sdist-sparse", "monorepo"):
        if group in groups:
            t.ratio(f"{group}: cold <= 1.0x ruff cold", group, "bl-cold", "ruff-cold", 1.0)
            t.warm(group)
    for group in ("dense", "sdist-dense"):
        if group in groups:
            t.ratio(f"{group}: cold <= 0.25x semgrep", group, "bl-cold", "semgrep", 0.25)
            t.coverage(group, extra)
    if "pydantic-ai" in groups:
        t.ratio("pydantic-ai: cold <= 3x ruff cold", "pydantic-ai", "bl-cold", "ruff-cold", 3.0)
    if "precommit-clean" in groups:
        t.seconds("precommit-clean", 0.150)
    if "precommit-agents" in groups:
        t.seconds("precommit-agents", 0.300)
    outputs = extra.get("outputs")
    if isinstance(outputs, dict):
        differ = [g for g, (same, _runs, _skipped) in outputs.items() if not same]
        skipped = {g: n for g, (_same, _runs, n) in outputs.items() if n}
        runs = sorted({r for _same, r, _skipped in outputs.values()})
        t.row(
            "every tree: the same output on every cold run",
            f"{len(outputs)} trees, {'/'.join(map(str, runs))} runs each: "
            + (f"differ on {', '.join(differ)}" if differ else "all identical"),
            not differ,
        )
        t.row(
            "every tree: no file skipped for time (BL999)",
            ", ".join(f"{g} {n}" for g, n in skipped.items()) if skipped else "0 BL999",
            not skipped,
        )
    return t.out


CONCISE_CODE_RE = re.compile(rb"^\S.*?:\d+:\d+: ([A-Z]+\d+) ", re.MULTILINE)


def cold_outputs(
    commands: list[Command], groups: dict[str, Group]
) -> tuple[list[str], dict[str, tuple[bool, int, int]]]:
    """The diagnostics of each tree's cold runs (concise format): counts by code, and whether every run agreed."""
    lines: list[str] = []
    verdicts: dict[str, tuple[bool, int, int]] = {}
    for name in groups:
        cold = next((c for c in commands if c.group == name and c.role == "bl-cold"), None)
        good = [s.stdout for s in cold.samples if s.rc in cold.ok_codes and not s.timed_out] if cold else []
        if not good:
            continue
        codes = Counter(m.decode() for m in CONCISE_CODE_RE.findall(good[0]))
        same = all(out == good[0] for out in good)
        verdicts[name] = (same, len(good), codes.get("BL999", 0))
        listing = ", ".join(f"{n} {code}" for code, n in sorted(codes.items())) or "none"
        lines.append(
            f"- {name}: {sum(codes.values())} diagnostics ({listing}); "
            f"{len(good)} cold runs, output {'identical' if same else 'NOT identical'}"
        )
    return lines, verdicts


def write_results(
    args: argparse.Namespace,
    tools: Tools,
    manifest: dict[str, object],
    groups: dict[str, Group],
    commands: list[Command],
    extra: dict[str, object],
    started: float,
) -> str:
    lines = ["# beta-lint benchmark results", ""]
    lines.append(
        f"Run {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} with `bench/run.py "
        + " ".join(sys.argv[1:])
        + f"` ({elapsed_text(time.perf_counter() - started)} in all)."
    )
    lines.append("")
    lines.append(
        f"- Machine: {os.cpu_count()} CPUs (nproc), {cpu_model()}, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()} (bench), "
        f"beta-lint's Python: {tools.beta_lint_python or '?'}"
    )
    lines.append("- Tools: " + "; ".join(f"{k} {v}" for k, v in tools.versions.items()))
    before, after = extra.get("code_before"), extra.get("code_after")
    lines.append(f"- beta-lint code measured: {before}")
    digest = str(before).rpartition("source digest ")[2]
    if after != before and str(after).endswith(f"source digest {digest}"):
        lines.append(f"- Commits made during the run (now {after}) left beta_lint/ and rules/ as they were")
    elif after != before:
        lines.append(
            f"- **Warning:** beta-lint's code changed during the run (now {after}): rows mix versions, "
            "and a warm run after a change starts from an invalidated cache"
        )
    for tree in dict.fromkeys(g.tree for g in groups.values()):
        info = manifest.get(tree)
        if isinstance(info, dict) and "packages" in info:
            kinds = {dist_name_version(Path(f))[0]: v.get("kind", "?") for f, v in info.get("archives", {}).items()}
            packages = ", ".join(
                f"{k} {v}" + (f" ({kinds[k]})" if k in kinds else "") for k, v in info["packages"].items()
            )
            lines.append(f"- {tree} tree packages: {packages}")
        elif isinstance(info, dict) and "from" in info:
            lines.append(f"- {tree} files: " + ", ".join(f"`{p}`" for p in info["from"]) + " (from the agents tree)")
    for name in groups:
        stats = extra.get(f"stats_{name}")
        if stats:
            lines.append(f"- {name}: {stats}")
    lines.append(f"- Candidates counted with {extra.get('candidate_source', '?')}.")
    for note in tools.notes.values():
        lines.append(f"- Note: {note}")
    lines.append("")
    lines.append(
        "Whole-process wall time (fork to exit), median of n runs, commands interleaved round-robin. "
        "cpu s: median user+system CPU of the command and its workers (less sensitive than wall time to "
        "other load on the machine). "
        f"peak MB: largest single process, from {RSS_METHOD}; all procs MB: "
        "summed RSS of the process tree, sampled every 50 ms (- when the run was too short to sample). "
        "Ratios divide medians of the same tree in this run. A command whose first run took over "
        f"{SLOW_FIRST_RUN:.0f} s runs at most {SLOW_REPEAT} times (see n). Wall times include the "
        "~1 ms of /usr/bin/time itself."
    )
    lines.append("")
    lines += table(commands, groups)
    lines.append("")
    busy = [(stat.bg, c) for c in commands if (stat := stats_of(c)) is not None and stat.n and stat.bg == stat.bg]
    worst = max(busy, key=lambda item: item[0], default=None)
    if worst is not None and worst[0] > 0.25:
        lines.append(
            f"**Warning:** other processes kept the machine busy during these runs (bg cores: up to "
            f"{worst[0]:.2f} of {os.cpu_count()}, median over a command's runs of 0.2 s or more, "
            f"e.g. `{worst[1].label}`); "
            "wall times are inflated where bg cores is high. Re-run on a quiet machine for clean figures."
        )
        lines.append("")
    for name in groups:
        if extra.get(f"dense_check_{name}"):
            lines += [f"## {name} tree: are the SDK's beta usages found?", "", *extra[f"dense_check_{name}"], ""]  # type: ignore
    if extra.get("output_lines"):
        lines += ["## Diagnostics of the cold runs (concise output)", "", *extra["output_lines"], ""]  # type: ignore
    if extra.get("sparse_check"):
        lines += ["## Sparse tree: planted usages", ""] + extra["sparse_check"] + [""]  # type: ignore
    points = extra.get("linear")
    if isinstance(points, list) and points:
        lines += [
            "## Time against candidate lines (dense tree, `-j 1`, files named on the command line)",
            "",
            "| share of candidate files | files | lines | median s | s per 1k lines |",
            "|---:|---:|---:|---:|---:|",
        ]
        for p in points:
            rate = p.seconds / (p.lines / 1000)
            lines.append(f"| {p.share}% | {p.files} | {p.lines} | {p.seconds:.3f} | {rate:.3f} |")
        if len(points) >= 2:
            a, b, r2 = fit(points)
            lines.append("")
            lines.append(f"Least squares: {a:.3f} s + {b * 1000:.2f} ms per 1k candidate lines (R^2 = {r2:.4f}).")
        lines.append("")
    for title, rows in (
        ("Issue 7", targets(commands, groups, extra)),
        ("Issue 16", targets_16(commands, groups, extra)),
    ):
        if len(rows) > 2:
            lines += [f"## {title} targets", "", *rows, ""]
    if extra.get("profile"):
        lines += ["## Where the time goes (dense tree, `-j 1`)", ""] + extra["profile"] + [""]  # type: ignore
    text = "\n".join(lines)
    RESULTS.write_text(text)
    return text


README = BENCH / "README.md"
README_MARK = "<!-- latest-results -->"


def update_readme(text: str) -> bool:
    """Replace everything after the marker in bench/README.md with this run's results."""
    try:
        current = README.read_text()
    except OSError:
        return False
    if README_MARK not in current:
        return False
    body = []
    for line in text.splitlines():
        if line.startswith("# "):
            continue  # the results file's title
        body.append("#" + line if line.startswith("##") else line)
    README.write_text(current.split(README_MARK)[0] + README_MARK + "\n" + "\n".join(body).strip() + "\n")
    return True


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per command (median reported; default 5)")
    parser.add_argument(
        "--trees", default=",".join(TREES), help=f"comma-separated, from {','.join(TREES)} (default: all)"
    )
    parser.add_argument("--skip-build", action="store_true", help="reuse the trees already in bench/work")
    parser.add_argument("--build-only", action="store_true", help="build (or check) the trees, count them, stop")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per command run (default 300)")
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=20.0,
        help="before each round, wait up to this many seconds for other processes to go quiet (default 20)",
    )
    parser.add_argument("--no-semgrep", action="store_true", help="do not install or run semgrep")
    parser.add_argument("--no-linearity", action="store_true", help="skip the candidate-lines linearity runs")
    parser.add_argument(
        "--no-readme", action="store_true", help="leave bench/README.md alone even after a run of every tree"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile beta-lint on the dense tree (-X importtime, cProfile with -j 1)",
    )
    parser.add_argument("--beta-lint", help="beta-lint executable (default: next to this Python, then PATH)")
    parser.add_argument("--ruff", help="ruff executable (default: next to this Python, then PATH)")
    args = parser.parse_args()
    trees = [t.strip() for t in args.trees.split(",") if t.strip()]
    unknown = [t for t in trees if t not in TREES]
    if unknown or args.repeat < 1:
        problem = f"unknown tree(s) {unknown}; choose from {','.join(TREES)}" if unknown else "--repeat must be >= 1"
        parser.error(problem)
    started = time.perf_counter()
    extra_state = code_state()
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    write_isolation_files()
    LOGS.mkdir(parents=True, exist_ok=True)
    global TIME_BIN, RSS_METHOD
    TIME_BIN = _gnu_time()
    RSS_METHOD = (
        "`/usr/bin/time -f %M`"
        if TIME_BIN
        else "os.wait4 rusage (GNU time missing: includes a ~20 MB floor, the forked bench image)"
    )
    tools = find_tools(args)
    finder, candidate_source = make_candidate_finder(tools)
    manifest_path = WORK / "manifest.json"
    manifest: dict[str, object] = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}

    for tree in needed(trees):
        exists = (WORK / tree).is_dir() and tree in manifest
        if args.skip_build:
            if not exists and tree in trees:  # a tree only copied from need not be there any more
                sys.exit(f"bench: --skip-build but bench/work/{tree} was never built: run without --skip-build")
            continue
        if tree not in trees and exists:
            continue  # only needed as the source of another tree's files
        log(f"building the {tree} tree")
        build_tree(tree, manifest, finder)
        manifest_path.write_text(json.dumps(manifest, indent=2))

    groups: dict[str, Group] = {}
    extra: dict[str, object] = {"candidate_source": candidate_source, "code_before": extra_state}
    dense_candidates: list[Path] = []
    for tree in trees:
        if tree == "precommit":
            info = manifest["precommit"]
            assert isinstance(info, dict)
            for variant in ("clean", "betas"):
                paths = [WORK / p for p in info[variant]]
                groups[f"precommit-{variant}"] = Group(
                    f"precommit-{variant}", tree, len(paths), count_lines(paths), list(info[variant])
                )
            continue
        if TREES[tree].shape == "precommit":
            info = manifest[tree]
            assert isinstance(info, dict)
            paths = [WORK / p for p in info["files"]]
            groups[tree] = Group(tree, tree, len(paths), count_lines(paths), list(info["files"]))
            continue
        files = py_files(WORK / tree)
        lines = count_lines(files)
        groups[tree] = Group(tree, tree, len(files), lines, [tree])
        cands = finder(files)
        grep_hits = [p for p in files if re.search(GREP_PATTERN.encode(), p.read_bytes())]
        size = sum(p.stat().st_size for p in files) / 1e6
        summary = (
            f"{len(files)} .py files, {lines} lines, {size:.1f} MB; {len(grep_hits)} files "
            f"({100 * len(grep_hits) / len(files):.2f}%) match `{GREP_PATTERN}`; {len(cands)} files "
            f"({100 * len(cands) / len(files):.2f}%, {count_lines(cands)} lines) pass beta-lint's prefilter"
        )
        extra[f"stats_{tree}"] = summary
        log(f"{tree}: {summary}")
        if tree == "dense":
            dense_candidates = cands
        if tree == "sparse":
            for path, number, beta in manifest["sparse"]["planted"]:  # type: ignore[index]
                log(f"  planted: {path}:{number} {beta}")

    if args.build_only:
        log("--build-only: trees built and counted; nothing measured")
        return
    commands = build_commands(tools, groups)
    log("warming the OS file cache")
    for group in groups.values():
        if tools.grep is not None:
            quick([str(tools.grep), "-rlE", GREP_PATTERN, *group.paths], timeout=300)
    run_all(commands, args.repeat, args.timeout, args.wait_idle)

    if "precommit-clean" in groups:
        extra["libcst_clean"] = libcst_imported(tools, groups["precommit-clean"].paths)
        log(f"libcst imported on the clean pre-commit files: {extra['libcst_clean']}")
    for tree in (t for t in trees if TREES[t].dense):
        log(f"correctness on the {tree} tree")
        semgrep_cmd = next((c for c in commands if c.group == tree and c.role == "semgrep" and not c.skip), None)
        extra[f"dense_check_{tree}"], extra[f"dense_coverage_{tree}"] = check_dense(
            tools, tree, semgrep_cmd, args.timeout
        )
        for line in extra[f"dense_check_{tree}"]:  # type: ignore[attr-defined]
            log(line)
    if "dense" in groups:
        if not args.no_linearity and dense_candidates:
            log("linearity: 25/50/100% of the dense tree's candidate files, -j 1")
            extra["linear"] = run_linearity(tools, dense_candidates, min(args.repeat, SLOW_REPEAT), args.timeout)
        if args.profile:
            log("profiling beta-lint on the dense tree")
            extra["profile"] = profile_dense(tools)
    if "sparse" in groups:
        extra["sparse_check"] = check_sparse(tools, manifest, args.timeout)
        for line in extra["sparse_check"]:  # type: ignore[attr-defined]
            log(line)
    extra["output_lines"], extra["outputs"] = cold_outputs(commands, groups)
    extra["code_after"] = code_state()
    text = write_results(args, tools, manifest, groups, commands, extra, started)
    print()
    print(text)
    log(f"wrote {RESULTS.relative_to(BENCH.parent)}")
    if set(trees) != set(TREES) or args.no_readme:
        log("partial run (--trees) or --no-readme: bench/README.md keeps its results")
    elif update_readme(text):
        log(f"updated the latest results in {README.relative_to(BENCH.parent)}")


if __name__ == "__main__":
    main()
