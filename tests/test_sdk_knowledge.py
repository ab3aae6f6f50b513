"""beta-lint knows the project's SDK (issue 18): found without `registry sync`, its names known,
its version deciding what a call raises, and `registry sync` writing a file in the project.

The installed command runs as a subprocess with its own SDK cache folder; the expected names are
read here from the SDK's own Literal with `ast`, not from beta-lint's scanner.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from beta_lint.knowledge import project_sdk
from beta_lint.knowledge.data import rules_dir
from beta_lint.knowledge.project_sdk import locate_sdk, read_sdk
from beta_lint.knowledge.versions import pinned_version

INSTALLED = project_sdk.running_environment()  # the test extra pins anthropic==2.15.0
needs_sdk = pytest.mark.skipif(INSTALLED is None, reason="the test extra installs anthropic")
MADE_UP = "made-up-feature-2026-12-24"  # a name no SDK lists: added to a copy of the Literal below
FAR = "quantum-widgets-2026-11-30"  # far from every known name


@pytest.fixture(scope="module")
def sdk_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sdk-cache")


def run(cwd: Path, cache: Path, *args: str) -> Any:
    env = {"BETA_LINT_SDK_CACHE": str(cache), "NO_COLOR": "1"}
    os_env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    os_env.update(env)
    return run_cli(*args, cwd=cwd, env=os_env)


def check_json(cwd: Path, cache: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = run(cwd, cache, "check", "--no-cache", "--output-format", "json", "--today", "2026-12-01", *args)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def literal_names(package: Path) -> list[str]:
    """The strings of `AnthropicBetaParam`'s Literal, read from the SDK's source."""
    tree = ast.parse((package / "types" / "anthropic_beta_param.py").read_text(encoding="utf-8"))
    return sorted(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value[-10:-6].isdigit()
    )


def calls(names: list[str]) -> str:
    lines = ["import anthropic", "client = anthropic.Anthropic()"]
    lines += [f'client.beta.messages.create(model="claude-opus-4-6", betas=["{n}"])' for n in names]
    return "\n".join(lines) + "\n"


def project(folder: Path, source: str, config: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "beta-lint.toml").write_text(config, encoding="utf-8")
    (folder / "app.py").write_text(source, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def venv_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose .venv holds a copy of the SDK whose Literal also lists MADE_UP."""
    assert INSTALLED is not None
    root = tmp_path_factory.mktemp("venv-project")
    target = root / ".venv" / "lib" / "python3.11" / "site-packages" / "anthropic"
    shutil.copytree(INSTALLED, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    literal = target / "types" / "anthropic_beta_param.py"
    text = literal.read_text(encoding="utf-8")
    literal.write_text(text.replace("Literal[\n", f'Literal[\n        "{MADE_UP}",\n', 1), encoding="utf-8")
    return project(root, calls([MADE_UP]))


# ------------------------------------------------------------------ every SDK name is known


@needs_sdk
def test_every_literal_name_of_the_installed_sdk_passes(tmp_path: Path, sdk_cache: Path) -> None:
    assert INSTALLED is not None
    names = literal_names(INSTALLED)
    assert len(names) > 40 and "efs-2026-10-01" in names
    root = project(tmp_path, calls(names))
    status, report = check_json(root, sdk_cache, "--select", "BL001,BL002,BL003", "app.py")
    assert report["diagnostics"] == [] and status == 0
    assert report["sdk"]["version"] == "2.15.0"
    assert report["sdk"]["path"] == str(INSTALLED)


@needs_sdk
def test_the_projects_venv_is_found_when_beta_lint_runs_elsewhere(venv_project: Path, sdk_cache: Path) -> None:
    status, report = check_json(venv_project, sdk_cache, "app.py")
    assert [d["code"] for d in report["diagnostics"]] == [] and status == 0
    assert report["sdk"]["path"] == str(venv_project / ".venv/lib/python3.11/site-packages/anthropic")
    assert report["sdk"]["origin"] == ".venv in the project"
    # The same project judged without its SDK: the name is unknown to beta-lint.
    _, without = check_json(venv_project, sdk_cache, "--sdk", "none", "app.py")
    assert [d["code"] for d in without["diagnostics"]] == ["BL003"]


@needs_sdk
def test_registry_show_knows_the_sdk_names(venv_project: Path, sdk_cache: Path) -> None:
    shown = run(venv_project, sdk_cache, "registry", "show", MADE_UP)
    assert shown.returncode == 0, shown.stderr
    assert "[SDK] anthropic 2.15.0: its AnthropicBetaParam Literal" in shown.stdout
    assert "origin:                sdk" in shown.stdout
    missing = run(venv_project, sdk_cache, "registry", "show", MADE_UP, "--sdk", "none")
    assert missing.returncode == 2
    assert "is not in the registry nor in anthropic 2.15.0" in missing.stderr


@needs_sdk
def test_verbose_and_sarif_say_which_sdk(venv_project: Path, sdk_cache: Path) -> None:
    verbose = run(venv_project, sdk_cache, "check", "--no-cache", "-v", "app.py")
    assert f"beta-lint: SDK: anthropic 2.15.0 at {venv_project / '.venv'}" in verbose.stderr
    sarif = run(venv_project, sdk_cache, "check", "--no-cache", "--output-format", "sarif", "app.py")
    properties = json.loads(sarif.stdout)["runs"][0]["properties"]
    assert properties["sdk"]["origin"] == ".venv in the project"


def test_a_wrong_sdk_path_is_one_line_and_exit_2(tmp_path: Path, sdk_cache: Path) -> None:
    root = project(tmp_path, calls([FAR]))
    result = run(root, sdk_cache, "check", "--sdk", str(tmp_path / "nowhere"), "app.py")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"beta-lint: error: --sdk {tmp_path / 'nowhere'}: no anthropic package there"
    ]


# ------------------------------------------------------------------ unknown names, honestly


def test_no_sdk_far_name_is_one_warning_and_exit_0(tmp_path: Path, sdk_cache: Path) -> None:
    root = project(tmp_path, calls([FAR]))
    status, report = check_json(root, sdk_cache, "--sdk", "none", "app.py")
    assert status == 0
    (diagnostic,) = report["diagnostics"]
    assert (diagnostic["code"], diagnostic["severity"]) == ("BL003", "warning")
    assert diagnostic["message"].startswith(f'"{FAR}" is not in beta-lint\'s registry (updated 2026-12-01) nor in')
    assert "400" not in diagnostic["message"]
    text = run(root, sdk_cache, "check", "--no-cache", "--sdk", "none", "app.py")
    assert text.returncode == 0 and "Found 1 problem" in text.stdout
    assert run(root, sdk_cache, "check", "--no-cache", "--sdk", "none", "--max-warnings", "0", "app.py").returncode == 1
    assert run(root, sdk_cache, "check", "--no-cache", "--sdk", "none", "--max-warnings", "1", "app.py").returncode == 0


def test_no_sdk_near_miss_is_bl002_error_with_did_you_mean(tmp_path: Path, sdk_cache: Path) -> None:
    root = project(tmp_path, calls(["file-api-2025-04-14"]))
    status, report = check_json(root, sdk_cache, "--sdk", "none", "app.py")
    assert status == 1
    (diagnostic,) = report["diagnostics"]
    assert (diagnostic["code"], diagnostic["severity"]) == ("BL002", "error")
    assert 'did you mean "files-api-2025-04-14"?' in diagnostic["message"]


@pytest.mark.parametrize(
    ("config", "comment"),
    [
        ("", "  # noqa: BL002"),
        ('ignore = ["BL002"]\n', ""),
        ('[per-file-ignores]\n"app.py" = ["BL002"]\n', ""),
    ],
)
def test_bl002_suppressions_and_selections_cover_bl003(
    tmp_path: Path, sdk_cache: Path, config: str, comment: str
) -> None:
    root = project(tmp_path, calls([FAR]).rstrip("\n") + comment + "\n", config)
    _, report = check_json(root, sdk_cache, "--sdk", "none", "--extend-select", "BL901", "app.py")
    assert report["diagnostics"] == []  # nothing reported, and the noqa is not "unused" (BL901)


def test_select_bl002_selects_bl003(tmp_path: Path, sdk_cache: Path) -> None:
    root = project(tmp_path, calls([FAR]))
    _, report = check_json(root, sdk_cache, "--sdk", "none", "--select", "BL002", "app.py")
    assert [d["code"] for d in report["diagnostics"]] == ["BL003"]


# ------------------------------------------------------------------ facts for the version in use

COMPLETIONS = (
    "import anthropic\n"
    "client = anthropic.Anthropic()\n"
    'client.completions.create(model="claude-2.1", prompt="x", max_tokens_to_sample=5,'
    ' betas=["context-management-2025-06-27"])\n'
)
MODELS = 'import anthropic\nanthropic.Anthropic().models.list(betas=["context-management-2025-06-27"])\n'


def _bl203(root: Path, cache: Path) -> list[dict[str, Any]]:
    _, report = check_json(root, cache, "--select", "BL203", "app.py")
    return [d for d in report["diagnostics"] if d["code"] == "BL203"]


@pytest.mark.parametrize(
    ("pin_file", "pin", "source", "expected"),
    [
        ("requirements.txt", "anthropic==2.3.0\n", COMPLETIONS, "AttributeError"),
        ("requirements.txt", "anthropic==0.60.0\n", COMPLETIONS, None),
        ("requirements-dev.txt", "anthropic==0.50.0\n", COMPLETIONS, "TypeError"),
        ("uv.lock", '[[package]]\nname = "anthropic"\nversion = "1.17.0"\n', MODELS, None),
        ("poetry.lock", '[[package]]\nname = "anthropic"\nversion = "2.0.0"\n', MODELS, "TypeError"),
    ],
)
def test_bl203_is_what_the_pinned_version_raises(
    tmp_path: Path, sdk_cache: Path, pin_file: str, pin: str, source: str, expected: str | None
) -> None:
    root = project(tmp_path, source)
    (root / pin_file).write_text(pin, encoding="utf-8")
    found = _bl203(root, sdk_cache)
    if expected is None:
        assert found == []
        return
    (diagnostic,) = found
    assert f"raises {expected}" in diagnostic["message"]
    version = pin.split("==")[-1].strip() if "==" in pin else pin.split('version = "')[1].split('"')[0]
    assert f"anthropic {version} (pinned in {pin_file}" in diagnostic["message"]
    assert diagnostic["severity"] == "error"


def test_completions_on_the_installed_2x_sdk_is_attribute_error(tmp_path: Path, sdk_cache: Path) -> None:
    root = project(tmp_path, COMPLETIONS)
    (diagnostic,) = _bl203(root, sdk_cache)
    assert "client.completions does not exist in anthropic 2" in diagnostic["message"]
    assert "AttributeError (\"'Anthropic' object has no attribute 'completions'\")" in diagnostic["message"]
    assert diagnostic["fix"] is None  # there is no client.beta.completions to move to


@pytest.mark.parametrize(
    ("name", "text", "version"),
    [
        (
            "uv.lock",
            '[[package]]\nname = "httpx"\nversion = "0.28.1"\n\n[[package]]\nname = "anthropic"\nversion = "2.14.0"\n',
            "2.14.0",
        ),
        ("pdm.lock", '[[package]]\nname = "Anthropic"\nversion = "1.2.0"\n', "1.2.0"),
        ("requirements.txt", "httpx\nanthropic[bedrock] == 0.99.0  # pinned\n", "0.99.0"),
        ("pyproject.toml", '[project]\ndependencies = ["anthropic==2.1.0"]\n', "2.1.0"),
        ("pyproject.toml", '[tool.poetry.dependencies]\nanthropic = "2.2.0"\n', "2.2.0"),
    ],
)
def test_pinned_version_is_read_from(tmp_path: Path, name: str, text: str, version: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    assert pinned_version(tmp_path) == (version, name)


def test_a_range_is_not_a_pin(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("anthropic>=2.10\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[project]\ndependencies = ["anthropic>=2,<3"]\n', encoding="utf-8")
    assert pinned_version(tmp_path) is None


# ------------------------------------------------------------------ discovery and its cache


def _fake_package(folder: Path, version: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("", encoding="utf-8")
    (folder / "_version.py").write_text(f'__version__ = "{version}"\n', encoding="utf-8")
    return folder


def test_discovery_order(tmp_path: Path) -> None:
    explicit = _fake_package(tmp_path / "explicit" / "anthropic", "1.0.0")
    active = _fake_package(tmp_path / "active" / "lib" / "python3.12" / "site-packages" / "anthropic", "1.1.0")
    dot_venv = _fake_package(
        tmp_path / "root" / ".venv" / "lib" / "python3.12" / "site-packages" / "anthropic", "1.2.0"
    )
    root = tmp_path / "root"
    env = {"VIRTUAL_ENV": str(tmp_path / "active")}
    assert locate_sdk(root, str(tmp_path / "explicit"), None, env) == (explicit, "--sdk")
    assert locate_sdk(root, None, str(explicit), env) == (explicit, "sdk in the configuration")
    assert locate_sdk(root, None, None, env) == (active, "VIRTUAL_ENV")
    assert locate_sdk(root, None, None, {}) == (dot_venv, ".venv in the project")
    assert locate_sdk(root, "none", None, env) is None


def test_the_scan_is_cached_by_version_and_file_stamps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = _fake_package(tmp_path / "anthropic", "9.9.9")
    scans: list[Path] = []

    def fake_scan(path: Path) -> str:
        scans.append(path)
        return f'sdk-version = "9.9.9"\n# scan {len(scans)}\n'

    import beta_lint.knowledge.sdk.scan as scan
    import beta_lint.knowledge.sdk.writer as writer

    monkeypatch.setattr(scan, "scan_sdk", fake_scan)
    monkeypatch.setattr(writer, "render_routes_toml", lambda text: text)
    first = read_sdk(package, "test", tmp_path / "cache")
    again = read_sdk(package, "test", tmp_path / "cache")
    assert len(scans) == 1 and again.routes == first.routes == {"sdk-version": "9.9.9"}
    assert again.info.version == "9.9.9" and again.info.path == str(package)
    (package / "extra.py").write_text("x = 1\n", encoding="utf-8")  # the files changed: read again
    changed = read_sdk(package, "test", tmp_path / "cache")
    assert len(scans) == 2 and changed.info.stamp != first.info.stamp


# ------------------------------------------------------------------ registry sync writes a project file


@needs_sdk
def test_registry_sync_writes_the_project_file(venv_project: Path, sdk_cache: Path, tmp_path: Path) -> None:
    root = tmp_path / "synced"
    shutil.copytree(venv_project, root, symlinks=True)
    target = root / "beta-lint-sdk.toml"
    stale = run(root, sdk_cache, "registry", "sync", "--check")
    assert stale.returncode == 1 and not target.exists()
    written = run(root, sdk_cache, "registry", "sync")
    assert written.returncode == 0, written.stderr
    assert written.stdout.startswith(f"{target} written from anthropic at {root / '.venv'}")
    assert f'name = "{MADE_UP}"' in target.read_text(encoding="utf-8")
    assert run(root, sdk_cache, "registry", "sync", "--check").returncode == 0
    # Without the .venv (a pre-commit hook with only the file), check and show use the file.
    shutil.rmtree(root / ".venv")
    status, report = check_json(root, sdk_cache, "app.py")
    assert report["diagnostics"] == [] and status == 0
    assert report["sdk"] == {
        "version": "2.15.0",
        "path": None,
        "origin": "beta-lint-sdk.toml, written by `registry sync`",
    }
    assert run(root, sdk_cache, "registry", "show", MADE_UP).returncode == 0


@needs_sdk
def test_registry_sync_writes_where_the_config_says_and_never_into_beta_lint(
    venv_project: Path, sdk_cache: Path, tmp_path: Path
) -> None:
    shipped = rules_dir() / "sdk-routes.toml"
    before = shipped.read_bytes()
    root = project(tmp_path / "p", calls([MADE_UP]), '[registry]\nsdk-file = "data/sdk.toml"\n')
    (root / "data").mkdir()
    venv = venv_project / ".venv"
    result = run(root, sdk_cache, "registry", "sync", "--sdk", str(venv))
    assert result.returncode == 0, result.stderr
    assert f'name = "{MADE_UP}"' in (root / "data" / "sdk.toml").read_text(encoding="utf-8")
    assert not (root / "beta-lint-sdk.toml").exists()
    assert shipped.read_bytes() == before
    _, report = check_json(root, sdk_cache, "app.py")
    assert report["diagnostics"] == []


def test_registry_sync_with_a_wrong_sdk_path(tmp_path: Path, sdk_cache: Path) -> None:
    package = tmp_path / "no-sdk"
    package.mkdir()
    root = project(tmp_path / "p", "")
    result = run(root, sdk_cache, "registry", "sync", "--sdk", str(package))
    assert result.returncode == 2
    assert result.stderr == f"beta-lint: error: --sdk {package}: no anthropic package there\n"


# ------------------------------------------------------------------ BL102 and what the SDK sends itself


def test_superseded_is_not_reported_where_the_sdk_sends_it_itself() -> None:
    from conftest import lint

    base = (
        "import anthropic\nclient = anthropic.Anthropic()\n"
        'client.beta.user_profiles.{}("up_1", betas=["user-profiles-2026-09-04"])\n'
    )
    sdk_sends = lint(base.format("providers.google.data_controls.retrieve"), ["BL102"])
    assert sdk_sends == []
    elsewhere = lint(base.format("retrieve"), ["BL102"])
    assert [d.code for d in elsewhere] == ["BL102"]


# ------------------------------------------------------------------ BL208: methods a platform client lacks

PLATFORM_CALLS = (
    "import anthropic\n"
    "bedrock = anthropic.AnthropicBedrock()\n"
    "mantle = anthropic.AsyncAnthropicBedrockMantle()\n"
    "vertex = anthropic.AnthropicVertex()\n"
    "first = anthropic.Anthropic()\n"
    'bedrock.beta.messages.create(model="m", max_tokens=1, messages=[], betas=["context-management-2025-06-27"])\n'
    "bedrock.beta.compliance.review.cases.list()\n"  # line 7
    "mantle.beta.compliance.review.cases.list()\n"  # line 8
    "vertex.beta.files.list()\n"  # line 9
    "first.beta.compliance.review.cases.list()\n"  # the first-party client has it
    "bedrock.beta.messages.create(model='m', max_tokens=1, messages=[])\n"  # Bedrock has messages
)


def test_bl208_methods_the_platform_clients_lack(tmp_path: Path, sdk_cache: Path) -> None:
    root = project(tmp_path, PLATFORM_CALLS)
    status, report = check_json(root, sdk_cache, "--select", "BL208", "app.py")
    found = [(d["line"], d["severity"], d["message"]) for d in report["diagnostics"]]
    assert [(line, severity) for line, severity, _ in found] == [(7, "error"), (8, "error"), (9, "error")]
    assert found[0][2] == (
        "client.beta.compliance does not exist on the Amazon Bedrock clients of anthropic 2.15.0: "
        "client.beta.compliance.review.cases.list() raises AttributeError"
    )
    assert "client.beta.files does not exist on the Google Vertex AI clients" in found[2][2]
    assert status == 1


RAW_USER_PROFILES = (
    "import httpx\n"
    'httpx.get("https://api.anthropic.com/v1/user_profiles/up_1/providers/google/data_controls",\n'
    '          headers={"anthropic-beta": "user-profiles-2026-09-04,google-managed-data-controls-2026-09-01"})\n'
    'httpx.get("https://api.anthropic.com/v1/user_profiles/up_1",\n'
    '          headers={"anthropic-beta": "user-profiles-2026-09-04"})\n'
)


def test_superseded_is_not_reported_on_a_raw_request_to_where_the_sdk_sends_it(tmp_path: Path, sdk_cache: Path) -> None:
    root = project(tmp_path, RAW_USER_PROFILES)
    _, report = check_json(root, sdk_cache, "--select", "BL102", "app.py")
    assert [(d["code"], d["line"]) for d in report["diagnostics"]] == [("BL102", 5)]
