"""The rule registry: every rule of every family, in a fixed order, by code.

Importing this module registers all rules (the family modules are imported in the order their
codes are listed); `RULES` is that registry. Selection lives in `selection.py`.
"""

from __future__ import annotations

from beta_lint.checks import engine_codes, headers, lifecycle, names, requests
from beta_lint.checks.base import REGISTERED, Rule

# The families register on import; this order is the order of `beta-lint rules` and of SARIF's rule list.
FAMILIES = (names, lifecycle, requests, headers, engine_codes)
RULES: dict[str, Rule] = REGISTERED
