"""Small Ibis helpers shared by the response-time, crisis-response, diversion and familiar-neighbor
analytics (pure: no Django, no connections).

Backend note: three operations have no portable (or no fast) Ibis spelling and are declared here as *builtin*
functions of the backend, so each module uses one name for them:

* ``quantile_disc(x, q)``: the discrete quantile. On DuckDB it returns the smallest observed value
  whose empirical CDF reaches ``q``, which is ``numpy.percentile(..., method="inverted_cdf")``
  (methods.md §0). Ibis' own ``quantile`` compiles to the interpolating ``quantile_cont``.
* ``timezone(tz, ts)``: an instant as wall-clock time in ``tz`` (DST-correct, from the IANA
  database). Hour, weekday and month of an event are read from this local time, never from the
  UTC value.
* ``epoch_us(ts)``: microseconds since the epoch of an instant. Intervals are differences of
  these, exact and independent of the session time zone; Ibis' ``epoch_seconds`` casts to a naive
  timestamp first, which goes through the time-zone library row by row (~10× slower at scale).

On a backend other than DuckDB these need the backend's equivalent (``percentile_disc``,
``AT TIME ZONE``).
"""

from __future__ import annotations

from collections.abc import Iterable

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from civicstat.safety.errors import SafetyInputError

PERCENTILE_METHOD = "inverted_cdf"
"""Recorded with every published fractile (methods.md §0)."""

MIN_N_FOR_P90 = 20
"""P90 is suppressed when fewer valid values than this back it (methods.md §3.4)."""

LOCAL_TIMEZONE = "America/New_York"


@ibis.udf.agg.builtin(name="quantile_disc")
def _quantile_disc(arg: float, q: float) -> float:  # type: ignore[empty-body]
    """DuckDB's discrete quantile (numpy ``inverted_cdf``)."""


@ibis.udf.scalar.builtin(name="epoch_us")
def _epoch_us(ts: dt.Timestamp(timezone="UTC")) -> dt.int64:  # type: ignore[empty-body]  # noqa: F722
    """DuckDB's ``epoch_us``: microseconds since 1970-01-01 UTC of an instant."""


@ibis.udf.scalar.builtin(name="timezone")
def _timezone(tz: str, ts: dt.Timestamp(timezone="UTC")) -> dt.Timestamp():  # type: ignore[empty-body]  # noqa: F722
    """DuckDB's ``timezone(tz, timestamptz)``: wall-clock time in ``tz``."""


def quantile(value: ir.NumericColumn, q: float, where: ir.BooleanValue | None = None):
    """Discrete quantile of ``value`` (numpy ``inverted_cdf``), optionally over rows ``where``."""
    return _quantile_disc(value.cast("float64"), q, where=where)


def local_time(ts: ir.TimestampValue, tz: str = LOCAL_TIMEZONE) -> ir.TimestampValue:
    """The wall-clock time of instant ``ts`` in ``tz`` (naive, DST-correct)."""
    return _timezone(tz, ts)


def seconds_between(start: ir.TimestampValue, end: ir.TimestampValue) -> ir.FloatingValue:
    """``end − start`` in seconds, on the instants (UTC), keeping fractions (methods.md §0).

    NULL when either end is NULL; negative when ``end`` precedes ``start`` (never clipped).
    """
    return (_epoch_us(end) - _epoch_us(start)).cast("float64") / 1_000_000.0


def column(table: ir.Table, name: str, dtype: str) -> ir.Value:
    """``table[name]``, or a typed NULL when the source did not publish that optional column."""
    if name in table.columns:
        return table[name]
    return ibis.null(dtype)


def column_min(table: ir.Table, name: str, dtype: str) -> ir.Value:
    """``min(table[name])`` as an aggregate, or a typed NULL when the column is absent."""
    if name in table.columns:
        return table[name].cast(dtype).min() if dtype == "string" else table[name].min()
    return ibis.null(dtype)


def column_any(table: ir.Table, name: str) -> ir.Value:
    """Whether any row's ``name`` is TRUE (FALSE when the column is absent)."""
    return is_true(table[name]).any() if name in table.columns else ibis.literal(False)


def column_all(table: ir.Table, name: str) -> ir.Value:
    """Whether every row's ``name`` is TRUE (FALSE when the column is absent)."""
    return is_true(table[name]).all() if name in table.columns else ibis.literal(False)


def require_columns(table: ir.Table, needed: Iterable[str], dataset: str, caller: str) -> None:
    """Raise :class:`SafetyInputError` naming every required column ``table`` lacks."""
    missing = [name for name in needed if name not in table.columns]
    if missing:
        raise SafetyInputError(
            dataset,
            f"{caller} needs column(s) {', '.join(missing)} of the {dataset} contract "
            f"(docs: briefs/datasets.md); the table has {', '.join(table.columns)}",
        )


def is_true(value: ir.BooleanValue) -> ir.BooleanValue:
    """``value`` is TRUE (NULL counts as not true)."""
    return value.fill_null(False)
