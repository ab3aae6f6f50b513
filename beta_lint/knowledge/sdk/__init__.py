"""Reading an installed `anthropic` SDK statically (never importing it) for `beta-lint registry sync`.

The scanner, bottom up: `records` (what a scan finds) <- `modules` (parsed modules, names
followed) <- `resources` <- `methods` <- `guards` (the complete `Scanner`) <- `scan`
(`scan_sdk`, `find_sdk`). `writer` renders, reads back, compares and writes
`rules/sdk-routes.toml`. Imports nothing of beta_lint outside this package.
"""
