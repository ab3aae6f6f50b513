"""The package's shape: imports run one way, no cycles, private names stay home, modules stay small.

The import graph is read with `ast` from every module of beta_lint, function-level imports
included (they are still a dependency, only a lazy one). A package's `__init__` counts as a
module of its own: a re-export in it is an edge like any other.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "beta_lint"

# Lower layers first. A module may import its own layer's modules (subject to STAGE_EDGES) and
# any lower layer, never a higher one.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("model", ("beta_lint", "beta_lint.model")),
    ("knowledge", ("beta_lint.knowledge",)),
    (
        "stages",
        (
            "beta_lint.files",
            "beta_lint.python",
            "beta_lint.text",
            "beta_lint.checks",
            "beta_lint.fix",
            "beta_lint.report",
            "beta_lint.audit",
        ),
    ),
    ("pipeline", ("beta_lint.pipeline", "beta_lint.config")),
    ("cli", ("beta_lint.cli", "beta_lint.__main__")),
)

# Which stage may import which other stage. Everything not listed is forbidden: a new edge is
# a design decision and belongs here, with its reason.
STAGE_EDGES: Mapping[str, frozenset[str]] = {
    "beta_lint.files": frozenset(),
    # The front end reports unreadable and unparsable text as the files stage's ReadError.
    "beta_lint.python": frozenset({"beta_lint.files"}),
    # Text formats reuse the Python front end on embedded code and the line index.
    "beta_lint.text": frozenset({"beta_lint.files", "beta_lint.python"}),
    # Rules build their fixes with the fix stage's edit helpers.
    "beta_lint.checks": frozenset({"beta_lint.fix"}),
    # Fixes are placed with the front end's line index and re-read sources like the files stage.
    "beta_lint.fix": frozenset({"beta_lint.files", "beta_lint.python"}),
    # Fingerprints and snippets read the linted files again; SARIF lists every rule with its page.
    "beta_lint.report": frozenset({"beta_lint.files", "beta_lint.checks"}),
    "beta_lint.audit": frozenset(),
}

MAX_LINES = 450


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def resolve(name: str, known: Iterable[str]) -> str | None:
    """The module of ours that `name` (a module or a module.attribute) denotes, or None."""
    known = set(known)
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(name: str, path: Path, known: Iterable[str]) -> list[tuple[str, str | None]]:
    """(imported module, imported name or None) for every import statement in the module."""
    known = set(known)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    out: list[tuple[str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = resolve(alias.name, known)
                if target is not None:
                    out.append((target, None))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if submodule in known:
                    out.append((submodule, None))
                    continue
                target = resolve(base, known)
                if target is not None:
                    out.append((target, alias.name))
    return out


def import_graph() -> dict[str, set[str]]:
    found = modules()
    return {
        name: {target for target, _ in imports_of(name, path, found) if target != name} for name, path in found.items()
    }


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """One cycle of the graph as a path [a, b, ..., a], or None when it has none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle is not None:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle is not None:
                return cycle
    return None


def owner(name: str) -> tuple[int, str]:
    """(layer index, the layer member: a stage package or a module) that a module belongs to."""
    best: tuple[int, str] | None = None
    for index, (_layer, members) in enumerate(LAYERS):
        for member in members:
            if (name == member or name.startswith(member + ".")) and (best is None or len(member) > len(best[1])):
                best = (index, member)
    assert best is not None, f"{name} is in no layer: add it to LAYERS"
    return best


def test_cycle_finder_finds_a_cycle_and_accepts_a_dag() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set(), "d": {"a", "c"}}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"x": {"x"}}) == ["x", "x"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"d"}, "d": {"e"}, "e": {"d"}}) == ["d", "e", "d"]


def test_the_import_reader_sees_function_level_and_relative_imports(tmp_path: Path) -> None:
    source = "def f():\n    from beta_lint.knowledge.registry import _hidden\n    from . import data\n"
    fake = tmp_path / "mod.py"
    fake.write_text(source)
    known = {"beta_lint.knowledge", "beta_lint.knowledge.registry", "beta_lint.knowledge.data"}
    found = imports_of("beta_lint.knowledge.mod", fake, known)
    assert ("beta_lint.knowledge.registry", "_hidden") in found
    assert ("beta_lint.knowledge.data", None) in found


def test_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_no_private_name_crosses_a_module_boundary() -> None:
    found = modules()
    crossings = [
        f"{name} imports {imported} from {target}"
        for name, path in found.items()
        for target, imported in imports_of(name, path, found)
        if imported is not None and imported.startswith("_") and not imported.startswith("__") and target != name
    ]
    assert not crossings, "\n".join(crossings)


def test_layers_import_only_downwards_and_stages_only_their_listed_neighbours() -> None:
    wrong: list[str] = []
    for name, targets in import_graph().items():
        level, member = owner(name)
        for target in sorted(targets):
            target_level, target_member = owner(target)
            if target_level > level:
                wrong.append(f"{name} ({LAYERS[level][0]}) imports {target} ({LAYERS[target_level][0]})")
            elif (
                target_level == level
                and LAYERS[level][0] == "stages"
                and target_member != member
                and target_member not in STAGE_EDGES[member]
            ):
                wrong.append(f"{name} imports {target}: stage edge {member} -> {target_member} is not allowed")
    assert not wrong, "\n".join(wrong)


def test_every_stage_edge_is_used() -> None:
    """The allowed edges stay minimal: one nobody takes any more is removed."""
    used = {
        (owner(name)[1], owner(target)[1])
        for name, targets in import_graph().items()
        for target in targets
        if owner(name)[0] == owner(target)[0]
    }
    unused = [f"{a} -> {b}" for a, targets in STAGE_EDGES.items() for b in targets if (a, b) not in used]
    assert not unused, "unused stage edges: " + ", ".join(unused)


@pytest.mark.parametrize("name", sorted(modules()))
def test_module_is_small_and_says_what_it_owns(name: str) -> None:
    path = modules()[name]
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE.parent)} has {lines} lines (at most {MAX_LINES})"
    if path.name == "__init__.py" and name.count(".") == 1:
        doc = ast.get_docstring(ast.parse(text))
        assert doc and len(doc.split()) >= 12, f"{name} needs a docstring: what it owns, what it may import"


LIBCST_INTERNALS = ("libcst._", "_visit_and_replace_children", "._codegen(", "CodegenState", "._gen(")


def test_libcst_internals_only_in_the_shortcuts_module() -> None:
    """A libcst upgrade that breaks a shortcut must touch one file (with its fallback)."""
    users = sorted(
        name
        for name, path in modules().items()
        if name != "beta_lint.python.libcst_shortcuts"
        and any(marker in path.read_text(encoding="utf-8") for marker in LIBCST_INTERNALS)
    )
    assert not users, f"libcst internals used outside python/libcst_shortcuts.py: {users}"
