"""The project-wide symbol table: module-level beta constants that one scanned module exports and another imports.

Built by the pipeline after a first pass over every candidate file, read by the extractor in
the second pass (`Resolver` looks an imported name up here). A constant re-exported through
other modules (`pkg/env.py` doing `from pkg._impl import X`) is followed to its definition when
the table is built: those modules hold no candidate, so their imports are read with CPython's
parser. Imports only the model.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from beta_lint.model import Export, FileResult


@dataclass(frozen=True)
class SymbolTable:
    """Module-level beta constants of every scanned candidate file, by dotted module name."""

    modules: dict[str, dict[str, Export]]

    @staticmethod
    def module_name(path: str) -> str:
        stem = os.path.normpath(path)
        for suffix in (".pyi", ".py", ".ipynb"):
            if stem.endswith(suffix):
                stem = stem[: -len(suffix)]
        parts = [p for p in stem.split(os.sep) if p not in ("", ".")]
        if parts and parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)

    @classmethod
    def build(cls, results: Iterable[FileResult]) -> SymbolTable:
        results = list(results)
        modules: dict[str, dict[str, Export]] = {}
        for result in results:
            if result.exports:
                modules[cls.module_name(result.path)] = {e.name: e for e in result.exports}
        table = cls(modules)
        files = {cls.module_name(result.path): result.path for result in results}
        for result in results:
            for level, module, name in result.wanted_from:
                table._follow(result.path, level, module, name, files, set())
        return table

    def _follow(
        self, importer: str, level: int, module: str, name: str, files: Mapping[str, str], seen: set[tuple[str, str]]
    ) -> Export | None:
        """The export `name` of a module, through any chain of re-exports (cycles end it)."""
        target = self._target(importer, level, module, files)
        if target is None or (target, name) in seen or len(seen) > _MAX_REEXPORTS:
            return None
        seen.add((target, name))
        found = self.modules.get(target, {}).get(name)
        if found is not None or target not in files:
            return found
        origin = _from_imports(files[target]).get(name)
        if origin is None:
            return None
        found = self._follow(files[target], *origin, files, seen)
        if found is not None:
            # Recorded under the re-exporting module, so importers of it resolve as usual.
            self.modules.setdefault(target, {})[name] = replace(found, name=name)
        return found

    def _target(self, importer: str, level: int, module: str, known: Iterable[str] | None = None) -> str | None:
        if level:
            package = self.module_name(importer).split(".")
            if not os.path.basename(importer).startswith("__init__."):
                package = package[:-1]
            if level - 1 > len(package):
                return None
            base = package[: len(package) - (level - 1)]
            return ".".join([*base, module] if module else base)
        names = self.modules if known is None else known
        if module in names:
            return module
        # The scan may start above the package root (src/acme/config.py for acme.config).
        matches = [name for name in names if name.endswith("." + module)]
        return matches[0] if len(matches) == 1 else None

    def digest(self) -> str:
        """Changes whenever any exported constant (its name, value or place) changes."""
        import hashlib
        import pickle

        return hashlib.sha256(pickle.dumps(sorted(self.modules.items()))).hexdigest()[:16]

    def lookup(self, importer: str, level: int, module: str, name: str) -> Export | None:
        target = self._target(importer, level, module)
        return self.modules.get(target, {}).get(name) if target is not None else None

    def resolves_any(self, importer: str, wanted: Iterable[str]) -> bool:
        # The importer's own import table is not kept; any wanted name exported anywhere counts.
        names = set(wanted)
        return any(names & set(exports) for exports in self.modules.values())


_MAX_REEXPORTS = 32
_MAX_READ = 1 << 20  # a re-exporting module is small; a larger file is not followed


def _from_imports(path: str) -> dict[str, tuple[int, str, str]]:
    """`from M import N as L` at the top level of a module: L -> (level, M, N)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(_MAX_READ + 1)
        if len(data) > _MAX_READ:
            return {}
        tree = ast.parse(data)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    found: dict[str, tuple[int, str, str]] = {}
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom):
            for alias in statement.names:
                if alias.name != "*":
                    found[alias.asname or alias.name] = (statement.level, statement.module or "", alias.name)
    return found
