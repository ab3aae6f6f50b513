"""Stage 3, checks: the rule registry (`rules.RULES`, one entry per code), the rules themselves
by family, running them over an extraction (`runner`), settling suppressions and per-file
ignores (`suppressions`), rule selection, and the rule pages (`catalog`).

May import: beta_lint.model, beta_lint.knowledge, beta_lint.fix (edits the rules attach).
"""
