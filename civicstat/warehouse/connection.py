"""The warehouse connection factory: a DuckDB file by default, or any Ibis backend URL."""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path

import ibis

from civicstat.warehouse.errors import WarehouseBusyError

_DUCKDB = "duckdb://"
LOCK_WAIT_S = 60.0  # how long an opener waits for another process to let go of the file


def connect(
    url: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    lock_wait_s: float = LOCK_WAIT_S,
) -> ibis.BaseBackend:
    """Open the warehouse.

    * a plain path (``var/warehouse.duckdb``) or ``duckdb:///abs/path.duckdb`` opens that DuckDB
      file, creating missing folders (``duckdb://relative/path.duckdb`` is relative to the
      working directory);
    * ``None``, ``duckdb://`` or ``duckdb://:memory:`` opens an in-memory DuckDB database;
    * any other URL (``postgres://…``, ``trino://…``, ``bigquery://…``) goes to
      :func:`ibis.connect`.

    The caller passes the URL (Django settings hold ``CIVICSTAT_WAREHOUSE_URL``); this module
    reads no settings. DuckDB connections use UTC as their session time zone (Ibis sets it), so
    timestamps come back tz-aware in UTC.

    DuckDB lets one process write a file and refuses every other opener meanwhile. A short
    writer (the event-record export, an ingest) holds it for seconds, so an opener waits up to
    ``lock_wait_s`` for it, then raises WarehouseBusyError naming the file.
    """
    if url is None:
        return _duckdb(":memory:")
    if isinstance(url, os.PathLike):
        return _duckdb_file(Path(url), read_only, lock_wait_s)
    text = str(url)
    if text.startswith(_DUCKDB):
        rest = text[len(_DUCKDB) :].split("?", 1)[0]
        if rest in ("", ":memory:", "/:memory:"):
            return _duckdb(":memory:")
        return _duckdb_file(Path(rest), read_only, lock_wait_s)
    if "://" not in text:
        return _duckdb_file(Path(text), read_only, lock_wait_s)
    return ibis.connect(text)


def _duckdb_file(path: Path, read_only: bool, lock_wait_s: float) -> ibis.BaseBackend:
    path = path.expanduser()
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + lock_wait_s
    pause = 0.1
    while True:
        try:
            return _duckdb(str(path), read_only)
        except Exception as exc:  # duckdb.IOException; its type moved between versions
            if "Could not set lock" not in str(exc):
                raise
            if time.monotonic() + pause > deadline:
                raise WarehouseBusyError(
                    f"the warehouse file {path} is held by another process (an ingest, a refresh "
                    f"or the event export) and was not released within {lock_wait_s:.0f} s; "
                    "try again when it has finished"
                ) from exc
        time.sleep(pause)
        pause = min(pause * 2, 2.0)


def _duckdb(database: str, read_only: bool = False) -> ibis.BaseBackend:
    backend = ibis.duckdb.connect(database, read_only=read_only)
    if not hasattr(backend.con, "fetch_arrow_table"):
        backend.con = _DuckDB2Connection(backend.con)
    return backend


class _DuckDB2Connection:
    """DuckDB 2 renamed the connection's ``fetch_arrow_table``/``fetch_record_batch`` to
    ``to_arrow_table``/``to_arrow_reader``; Ibis 12 still calls the old names (in
    ``list_tables``, ``sql``, ``to_pyarrow_batches``, ...). This thin proxy answers to both, so
    the whole Ibis API works on the versions installed. Drop it once Ibis supports DuckDB 2."""

    def __init__(self, con: object) -> None:
        self._con = con

    def __getattr__(self, name: str) -> object:
        return getattr(self._con, name)

    def __enter__(self) -> _DuckDB2Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self._con.close()

    def execute(self, *args: object, **kwargs: object) -> _DuckDB2Connection:
        self._con.execute(*args, **kwargs)
        return self

    def cursor(self) -> _DuckDB2Connection:
        return _DuckDB2Connection(self._con.cursor())

    def fetch_arrow_table(self) -> object:
        with warnings.catch_warnings():  # the copy DuckDB warns about is what Ibis asked for
            warnings.filterwarnings("ignore", message="Arrow output on a DB-API result")
            return self._con.to_arrow_table()

    def fetch_record_batch(self, rows_per_batch: int = 1_000_000) -> object:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Arrow output on a DB-API result")
            return self._con.to_arrow_reader(rows_per_batch)
