"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit in a throwaway git repository.

The temporary repository's .pre-commit-config.yaml points at this repository (a local `repo:` path)
at a committed rev: pre-commit clones it at that rev and pip-installs it into a hook environment,
so the hooks run the COMMITTED code, not the working tree. Building that environment needs the
package index (once per module: PRE_COMMIT_HOME is shared by every test here).

If the working tree's .pre-commit-hooks.yaml is not the one committed at HEAD (a new or edited
manifest), the hooks are taken from a temporary clone of HEAD with the working-tree manifest
committed on top, so the manifest under test is always the one on disk.

Deselect with `-m "not precommit"` where pre-commit cannot build environments.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.precommit

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ".pre-commit-hooks.yaml"
GIT = shutil.which("git")

# Environment variables that would point git (or pre-commit) at another repository or config:
# set when the tests themselves run inside a git hook, or by the caller's shell.
_GIT_KEEP = {
    "GIT_EXEC_PATH",
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_SSL_CAINFO",
    "GIT_SSL_NO_VERIFY",
    "GIT_ASKPASS",
    "GIT_HTTP_PROXY_AUTHMETHOD",
    "GIT_ALLOW_PROTOCOL",
}

BAD = """\
import anthropic

client = anthropic.Anthropic()
client.beta.messages.create(
    model="claude-sonnet-4-5", max_tokens=64, messages=[], betas=["computer-use-2025-04-29"]
)
"""

CLEAN = """\
import anthropic

client = anthropic.Anthropic()
client.messages.create(model="claude-sonnet-4-5", max_tokens=64, messages=[{"role": "user", "content": "hi"}])
"""

# pdfs-2024-09-25 is generally available: BL101, whose safe fix removes it from the list.
FIXABLE = """\
import anthropic

client = anthropic.Anthropic()
client.beta.messages.create(
    model="claude-sonnet-4-5", max_tokens=64, messages=[], betas=["compact-2026-01-12", "pdfs-2024-09-25"]
)
"""

FIXED = FIXABLE.replace(', "pdfs-2024-09-25"', "")


def _notebook(source: str) -> str:
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": source.splitlines(keepends=True),
    }
    return json.dumps(
        {
            "cells": [cell],
            "metadata": {"language_info": {"name": "python"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
    )


def _git_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k in _GIT_KEEP}


def _env(home: Path) -> dict[str, str]:
    env = _git_env()
    env.pop("SKIP", None)  # SKIP=beta-lint in the caller's shell would make every test pass vacuously
    env.pop("PRE_COMMIT_ALLOW_NO_CONFIG", None)
    env.pop("GITHUB_ACTIONS", None)  # keep beta-lint's default text report
    env["PRE_COMMIT_HOME"] = str(home)
    env["PRE_COMMIT_COLOR"] = "never"
    env["NO_COLOR"] = "1"
    return env


def _git(cwd: Path, *args: str) -> str:
    assert GIT is not None
    done = subprocess.run([GIT, *args], cwd=cwd, capture_output=True, text=True, env=_git_env(), check=False)
    if done.returncode != 0:
        pytest.fail(f"git {' '.join(args)} (in {cwd}) failed with {done.returncode}:\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


def _configure(repo: Path) -> None:
    _git(repo, "config", "user.name", "beta-lint tests")
    _git(repo, "config", "user.email", "beta-lint-tests@example.invalid")
    _git(repo, "config", "commit.gpgsign", "false")
    _git(repo, "config", "core.autocrlf", "false")


@pytest.fixture(scope="module")
def hook_source(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """(repo, rev) for the `repo:` entry: this repository at HEAD, or a clone with the working manifest."""
    if GIT is None:
        pytest.skip("git is not installed: pre-commit needs git to clone the hook repository")
    if _git(ROOT, "rev-parse", "--is-inside-work-tree") != "true":
        pytest.fail(f"{ROOT} is not a git working tree: pre-commit clones hooks from a git repository")
    rev = _git(ROOT, "rev-parse", "HEAD")
    on_disk = (ROOT / MANIFEST).read_text(encoding="utf-8")
    committed = subprocess.run(
        [GIT, "-C", str(ROOT), "show", f"HEAD:{MANIFEST}"],
        capture_output=True,
        text=True,
        env=_git_env(),
        check=False,
    )
    if committed.returncode == 0 and committed.stdout == on_disk:
        return str(ROOT), rev
    # The manifest is new or edited: commit it on top of HEAD in a throwaway clone (never here).
    clone = tmp_path_factory.mktemp("hook-source") / "beta-lint"
    _git(clone.parent, "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone))
    _git(clone, "checkout", "--quiet", "--detach", rev)
    _configure(clone)
    (clone / MANIFEST).write_text(on_disk, encoding="utf-8")
    _git(clone, "add", MANIFEST)
    _git(clone, "commit", "--quiet", "--no-verify", "-m", "working-tree .pre-commit-hooks.yaml")
    return str(clone), _git(clone, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def precommit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module: the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


class Project:
    def __init__(self, path: Path, home: Path) -> None:
        self.path = path
        self.home = home

    def write(self, name: str, text: str, *, stage: bool = True) -> None:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        if stage:
            _git(self.path, "add", "--", name)

    def read(self, name: str) -> str:
        return (self.path / name).read_text(encoding="utf-8")

    def run(self, hook: str, *files: str) -> subprocess.CompletedProcess[str]:
        """`pre-commit run HOOK --files FILES`: exit status and output (stderr folded into stdout)."""
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", hook, "--color", "never", "--files", *files],
            cwd=self.path,
            env=_env(self.home),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=900,  # the first run builds the hook environment (pip install from the index)
            check=False,
        )


@pytest.fixture
def project(tmp_path: Path, hook_source: tuple[str, str], precommit_home: Path) -> Iterator[Project]:
    repo, rev = hook_source
    path = tmp_path / "project"
    path.mkdir()
    _git(path, "init", "--quiet")
    _configure(path)
    config = (
        "repos:\n"
        f"  - repo: {json.dumps(repo)}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: beta-lint\n"
        "      - id: beta-lint-fix\n"
    )
    project = Project(path, precommit_home)
    project.write(".pre-commit-config.yaml", config)
    project.write("pyproject.toml", '[tool.beta-lint]\nextend-exclude = ["vendored/"]\n')
    yield project


def _explain(result: subprocess.CompletedProcess[str]) -> str:
    return f"pre-commit exited {result.returncode}; output:\n{result.stdout}"


def test_hook_fails_on_bad_file(project: Project) -> None:
    project.write("app/bad.py", BAD)
    project.write("app/clean.py", CLEAN)
    result = project.run("beta-lint", "app/bad.py", "app/clean.py")
    assert result.returncode == 1, _explain(result)
    assert "Failed" in result.stdout, _explain(result)
    assert "app/bad.py:5:" in result.stdout, _explain(result)
    assert "BL002" in result.stdout and "computer-use-2025-04-29" in result.stdout, _explain(result)
    assert "app/clean.py:" not in result.stdout, _explain(result)


def test_hook_passes_on_clean_file(project: Project) -> None:
    project.write("app/bad.py", BAD)  # staged, but not among the files pre-commit was given
    project.write("app/clean.py", CLEAN)
    result = project.run("beta-lint", "app/clean.py")
    assert result.returncode == 0, _explain(result)
    assert "Passed" in result.stdout, _explain(result)


def test_excluded_file_stays_excluded(project: Project) -> None:
    """pre-commit names vendored/bad.py explicitly; --force-exclude keeps the configured exclusion."""
    project.write("vendored/bad.py", BAD)
    project.write("app/clean.py", CLEAN)
    both = project.run("beta-lint", "vendored/bad.py", "app/clean.py")
    assert both.returncode == 0, _explain(both)
    assert "Passed" in both.stdout, _explain(both)
    # Alone: beta-lint is given only excluded files, has nothing to lint, and must still pass.
    alone = project.run("beta-lint", "vendored/bad.py")
    assert alone.returncode == 0, _explain(alone)
    assert "Passed" in alone.stdout, _explain(alone)
    # Control: the same file outside the excluded folder fails.
    project.write("app/bad.py", BAD)
    control = project.run("beta-lint", "app/bad.py", "vendored/bad.py")
    assert control.returncode == 1, _explain(control)
    assert "app/bad.py:" in control.stdout and "vendored/bad.py:" not in control.stdout, _explain(control)


def test_hook_checks_notebooks(project: Project) -> None:
    project.write("analysis.ipynb", _notebook(BAD))
    result = project.run("beta-lint", "analysis.ipynb")
    assert result.returncode == 1, _explain(result)
    assert "analysis.ipynb:" in result.stdout and "BL002" in result.stdout, _explain(result)


def test_fix_hook_repairs_the_file(project: Project) -> None:
    project.write("app/fixable.py", FIXABLE)
    first = project.run("beta-lint-fix", "app/fixable.py")
    assert first.returncode == 1, _explain(first)
    assert "files were modified by this hook" in first.stdout, _explain(first)
    assert project.read("app/fixable.py") == FIXED
    second = project.run("beta-lint-fix", "app/fixable.py")
    assert second.returncode == 0, _explain(second)
    assert "Passed" in second.stdout, _explain(second)
    assert project.read("app/fixable.py") == FIXED
    # The check-only hook agrees: nothing left to report.
    check = project.run("beta-lint", "app/fixable.py")
    assert check.returncode == 0, _explain(check)
