"""The few operations whose fastest (or only exact) form differs between Ibis backends.

Everything else the engine compiles is portable Ibis. Three operations are isolated here:

``epoch_us``
    UTC microseconds since the epoch of a timestamp column. On DuckDB this is the builtin
    ``epoch_us(ts)``, exact and cheap. Ibis's portable ``epoch_seconds()`` compiles on DuckDB to
    ``epoch(CAST(ts AS TIMESTAMP))``, whose cast goes through ICU and costs about a second per
    10 million rows; the portable form is used on other backends (whole seconds: sub-second
    parts are dropped there).

``month_index``
    The calendar month of a local wall-clock instant. DuckDB: ``make_timestamp(local_us)`` (a
    naive timestamp, so no session time zone applies) and ``year``/``month``; elsewhere integer
    civil-from-days arithmetic, which is portable but about twice as slow on DuckDB.

``percentile``
    The published fractile is the inverted-CDF (nearest-rank) value, numpy's
    ``method="inverted_cdf"`` (methods.md §0, §3.4): the ``k``-th smallest of ``n`` values with
    ``k = max(1, ceil(n·p))``. DuckDB's ``quantile_disc`` computes exactly that (with exact
    decimal arithmetic for the literal ``p``), whereas Ibis's ``quantile`` compiles to
    ``percentile_cont`` (linear interpolation). DuckDB therefore uses the ``quantile_disc``
    aggregate; other backends use the portable *rank* strategy (``row_number`` over the sorted
    values and ``count`` per group, keeping the row whose rank is ``k``, with ``k`` computed in
    integer arithmetic from ``p`` written as a fraction), which any backend with window
    functions runs. Both are tested on DuckDB against numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

PERCENTILE_METHOD = "inverted_cdf"


class PercentileStrategy(StrEnum):
    AGGREGATE = "aggregate"  # one aggregate function per group (DuckDB quantile_disc)
    RANK = "rank"  # portable: window row_number / count, keep rank k


@ibis.udf.scalar.builtin(name="epoch_us")
def _duckdb_epoch_us(ts) -> dt.int64:  # type: ignore[no-untyped-def]
    """DuckDB builtin: microseconds since 1970-01-01 UTC."""


@ibis.udf.scalar.builtin(name="make_timestamp")
def _duckdb_make_timestamp(us: dt.int64) -> dt.Timestamp(scale=6):  # type: ignore[no-untyped-def]
    """DuckDB builtin: the naive TIMESTAMP this many microseconds after 1970-01-01."""


@ibis.udf.agg.builtin(name="quantile_disc")
def _duckdb_quantile_disc(arg, q: dt.float64) -> dt.float64:  # type: ignore[no-untyped-def]
    """DuckDB builtin: the inverted-CDF quantile."""


@dataclass(frozen=True)
class Dialect:
    """Backend-specific choices for one compile. ``name`` is the Ibis backend name or
    ``"portable"`` when the table is unbound or on a backend without a fast path."""

    name: str

    @property
    def percentile_strategy(self) -> PercentileStrategy:
        return PercentileStrategy.AGGREGATE if self.name == "duckdb" else PercentileStrategy.RANK

    def epoch_us(self, col: ir.Value) -> ir.IntegerValue:
        """UTC microseconds since the epoch (naive timestamps are taken as UTC; dates as UTC
        midnight)."""
        dtype = col.type()
        if dtype.is_date():
            return col.epoch_days().cast("int64") * 86_400_000_000
        if self.name == "duckdb":
            return _duckdb_epoch_us(col)
        # No cast to an integer here: DuckDB's epoch() is fractional and CAST rounds, which would
        # move 23:59:59.6 into the next day; the floor division that follows truncates correctly.
        return col.epoch_seconds() * 1_000_000

    def month_index(self, local_us: ir.IntegerValue) -> ir.IntegerValue:
        """year*12 + month-1 of a local wall-clock instant given as microseconds since
        1970-01-01 00:00 local. DuckDB: ``make_timestamp`` (naive, so no time zone is involved)
        and two extractions; portable: integer civil-from-days arithmetic (period_plan.py)."""
        if self.name == "duckdb":
            ts = _duckdb_make_timestamp(local_us)
            return ts.year().cast("int64") * 12 + ts.month().cast("int64") - 1
        from civicstat.measures.engine.period_plan import US_PER_DAY, month_index_of_day

        return month_index_of_day(local_us // US_PER_DAY)

    def percentile(
        self, x: ir.NumericColumn, p: float, where: ir.BooleanValue | None = None
    ) -> ir.FloatingScalar:
        """The inverted-CDF fractile as one aggregate (only for the AGGREGATE strategy)."""
        if self.percentile_strategy is not PercentileStrategy.AGGREGATE:
            raise NotImplementedError("use rank_percentile() on this backend")
        return _duckdb_quantile_disc(x.cast("float64"), p, where=where)


def dialect_for(table: ir.Table, override: str | None = None) -> Dialect:
    """The dialect for a table: its backend's name when the table is bound, else portable."""
    if override is not None:
        return Dialect(override)
    try:
        backend = ibis.get_backend(table)
    except Exception:  # unbound table: no backend to ask
        return Dialect("portable")
    return Dialect(getattr(backend, "name", "portable"))


def rank_k(n: ir.IntegerValue, p: float) -> ir.IntegerValue:
    """``max(1, ceil(n·p))`` in integer arithmetic, with ``p`` read as the decimal it was written
    as (0.9 = 9/10), so no floating-point rounding moves the rank."""
    frac = Fraction(repr(float(p)))
    if frac.denominator > 1_000_000:  # keep n·numerator far inside 64-bit integers
        frac = frac.limit_denominator(1_000_000)
    num, den = frac.numerator, frac.denominator
    k = (n * num + (den - 1)) // den
    return ibis.greatest(k, 1)


def rank_percentile(
    rows: ir.Table, keys: list[str], x: str, p: float, value_name: str = "_q"
) -> ir.Table:
    """Portable inverted-CDF fractile per group: the row of rank ``k`` among the group's values
    sorted ascending. ``rows`` must already hold only the rows to use (x not null)."""
    w = ibis.window(group_by=[rows[k] for k in keys], order_by=[rows[x]])
    ranked = rows.mutate(
        _rn=ibis.row_number().over(w) + 1,
        _cnt=rows[x].count().over(ibis.window(group_by=[rows[k] for k in keys])),
    )
    picked = ranked.filter(ranked._rn == rank_k(ranked._cnt, p))
    return picked.select(*keys, **{value_name: picked[x].cast("float64")})
