"""Hand-built gunshot tables for the tests (Ibis memtables with the canonical columns)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyproj

from civicstat.safety.gunshots.detection import CONFIRMED_SHOOTING_COLUMNS
from civicstat.safety.gunshots.frames import ALERT_COLUMNS, OUTCOME_COLUMNS
from civicstat.safety.gunshots.matching import CALL_COLUMNS

DTYPES = {
    "string": "string",
    "timestamp": "datetime64[us, UTC]",
    "float": "float64",
    "integer": "Int64",
    "boolean": "boolean",
}
GEOD = pyproj.Geod(ellps="WGS84")
ORIGIN = (-78.87, 35.98)  # lon, lat in East Durham


def ts(text: str | None) -> pd.Timestamp | None:
    """An ISO 8601 time with offset, as UTC."""
    return None if text is None else pd.Timestamp(text).tz_convert("UTC")


def frame(columns: Mapping[str, str], rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    data = {}
    for name, kind in columns.items():
        values = [row.get(name) for row in rows]
        if kind == "timestamp":
            values = [ts(v) if isinstance(v, str) else v for v in values]
            data[name] = pd.Series(pd.to_datetime(values, utc=True), dtype=DTYPES[kind])
        else:
            data[name] = pd.Series(values, dtype=DTYPES[kind])
    return pd.DataFrame(data)


def table(columns: Mapping[str, str], rows: Sequence[Mapping[str, Any]]) -> ir.Table:
    return ibis.memtable(frame(columns, rows))


def alerts(rows: Sequence[Mapping[str, Any]]) -> ir.Table:
    return table(ALERT_COLUMNS, rows)


def outcomes(rows: Sequence[Mapping[str, Any]]) -> ir.Table:
    return table(OUTCOME_COLUMNS, rows)


def calls(rows: Sequence[Mapping[str, Any]]) -> ir.Table:
    full = {**CALL_COLUMNS, "source": "string"}
    return table(full, [{"unit_id": "", "call_type": "SHOTS FIRED", **r} for r in rows])


def confirmed(rows: Sequence[Mapping[str, Any]]) -> ir.Table:
    return table(CONFIRMED_SHOOTING_COLUMNS, rows)


def offset(lon: float, lat: float, metres: float, azimuth: float = 90.0) -> tuple[float, float]:
    """The point ``metres`` away from (lon, lat) along ``azimuth`` (degrees from north)."""
    x, y, _ = GEOD.fwd(lon, lat, azimuth, metres)
    return float(x), float(y)
