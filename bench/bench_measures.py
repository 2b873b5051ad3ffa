"""Measure refresh: the engine against hand-written DuckDB SQL (the floor) and pandas.

Builds 10 million synthetic call rows (200,000 with --quick) in a DuckDB file, then computes the
same 22 measures in this process (bench/measures_catalogue.py):

* ``engine``: compile and execute every spec, assemble every Series;
* ``sql`` (the baseline): hand-written DuckDB SQL cutting periods with DuckDB's ``timezone()``;
* ``sql-offsets``: the same SQL with the zone's UTC offsets for the data's range written out by
  hand (``timezone()`` goes through ICU; this is the fastest hand-written form);
* ``pandas``: the table read into a DataFrame as an analyst would (the load is timed), then one
  function per measure deriving what it needs (local periods, intervals) from the rows it uses,
  the same work per measure as each SQL query and each engine query does;
* ``pandas-shared``: as pandas, but every derived column computed once up front for all
  measures (the most favourable pandas can be).

Checks that all agree, then prints the goals: engine ≤ 1.5× sql, pandas ≥ 10× engine, engine
peak memory < 8 GB.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import duckdb
import ibis
import numpy as np
import pandas as pd

from bench.harness import Result, measure, print_table
from bench.measures_catalogue import BenchMeasure, catalogue, render
from bench.measures_data import generate
from bench.measures_pandas import OnDemand, Shared
from civicstat.measures.engine import MeasureSpec, resolver_for, run

AS_OF = date(2023, 7, 15)
FULL_ROWS = 10_000_000
QUICK_ROWS = 200_000
GOAL_SQL_RATIO = 1.5
GOAL_PANDAS_RATIO = 10.0
GOAL_PEAK_BYTES = 8 * 2**30

Results = dict[str, pd.DataFrame]


def run_engine(con: ibis.BaseBackend, measures: list[BenchMeasure]) -> Results:
    resolve = resolver_for(con)
    out = {}
    for m in measures:
        series = run(MeasureSpec.from_dict(m.spec), resolve, as_of=AS_OF)
        f = series.frame
        f = f[f["n_used"] > 0]
        out[m.name] = pd.DataFrame(
            {
                "period_start": f["period_start"].to_numpy(),
                "breakdown": f["breakdown"].astype(str).to_numpy(),
                "value": f["value"].astype("float64").to_numpy(),
                "n": f["n_used"].astype("int64").to_numpy(),
            }
        )
    return out


def run_sql(
    raw: duckdb.DuckDBPyConnection, measures: list[BenchMeasure], style: str = "sql"
) -> Results:
    out = {}
    for m in measures:
        df = raw.execute(render(m.sql, style)).fetch_df()
        df["period_start"] = pd.to_datetime(df["period_start"]).dt.date
        df["breakdown"] = df["breakdown"].astype(str)
        out[m.name] = df
    return out


def run_pandas(path: Path, measures: list[BenchMeasure], shared: bool = False) -> Results:
    """Read the table into a DataFrame, then compute each measure from it; with ``shared``, all
    local periods and intervals are derived once up front instead of inside each measure."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        df = con.execute("SELECT * FROM calls").fetch_df()
    finally:
        con.close()
    derive: OnDemand = OnDemand()
    if shared:
        derive = Shared()
        df = derive.prepare(df)
    return {m.name: m.pandas(df, derive) for m in measures}


def _normalise(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(["period_start", "breakdown"]).reset_index(drop=True)


def check_agreement(variants: dict[str, Results], measures: list[BenchMeasure]) -> None:
    """Assert every variant gives the same cells, n and values (relative 1e-9) as the engine."""
    base = variants["engine"]
    for name, results in variants.items():
        for m in measures:
            a, b = _normalise(base[m.name]), _normalise(results[m.name])
            where = f"{m.name}: engine vs {name}"
            assert len(a) == len(b), f"{where}: {len(a)} vs {len(b)} cells"
            assert (a["period_start"] == b["period_start"]).all(), f"{where}: periods differ"
            assert (a["breakdown"] == b["breakdown"]).all(), f"{where}: categories differ"
            assert (a["n"].to_numpy() == b["n"].to_numpy()).all(), f"{where}: n differs"
            np.testing.assert_allclose(
                a["value"].to_numpy(float), b["value"].to_numpy(float), rtol=1e-9, err_msg=where
            )


def build(path: Path, n_rows: int) -> None:
    generate(path, n_rows)


def verify(n_rows: int = 20_000) -> None:
    """The correctness check alone, at a small size (used by the tests)."""
    measures = catalogue()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "calls.duckdb"
        build(path, n_rows)
        raw = duckdb.connect(str(path), read_only=True)
        con = ibis.duckdb.from_connection(raw)
        variants = {
            "engine": run_engine(con, measures),
            "sql": run_sql(raw, measures),
            "sql-offsets": run_sql(raw, measures, "sql-offsets"),
        }
        raw.close()
        variants["pandas"] = run_pandas(path, measures)
        variants["pandas-shared"] = run_pandas(path, measures, shared=True)
        check_agreement(variants, measures)


def main(quick: bool) -> list[Result]:
    n_rows = QUICK_ROWS if quick else FULL_ROWS
    measures = catalogue()
    bench = "measures"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "calls.duckdb"
        build(path, n_rows)
        raw = duckdb.connect(str(path), read_only=True)
        con = ibis.duckdb.from_connection(raw)
        raw.execute("SELECT count(*) FROM calls").fetchall()  # open the file before timing
        note = f"{len(measures)} measures over {n_rows:,} rows"
        r_sql, sql_out = measure(bench, "sql", lambda: run_sql(raw, measures), note)
        r_off, off_out = measure(
            bench, "sql-offsets", lambda: run_sql(raw, measures, "sql-offsets"), note
        )
        r_engine, engine_out = measure(bench, "engine", lambda: run_engine(con, measures), note)
        raw.close()
        r_pandas, pandas_out = measure(bench, "pandas", lambda: run_pandas(path, measures), note)
        r_shared, shared_out = measure(
            bench, "pandas-shared", lambda: run_pandas(path, measures, shared=True), note
        )
    results = [r_sql, r_off, r_engine, r_pandas, r_shared]
    variants = {
        "engine": engine_out,
        "sql": sql_out,
        "sql-offsets": off_out,
        "pandas": pandas_out,
        "pandas-shared": shared_out,
    }
    check_agreement(variants, measures)
    print_table(results, baseline="sql")
    print("all variants agree on every measure (cells, n, values to 1e-9)")
    sql_ratio = r_engine.seconds / r_sql.seconds
    off_ratio = r_engine.seconds / r_off.seconds
    pandas_ratio = r_pandas.seconds / r_engine.seconds
    peak = r_engine.peak_bytes
    verdict = lambda ok: "met" if ok else "MISSED"  # noqa: E731
    print(
        f"goal engine <= {GOAL_SQL_RATIO}x sql: {sql_ratio:.2f}x "
        f"{verdict(sql_ratio <= GOAL_SQL_RATIO)}"
    )
    print(f"     (against sql-offsets, the zone offsets written out by hand: {off_ratio:.2f}x)")
    print(
        f"goal pandas >= {GOAL_PANDAS_RATIO:.0f}x engine: {pandas_ratio:.1f}x "
        f"{verdict(pandas_ratio >= GOAL_PANDAS_RATIO)}"
    )
    print(f"goal engine peak < 8 GB: {peak / 2**30:.2f} GB {verdict(peak < GOAL_PEAK_BYTES)}")
    return results
