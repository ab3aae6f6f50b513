"""The benchmark trees of bench/run.py: what each holds (pinned), and how it is built.

Standard library only. Downloads go to bench/work/dl through `python -m pip download --no-deps`;
an archive already there for a pinned version is reused without asking the index. Only `.py`
files are unpacked, an sdist loses its single top folder, and folders that ruff and beta-lint
both skip by default (or that only ruff skips, such as `build`) are left out, so every tool
lints the same files. Each tree's packages, versions and archive digests go in
bench/work/manifest.json.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
WORK = BENCH / "work"
DL = WORK / "dl"

Manifest = dict[str, object]
Finder = Callable[[list[Path]], list[Path]]

# Folder names that ruff or beta-lint exclude by default: files under them are not unpacked.
SKIPPED_DIRS = frozenset(
    {
        ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache",
        ".nox", ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache", ".svn", ".tox", ".venv",
        ".vscode", "__pypackages__", "_build", "buck-out", "build", "dist", "node_modules", "site-packages",
        "venv", ".beta_lint_cache",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Dist:
    spec: str  # "django==5.2.8"; a bare name means the newest
    kind: str = "sdist"  # "sdist", "wheel", or "any" (a wheel when there is one)
    prefix: str = ""  # only files under this path of the unpacked archive


@dataclass(frozen=True)
class Tree:
    name: str
    shape: str  # "tree" (a folder given as one path) or "precommit" (files named on the command line)
    what: str
    dists: tuple[Dist, ...] = ()
    needs: tuple[str, ...] = ()  # trees it takes files from
    dense: bool = False  # an SDK: the header-key coverage check runs on it
    layout: str = "versioned"  # "versioned": <tree>/<name>-<version>/...; "flat": <tree>/<name>/...


AGENT_DISTS = (
    Dist("pydantic-ai-slim==2.68.0"),
    Dist("agno==3.1.10"),
    # letta 0.34.x on the index is "Letta Code" (a bundled binary, 5 .py files); the Python agent
    # framework's newest sdist is 0.16.8.
    Dist("letta==0.16.8"),
    Dist("langchain-anthropic==1.7.10"),
)
SDIST_SPARSE_DISTS = (Dist("django==5.2.8"), Dist("sympy==1.14.0"))
SDIST_DENSE_DISTS = (Dist("anthropic==2.15.0"),)

TREES: dict[str, Tree] = {
    t.name: t
    for t in (
        Tree(
            "sparse",
            "tree",
            "wheels of django, sqlalchemy, sympy, networkx, pygments, plus 4 planted usages",
            (
                Dist("django==5.2.19", "any"),
                Dist("sqlalchemy==2.1.9", "any"),
                Dist("sympy==1.14.0", "any"),
                Dist("networkx==3.6.1", "any"),
                Dist("pygments==2.21.0", "any"),
            ),
            layout="flat",
        ),
        # The newest anthropic wheel, as issue 7 asks; its version is recorded.
        Tree("dense", "tree", "the anthropic wheel", (Dist("anthropic", "any", "anthropic/"),), dense=True),
        Tree(
            "precommit", "precommit", "3 clean files from sparse; the same plus 2 planted beta files", (), ("sparse",)
        ),
        Tree("sdist-sparse", "tree", "Django and SymPy sdists, tests included", SDIST_SPARSE_DISTS),
        Tree("sdist-dense", "tree", "the anthropic 2.15.0 sdist: src, tests, examples", SDIST_DENSE_DISTS, dense=True),
        Tree("agents", "tree", "agent frameworks: pydantic-ai-slim, agno, letta, langchain-anthropic", AGENT_DISTS),
        Tree(
            "pydantic-ai",
            "tree",
            "the pydantic-ai workspace's sdists of one release (the repository without tests/ and docs/)",
            tuple(
                Dist(f"{name}==2.62.0")
                for name in ("pydantic-ai-slim", "pydantic-graph", "pydantic-evals", "clai", "pydantic-ai-examples")
            ),
        ),
        Tree(
            "monorepo",
            "tree",
            "sdists of big packages and the agent frameworks side by side (about 40k files)",
            SDIST_SPARSE_DISTS
            + SDIST_DENSE_DISTS
            + AGENT_DISTS
            + (
                Dist("ansible==12.3.0"),
                Dist("transformers==5.23.0"),
                Dist("salt==3008.5"),
                Dist("openai==3.57.0"),
                Dist("google-cloud-aiplatform==2.7.0"),
                Dist("twisted==26.10.0"),
                Dist("networkx==3.6.1"),
            ),
        ),
        Tree(
            "precommit-agents",
            "precommit",
            "5 real files of 1-2k lines from the agent frameworks, 2 of them with betas",
            (),
            ("agents",),
        ),
    )
}

# The pre-commit shape from the agents tree: (file in the agents tree, carries a beta).
AGENT_PRECOMMIT_FILES = (
    ("agno-3.1.10/agno/models/anthropic/claude.py", True),  # 1,334 lines
    ("letta-0.16.8/letta/llm_api/anthropic_client.py", True),  # 1,846 lines
    ("pydantic-ai-slim-2.68.0/pydantic_ai/models/openrouter.py", False),  # 1,741 lines
    ("agno-3.1.10/agno/agent/_tools.py", False),  # 1,295 lines
    ("langchain-anthropic-1.7.10/langchain_anthropic/middleware/anthropic_tools.py", False),  # 1,197 lines
)

# ---------------------------------------------------------------- planted usages (sparse tree)

PLANTED: dict[str, str] = {
    "support_bot/summarize.py": '''\
"""Summarise uploaded documents with Claude (Files API)."""

from __future__ import annotations

import anthropic

client = anthropic.Anthropic()


def summarize(file_id: str, *, max_tokens: int = 1024) -> str:
    response = client.beta.messages.create(
        model="claude-sonnet-4-5",
        max_tokens=max_tokens,
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Summarise this document in five bullet points."},
                    {"type": "document", "source": {"type": "file", "file_id": file_id}},
                ],
            }
        ],
        betas=["files-api-2025-04-14"],
    )
    return "".join(block.text for block in response.content if block.type == "text")
''',
    "support_bot/http_client.py": '''\
"""A bare HTTP client for the Messages API, for environments without the SDK."""

from __future__ import annotations

import os
from typing import Any

import httpx

API_URL = "https://api.anthropic.com/v1/messages"
HEADERS = {
    "x-api-key": os.environ.get("ANTHROPIC_API_KEY", ""),
    "anthropic-version": "2023-06-01",
    "anthropic-beta": "computer-use-2025-01-24",
    "content-type": "application/json",
}


def send(payload: dict[str, Any], timeout: float = 60.0) -> dict[str, Any]:
    response = httpx.post(API_URL, headers=HEADERS, json=payload, timeout=timeout)
    response.raise_for_status()
    return response.json()
''',
    "support_bot/settings.py": '''\
"""Deployment settings for the support bot."""

import os

MODEL = os.environ.get("SUPPORT_BOT_MODEL", "claude-sonnet-4-5")
MAX_TOKENS = int(os.environ.get("SUPPORT_BOT_MAX_TOKENS", "64000"))
ANTHROPIC_BETAS = ["output-128k-2025-02-19"]
REQUEST_TIMEOUT = 600.0
''',
    "support_bot/agent.py": '''\
"""The long-running agent loop: long outputs, plus an MCP server for the ticket system."""

from __future__ import annotations

import anthropic

from support_bot import settings

client = anthropic.Anthropic(timeout=settings.REQUEST_TIMEOUT)


def draft_reply(ticket: str) -> str:
    response = client.beta.messages.create(
        model=settings.MODEL,
        max_tokens=settings.MAX_TOKENS,
        messages=[{"role": "user", "content": ticket}],
        betas=settings.ANTHROPIC_BETAS,
    )
    return response.content[0].text


def ask_tickets(question: str) -> str:
    response = client.messages.create(
        model=settings.MODEL,
        max_tokens=2048,
        messages=[{"role": "user", "content": question}],
        extra_headers={"anthropic-beta": "mcp-client-2025-04-04"},
    )
    return response.content[0].text
''',
}
# (file, beta) pairs every one of which must come back as a diagnostic: all use non-active betas.
PLANTED_BETAS = (
    ("support_bot/summarize.py", "files-api-2025-04-14"),  # GA -> BL101
    ("support_bot/http_client.py", "computer-use-2025-01-24"),  # superseded -> BL102
    ("support_bot/settings.py", "output-128k-2025-02-19"),  # retired -> BL103
    ("support_bot/agent.py", "mcp-client-2025-04-04"),  # superseded -> BL102
)
PLANTED_DIR = "_planted"


# ---------------------------------------------------------------- small helpers


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def py_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if p.is_file())


def count_lines(paths: Sequence[Path]) -> int:
    return sum(p.read_bytes().count(b"\n") for p in paths)


def needed(trees: Sequence[str]) -> list[str]:
    """The trees to have built for `trees`, each after the trees it takes files from."""
    order: list[str] = []

    def add(name: str) -> None:
        for dep in TREES[name].needs:
            add(dep)
        if name not in order:
            order.append(name)

    for name in trees:
        add(name)
    return order


# ---------------------------------------------------------------- downloading and unpacking


def dist_name_version(archive: Path) -> tuple[str, str]:
    stem = archive.name
    for suffix in (".whl", ".tar.gz", ".zip"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
    parts = stem.split("-")
    return parts[0].lower().replace("_", "-"), parts[1] if len(parts) > 1 else "?"


def _kind_of(archive: Path) -> str:
    return "wheel" if archive.name.endswith(".whl") else "sdist"


def _already_here(dist: Dist) -> Path | None:
    """An archive in DL for a pinned spec (so a rebuild asks no index and builds no metadata)."""
    if "==" not in dist.spec or not DL.is_dir():
        return None
    name, version = dist.spec.split("==")
    name = re.sub(r"[-_.]+", "-", name).lower()
    for archive in sorted(DL.iterdir()):
        if archive.name.startswith(".") or not archive.is_file():
            continue
        kind = _kind_of(archive)
        if dist_name_version(archive) == (name, version) and dist.kind in (kind, "any" if kind == "wheel" else kind):
            return archive
    return None


def pip_download(dist: Dist) -> Path:
    """Download one distribution into DL (or reuse it); returns the file."""
    found = _already_here(dist)
    if found is not None:
        return found
    DL.mkdir(parents=True, exist_ok=True)
    choice = {"sdist": ["--no-binary", ":all:"], "wheel": ["--only-binary", ":all:"]}.get(
        dist.kind, ["--no-binary", ":none:"]
    )
    env = {**os.environ, "PIP_CACHE_DIR": str(WORK / "pip-cache"), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", *choice, "-d", str(DL), dist.spec],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    saved = re.findall(r"(?:Saved|File was already downloaded) (\S+)", done.stdout)
    if done.returncode != 0 or not saved:
        if "==" in dist.spec:  # a pinned version gone from the index: take the newest instead
            log(f"warning: {dist.spec} did not download; trying the newest {dist.spec.split('==')[0]}")
            return pip_download(Dist(dist.spec.split("==")[0], dist.kind, dist.prefix))
        raise SystemExit(f"bench: pip download {dist.spec} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return Path(saved[-1])


def _wanted(name: str, prefix: str) -> bool:
    parts = name.split("/")
    return (
        name.endswith(".py")
        and name.startswith(prefix)
        and ".." not in parts
        and not any(part in SKIPPED_DIRS for part in parts[:-1])
    )


def extract_py(archive: Path, dest: Path, only_prefix: str = "") -> int:
    """Copy the .py files of a wheel or sdist into dest (sdists lose their top folder)."""
    count = 0
    if archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                name = info.filename
                if archive.suffix == ".zip":
                    name = name.split("/", 1)[1] if "/" in name else name
                if info.is_dir() or not _wanted(name, only_prefix):
                    continue
                target = dest / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(zf.read(info))
                count += 1
    else:
        with tarfile.open(archive) as tf:
            for member in tf:
                name = member.name.split("/", 1)[1] if "/" in member.name else member.name
                if not member.isfile() or not _wanted(name, only_prefix):
                    continue
                handle = tf.extractfile(member)
                if handle is None:
                    continue
                target = dest / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(handle.read())
                count += 1
    return count


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------- building


def build_from_dists(tree: Tree, manifest: Manifest) -> None:
    """A tree of unpacked distributions: <tree>/<name>-<version>/... (or <tree>/<name>/...)."""
    root = WORK / tree.name
    shutil.rmtree(root, ignore_errors=True)
    packages: dict[str, str] = {}
    archives: dict[str, dict[str, str]] = {}
    for dist in tree.dists:
        archive = pip_download(dist)
        name, version = dist_name_version(archive)
        folder = name if tree.layout == "flat" else f"{name}-{version}"
        if name == "site-packages":  # beta-lint (like ruff) excludes site-packages folders by default
            folder = "pkg-" + folder
        count = extract_py(archive, root if dist.prefix else root / folder, only_prefix=dist.prefix)
        packages[name] = version
        archives[archive.name] = {"kind": _kind_of(archive), "sha256": sha256(archive), "py_files": str(count)}
        log(f"{tree.name}: {name} {version} ({_kind_of(archive)}): {count} .py files")
    manifest[tree.name] = {"packages": packages, "archives": archives, "what": tree.what}


def build_sparse(manifest: Manifest) -> None:
    build_from_dists(TREES["sparse"], manifest)
    root = WORK / "sparse"
    planted_lines: list[list[object]] = []
    for relative, text in PLANTED.items():
        target = root / PLANTED_DIR / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    (root / PLANTED_DIR / "support_bot" / "__init__.py").write_text("")
    for relative, beta in PLANTED_BETAS:
        lines = (root / PLANTED_DIR / relative).read_text().splitlines()
        number = next(i for i, line in enumerate(lines, 1) if beta in line)
        planted_lines.append([f"sparse/{PLANTED_DIR}/{relative}", number, beta])
    info = manifest["sparse"]
    assert isinstance(info, dict)
    info["planted"] = planted_lines


def build_precommit(manifest: Manifest, candidates: Finder) -> None:
    sparse = WORK / "sparse"
    root = WORK / "precommit"
    shutil.rmtree(root, ignore_errors=True)
    # Three small ordinary files (no prefilter candidate), one from each of three packages.
    chosen: list[Path] = []
    hits = set(candidates(py_files(sparse)))
    for package in sorted(p for p in sparse.iterdir() if p.is_dir() and p.name != PLANTED_DIR):
        for path in py_files(package):
            size = path.read_bytes().count(b"\n")
            if 80 <= size <= 250 and path not in hits and "/tests/" not in str(path):
                chosen.append(path)
                break
        if len(chosen) == 3:
            break
    clean, betas = root / "clean", root / "betas"
    clean.mkdir(parents=True)
    betas.mkdir(parents=True)
    names = []
    for path in chosen:
        name = path.relative_to(sparse).as_posix().replace("/", "__")
        names.append(name)
        shutil.copyfile(path, clean / name)
        shutil.copyfile(path, betas / name)
    for relative in ("support_bot/summarize.py", "support_bot/http_client.py"):
        (betas / Path(relative).name).write_text(PLANTED[relative])
    manifest["precommit"] = {
        "clean": [f"precommit/clean/{n}" for n in names],
        "betas": [f"precommit/betas/{n}" for n in names]
        + ["precommit/betas/summarize.py", "precommit/betas/http_client.py"],
    }


def build_precommit_agents(manifest: Manifest, candidates: Finder) -> None:
    """5 real files of the agents tree, 1-2k lines each; 2 with betas, 3 that pass no prefilter."""
    agents = WORK / "agents"
    root = WORK / "precommit-agents"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    sources = [agents / relative for relative, _ in AGENT_PRECOMMIT_FILES]
    missing = [str(p) for p in sources if not p.is_file()]
    if missing:
        raise SystemExit(f"bench: precommit-agents: not in the agents tree: {missing}")
    hits = set(candidates(sources))
    files: list[str] = []
    for (relative, has_beta), source in zip(AGENT_PRECOMMIT_FILES, sources, strict=True):
        lines = source.read_bytes().count(b"\n")
        if (source in hits) != has_beta or not 1000 <= lines <= 2000:
            log(f"warning: precommit-agents: {relative}: {lines} lines, prefilter candidate {source in hits}")
        name = relative.split("/", 1)[0].split("-")[0] + "__" + relative.split("/")[-1]
        shutil.copyfile(source, root / name)
        files.append(f"precommit-agents/{name}")
    manifest["precommit-agents"] = {
        "files": files,
        "from": [relative for relative, _ in AGENT_PRECOMMIT_FILES],
        "with_betas": [f for f, (_, has_beta) in zip(files, AGENT_PRECOMMIT_FILES, strict=True) if has_beta],
    }


def build(name: str, manifest: Manifest, candidates: Finder) -> None:
    if name == "sparse":
        build_sparse(manifest)
    elif name == "precommit":
        build_precommit(manifest, candidates)
    elif name == "precommit-agents":
        build_precommit_agents(manifest, candidates)
    else:
        build_from_dists(TREES[name], manifest)
