"""MeasureSpec → one Ibis expression.

The expression returns a long table, one row per (period, breakdown, reason):

==========  ======  ===========================================================================
column      type    meaning
==========  ======  ===========================================================================
period      int64   period ordinal (periods.py); run() turns it into dates and a label
breakdown   string  breakdown category; ``""`` without a breakdown; missing → ``(not recorded)``
reason      string  null on the *value row*; otherwise an exclusion reason
value       float64 the measure's value on the value row (null on exclusion rows)
n           int64   value row: rows used (for a rate, rows in the denominator);
                    exclusion row: rows excluded for that reason
==========  ======  ===========================================================================

One scan of the table computes everything: rows are cut into periods (period_plan.py), given a
reason (``exclude_by`` column, then ``exclude_when`` conditions, then a missing value), and
grouped by (period, breakdown, reason), so the group whose reason is null holds exactly the used
rows. Windows: decomposable aggregates (count, sum, mean, share, rate) are windowed by summing
their per-period parts (Σx, n, Σcondition, Σnumerator, Σdenominator) over the window's periods,
which equals recomputing them over the window's rows; median, percentile and count_distinct are
recomputed from the window's rows (each row joined to the periods whose window contains it).
Periods with no rows at all are absent here; run() adds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir

from civicstat.measures.engine.conditions import condition_to_ibis
from civicstat.measures.engine.dialect import (
    Dialect,
    PercentileStrategy,
    dialect_for,
    rank_percentile,
)
from civicstat.measures.engine.errors import CompileError
from civicstat.measures.engine.period_plan import (
    PeriodPlan,
    local_us_expr,
    ordinal_expr,
    reset_key_expr,
    time_bounds,
)
from civicstat.measures.engine.spec import AggregateKind, MeasureSpec, Reset, WindowKind

MISSING_CATEGORY = "(not recorded)"
OUTPUT_COLUMNS = ("period", "breakdown", "reason", "value", "n")

_P, _B, _R, _X, _C, _D = "_p", "_b", "_r", "_x", "_c", "_d"


@dataclass(frozen=True)
class _Lookup:
    """Column access by name for one table, with the spec's derived columns."""

    spec: MeasureSpec
    table: ir.Table
    dialect: Dialect

    def __call__(self, name: str, path: str) -> ir.Column:
        derived = self.spec.derived
        if name in derived:
            d = derived[name]
            start = self._timestamp(d.start, f"derive.{name}")
            end = self._timestamp(d.end, f"derive.{name}")
            us = self.dialect.epoch_us(end) - self.dialect.epoch_us(start)
            return (us.cast("float64") / 1_000_000).name(name)
        if name not in self.table.columns:
            raise CompileError(
                path,
                f"no column {name!r}; the dataset has {', '.join(self.table.columns)}"
                + (f" and the derived {', '.join(derived)}" if derived else ""),
                dataset=self.spec.dataset,
            )
        return self.table[name]

    def _timestamp(self, name: str, path: str) -> ir.Column:
        col = self(name, path)
        if not col.type().is_timestamp():
            raise CompileError(
                path,
                f"seconds_between needs timestamp columns; {name!r} is {col.type()}",
                dataset=self.spec.dataset,
            )
        return col


def compile(  # noqa: A001 - the engine's public verb, named in the design
    spec: MeasureSpec,
    table: ir.Table,
    *,
    as_of: date | None = None,
    dialect: str | None = None,
) -> ir.Table:
    """Compile ``spec`` against ``table`` into one Ibis expression (see the module docstring).

    ``as_of`` is the refresh date (default: today in the spec's time zone); it ends the range
    when ``periods.end`` is not set. ``dialect`` forces a backend dialect (tests use
    ``"portable"`` to run the portable strategies on DuckDB).
    """
    plan = PeriodPlan.for_spec(spec, as_of)
    return compile_with_plan(spec, table, plan, dialect_for(table, dialect))


def compile_with_plan(
    spec: MeasureSpec, table: ir.Table, plan: PeriodPlan, dialect: Dialect
) -> ir.Table:
    """:func:`compile` with the periods already planned."""
    try:
        return _compile(spec, table, plan, dialect)
    except CompileError as exc:
        if exc.dataset:
            raise
        raise CompileError(exc.path, exc.problem, dataset=spec.dataset) from exc


def _compile(spec: MeasureSpec, table: ir.Table, plan: PeriodPlan, dialect: Dialect) -> ir.Table:
    rows = _rows(spec, table, plan, dialect)
    keys = [_P] + ([_B] if spec.breakdown else []) + ([_R] if _has_reasons(spec) else [])
    kind = spec.aggregate.kind
    window = spec.window
    if window.kind is WindowKind.NONE:
        grouped = _aggregate(spec, rows, keys, dialect)
    elif kind.decomposable:
        parts = _aggregate(spec, rows, keys, dialect)
        grouped = _sum_parts(spec, _explode(parts, plan, spec), keys)
    else:
        grouped = _aggregate(spec, _explode(rows, plan, spec), keys, dialect)
    return _finish(spec, grouped)


def _has_reasons(spec: MeasureSpec) -> bool:
    return bool(spec.exclude_by or spec.exclude_when or spec.value)


def _rows(spec: MeasureSpec, table: ir.Table, plan: PeriodPlan, dialect: Dialect) -> ir.Table:
    """The measure's rows: period ordinal, breakdown, reason and the columns aggregated."""
    agg = spec.aggregate
    look = _Lookup(spec, table, dialect)
    ts = look(spec.time_column, "time_column")
    if not (ts.type().is_timestamp() or ts.type().is_date()):
        raise CompileError(
            "time_column",
            f"{spec.time_column!r} is {ts.type()}; it must be a timestamp or a date",
            dataset=spec.dataset,
        )
    keep = time_bounds(ts, plan)
    if spec.filter is not None:
        keep = keep & condition_to_ibis(spec.filter, look, "filter")
    if agg.kind is AggregateKind.RATE:
        keep = keep & (_rate_numerator(spec, look) | _rate_denominator(spec, look))
    base = table.filter(keep)

    look = _Lookup(spec, base, dialect)
    ts = look(spec.time_column, "time_column")
    local_us = local_us_expr(dialect.epoch_us(ts), plan, ts.type().is_date())
    cols: dict[str, ir.Value] = {
        _P: ordinal_expr(local_us, plan.grain, plan.fiscal_year_start, dialect)
    }
    if spec.breakdown:
        b = look(spec.breakdown, "breakdown").cast("string")
        cols[_B] = ibis.coalesce(b, ibis.literal(MISSING_CATEGORY))
    if _has_reasons(spec):
        cols[_R] = _reason(spec, look)
    if spec.value is not None and agg.kind.needs_value:
        x = look(spec.value, "value")
        if agg.kind is not AggregateKind.COUNT_DISTINCT:
            if not (x.type().is_numeric() or x.type().is_boolean()):
                raise CompileError(
                    "value",
                    f"a {agg.kind.value} needs a number column; {spec.value!r} is {x.type()}",
                    dataset=spec.dataset,
                )
            x = x.cast("float64")
        cols[_X] = x
    if agg.kind is AggregateKind.SHARE:
        assert agg.condition is not None
        cond = condition_to_ibis(agg.condition, look, "aggregate.condition")
        cols[_C] = ibis.ifelse(cond, 1, 0)
    if agg.kind is AggregateKind.RATE:
        cols[_C] = ibis.ifelse(_rate_numerator(spec, look), 1, 0)
        cols[_D] = ibis.ifelse(_rate_denominator(spec, look), 1, 0)
    rows = base.select(**cols)
    if plan.bounds_are_exact:  # the usual case: no per-row ordinal test needed
        return rows
    return rows.filter(rows[_P].between(plan.first, plan.last))


def _rate_numerator(spec: MeasureSpec, look: _Lookup) -> ir.BooleanValue:
    assert spec.aggregate.numerator is not None
    return condition_to_ibis(spec.aggregate.numerator, look, "aggregate.numerator")


def _rate_denominator(spec: MeasureSpec, look: _Lookup) -> ir.BooleanValue:
    if spec.aggregate.denominator is None:
        return ibis.literal(True)
    return condition_to_ibis(spec.aggregate.denominator, look, "aggregate.denominator")


def _reason(spec: MeasureSpec, look: _Lookup) -> ir.StringValue:
    """Why a row is excluded (null when it is used): the exclude_by column's value, then the
    first exclude_when condition met, then a missing value."""
    branches: list[tuple[ir.BooleanValue, ir.Value]] = []
    if spec.exclude_by:
        col = look(spec.exclude_by, "exclude_by")
        branches.append((col.notnull(), col.cast("string")))
    for i, excl in enumerate(spec.exclude_when):
        cond = condition_to_ibis(excl.when, look, f"exclude_when[{i}].when")
        branches.append((cond, ibis.literal(excl.reason)))
    if spec.value:
        x = look(spec.value, "value")
        branches.append((x.isnull(), ibis.literal(f"missing {spec.value}")))
    return ibis.cases(*branches, else_=ibis.null("string"))


def _aggregate(spec: MeasureSpec, rows: ir.Table, keys: list[str], dialect: Dialect) -> ir.Table:
    """Group by ``keys``; the parts needed to compute (and window) the value."""
    agg = spec.aggregate
    kind = agg.kind
    parts: dict[str, ir.Scalar] = {"n": rows.count()}
    if kind in (AggregateKind.SUM, AggregateKind.MEAN):
        parts["s"] = rows[_X].sum()
    elif kind is AggregateKind.SHARE:
        parts["c"] = rows[_C].sum()
    elif kind is AggregateKind.RATE:
        parts["c"] = rows[_C].sum()
        parts["d"] = rows[_D].sum()
    elif kind is AggregateKind.COUNT_DISTINCT:
        parts["u"] = rows[_X].nunique()
    use_rank = kind.is_fractile and dialect.percentile_strategy is PercentileStrategy.RANK
    if kind.is_fractile and not use_rank:
        q = agg.quantile
        assert q is not None
        parts["q"] = dialect.percentile(rows[_X], q)
    grouped = rows.group_by(keys).aggregate(**parts)
    if use_rank:
        q = agg.quantile
        assert q is not None
        used = rows.filter(rows[_R].isnull()) if _R in rows.columns else rows
        # Join on period and breakdown only: the reason key is null on the value row, and
        # null never equals null; _finish() keeps q on the value row alone.
        value_keys = [k for k in keys if k != _R]
        picked = rank_percentile(used.drop(_R) if _R in used.columns else used, value_keys, _X, q)
        grouped = grouped.left_join(picked, value_keys).select(*keys, "n", q=picked["_q"])
    return grouped


def _explode(rows: ir.Table, plan: PeriodPlan, spec: MeasureSpec) -> ir.Table:
    """Copy each row (or per-period part) to every period whose window contains it; the copy's
    ``_p`` is the target period."""
    window = spec.window
    if window.kind is WindowKind.ROLLING:
        assert window.periods is not None
        span = window.periods
        reset = Reset.NONE
    else:
        reset = window.reset
        span = plan.max_window(reset)
    offsets = ibis.range(0, span).unnest().name("_k").as_table()
    joined = rows.cross_join(offsets)
    target = joined[_P] + joined["_k"]
    keep = target <= plan.last
    if reset is not Reset.NONE:
        keep = keep & (
            reset_key_expr(target, plan, reset) == reset_key_expr(joined[_P], plan, reset)
        )
    out = joined.filter(keep)
    return out.mutate(**{_P: out[_P] + out["_k"]}).drop("_k")


def _sum_parts(spec: MeasureSpec, exploded: ir.Table, keys: list[str]) -> ir.Table:
    parts = [c for c in exploded.columns if c not in keys]
    return exploded.group_by(keys).aggregate(**{c: exploded[c].sum() for c in parts})


def _finish(spec: MeasureSpec, g: ir.Table) -> ir.Table:
    agg = spec.aggregate
    kind = agg.kind
    n = g["n"]
    match kind:
        case AggregateKind.COUNT:
            value = n.cast("float64")
        case AggregateKind.COUNT_DISTINCT:
            value = g["u"].cast("float64")
        case AggregateKind.SUM:
            value = ibis.coalesce(g["s"], 0.0)
        case AggregateKind.MEAN:
            value = g["s"] / n
        case AggregateKind.MEDIAN | AggregateKind.PERCENTILE:
            value = g["q"].cast("float64")
        case AggregateKind.SHARE:
            value = g["c"].cast("float64") / n * agg.scale
        case AggregateKind.RATE:
            value = g["c"].cast("float64") / g["d"].nullif(0) * agg.scale
    is_value_row = g[_R].isnull() if _R in g.columns else ibis.literal(True)
    n_out = n
    if kind is AggregateKind.RATE:
        n_out = ibis.ifelse(is_value_row, g["d"], n)
    out = g.select(
        period=g[_P].cast("int64"),
        breakdown=g[_B] if _B in g.columns else ibis.literal(""),
        reason=g[_R] if _R in g.columns else ibis.null("string"),
        value=ibis.ifelse(is_value_row, value.cast("float64"), ibis.null("float64")),
        n=n_out.cast("int64"),
    )
    return out.order_by(["period", "breakdown", "reason"])
