"""Loading a dataset the web apps produce into the warehouse, replacing its previous content.

The rows are written to a temporary CSV in the contract's own layout and loaded with the
warehouse's ``ingest`` (identity mapping), so the contract checks, quarantine and load log apply
exactly as for a file a city ingests. Ingest upserts by primary key; rows of earlier loads whose
key is no longer in the export (a deleted event, a date removed from a series) are then deleted
and the deletion is written into that load's log message. The export is the whole current
record, so after it the table holds exactly the export's (valid) rows.

Used by the events app (community_events, community_event_departments) and the engage app
(page_views). Runs in background tasks and ``civicstat refresh``, never in a web request.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from civicstat.warehouse import Registry, identity_mapping, ingest
from civicstat.warehouse.store import LOADS, q


@dataclass(frozen=True)
class DatasetLoad:
    """What one export did to its dataset."""

    dataset: str
    load_id: int
    rows: int
    loaded: int
    updated: int
    quarantined: int
    removed: int


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv(path: Path, columns: tuple[str, ...], rows: Iterable[Mapping]) -> int:
    n = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
            n += 1
    return n


def replace_dataset(
    con, dataset: str, rows: Iterable[Mapping], registry: Registry | None = None
) -> DatasetLoad:
    """Load ``rows`` (dicts keyed by contract column) as the dataset's whole content."""
    contract = (registry or Registry()).contract(dataset)
    with tempfile.TemporaryDirectory(prefix=f"civicstat-{dataset}-") as tmp:
        path = Path(tmp) / f"{dataset}.csv"
        n = write_csv(path, contract.column_names, rows)
        report = ingest(
            con, contract, [path], identity_mapping(contract), progress=False, force=True
        )
    loaded = report.files[0]
    removed = _remove_older_rows(con, dataset, loaded.load_id)
    return DatasetLoad(
        dataset, loaded.load_id, n, loaded.loaded, loaded.updated, loaded.quarantined, removed
    )


def _remove_older_rows(con, dataset: str, load_id: int) -> int:
    raw = con.con
    table = q(dataset)
    removed = int(
        raw.execute(f"SELECT count(*) FROM {table} WHERE _load_id <> ?", [load_id]).fetchall()[0][0]
    )
    if removed:
        raw.execute(f"DELETE FROM {table} WHERE _load_id <> ?", [load_id])
    note = (
        f"replaced the dataset: {removed} rows of earlier loads no longer in the export "
        "were removed"
    )
    raw.execute(
        f"UPDATE {LOADS} SET message = CASE WHEN coalesce(message, '') = '' THEN ? "
        "ELSE message || '; ' || ? END WHERE load_id = ?",
        [note, note, load_id],
    )
    return removed
