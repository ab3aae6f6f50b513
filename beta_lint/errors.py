"""The errors and exit codes every layer shares; it imports nothing of beta_lint.

A `UsageError` is a mistake in what the user asked for (an option, a selector, a date): the
command line prints it as one line and exits 2.
"""

from __future__ import annotations

import datetime as dt

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """An error in what the user asked for: one line on stderr, exit 2."""


def parse_date(value: str | None, option: str) -> dt.date:
    """The date given to `option` (YYYY-MM-DD), today when it was not given."""
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r}: expected a date YYYY-MM-DD") from None
