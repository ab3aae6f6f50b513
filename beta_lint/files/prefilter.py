"""The byte prefilter: which files can hold anything the extractor reports, decided without parsing.

Most files of a tree never mention a beta; they are ruled out on their bytes. The names that
make a file a candidate come from the registry, passed in; nothing here loads libcst.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

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


def dated_names(registry: Registry) -> tuple[bytes, ...]:
    """The registry's dated names: a string equal to one is reported wherever it is written."""
    return tuple(sorted(n.encode() for n in registry.names() if looks_like_beta(n)))


# Without one of these words, dated text cannot be reported from anywhere in a file: a dated
# string is reported only when it is a registry name, held by a beta-named variable, sent
# (`betas=`, `.beta.`), put under a header, or named in a suppression comment's line.
_REPORTING_WORDS = (b"beta", b"header", b"noqa")


def needs_parsing(
    path: str,
    data: bytes,
    extra: tuple[bytes, ...],
    dated: tuple[bytes, ...] | None = None,
    sliced_from: int = 0,
    slices_to_nothing: Callable[[bytes], bool] | None = None,
) -> bool:
    """False only when nothing the extractor reports can be in the file.

    With `dated` (the registry's dated names), a file of `sliced_from` lines or more whose only
    candidates are dated text, and that holds none of the words that could report it, goes
    straight to the extractor without CPython's parser: the slicer keeps only its module
    constants (another module may import them), so a 25k-line test module full of dated slugs
    costs a scan there, not a parse of all of it here. A file over LIGHT_CHECK_LIMIT goes to a
    worker without the pre-check too. `slices_to_nothing`, asked of such a large light file
    last, may still rule it out: its slice holds nothing (see Linter._slices_to_nothing).
    """
    kind = candidate_kind(data, extra)
    if kind == "light" and not path.endswith(".ipynb"):
        large = data.count(b"\n") >= sliced_from
        if len(data) > LIGHT_CHECK_LIMIT or (dated is not None and large and not _may_report_dated_text(data, dated)):
            matters = True
        else:
            matters = light_file_matters(data)
        return matters and not (slices_to_nothing is not None and large and slices_to_nothing(data))
    return kind is not None


def _may_report_dated_text(data: bytes, dated: tuple[bytes, ...]) -> bool:
    lowered = data.lower()
    if any(word in lowered for word in _REPORTING_WORDS):
        return True
    return any(name in data for name in dated)


@functools.lru_cache(maxsize=8)  # asked twice per candidate file; one set of names per run
def candidate_patterns(extra: tuple[bytes, ...]) -> tuple[re.Pattern[str], ...]:
    """What makes a statement worth parsing in a large file (see python/slicer.py)."""
    names = literal_alternation([name.decode() for name in extra])
    return (CANDIDATE_TEXT_RE,) if names is None else (CANDIDATE_TEXT_RE, names)


def literal_alternation(names: Sequence[str]) -> re.Pattern[str] | None:
    """One pattern matching any of `names` (tried in the order given); None for no names.

    The lookahead on the names' first characters lets `re` skip the rest at once: without it
    every position tries every name (a third of the slicer's seed test on a large module).
    """
    if not any(names):
        return None
    first = "".join(sorted({re.escape(name[0]) for name in names if name}))
    return re.compile(f"(?=[{first}])(?:{'|'.join(re.escape(name) for name in names if name)})")
