"""The project-wide symbol table: module-level beta constants that one scanned module exports and another imports.

Built by the pipeline after a first pass over every candidate file, read by the extractor in
the second pass (`Resolver` looks an imported name up here). Imports only the model.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

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
        modules: dict[str, dict[str, Export]] = {}
        for result in results:
            if result.exports:
                modules[cls.module_name(result.path)] = {e.name: e for e in result.exports}
        return cls(modules)

    def _target(self, importer: str, level: int, module: str) -> str | None:
        if level:
            package = self.module_name(importer).split(".")
            if not os.path.basename(importer).startswith("__init__."):
                package = package[:-1]
            if level - 1 > len(package):
                return None
            base = package[: len(package) - (level - 1)]
            return ".".join([*base, module] if module else base)
        if module in self.modules:
            return module
        # The scan may start above the package root (src/acme/config.py for acme.config).
        matches = [name for name in self.modules if name.endswith("." + module)]
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
