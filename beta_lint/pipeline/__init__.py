"""The pipeline composes the stages for a run. `setup` builds settings, registry and the per-file
`Linter`; `linter` takes one file through prefilter -> extract -> check -> suppressions;
`parallel` runs it over many files; `run` is `check` (report or fix) and `audit` the inventory:
the same pass with different outputs.

May import: every stage and everything below; never beta_lint.cli.
"""
