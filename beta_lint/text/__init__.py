"""Stage 2, text formats: `anthropic-beta` headers and `betas` arrays in Markdown, shell, YAML/JSON,
`.http` and JS/TS files; Python blocks in Markdown go through the Python front end.

May import: beta_lint.model, beta_lint.knowledge, beta_lint.files, beta_lint.python.
"""
