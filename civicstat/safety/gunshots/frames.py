"""Pull the (small) gunshot tables out of Ibis into pandas, typed and in UTC.

Alerts, outcomes and shots-fired calls are thousands of rows a year, so the measures filter and
select in Ibis (the backend does the period filter) and finish in pandas, where time-zone
conversion to local weeks and metric distances are straightforward. Callers pass Ibis tables;
this module never opens a connection (DESIGN.md, layers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from civicstat.safety.gunshots.errors import GunshotDataError

LOCAL_TZ = "America/New_York"
"""Default local time zone for weeks, months and holiday windows (Durham; contracts' timezone)."""

ALERT_COLUMNS: Mapping[str, str] = {
    "alert_id": "string",
    "detected_at": "timestamp",
    "published_at": "timestamp",
    "dispatched_at": "timestamp",
    "first_arrival_at": "timestamp",
    "latitude": "float",
    "longitude": "float",
    "rounds": "integer",
    "alert_type": "string",
    "beat": "string",
    "district": "string",
}
"""gunshot_alerts contract columns and types (briefs/datasets.md)."""

OUTCOME_COLUMNS: Mapping[str, str] = {
    "alert_id": "string",
    "recorded_at": "timestamp",
    "evidence_found": "boolean",
    "casings": "integer",
    "firearms_recovered": "integer",
    "arrests": "integer",
    "victims_located": "integer",
    "confirmed_gunfire": "boolean",
    "reclassified_not_gunfire": "boolean",
}
"""gunshot_outcomes contract columns and types (briefs/datasets.md)."""

NO_MARGIN = pd.Timedelta(0)

_EMPTY_DTYPES = {
    "string": "string",
    "timestamp": "datetime64[us, UTC]",
    "float": "float64",
    "integer": "Int64",
    "boolean": "boolean",
}


@dataclass(frozen=True)
class Period:
    """A half-open time interval ``[start, end)`` with tz-aware bounds (e.g. an evaluation period)."""

    start: pd.Timestamp
    end: pd.Timestamp
    label: str = ""

    def __post_init__(self) -> None:
        start, end = pd.Timestamp(self.start), pd.Timestamp(self.end)
        if start.tzinfo is None or end.tzinfo is None:
            raise GunshotDataError(
                "Period",
                f"start and end must be time-zone aware, got {start} and {end}",
                self.label,
            )
        if not start < end:
            raise GunshotDataError("Period", f"start {start} is not before end {end}", self.label)
        object.__setattr__(self, "start", start.tz_convert("UTC"))
        object.__setattr__(self, "end", end.tz_convert("UTC"))

    @classmethod
    def from_dates(
        cls, first_day: dt.date, last_day: dt.date, tz: str = LOCAL_TZ, label: str = ""
    ) -> Period:
        """Local midnight of ``first_day`` up to local midnight after ``last_day`` (both days in)."""
        start = pd.Timestamp(first_day).tz_localize(tz)
        end = (pd.Timestamp(last_day) + pd.Timedelta(days=1)).tz_localize(tz)
        return cls(start, end, label)

    def contains(self, times: pd.Series) -> pd.Series:
        """True where a UTC time lies in ``[start, end)``; False for missing times."""
        return ((times >= self.start) & (times < self.end)).fillna(False).astype(bool)

    def local_dates(self, tz: str = LOCAL_TZ) -> tuple[dt.date, dt.date]:
        """First and last local calendar day touched by the period."""
        last = (self.end - pd.Timedelta(microseconds=1)).tz_convert(tz)
        return self.start.tz_convert(tz).date(), last.date()


def _check_type(dataset: str, column: str, kind: str, dtype: ibis.DataType) -> None:
    ok = {
        "string": True,
        "timestamp": dtype.is_timestamp(),
        "float": dtype.is_numeric(),
        "integer": dtype.is_numeric(),
        "boolean": dtype.is_boolean(),
    }[kind]
    if not ok:
        raise GunshotDataError(dataset, f"has type {dtype}, expected {kind}", f"column {column!r}")


def _bound(value: pd.Timestamp, dtype: ibis.DataType) -> dt.datetime:
    """A period bound in the form the column compares with (naive UTC for naive columns)."""
    value = value.tz_convert("UTC")
    return value.to_pydatetime() if dtype.timezone else value.tz_localize(None).to_pydatetime()


def _convert(series: pd.Series, kind: str) -> pd.Series:
    if kind == "timestamp":
        out = pd.to_datetime(series)
        # Naive warehouse timestamps are UTC by the storage convention (briefs/datasets.md).
        out = out.dt.tz_localize("UTC") if out.dt.tz is None else out.dt.tz_convert("UTC")
        return out.astype("datetime64[us, UTC]")
    if kind == "float":
        return pd.to_numeric(series).astype("float64")
    if kind == "integer":
        return pd.to_numeric(series).astype("Int64")
    if kind == "boolean":
        return series.astype("boolean")
    return series.astype("string")


def pull(
    table: ir.Table,
    dataset: str,
    columns: Mapping[str, str],
    required: Sequence[str],
    *,
    period: Period | None = None,
    time_column: str | None = None,
    margin: pd.Timedelta = NO_MARGIN,
) -> pd.DataFrame:
    """Select ``columns`` from ``table`` (filtered to ``period`` widened by ``margin``) as pandas.

    Required columns must exist; optional columns the table lacks come back all-missing (the San
    Francisco file, for instance, has no dispatch or arrival times). Timestamps come back tz-aware
    UTC, integers as ``Int64``, booleans as ``boolean``, text as ``string``.
    """
    schema = table.schema()
    missing = [c for c in required if c not in schema]
    if missing:
        raise GunshotDataError(
            dataset,
            f"required column(s) {', '.join(map(repr, missing))} missing; "
            f"the table has {', '.join(schema.names)}",
        )
    present = [c for c in columns if c in schema]
    for column in present:
        _check_type(dataset, column, columns[column], schema[column])
    if period is not None:
        if time_column is None:
            raise GunshotDataError(dataset, "a period filter needs a time column")
        col = table[time_column]
        dtype = schema[time_column]
        table = table.filter(
            (col >= _bound(period.start - margin, dtype))
            & (col < _bound(period.end + margin, dtype))
        )
    frame = table.select(*present).to_pandas() if present else pd.DataFrame()
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    for column, kind in columns.items():
        if column in frame:
            values = _convert(frame[column], kind).astype(_EMPTY_DTYPES[kind])
            out[column] = values.reset_index(drop=True)
        else:
            out[column] = pd.Series(pd.NA, index=out.index).astype(_EMPTY_DTYPES[kind])
    return out


def pull_alerts(
    alerts: ir.Table,
    *,
    period: Period | None = None,
    alert_types: Sequence[str] | None = None,
    margin: pd.Timedelta = NO_MARGIN,
) -> pd.DataFrame:
    """gunshot_alerts rows detected in ``period`` (all when None), restricted to ``alert_types``.

    ``alert_types`` None keeps every alert, including rows with no type (methods.md §2.2 counts
    reviewed alerts SG+MG, optionally PG: pass the types to count).
    """
    frame = pull(
        alerts,
        "gunshot_alerts",
        ALERT_COLUMNS,
        ("alert_id", "detected_at"),
        period=period,
        time_column="detected_at",
        margin=margin,
    )
    if alert_types is not None:
        frame = frame[frame["alert_type"].isin(list(alert_types)).fillna(False).astype(bool)]
    if frame["detected_at"].isna().any():
        row = frame.loc[frame["detected_at"].isna(), "alert_id"].iloc[0]
        raise GunshotDataError(
            "gunshot_alerts", "detected_at is empty; it is required", f"alert_id {row!r}"
        )
    duplicated = frame["alert_id"].duplicated()
    if duplicated.any():
        row = frame.loc[duplicated, "alert_id"].iloc[0]
        raise GunshotDataError(
            "gunshot_alerts", "appears more than once; alert_id is the key", f"alert_id {row!r}"
        )
    return frame.sort_values(["detected_at", "alert_id"], kind="stable", ignore_index=True)
