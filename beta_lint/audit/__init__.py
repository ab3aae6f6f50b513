"""The audit's inventory (`inventory`: uses grouped by beta, filters) and its renderings (`render`:
table, Markdown, JSON, CSV). Running an audit is the pipeline's job (`pipeline.audit`).

May import: beta_lint.model, beta_lint.knowledge.
"""
