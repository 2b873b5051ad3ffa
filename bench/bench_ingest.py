"""Ingest speed and memory: the warehouse's vectorised ingest against two baselines on an
SF Fire calls CSV scaled up from the real extract (call numbers shifted so keys stay unique).

Baselines, run in the same process on the same file:
* ``pandas read+parse`` - pandas.read_csv and to_datetime/tz_localize of the six timestamps: what
  a loader without checks, quarantine or a database costs (a floor);
* ``row loop (csv+strptime)`` - Python's csv module with datetime.strptime per value: the
  row-by-row style the warehouse avoids (quick mode only at full size; it is slow).
Variants: ``ingest csv`` (new DuckDB file), ``re-ingest (updates)`` (same rows, --force),
``ingest parquet`` (the same rows as Parquet) and ``same file again`` (skipped by sha256).
"""

from __future__ import annotations

import csv
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from bench.harness import Result, measure, print_table
from civicstat.testsupport import shared_data_dir
from civicstat.warehouse import Registry, connect, ingest

TIMES = [
    "Received DtTm",
    "Entry DtTm",
    "Dispatch DtTm",
    "Response DtTm",
    "On Scene DtTm",
    "Available DtTm",
]
FORMAT = "%m/%d/%Y %I:%M:%S %p"


def _scaled_csv(source: Path, rows: int, out: Path) -> Path:
    base = pd.read_csv(source, dtype=str, keep_default_na=False)
    parts, k = [], 0
    while sum(len(p) for p in parts) < rows:
        part = base.copy()
        part["Call Number"] = (part["Call Number"].astype("int64") + k * 10**8).astype(str)
        parts.append(part)
        k += 1
    pd.concat(parts).head(rows).to_csv(out, index=False)
    return out


def _pandas_baseline(path: Path) -> int:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in TIMES:
        local = pd.to_datetime(frame[column].where(frame[column] != ""), format=FORMAT)
        frame[column] = local.dt.tz_localize("America/Los_Angeles", ambiguous="NaT").dt.tz_convert(
            "UTC"
        )
    return len(frame)


def _row_loop_baseline(path: Path) -> int:
    zone = ZoneInfo("America/Los_Angeles")
    n = 0
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh):
            for column in TIMES:
                if row[column]:
                    datetime.strptime(row[column], FORMAT).replace(tzinfo=zone)
            n += 1
    return n


def main(quick: bool) -> list[Result]:
    data = shared_data_dir()
    if data is None:
        print("skipped: the real SF Fire extract (shared/data) is not on this machine")
        return []
    rows = 20_000 if quick else 1_000_000
    registry = Registry()
    contract = registry.contract("calls_for_service")
    mapping = registry.mapping("sf-fire-calls")
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = _scaled_csv(
            data / "sf-fire-calls" / "sf_fire_calls_2020-04_extract.csv", rows, folder / "calls.csv"
        )
        note = f"{rows:,} rows"
        result, _ = measure("ingest", "pandas read+parse", lambda: _pandas_baseline(path), note)
        results.append(result)
        if quick or rows <= 200_000:
            result, _ = measure(
                "ingest", "row loop (csv+strptime)", lambda: _row_loop_baseline(path), note
            )
            results.append(result)

        con = connect(folder / "w.duckdb")
        result, report = measure(
            "ingest", "ingest csv", lambda: ingest(con, contract, [path], mapping, False), note
        )
        assert report.files[0].loaded == rows, report
        results.append(result)
        result, report = measure(
            "ingest",
            "re-ingest (updates)",
            lambda: ingest(con, contract, [path], mapping, False, force=True),
            note,
        )
        assert report.files[0].updated == rows, report
        results.append(result)
        result, report = measure(
            "ingest", "same file again", lambda: ingest(con, contract, [path], mapping, False), note
        )
        assert report.files[0].status == "skipped", report
        results.append(result)
        con.disconnect()

        parquet = folder / "calls.parquet"
        pd.read_csv(path, dtype=str, keep_default_na=False).to_parquet(parquet, index=False)
        con = connect(folder / "p.duckdb")
        result, report = measure(
            "ingest",
            "ingest parquet",
            lambda: ingest(con, contract, [parquet], mapping, False),
            note,
        )
        assert report.files[0].loaded == rows, report
        results.append(result)
        con.disconnect()
    print_table(results, baseline="pandas read+parse")
    return results
