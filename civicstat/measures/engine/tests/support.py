"""Test data and helpers for the engine tests: small synthetic call tables in in-memory DuckDB."""

from __future__ import annotations

import duckdb
import ibis
import numpy as np
import pandas as pd

TZ = "America/New_York"

# Instants on the edges that matter, as local wall-clock times in New York (DST-aware).
EDGE_LOCAL = [
    "2023-06-30 23:59:59.999",  # last instant of FY2023 / June
    "2023-07-01 00:00:00",  # first instant of FY2024 / July
    "2022-06-30 23:59:59",
    "2022-07-01 00:00:00",
    "2023-03-11 23:59:59",  # night before spring-forward
    "2023-03-12 00:00:00",
    "2023-03-12 01:59:59",  # last EST second
    "2023-03-12 03:00:00",  # first EDT second
    "2023-03-12 23:59:59",
    "2023-11-05 00:30:00",
    "2023-11-05 23:59:59",  # day of fall-back has 25 hours
    "2023-11-06 00:00:00",
    "2022-12-31 23:59:59",
    "2023-01-01 00:00:00",
    "2023-07-02 23:59:59",  # Sunday night / Monday morning (ISO week edge)
    "2023-07-03 00:00:00",
]
# 2023-07-01 03:30 UTC is 23:30 on 30 June in New York: June, FY2023.
EDGE_UTC = ["2023-07-01 03:30:00", "2023-11-05 05:30:00", "2023-11-05 06:30:00"]


def make_calls(n: int = 3000, seed: int = 7) -> pd.DataFrame:
    """Random calls from May 2021 to December 2023 plus the edge instants; no rows at all in
    February 2022 (local), so that month is an empty period."""
    rng = np.random.default_rng(seed)
    lo = pd.Timestamp("2021-05-01", tz="UTC").value // 1000
    hi = pd.Timestamp("2024-01-01", tz="UTC").value // 1000
    us = rng.integers(lo, hi, n)
    random_ts = pd.to_datetime(us, unit="us", utc=True)
    edges_local = pd.DatetimeIndex(pd.to_datetime(EDGE_LOCAL, format="ISO8601")).tz_localize(TZ)
    edges = edges_local.tz_convert("UTC").append(
        pd.to_datetime(EDGE_UTC, utc=True, format="ISO8601")
    )
    received = pd.DatetimeIndex(random_ts).append(pd.DatetimeIndex(edges)).as_unit("us")
    m = len(received)
    df = pd.DataFrame({"received_at": received})
    local = df["received_at"].dt.tz_convert(TZ)
    df = df[~((local.dt.year == 2022) & (local.dt.month == 2))].reset_index(drop=True)
    m = len(df)
    secs = rng.integers(-30, 1500, m).astype("float64")
    onscene = df["received_at"] + pd.to_timedelta(secs, unit="s")
    df["onscene_at"] = onscene.where(rng.random(m) > 0.07)
    df["priority"] = rng.choice(["1", "2", "3"], m, p=[0.3, 0.4, 0.3])
    df["district"] = pd.Series(rng.choice(["D1", "D2", "D3", "D4"], m)).where(rng.random(m) > 0.05)
    cancelled = pd.Series(rng.random(m) < 0.12, dtype="boolean")
    df["cancelled"] = cancelled.mask(rng.random(m) < 0.04)
    x = np.round(rng.exponential(200.0, m), 1)
    x[rng.random(m) < 0.3] = np.round(x[rng.random(m) < 0.3].mean())  # many ties
    df["x"] = pd.Series(x).where(rng.random(m) > 0.08)
    df["person"] = pd.Series([f"p{k}" for k in rng.integers(0, 400, m)]).where(rng.random(m) > 0.1)
    df["why"] = pd.Series(rng.choice(["test call", "duplicate"], m)).where(rng.random(m) < 0.04)
    df["units"] = rng.integers(0, 5, m)
    return df


def connect(**tables: pd.DataFrame) -> ibis.BaseBackend:
    """An in-memory DuckDB (through Ibis) holding the given frames as tables."""
    raw = duckdb.connect()
    for name, frame in tables.items():
        raw.register("_incoming", frame)
        raw.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _incoming')
        raw.unregister("_incoming")
    return ibis.duckdb.from_connection(raw)


def assert_matches(frame: pd.DataFrame, ref: pd.DataFrame, rtol: float = 1e-9) -> None:
    """Engine frame equals the reference: same cells, n_used, n_excluded, values."""
    got = frame.set_index(["period_start", "breakdown"]).sort_index()
    want = ref.set_index(["period_start", "breakdown"]).sort_index()
    assert list(got.index) == list(want.index), (
        f"cells differ: engine-only {sorted(set(got.index) - set(want.index))[:5]}, "
        f"reference-only {sorted(set(want.index) - set(got.index))[:5]}"
    )
    np.testing.assert_array_equal(got["n_used"].to_numpy(int), want["n_used"].to_numpy(int))
    np.testing.assert_array_equal(got["n_excluded"].to_numpy(int), want["n_excluded"].to_numpy(int))
    g = got["value"].astype("float64").to_numpy()
    w = want["value"].astype("float64").to_numpy()
    np.testing.assert_array_equal(np.isnan(g), np.isnan(w))
    ok = ~np.isnan(w)
    np.testing.assert_allclose(g[ok], w[ok], rtol=rtol, atol=1e-9)
