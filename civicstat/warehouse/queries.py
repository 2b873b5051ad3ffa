"""Reading the warehouse: dataset tables, the load log, quarantine and load provenance.

These work on any Ibis backend that holds the tables."""

from __future__ import annotations

import ibis
import pandas as pd
from ibis.common.exceptions import TableNotFound

from civicstat.warehouse.errors import UnknownDatasetError
from civicstat.warehouse.reports import LoadRecord
from civicstat.warehouse.store import LOADS, QUARANTINE, SYSTEM_COLUMNS


def _has_table(con: ibis.BaseBackend, name: str) -> bool:
    # Looked up by name rather than with list_tables(), which Ibis 12 cannot run on DuckDB 2.
    try:
        con.table(name)
    except TableNotFound:
        return False
    return True


def dataset_table(con: ibis.BaseBackend, name: str, system_columns: bool = False) -> ibis.Table:
    """The dataset's table as an Ibis expression (contract columns; with ``system_columns`` also
    ``_load_id`` and ``_line``, the load and source line of each row)."""
    if not _has_table(con, name):
        raise UnknownDatasetError(
            f"the warehouse has no table {name!r}: ingest a file for it first"
        )
    table = con.table(name)
    if system_columns:
        return table
    return table.drop(*[c for c in SYSTEM_COLUMNS if c in table.columns])


def load_log(con: ibis.BaseBackend, dataset: str | None = None) -> pd.DataFrame:
    """The ``_loads`` table (optionally one dataset's), oldest load first."""
    if not _has_table(con, LOADS):
        return pd.DataFrame(columns=list(LoadRecord.__dataclass_fields__))
    table = con.table(LOADS)
    if dataset is not None:
        table = table.filter(table.dataset == dataset)
    return table.order_by("load_id").to_pandas()


def quarantine(
    con: ibis.BaseBackend, dataset: str | None = None, load_id: int | None = None
) -> pd.DataFrame:
    """Quarantined rows (one entry per failing column), by load and line."""
    columns = ["load_id", "dataset", "file", "line", "column", "value", "reason", "record"]
    if not _has_table(con, QUARANTINE):
        return pd.DataFrame(columns=columns)
    table = con.table(QUARANTINE)
    if dataset is not None:
        table = table.filter(table.dataset == dataset)
    if load_id is not None:
        table = table.filter(table.load_id == load_id)
    return table.order_by(["load_id", "line", "column"]).to_pandas()


def loads_used(con: ibis.BaseBackend, dataset: str) -> list[LoadRecord]:
    """The loads whose rows are in the dataset's table now (provenance for a refresh)."""
    table = dataset_table(con, dataset, system_columns=True)
    ids = table.select("_load_id").distinct()
    loads = con.table(LOADS)
    used = loads.filter(loads.load_id.isin(ids._load_id)).order_by("load_id").to_pandas()
    return [_record(row) for row in used.itertuples(index=False)]


def _record(row: object) -> LoadRecord:
    values = {name: getattr(row, name) for name in LoadRecord.__dataclass_fields__}
    for name in ("load_id", "rows_read", "loaded", "updated", "quarantined"):
        values[name] = int(values[name])
    values["duration_s"] = float(values["duration_s"])
    values["started_at"] = pd.Timestamp(values["started_at"]).to_pydatetime()
    for name in ("message", "mapping", "sha256"):
        values[name] = "" if pd.isna(values[name]) else str(values[name])
    return LoadRecord(**values)
