"""What beta-lint knows about the API, below every stage: the beta registry, the SDK route table,
loading the data in `rules/` (shipped as `beta_lint/_rules`), and reading an installed SDK to
refresh that data (`beta-lint registry sync`).

May import: beta_lint.model only.
"""
