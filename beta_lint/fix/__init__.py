"""Stage 4, fixes: building edits (`edits`), fixing a text to a fixed point and writing files
atomically (`apply`), notebooks through their own entry (`notebook.fix_notebook`, which is
handed the text fixer), and what both share (`common`). Re-linting goes through a `Relinter`
the caller passes in.

May import: beta_lint.model, beta_lint.knowledge, beta_lint.files, beta_lint.python.
"""
