"""The `anthropic` SDK the linted project uses: found without importing it, read once per version.

Where it is looked for, first match wins:

1. `--sdk PATH` on the command line, then `sdk = "PATH"` in the configuration (a package folder,
   a virtual environment or a site-packages folder; `"none"` turns the search off);
2. the virtual environment in `VIRTUAL_ENV`;
3. `.venv/` or `venv/` in the project root (what a pre-commit hook, which runs in an environment
   of its own, has to go by);
4. the environment beta-lint itself runs in.

The package is read statically by `knowledge.sdk` (never imported) and what was read is cached
under the user's cache folder, keyed by the package's version and the sizes and times of its files:
a second run costs a directory walk, not a scan.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beta_lint.knowledge.registry import Beta, Registry, SdkInUse

PACKAGE = "anthropic"
NO_SDK = "none"


class SdkLookupError(Exception):
    """An SDK path given explicitly that holds no anthropic package (the user's error, one line)."""


@dataclass(frozen=True)
class ProjectSdk:
    """What a run knows of the project's SDK: where it is, and the route table read from it."""

    info: SdkInUse
    routes: dict[str, Any]  # the sdk-routes.toml rendering of the scan, parsed


def _package_in(folder: Path) -> Path | None:
    """The anthropic package in `folder`: the package itself, a site-packages, or a virtual environment."""
    if (folder / "__init__.py").is_file() and (folder / "_version.py").is_file():
        return folder
    if (folder / PACKAGE / "__init__.py").is_file():
        return folder / PACKAGE
    patterns = ("lib/python*/site-packages", "lib64/python*/site-packages", "Lib/site-packages")
    for pattern in patterns:
        for site in sorted(folder.glob(pattern), reverse=True):
            if (site / PACKAGE / "__init__.py").is_file():
                return site / PACKAGE
    return None


def running_environment() -> Path | None:
    import importlib.util

    try:
        spec = importlib.util.find_spec(PACKAGE)  # locates without executing it
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or ()) if spec is not None else []
    return Path(locations[0]) if locations else None


def locate_sdk(
    root: Path,
    explicit: str | None = None,
    configured: str | None = None,
    environ: dict[str, str] | None = None,
) -> tuple[Path, str] | None:
    """The anthropic package folder the project uses and how it was found; None when there is none."""
    environ = dict(os.environ) if environ is None else environ
    for value, origin in ((explicit, "--sdk"), (configured, "sdk in the configuration")):
        if value is None:
            continue
        if value == NO_SDK:
            return None
        found = _package_in(Path(value))
        if found is None:
            raise SdkLookupError(f"{origin} {value}: no anthropic package there")
        return found, origin
    virtual_env = environ.get("VIRTUAL_ENV")
    if virtual_env:
        found = _package_in(Path(virtual_env))
        if found is not None:
            return found, "VIRTUAL_ENV"
    for name in (".venv", "venv"):
        found = _package_in(root / name)
        if found is not None:
            return found, f"{name} in the project"
    found = running_environment()
    if found is not None:
        return found, "beta-lint's environment"
    return None


def _stamp(package: Path) -> str:
    """The package's version and its files' names, sizes and modification times, hashed.

    Runs on every invocation that finds an SDK (a pre-commit hook's too): scandir gives the
    stat results with the listing, and relative names are built, not computed per file.
    """
    digest = hashlib.sha256()
    pending = [(str(package), "")]
    while pending:
        folder, relative = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue
        folders = []
        for entry in entries:
            if entry.name.endswith(".py") and entry.is_file():
                stat = entry.stat()
                digest.update(f"{relative}{entry.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
            elif entry.name != "__pycache__" and entry.is_dir(follow_symlinks=False):
                folders.append((entry.path, f"{relative}{entry.name}/"))
        pending.extend(reversed(folders))  # depth first, in name order, as os.walk was
    return digest.hexdigest()[:20]


def cache_folder(environ: dict[str, str] | None = None) -> Path:
    environ = dict(os.environ) if environ is None else environ
    if environ.get("BETA_LINT_SDK_CACHE"):
        return Path(environ["BETA_LINT_SDK_CACHE"])
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "beta-lint" / "sdk"


_VERSION_RE = re.compile(r"""^__version__\s*=\s*["']([^"']+)["']""", re.MULTILINE)


def read_version(package: Path) -> str:
    """`__version__` of `anthropic/_version.py`, read as text."""
    path = package / "_version.py"
    try:
        match = _VERSION_RE.search(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise SdkLookupError(f"cannot read the SDK version from {path}: {error}") from None
    if match is None:
        raise SdkLookupError(f"no __version__ string in {path}")
    return match.group(1)


def read_sdk(package: Path, origin: str, cache: Path | None = None) -> ProjectSdk:
    """The route table text of the SDK at `package`, from the cache when the files are unchanged."""
    from beta_lint.knowledge.sdk.records import SyncError

    version = read_version(package)
    stamp = _stamp(package)
    info = SdkInUse(version=version, path=str(package), origin=origin, stamp=stamp)
    cache = cache or cache_folder()
    # The parsed table, as JSON: every run that finds an SDK reads it (a pre-commit hook's too),
    # and the C JSON parser reads it in 1 ms where the TOML parser took 15.
    entry = cache / f"{version}-{stamp}.json"
    try:
        routes = json.loads(entry.read_text(encoding="utf-8"))
        if isinstance(routes, dict):
            return ProjectSdk(info, routes)
    except (OSError, ValueError):
        pass
    from beta_lint.knowledge.data import loads_toml
    from beta_lint.knowledge.sdk.scan import scan_sdk
    from beta_lint.knowledge.sdk.writer import render_routes_toml

    try:
        routes = loads_toml(render_routes_toml(scan_sdk(package)))
    except SyncError as error:
        raise SdkLookupError(f"cannot read the anthropic package at {package}: {error}") from None
    try:
        cache.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(routes), encoding="utf-8")
        os.replace(temporary, entry)
    except (OSError, TypeError, ValueError):
        pass  # an unwritable cache (or a value JSON cannot hold) costs the next run a scan, nothing more
    return ProjectSdk(info, routes)


def sdk_betas(routes: dict[str, Any], version: str) -> list[Beta]:
    """Registry entries for every beta name the SDK (its parsed sdk-routes.toml) lists or sends itself."""
    out = []
    for raw in routes.get("beta-name", []):
        sent_by = tuple(str(item) for item in raw.get("sent-by", ()))
        in_literal = bool(raw.get("in-literal", False))
        where = "its AnthropicBetaParam Literal" if in_literal else "code that sends it"
        out.append(
            Beta(
                name=str(raw["name"]),
                status="unknown",
                sdk_added_by=tuple(s for s in sent_by if "/" not in s),
                in_sdk_literal=in_literal,
                confidence="high",
                source=f"[SDK] anthropic {version}: {where}",
                origin="sdk",
            )
        )
    return out


def merged(registry: Registry, betas: list[Beta], info: SdkInUse) -> Registry:
    """The registry with the SDK's names it lacks (its own entries win) and the SDK recorded."""
    from dataclasses import replace

    extra = {beta.name: beta for beta in betas if beta.name not in registry.betas}
    return replace(registry, betas={**registry.betas, **extra}, sdk=info)
