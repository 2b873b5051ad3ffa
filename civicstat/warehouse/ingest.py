"""Ingest: load source files into a dataset table, checking every row against the contract.

For each file (one transaction per file):

1. sha256 of the bytes; a file whose content was loaded before into the same dataset is skipped
   and logged as ``skipped`` (``force=True`` loads it again; keys already present are updated).
2. The file is opened (CSV, Parquet or JSON lines) and the mapping bound to its header. A file
   that cannot be read, or lacks a column a required contract column comes from, raises an
   UnreadableFileError subclass, is logged as ``failed`` and loads nothing.
3. Chunks of rows are converted and checked (vectorised); failing rows go to ``_quarantine``
   with their line, column, value and reason; the rest are staged.
4. Duplicate keys within the file are quarantined (the first row is kept); rows whose key is
   already in the table replace it and count as updated; the load is logged.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd
import pyarrow as pa
from tqdm import tqdm

from civicstat.warehouse.contracts import Contract
from civicstat.warehouse.convert import Binding, Converted, bind, convert_chunk
from civicstat.warehouse.errors import UnreadableFileError
from civicstat.warehouse.mappings import Mapping, check_mapping, identity_mapping
from civicstat.warehouse.reports import (
    FAILED,
    LOADED,
    SKIPPED,
    FileReport,
    IngestReport,
    LoadRecord,
)
from civicstat.warehouse.sources import Chunk, open_source
from civicstat.warehouse.store import QUARANTINE, QUARANTINE_SCHEMA, DuckDBStore, rows_to_arrow

DEFAULT_CHUNK_ROWS = 50_000


def ingest(
    con: object,
    contract: Contract,
    files: Iterable[str | os.PathLike[str]],
    mapping: Mapping | None = None,
    progress: bool | None = None,
    *,
    force: bool = False,
    progress_file: TextIO | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> IngestReport:
    """Load ``files`` into ``contract``'s table through ``mapping`` (default: the file's columns
    carry the contract's names).

    ``progress``: None draws a progress bar when ``progress_file`` (default stderr) is a
    terminal, True always, False never. Raises UnreadableFileError (after logging the failed load)
    for a file that cannot be read; files before it stay loaded.
    """
    mapping = mapping or identity_mapping(contract)
    check_mapping(mapping, contract)
    store = DuckDBStore(con)
    store.ensure_system_tables()
    store.ensure_dataset_table(contract)
    stream = progress_file or sys.stderr
    show = progress if progress is not None else _is_terminal(stream)
    reports = [
        _ingest_file(store, contract, mapping, Path(f), force, chunk_rows, stream if show else None)
        for f in files
    ]
    return IngestReport(contract.name, tuple(reports))


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _ingest_file(
    store: DuckDBStore,
    contract: Contract,
    mapping: Mapping,
    path: Path,
    force: bool,
    chunk_rows: int,
    bar_stream: TextIO | None,
) -> FileReport:
    """Load one file in one transaction, or skip it, or log it as failed and re-raise."""
    t0 = time.perf_counter()
    base = {
        "load_id": store.next_load_id(),
        "dataset": contract.name,
        "file": str(path.resolve()),
        "mapping": mapping.name,
        "started_at": datetime.now(UTC),
        "sha256": "",
    }
    try:
        base["sha256"] = file_sha256(path)
        earlier = None if force else store.loaded_before(contract.name, base["sha256"])
        if earlier is not None:
            report = FileReport(
                **base, rows_read=0, loaded=0, updated=0, quarantined=0, status=SKIPPED,
                duration_s=time.perf_counter() - t0,
                message=f"same content (sha256) as load {earlier}: nothing to add",
            )  # fmt: skip
            store.log(report)
            return report
        store.begin()
        report = _load(store, contract, mapping, path, base, chunk_rows, bar_stream, t0)
        store.log(report)
        store.commit()
        return report
    except BaseException as exc:
        store.rollback_if_open()
        store.log(
            LoadRecord(
                **base,
                rows_read=0,
                loaded=0,
                updated=0,
                quarantined=0,
                status=FAILED,
                duration_s=time.perf_counter() - t0,
                message=str(exc) or type(exc).__name__,
            )  # fmt: skip
        )
        raise


def file_sha256(path: Path) -> str:
    """sha256 of the file's bytes (the content key that makes a re-ingest a no-op)."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while block := fh.read(1 << 20):
                digest.update(block)
    except OSError as exc:
        raise UnreadableFileError(path, f"cannot be opened ({exc.strerror or exc})") from exc
    return digest.hexdigest()


def _load(
    store: DuckDBStore,
    contract: Contract,
    mapping: Mapping,
    path: Path,
    base: dict,
    chunk_rows: int,
    bar_stream: TextIO | None,
    t0: float,
) -> FileReport:
    """Read, check and stage every chunk, then settle keys; inside the file's transaction."""
    source = open_source(path, mapping.source, chunk_rows)
    binding = bind(mapping, contract, source.columns, path)
    load_id, file = base["load_id"], base["file"]
    stage = store.create_stage(contract, load_id)
    read = bad = 0
    absent, unmapped = set(binding.absent), set(binding.unmapped)
    with _bar(bar_stream, source.total_rows, path.name) as bar:
        for chunk in source.chunks:
            chunk_binding = binding
            if source.columns_vary:  # JSON lines: bind to the keys this chunk has
                keys = tuple(dict.fromkeys([*source.columns, *chunk.frame.columns]))
                chunk_binding = bind(mapping, contract, keys, path, strict=False)
                absent &= set(chunk_binding.absent)
                unmapped |= set(chunk_binding.unmapped)
            n_read, n_bad = _stage_chunk(
                store, contract, chunk_binding, chunk, stage, load_id, file
            )
            read += n_read
            bad += n_bad
            bar.update(n_read)
    loaded, updated, duplicates = store.finish_stage(contract, stage, load_id, file)
    absent_columns = tuple(c for c in binding.absent if c in absent)
    unmapped_columns = tuple(
        c for c in dict.fromkeys([*source.columns, *sorted(unmapped)]) if c in unmapped
    )
    return FileReport(
        **base, rows_read=read, loaded=loaded, updated=updated, quarantined=bad + duplicates,
        status=LOADED, duration_s=time.perf_counter() - t0,
        message=_notes(absent_columns, unmapped_columns),
        absent_columns=absent_columns, unmapped_columns=unmapped_columns,
        location=source.location,
    )  # fmt: skip


def _stage_chunk(
    store: DuckDBStore,
    contract: Contract,
    binding: Binding,
    chunk: Chunk,
    stage: str,
    load_id: int,
    file: str,
) -> tuple[int, int]:
    """Convert one chunk; stage its good rows and quarantine the rest. Returns (read, bad)."""
    frame = chunk.frame.reset_index(drop=True)
    converted = convert_chunk(frame, binding)
    good = ~converted.bad_rows
    store.append(stage, rows_to_arrow(converted.values[good], contract, chunk.lines[good], load_id))
    entries = _quarantine_entries(frame, converted, chunk)
    if len(entries):
        entries.insert(0, "file", file)
        entries.insert(0, "dataset", contract.name)
        entries.insert(0, "load_id", load_id)
        table = pa.Table.from_pandas(entries, schema=QUARANTINE_SCHEMA, preserve_index=False)
        store.append(QUARANTINE, table)
    n_bad = int((~good).sum()) + len(chunk.problems)
    return len(frame) + len(chunk.problems), n_bad


def _quarantine_entries(frame: pd.DataFrame, converted: Converted, chunk: Chunk) -> pd.DataFrame:
    """One entry per failing (row, column), with the source row as JSON, plus the records the
    reader could not split into fields; ordered by line."""
    found = converted.problems
    entries = []
    if len(found):
        bad_rows = np.flatnonzero(converted.bad_rows)
        record_of = pd.Series(_records_json(frame.iloc[bad_rows]), index=bad_rows)
        rows = found["row"].to_numpy(dtype=np.int64)
        entries.append(
            pd.DataFrame(
                {
                    "line": chunk.lines[rows],
                    "column": found["column"].to_numpy(),
                    "value": found["value"].to_numpy(),
                    "reason": found["reason"].to_numpy(),
                    "record": record_of.loc[rows].to_numpy(),
                }
            )
        )
    if chunk.problems:
        entries.append(
            pd.DataFrame(
                {
                    "line": [p.line for p in chunk.problems],
                    "column": [None] * len(chunk.problems),
                    "value": [p.text for p in chunk.problems],
                    "reason": [p.reason for p in chunk.problems],
                    "record": [None] * len(chunk.problems),
                }
            )
        )
    if not entries:
        return pd.DataFrame()
    return pd.concat(entries, ignore_index=True).sort_values("line", kind="stable")


def _records_json(frame: pd.DataFrame) -> list[str]:
    """Each source row as a JSON object (kept with its quarantine entries)."""
    if frame.empty:
        return []
    text = frame.to_json(orient="records", lines=True, force_ascii=False, date_format="iso")
    return text.rstrip("\n").split("\n")


def _notes(absent: tuple[str, ...], unmapped: tuple[str, ...]) -> str:
    notes = []
    if absent:
        notes.append(f"not in this file (left NULL): {', '.join(absent)}")
    if unmapped:
        notes.append(f"source columns not mapped (ignored): {', '.join(unmapped)}")
    return "; ".join(notes)


def _bar(stream: TextIO | None, total: int | None, name: str) -> tqdm:
    """A tqdm bar on ``stream``, or a disabled one (no output) when there is none."""
    return tqdm(
        total=total, desc=name, unit=" rows", unit_scale=True, file=stream, leave=False,
        disable=stream is None,
    )  # fmt: skip
