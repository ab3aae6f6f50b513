"""Hypothesis profiles for the fuzz and hostile-input tests (test_fuzz.py, test_hostile.py).

Pick one with the environment variable HYPOTHESIS_PROFILE:

- ``ci`` (the default): a bounded number of examples, so the whole suite stays fast;
- ``nightly``: 2,000 examples per property, for a scheduled long run::

      HYPOTHESIS_PROFILE=nightly python -m pytest tests/test_fuzz.py tests/test_hostile.py

The profiles are registered here but never loaded globally: the tests apply them with
``@FUZZ`` (or ``examples(n)``), so other test files keep their own settings.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# hypothesmith builds whole programs: generation is slow and inputs are large by design.
SLOW_GENERATION = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
    HealthCheck.large_base_example,
    HealthCheck.function_scoped_fixture,  # tmp folders are reused across examples on purpose
]

settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    suppress_health_check=SLOW_GENERATION,
    print_blob=True,
)
settings.register_profile(
    "nightly",
    max_examples=2000,
    deadline=None,
    suppress_health_check=SLOW_GENERATION,
    print_blob=True,
)

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
FUZZ = settings.get_profile(PROFILE)
NIGHTLY = PROFILE == "nightly"


def examples(ci: int) -> settings:
    """The active profile with `ci` examples under the ci profile (the nightly count otherwise)."""
    return settings(FUZZ, max_examples=FUZZ.max_examples if NIGHTLY else min(ci, FUZZ.max_examples))
