"""Where the product data (`rules/`) lives, installed or in a source checkout, and TOML loading."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

TOMLDecodeError = tomllib.TOMLDecodeError


class DataError(Exception):
    """beta-lint's own data (rules/) is missing or broken: an installation problem."""


@cache
def rules_dir() -> Path:
    """The folder holding registry.toml, sdk-routes.toml and pages/.

    A wheel carries it as `beta_lint/_rules`; a source checkout (editable install, tests)
    has it beside the package as `rules/`.
    """
    here = Path(__file__).resolve().parent.parent  # the beta_lint package folder
    for candidate in (here / "_rules", here.parent / "rules"):
        if (candidate / "registry.toml").is_file():
            return candidate
    raise DataError(f"beta-lint's data folder (rules/) is missing next to {here}; reinstall beta-lint")


def load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise DataError(f"{path}: beta-lint's data file is missing; reinstall beta-lint") from None


def loads_toml(text: str) -> dict[str, Any]:
    return tomllib.loads(text)
