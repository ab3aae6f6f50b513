"""Drift of the shipped product data against the NEWEST anthropic SDK on the package index.

Opt-in: these tests download a wheel, so they run only with BETA_LINT_SDK_DRIFT=1 and are
marked `drift` (`pytest -m drift`). CI leaves the variable unset, so a new SDK release never
fails a build; run them by hand (or on a schedule) to learn what a release changed:

    BETA_LINT_SDK_DRIFT=1 python3 -m pytest -q -m drift tests/test_sdk_drift.py

A failure lists the drift. To fix it, upgrade the SDK, run `beta-lint registry sync`, and add
the new names to rules/registry.toml from the SDK's sources (rules/README.md, "Maintaining").
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from beta_lint.knowledge.data import rules_dir
from beta_lint.knowledge.registry import default_registry
from beta_lint.knowledge.sdk.records import SdkScan
from beta_lint.knowledge.sdk.scan import find_sdk, scan_sdk
from beta_lint.knowledge.sdk.writer import load_routes_toml, sync

pytestmark = [
    pytest.mark.drift,
    pytest.mark.skipif(
        os.environ.get("BETA_LINT_SDK_DRIFT") != "1",
        reason="SDK drift check: set BETA_LINT_SDK_DRIFT=1 to download the newest anthropic and compare",
    ),
]


@pytest.fixture(scope="module")
def newest_sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The newest anthropic wheel on the index, unpacked; its `anthropic/` package folder."""
    root = tmp_path_factory.mktemp("newest-anthropic")
    download = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--disable-pip-version-check",
            "--dest",
            str(root),
            "anthropic",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if download.returncode != 0:
        pytest.fail(f"pip download anthropic failed:\n{download.stdout}\n{download.stderr}")
    (wheel,) = root.glob("anthropic-*.whl")
    unpacked = root / "unpacked"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)
    return find_sdk(unpacked / "anthropic")


@pytest.fixture(scope="module")
def newest_scan(newest_sdk: Path) -> SdkScan:
    return scan_sdk(newest_sdk)


def test_sdk_routes_table_matches_the_newest_sdk(newest_sdk: Path, newest_scan: SdkScan) -> None:
    """What `beta-lint registry sync --check --sdk NEWEST` would change in rules/sdk-routes.toml."""
    shipped = load_routes_toml((rules_dir() / "sdk-routes.toml").read_text(encoding="utf-8"))
    changes = sync(rules_dir(), newest_sdk, write=False)
    assert not changes, (
        f"rules/sdk-routes.toml is for anthropic {shipped.version}; the newest on the index is "
        f"{newest_scan.version}. `beta-lint registry sync` would change:\n" + "\n".join(changes)
    )


def test_registry_knows_every_name_of_the_newest_sdk(newest_scan: SdkScan) -> None:
    """Every name in the newest Literal, and every name it sends itself, has a registry entry."""
    registry = default_registry()
    missing = [b.name for b in newest_scan.beta_names if (b.in_literal or b.sent_by) and registry.get(b.name) is None]
    assert not missing, f"anthropic {newest_scan.version} has names rules/registry.toml lacks: {', '.join(missing)}"
    not_flagged = [
        b.name
        for b in newest_scan.beta_names
        if b.in_literal and (entry := registry.get(b.name)) is not None and not entry.in_sdk_literal
    ]
    assert not not_flagged, (
        f"in the anthropic {newest_scan.version} Literal but in-sdk-literal is not true: {', '.join(not_flagged)}"
    )
