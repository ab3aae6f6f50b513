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


@cache
def rules_dir() -> Path:
    """The folder holding registry.toml, sdk-routes.toml and pages/.

    A wheel carries it as `beta_lint/_rules`; a source checkout (editable install, tests)
    has it beside the package as `rules/`.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "_rules", here.parent / "rules"):
        if (candidate / "registry.toml").is_file():
            return candidate
    raise FileNotFoundError(f"beta-lint's data folder (rules/) is missing next to {here}")


def load_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def loads_toml(text: str) -> dict[str, Any]:
    return tomllib.loads(text)
