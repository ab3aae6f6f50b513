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


MAX_TOML_BYTES = 64 << 20  # a configuration or registry file larger than this is refused


def load_toml(path: Path) -> dict[str, Any]:
    """A TOML file as a table. Anything that is not readable TOML (not a regular file, too
    large, not UTF-8, nested too deeply) is a TOMLDecodeError naming what is wrong."""
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise DataError(f"{path}: beta-lint's data file is missing; reinstall beta-lint") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise TOMLDecodeError("not a regular file")
        if info.st_size > MAX_TOML_BYTES:
            raise TOMLDecodeError(f"file is {info.st_size} bytes, over the limit of {MAX_TOML_BYTES}")
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(MAX_TOML_BYTES + 1)
    finally:
        os.close(fd)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise TOMLDecodeError(f"not UTF-8 (byte {error.start}): TOML files are UTF-8") from None
    return loads_toml(text)


def loads_toml(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise TOMLDecodeError("arrays or tables nested too deeply") from None
