"""Stage 2, the Python front end: one cell of Python text -> every beta usage in it (`Extraction`).

`frontend.extract_cell` is the entry; `extract` walks the tree once with libcst, `slicer` cuts a
large file down to the statements worth parsing, `symbols` carries constants between modules,
and every use of libcst internals sits in `libcst_shortcuts`.

May import: beta_lint.model, beta_lint.knowledge (the SDK route table), beta_lint.files (`Cell`,
`ReadError`).
"""
