"""This folder is a sample project that beta-lint audits, not part of beta-lint's test suite.

Its own tests import the `supportbot` package, which is not installed: keep pytest out.
"""

collect_ignore_glob = ["*"]
