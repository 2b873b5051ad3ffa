"""Find contracts and mappings by name in the built-in folders and a city's own folders.

A city keeps its files in folders it configures (Django setting ``CIVICSTAT_WAREHOUSE_PATHS``),
each holding ``contracts/<name>.yaml`` and/or ``mappings/<name>.yaml`` (or the YAML files
directly in the folder). The city's folders are searched first, so a city can replace a shipped
mapping by writing one with the same name.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from civicstat.warehouse.contracts import Contract, load_contract
from civicstat.warehouse.errors import UnknownDatasetError, UnknownMappingError
from civicstat.warehouse.mappings import Mapping, check_mapping, load_mapping

BUILTIN_DIR = Path(__file__).resolve().parent
_SUFFIXES = (".yaml", ".yml")


class Registry:
    """Contracts and mappings by name; ``extra_paths`` are a city's folders, searched first."""

    def __init__(self, extra_paths: Iterable[str | os.PathLike[str]] = ()) -> None:
        self.roots: tuple[Path, ...] = (*(Path(p) for p in extra_paths), BUILTIN_DIR)

    def _candidates(self, sub: str) -> list[Path]:
        folders: list[Path] = []
        for root in self.roots:
            folders.append(root / sub)
            if root != BUILTIN_DIR:
                folders.append(root)
        return folders

    def _find(self, sub: str, name: str) -> Path | None:
        for folder in self._candidates(sub):
            for suffix in _SUFFIXES:
                path = folder / f"{name}{suffix}"
                if path.is_file():
                    return path
        return None

    def _names(self, sub: str, key: str) -> list[str]:
        names: set[str] = set()
        for folder in self._candidates(sub):
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if path.suffix in _SUFFIXES and _declares(path, key):
                    names.add(path.stem)
        return sorted(names)

    def contract_names(self) -> list[str]:
        return self._names("contracts", "contract")

    def mapping_names(self) -> list[str]:
        return self._names("mappings", "mapping")

    def contract(self, name: str) -> Contract:
        path = self._find("contracts", name)
        if path is None or not _declares(path, "contract"):
            known = ", ".join(self.contract_names()) or "none"
            raise UnknownDatasetError(f"no contract for dataset {name!r}; known datasets: {known}")
        return load_contract(path)

    def mapping(self, name: str, contract: Contract | None = None) -> Mapping:
        """The named mapping, checked against ``contract`` (default: the mapping's dataset)."""
        path = self._find("mappings", name)
        if path is None or not _declares(path, "mapping"):
            known = ", ".join(self.mapping_names()) or "none"
            raise UnknownMappingError(f"no mapping named {name!r}; known mappings: {known}")
        mapping = load_mapping(path)
        check_mapping(mapping, contract or self.contract(mapping.dataset))
        return mapping


def _declares(path: Path, key: str) -> bool:
    """Whether a YAML file starts a ``key:`` document (a contract or a mapping), cheaply."""
    try:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(f"{key}:"):
                    return True
    except (OSError, UnicodeDecodeError):
        return False
    return False
