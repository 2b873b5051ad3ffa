"""The analytics warehouse (PURE: no Django).

A connection factory, dataset contracts and column mappings declared in YAML, ingest of CSV,
Parquet and JSON lines with row-level quarantine and a load log, and readers for the tables.
See docs/warehouse.md.
"""

from civicstat.warehouse.connection import connect
from civicstat.warehouse.contracts import ColumnSpec, Contract, load_contract, parse_contract
from civicstat.warehouse.errors import (
    ContractError,
    MappingError,
    MissingColumnsError,
    SchemaMismatchError,
    SpecError,
    UnknownDatasetError,
    UnknownMappingError,
    UnknownNameError,
    UnreadableFileError,
    UnsupportedBackendError,
    WarehouseBusyError,
    WarehouseError,
)
from civicstat.warehouse.ingest import ingest
from civicstat.warehouse.mappings import (
    ColumnRule,
    Mapping,
    SourceOptions,
    check_mapping,
    identity_mapping,
    load_mapping,
    parse_mapping,
)
from civicstat.warehouse.queries import dataset_table, load_log, loads_used, quarantine
from civicstat.warehouse.registry import Registry
from civicstat.warehouse.reports import FileReport, IngestReport, LoadRecord

__all__ = [
    "ColumnRule",
    "ColumnSpec",
    "Contract",
    "ContractError",
    "FileReport",
    "IngestReport",
    "LoadRecord",
    "Mapping",
    "MappingError",
    "MissingColumnsError",
    "Registry",
    "SchemaMismatchError",
    "SourceOptions",
    "SpecError",
    "UnknownDatasetError",
    "UnknownMappingError",
    "UnknownNameError",
    "UnreadableFileError",
    "UnsupportedBackendError",
    "WarehouseBusyError",
    "WarehouseError",
    "check_mapping",
    "connect",
    "dataset_table",
    "identity_mapping",
    "ingest",
    "load_contract",
    "load_log",
    "load_mapping",
    "loads_used",
    "parse_contract",
    "parse_mapping",
    "quarantine",
]
