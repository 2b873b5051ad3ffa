"""The warehouse's exception family.

Every message names what a city analyst needs to act on: the file, the line or YAML path, the
column and what was expected.
"""

from __future__ import annotations

from pathlib import Path


class WarehouseError(Exception):
    """Base class of every error the warehouse raises on purpose."""


class SpecError(WarehouseError):
    """A contract or mapping YAML file is malformed; the message names the file and YAML path."""

    def __init__(self, source: str | Path, path: str, problem: str) -> None:
        self.source = str(source)
        self.yaml_path = path
        self.problem = problem
        where = f"{self.source}: {path}" if path else self.source
        super().__init__(f"{where}: {problem}")


class ContractError(SpecError):
    """A dataset contract YAML file is malformed."""


class MappingError(SpecError):
    """A column mapping YAML file is malformed or does not fit its contract."""


class UnknownNameError(WarehouseError, LookupError):
    """A dataset, contract or mapping name that no configured folder provides."""


class UnknownDatasetError(UnknownNameError):
    """No contract (or no loaded table) for that dataset name."""


class UnknownMappingError(UnknownNameError):
    """No mapping file with that name."""


class UnreadableFileError(WarehouseError):
    """A source file that cannot be read at all; nothing from it was loaded."""

    def __init__(self, file: str | Path, problem: str) -> None:
        self.file = str(file)
        self.problem = problem
        super().__init__(f"{self.file}: {problem}; nothing was loaded from this file")


class MissingColumnsError(UnreadableFileError):
    """A source file lacks a column that a required contract column is mapped from."""


class SchemaMismatchError(WarehouseError):
    """A dataset table in the warehouse does not match its contract (a column of another type)."""


class UnsupportedBackendError(WarehouseError):
    """The operation needs a backend feature the connected Ibis backend does not offer."""


class WarehouseBusyError(WarehouseError):
    """Another process holds the DuckDB file (one writer at a time) and did not let go in time."""
