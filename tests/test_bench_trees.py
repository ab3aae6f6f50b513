"""The pure helpers of the benchmark's tree builders (bench/trees.py): nothing is downloaded."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def trees() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_trees", BENCH / "trees.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_trees"] = module
    spec.loader.exec_module(module)
    return module


def test_a_tree_comes_after_the_trees_it_takes_files_from(trees: ModuleType) -> None:
    assert trees.needed(["precommit-agents", "sparse"]) == ["agents", "precommit-agents", "sparse"]
    assert trees.needed(["precommit", "sparse"]) == ["sparse", "precommit"]
    assert trees.needed(["monorepo"]) == ["monorepo"]


def test_every_download_but_the_newest_sdk_wheel_is_pinned(trees: ModuleType) -> None:
    loose = [d.spec for t in trees.TREES.values() for d in t.dists if "==" not in d.spec]
    assert loose == ["anthropic"]


def test_folders_the_linters_skip_are_not_unpacked(trees: ModuleType) -> None:
    assert trees._wanted("django/db/models.py", "")
    assert not trees._wanted("pkg/build/lib/pkg/mod.py", "")
    assert not trees._wanted("tests/site-packages/x.py", "")
    assert not trees._wanted("README.md", "")
    assert not trees._wanted("../escape.py", "")
    assert not trees._wanted("other/mod.py", "anthropic/")


def test_archive_names(trees: ModuleType) -> None:
    assert trees.dist_name_version(Path("pydantic_ai_slim-2.68.0.tar.gz")) == ("pydantic-ai-slim", "2.68.0")
    assert trees.dist_name_version(Path("anthropic-2.15.0-py3-none-any.whl")) == ("anthropic", "2.15.0")


def test_a_downloaded_archive_is_reused_only_when_it_is_the_kind_asked_for(
    trees: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trees, "DL", tmp_path)
    (tmp_path / "sympy-1.14.0.tar.gz").write_bytes(b"")
    assert trees._already_here(trees.Dist("sympy==1.14.0")) == tmp_path / "sympy-1.14.0.tar.gz"
    assert trees._already_here(trees.Dist("sympy==1.14.0", "any")) is None  # "any" means a wheel when there is one
    assert trees._already_here(trees.Dist("sympy==1.13.0")) is None
    (tmp_path / "sympy-1.14.0-py3-none-any.whl").write_bytes(b"")
    assert trees._already_here(trees.Dist("sympy==1.14.0", "any")) == tmp_path / "sympy-1.14.0-py3-none-any.whl"
    assert trees._already_here(trees.Dist("Pydantic_AI.slim==2.68.0")) is None
