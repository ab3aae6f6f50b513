"""Stage 1, files: which paths to lint (discovery, exclusions, .gitignore), reading and decoding
them, the byte prefilter that rules most files out unparsed, the result cache, and the watched
worker processes a crashing file cannot take down.

May import: beta_lint.model and beta_lint.knowledge (the prefilter's registry names). Nothing
of the other stages.
"""
