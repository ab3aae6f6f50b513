"""A plain (non-editable) install carries rules/ inside the wheel: every command works from
another folder, with no source checkout in sight."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = (work / "dist").glob("beta_lint-*.whl")
    venv.EnvBuilder(with_pip=False).create(work / "venv")
    python = work / "venv" / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
    )
    # The dependencies are installed for this interpreter already: let the new environment
    # see them (a plain path, so the editable install's import hook is NOT activated there).
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    ours = sysconfig.get_paths()["purelib"]
    Path(purelib, "zz_test_dependencies.pth").write_text(ours + "\n")
    return python


def run(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(python), "-m", "beta_lint", *args], cwd=cwd, capture_output=True, text=True)


def test_every_command_works_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    located = subprocess.run(
        [
            str(installed),
            "-c",
            "import beta_lint, beta_lint.knowledge.data as d; print(beta_lint.__file__, d.rules_dir())",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(ROOT) not in located and "_rules" in located
    assert "BL002  unknown-beta" in run(installed, "rules", cwd=tmp_path).stdout
    assert run(installed, "rule", "BL201", cwd=tmp_path).stdout.startswith("# BL201 wrong-endpoint")
    assert "files-api-2025-04-14" in run(installed, "registry", "list", cwd=tmp_path).stdout
    (tmp_path / "beta-lint.toml").write_text("")
    (tmp_path / "a.py").write_text('client.beta.messages.create(betas=["computer-use-2025-04-29"])\n')
    checked = run(installed, "check", "a.py", cwd=tmp_path)
    assert checked.returncode == 1 and "BL002" in checked.stdout
    audited = run(installed, "audit", "--format", "csv", "a.py", cwd=tmp_path)
    assert audited.returncode == 0 and "computer-use-2025-04-29" in audited.stdout
