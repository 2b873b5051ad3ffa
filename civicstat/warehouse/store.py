"""Writing to a DuckDB warehouse: dataset tables, the ``_loads`` log and ``_quarantine``.

Each file is loaded in one transaction: its good rows are staged, duplicate keys within the file
are quarantined (the first row by line is kept), rows whose key is already in the table replace
it (counted as updated), and the load is logged. A failure rolls all of it back.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pyarrow as pa

from civicstat.warehouse.contracts import Contract
from civicstat.warehouse.errors import SchemaMismatchError, UnsupportedBackendError
from civicstat.warehouse.reports import LoadRecord

LOADS, QUARANTINE, LOAD_IDS = "_loads", "_quarantine", "_load_ids"
SYSTEM_COLUMNS = ("_load_id", "_line")
SQL_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "float": "DOUBLE",
    "boolean": "BOOLEAN",
    "timestamp": "TIMESTAMP WITH TIME ZONE",
    "date": "DATE",
}
ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "float": pa.float64(),
    "boolean": pa.bool_(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "date": pa.date32(),
}
QUARANTINE_SCHEMA = pa.schema(
    [
        ("load_id", pa.int64()),
        ("dataset", pa.string()),
        ("file", pa.string()),
        ("line", pa.int64()),
        ("column", pa.string()),
        ("value", pa.string()),
        ("reason", pa.string()),
        ("record", pa.string()),
    ]
)


def q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


class DuckDBStore:
    """The warehouse tables behind an Ibis DuckDB connection."""

    def __init__(self, con: object) -> None:
        raw = getattr(con, "con", None)
        if getattr(con, "name", None) != "duckdb" or raw is None:
            raise UnsupportedBackendError(
                f"ingest writes to DuckDB warehouses; the connection is {getattr(con, 'name', con)!r}. "
                "Load into a DuckDB file, or load the other backend with its own tools."
            )
        self.raw = raw
        self.in_transaction = False

    # --- tables ------------------------------------------------------------------------------
    def ensure_system_tables(self) -> None:
        self.raw.execute(f"CREATE SEQUENCE IF NOT EXISTS {LOAD_IDS}")
        self.raw.execute(
            f"""CREATE TABLE IF NOT EXISTS {LOADS} (
                load_id BIGINT, dataset VARCHAR, file VARCHAR, sha256 VARCHAR, mapping VARCHAR,
                rows_read BIGINT, loaded BIGINT, updated BIGINT, quarantined BIGINT,
                status VARCHAR, started_at TIMESTAMP WITH TIME ZONE, duration_s DOUBLE,
                message VARCHAR)"""
        )
        self.raw.execute(
            f"""CREATE TABLE IF NOT EXISTS {QUARANTINE} (
                load_id BIGINT, dataset VARCHAR, file VARCHAR, line BIGINT, "column" VARCHAR,
                value VARCHAR, reason VARCHAR, record VARCHAR)"""
        )

    def ensure_dataset_table(self, contract: Contract) -> None:
        """Create the dataset's table, or add columns a newer contract declares; a column of
        another type raises SchemaMismatchError."""
        table = q(contract.name)
        wanted = [(c.name, SQL_TYPES[c.type]) for c in contract.columns]
        wanted += [("_load_id", "BIGINT"), ("_line", "BIGINT")]
        existing = dict(
            self.raw.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = ? AND table_schema = current_schema()",
                [contract.name],
            ).fetchall()
        )
        if not existing:
            self.raw.execute(f"CREATE TABLE {table} ({_columns_sql(contract)})")
            return
        for name, sql_type in wanted:
            if name not in existing:
                self.raw.execute(f"ALTER TABLE {table} ADD COLUMN {q(name)} {sql_type}")
            elif existing[name] != sql_type:
                raise SchemaMismatchError(
                    f"warehouse table {contract.name}.{name} is {existing[name]}, but the contract "
                    f"({contract.source}) declares {sql_type}; migrate or drop the table"
                )

    # --- transactions and ids ---------------------------------------------------------------
    def next_load_id(self) -> int:
        return int(self.raw.execute(f"SELECT nextval('{LOAD_IDS}')").fetchall()[0][0])

    def begin(self) -> None:
        self.raw.begin()
        self.in_transaction = True

    def commit(self) -> None:
        self.raw.commit()
        self.in_transaction = False

    def rollback_if_open(self) -> None:
        if self.in_transaction:
            self.raw.rollback()
            self.in_transaction = False

    def loaded_before(self, dataset: str, sha256: str) -> int | None:
        """The id of an earlier successful load of the same content, if any."""
        row = self.raw.execute(
            f"SELECT min(load_id) FROM {LOADS} WHERE dataset = ? AND sha256 = ? AND status = 'loaded'",
            [dataset, sha256],
        ).fetchall()[0]
        return None if row[0] is None else int(row[0])

    # --- staging -----------------------------------------------------------------------------
    def create_stage(self, contract: Contract, load_id: int) -> str:
        """A temporary table for the file's good rows. Declared column by column: DuckDB 2.0
        loses rows past the first row group of a temporary table made with CREATE TABLE AS
        ... LIMIT 0 inside a transaction when that table is read by another CREATE TABLE AS."""
        stage = f"_stage_{load_id}"
        self.raw.execute(f"CREATE TEMP TABLE {stage} ({_columns_sql(contract)})")
        return stage

    def append(self, table: str, rows: pa.Table) -> None:
        if rows.num_rows == 0:
            return
        view = f"{table}_incoming"
        self.raw.register(view, rows)
        try:
            self.raw.execute(f"INSERT INTO {q(table)} BY NAME SELECT * FROM {view}")
        finally:
            self.raw.unregister(view)

    def finish_stage(
        self, contract: Contract, stage: str, load_id: int, file: str
    ) -> tuple[int, int, int]:
        """Quarantine duplicate keys within the file (the first row by line stays), replace rows
        whose key exists, insert the rest. Returns (loaded, updated, duplicates quarantined)."""
        target = q(contract.name)
        pk = contract.primary_key
        keys = ", ".join(q(k) for k in pk)
        on = " AND ".join(f"t.{q(k)} = r.{q(k)}" for k in pk)
        firsts = f"{stage}_first"
        self.raw.execute(
            f"""CREATE TEMP TABLE {firsts} AS
                SELECT {keys}, min(_line) AS _first FROM {stage}
                GROUP BY ALL HAVING count(*) > 1"""
        )
        duplicates = 0
        if self._count(f"SELECT count(*) FROM {firsts}"):
            key_text = " || ', ' || ".join(
                f"'{k}=' || coalesce('''' || r.{q(k)}::VARCHAR || '''', 'NULL')" for k in pk
            )
            value_text = " || ', ' || ".join(f"coalesce(r.{q(k)}::VARCHAR, '')" for k in pk)
            columns = ", ".join(f"{q(c)} := r.{q(c)}" for c in contract.column_names)
            later = f"FROM {stage} r JOIN {firsts} t ON {on} WHERE r._line > t._first"
            self.raw.execute(
                f"""INSERT INTO {QUARANTINE}
                    SELECT ?, ?, ?, r._line, ?, {value_text},
                           'duplicate primary key (' || {key_text} || '): first seen on line '
                             || t._first || ' of this file, which was loaded',
                           to_json(struct_pack({columns}))
                    {later}""",
                [load_id, contract.name, file, ", ".join(pk)],
            )
            duplicates = self._count(f"SELECT count(*) {later}")
            self.raw.execute(
                f"DELETE FROM {stage} r USING {firsts} t WHERE {on} AND r._line > t._first"
            )
        self.raw.execute(f"DROP TABLE {firsts}")
        total = self._count(f"SELECT count(*) FROM {stage}")
        updated = self._count(f"SELECT count(*) FROM {stage} r JOIN {target} t ON {on}")
        if updated:
            self.raw.execute(f"DELETE FROM {target} t USING {stage} r WHERE {on}")
        self.raw.execute(f"INSERT INTO {target} BY NAME SELECT * FROM {stage}")
        self.raw.execute(f"DROP TABLE {stage}")
        return total - updated, updated, duplicates

    def _count(self, sql: str) -> int:
        return int(self.raw.execute(sql).fetchall()[0][0])

    # --- the load log ------------------------------------------------------------------------
    def log(self, record: LoadRecord) -> None:
        self.raw.execute(
            f"INSERT INTO {LOADS} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                record.load_id,
                record.dataset,
                record.file,
                record.sha256,
                record.mapping,
                record.rows_read,
                record.loaded,
                record.updated,
                record.quarantined,
                record.status,
                record.started_at,
                record.duration_s,
                record.message,
            ],
        )


def _columns_sql(contract: Contract) -> str:
    columns = [(c.name, SQL_TYPES[c.type]) for c in contract.columns]
    columns += [("_load_id", "BIGINT"), ("_line", "BIGINT")]
    return ", ".join(f"{q(name)} {sql_type}" for name, sql_type in columns)


def rows_to_arrow(
    values: pd.DataFrame, contract: Contract, lines: Sequence[int], load_id: int
) -> pa.Table:
    """Contract-typed rows as an Arrow table with the system columns."""
    arrays = []
    for spec in contract.columns:
        series = values[spec.name]
        if spec.type == "date":
            array = pa.array(series, type=pa.timestamp("us"), from_pandas=True).cast(pa.date32())
        elif spec.type == "timestamp":
            array = pa.array(series, from_pandas=True).cast(ARROW_TYPES["timestamp"], safe=False)
        else:
            array = pa.array(series, type=ARROW_TYPES[spec.type], from_pandas=True)
        arrays.append(array)
    arrays.append(pa.array([load_id] * len(values), type=pa.int64()))
    arrays.append(pa.array(lines, type=pa.int64()))
    names = [*contract.column_names, *SYSTEM_COLUMNS]
    return pa.Table.from_arrays(arrays, names=names)
