"""The byte prefilter: which files can hold anything the extractor reports, decided without parsing.

Most files of a tree never mention a beta; they are ruled out on their bytes. The names that
make a file a candidate come from the registry, passed in; nothing here loads libcst.
"""

from __future__ import annotations

import re

from beta_lint.files.source import CANDIDATE_TEXT_RE, candidate_kind, light_file_matters
from beta_lint.knowledge.registry import Registry, looks_like_beta


def extra_names(registry: Registry) -> tuple[bytes, ...]:
    """Byte strings that make a file a candidate beyond the prefilter's regex.

    Registry names without a dated tail (claude-code-20250219), allowed names, and the
    routes that require a beta (a raw call to /v1/agents without one is BL202).
    """
    names = {n for n in registry.names() if not looks_like_beta(n)} | set(registry.allowed)
    for beta in registry.betas.values():
        names.update(route.split("{")[0] for route in beta.required_on)
    return tuple(sorted(n.encode() for n in names if n))


# Above this size the CPython pre-check is skipped: it runs in the main process, where neither
# file-timeout nor a worker's memory cap applies (a 10 MB file took 30 s and 4 GB there). The
# file goes to a worker, which is bounded.
LIGHT_CHECK_LIMIT = 256 * 1024


def needs_parsing(path: str, data: bytes, extra: tuple[bytes, ...]) -> bool:
    """False only when nothing the extractor reports can be in the file."""
    kind = candidate_kind(data, extra)
    if kind == "light" and not path.endswith(".ipynb"):
        return len(data) > LIGHT_CHECK_LIMIT or light_file_matters(data)
    return kind is not None


def candidate_patterns(extra: tuple[bytes, ...]) -> tuple[re.Pattern[str], ...]:
    """What makes a statement worth parsing in a large file (see python/slicer.py)."""
    escaped = [re.escape(name.decode()) for name in extra]
    return (CANDIDATE_TEXT_RE, *((re.compile("|".join(escaped)),) if escaped else ()))
