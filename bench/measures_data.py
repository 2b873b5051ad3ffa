"""Synthetic call-for-service rows for the measure benchmark (columns as in the
calls_for_service contract: one row per unit response), generated with numpy and written to a
DuckDB file through Arrow."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

TZ = "America/New_York"
# Two fiscal years, FY2022 and FY2023, in UTC (local midnight 1 July is 04:00 UTC).
START_UTC_US = 1_625_112_000_000_000  # 2021-07-01 04:00:00 UTC
END_UTC_US = 1_688_184_000_000_000  # 2023-07-01 04:00:00 UTC
PERIOD_START = "2021-07-01"
PERIOD_END = "2023-06-30"

CALL_TYPES = [f"TYPE_{i:02d}" for i in range(40)]
DISTRICTS = [f"D{i}" for i in range(1, 6)]
BEATS = [f"B{d}{b:02d}" for d in range(1, 6) for b in range(1, 13)]  # 60 beats


def _dictionary(rng: np.random.Generator, values: list[str], n: int, p=None) -> pa.Array:
    idx = rng.choice(len(values), size=n, p=p).astype(np.int32)
    return pa.DictionaryArray.from_arrays(pa.array(idx), pa.array(values))


def _later(base: np.ndarray, seconds: np.ndarray, missing: np.ndarray) -> pa.Array:
    us = base + (seconds * 1e6).astype(np.int64)
    return pa.array(us, type=pa.timestamp("us", tz="UTC"), mask=missing)


def generate(path: Path, n_rows: int, seed: int = 2024) -> None:
    """Write table ``calls`` with ``n_rows`` rows to the DuckDB file at ``path``."""
    rng = np.random.default_rng(seed)
    received = rng.integers(START_UTC_US, END_UTC_US, n_rows, dtype=np.int64)
    call_id = rng.integers(0, int(n_rows * 0.75) + 1, n_rows, dtype=np.int64)
    answer_s = rng.gamma(2.0, 4.0, n_rows)
    answered = received + (answer_s * 1e6).astype(np.int64)
    dispatch_s = rng.exponential(90.0, n_rows)
    dispatched = answered + (dispatch_s * 1e6).astype(np.int64)
    enroute_s = rng.exponential(40.0, n_rows)
    enroute = dispatched + (enroute_s * 1e6).astype(np.int64)
    travel_s = rng.gamma(3.0, 100.0, n_rows)
    # a few clock errors: on-scene before the call was received
    travel_s[rng.random(n_rows) < 0.004] -= 2000.0
    onscene = enroute + (travel_s * 1e6).astype(np.int64)
    clear_s = rng.exponential(1800.0, n_rows)
    type_p = rng.dirichlet(np.ones(len(CALL_TYPES)))
    table = pa.table(
        {
            "call_id": pa.array(call_id),
            "unit_id": _dictionary(rng, [f"U{i:03d}" for i in range(200)], n_rows),
            "received_at": pa.array(received, type=pa.timestamp("us", tz="UTC")),
            "answered_at": _later(received, answer_s, rng.random(n_rows) < 0.02),
            "dispatched_at": _later(answered, dispatch_s, rng.random(n_rows) < 0.03),
            "enroute_at": _later(dispatched, enroute_s, rng.random(n_rows) < 0.05),
            "onscene_at": _later(enroute, travel_s, rng.random(n_rows) < 0.10),
            "cleared_at": _later(onscene, clear_s, rng.random(n_rows) < 0.10),
            "priority": _dictionary(rng, ["1", "2", "3", "4"], n_rows, p=[0.2, 0.35, 0.3, 0.15]),
            "call_type": _dictionary(rng, CALL_TYPES, n_rows, p=type_p),
            "district": _dictionary(rng, DISTRICTS, n_rows),
            "beat": _dictionary(rng, BEATS, n_rows),
            "cancelled": pa.array(rng.random(n_rows) < 0.08),
            "self_initiated": pa.array(rng.random(n_rows) < 0.2),
        }
    )
    con = duckdb.connect(str(path))
    try:
        con.register("incoming", table)
        con.execute("CREATE TABLE calls AS SELECT * FROM incoming")
        con.unregister("incoming")
        con.execute("CHECKPOINT")
    finally:
        con.close()
