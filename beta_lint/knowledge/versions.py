"""SDK versions: the one a project pins (lock files, requirements, pyproject) and the shipped record
of methods whose existence or `betas=` parameter changed between releases (`rules/sdk-history.toml`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from beta_lint.knowledge.data import TOMLDecodeError, load_toml, rules_dir

PACKAGE = "anthropic"
# Lock files first: they say what is installed; a requirement pins only with `==`.
LOCK_FILES = ("uv.lock", "poetry.lock", "pdm.lock")
_PIN_RE = re.compile(r"^\s*anthropic(?:\[[^\]]*\])?\s*===?\s*([0-9][0-9A-Za-z.+-]*)\s*(?:[;#].*)?$", re.IGNORECASE)


def version_key(version: str) -> tuple[int, ...]:
    """`2.15.0` -> (2, 15, 0); a pre-release suffix is dropped (`1.0.0rc1` -> (1, 0, 0))."""
    parts = []
    for part in version.split("."):
        digits = re.match(r"\d+", part)
        if digits is None:
            break
        parts.append(int(digits.group()))
    return tuple(parts)


def _locked(path: Path) -> str | None:
    try:
        data = load_toml(path)
    except (OSError, TOMLDecodeError, UnicodeDecodeError):
        return None
    for package in data.get("package", []):
        if isinstance(package, dict) and str(package.get("name", "")).lower() == PACKAGE:
            version = package.get("version")
            return str(version) if isinstance(version, str) else None
    return None


def _pinned_in_lines(lines: list[str]) -> str | None:
    for line in lines:
        match = _PIN_RE.match(line)
        if match is not None:
            return match.group(1)
    return None


def _pyproject_pin(path: Path) -> str | None:
    try:
        data = load_toml(path)
    except (OSError, TOMLDecodeError, UnicodeDecodeError):
        return None
    project = data.get("project", {})
    dependencies = project.get("dependencies", []) if isinstance(project, dict) else []
    found = _pinned_in_lines([d for d in dependencies if isinstance(d, str)])
    if found is not None:
        return found
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    spec = poetry.get("dependencies", {}).get(PACKAGE) if isinstance(poetry, dict) else None
    if isinstance(spec, str) and re.fullmatch(r"=?=?\s*\d[\w.]*", spec.strip()):
        return spec.strip().lstrip("=").strip()
    return None


def pinned_version(root: Path) -> tuple[str, str] | None:
    """The anthropic version the project at `root` pins, and the file that says so."""
    for name in LOCK_FILES:
        if (root / name).is_file():
            version = _locked(root / name)
            if version is not None:
                return version, name
    for path in sorted(root.glob("requirements*.txt")):
        try:
            version = _pinned_in_lines(path.read_text(encoding="utf-8", errors="replace").splitlines())
        except OSError:
            continue
        if version is not None:
            return version, path.name
    if (root / "pyproject.toml").is_file():
        version = _pyproject_pin(root / "pyproject.toml")
        if version is not None:
            return version, "pyproject.toml"
    return None


@dataclass(frozen=True)
class MethodHistory:
    """A client attribute path (a resource or a method) and the releases that changed it."""

    path: str
    betas_from: str | None  # first release whose method takes `betas=`
    betas_until: str | None  # last release whose method takes `betas=`
    removed_in: str | None  # first release without the attribute at all
    source: str

    def covers(self, target: str) -> bool:
        return target == self.path or target.startswith(self.path + ".")

    def removed(self, version: str) -> bool:
        return self.removed_in is not None and version_key(version) >= version_key(self.removed_in)

    def takes_betas(self, version: str) -> bool:
        if self.betas_from is None or self.betas_until is None:
            return False
        return version_key(self.betas_from) <= version_key(version) <= version_key(self.betas_until)


@cache
def sdk_history() -> tuple[MethodHistory, ...]:
    data = load_toml(rules_dir() / "sdk-history.toml")
    return tuple(
        MethodHistory(
            path=str(raw["path"]),
            betas_from=raw.get("betas-from"),
            betas_until=raw.get("betas-until"),
            removed_in=raw.get("removed-in"),
            source=str(raw.get("source", "")),
        )
        for raw in data.get("method", [])
    )


def history_of(target: str) -> MethodHistory | None:
    """The most specific history entry for a method path (`completions.create` -> `completions`)."""
    matches = [h for h in sdk_history() if h.covers(target)]
    return max(matches, key=lambda h: len(h.path)) if matches else None
