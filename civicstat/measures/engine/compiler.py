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
reason (rows.py), and grouped by (period, breakdown, reason), so the group whose reason is
"used" holds exactly the used rows. Windows: decomposable aggregates (count, sum, mean, share,
rate) are windowed by summing their per-period parts (Σx, n, Σcondition, Σnumerator,
Σdenominator) over the window's periods, which equals recomputing them over the window's rows;
median, percentile and count_distinct are recomputed from the window's rows (each row, or each
distinct value, joined to the periods whose window contains it). Periods with no rows at all are
absent here; run() adds them.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from civicstat.measures.engine.dialect import (
    Dialect,
    PercentileStrategy,
    dialect_for,
    rank_percentile,
)
from civicstat.measures.engine.errors import CompileError
from civicstat.measures.engine.period_plan import PeriodPlan, reset_key_expr
from civicstat.measures.engine.rows import (
    BY_COLUMN,
    MISSING_CATEGORY,
    RB,
    RC,
    USED,
    B,
    C,
    D,
    P,
    X,
    group_keys,
    measure_rows,
    reason_texts,
)
from civicstat.measures.engine.spec import AggregateKind, MeasureSpec, Reset, WindowKind

__all__ = ["MISSING_CATEGORY", "OUTPUT_COLUMNS", "compile", "compile_with_plan"]

OUTPUT_COLUMNS = ("period", "breakdown", "reason", "value", "n")
_CNT = "_cnt"


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
    rows = measure_rows(spec, table, plan, dialect)
    keys = group_keys(spec)
    kind = spec.aggregate.kind
    windowed = spec.window.kind is not WindowKind.NONE
    if kind is AggregateKind.COUNT_DISTINCT:
        # Two phases, no DISTINCT aggregate: distinct values with their row counts first
        # (windows then copy distinct values, not rows), then count them per group.
        distinct = rows.group_by([*keys, X]).aggregate(**{_CNT: rows.count()})
        if windowed:
            exploded = _explode(distinct, plan, spec)
            distinct = exploded.group_by([*keys, X]).aggregate(**{_CNT: exploded[_CNT].sum()})
        grouped = distinct.group_by(keys).aggregate(n=distinct[_CNT].sum(), u=distinct[X].count())
    elif not windowed:
        grouped = _aggregate(spec, rows, keys, dialect)
    elif kind.decomposable:
        parts = _aggregate(spec, rows, keys, dialect)
        exploded = _explode(parts, plan, spec)
        sums = {c: exploded[c].sum() for c in exploded.columns if c not in keys}
        grouped = exploded.group_by(keys).aggregate(**sums)
    else:
        grouped = _aggregate(spec, _explode(rows, plan, spec), keys, dialect)
    return _finish(spec, grouped)


def _aggregate(spec: MeasureSpec, rows: ir.Table, keys: list[str], dialect: Dialect) -> ir.Table:
    """Group by ``keys``; the parts needed to compute (and window) the value."""
    agg = spec.aggregate
    kind = agg.kind
    parts: dict[str, ir.Scalar] = {"n": rows.count()}
    if kind in (AggregateKind.SUM, AggregateKind.MEAN):
        parts["s"] = rows[X].sum()
    elif kind is AggregateKind.SHARE:
        parts["c"] = rows[C].sum()
    elif kind is AggregateKind.RATE:
        parts["c"] = rows[C].sum()
        parts["d"] = rows[D].sum()
    used = (rows[RC] == USED) if RC in rows.columns else None
    rank = kind.is_fractile and dialect.percentile_strategy is PercentileStrategy.RANK
    if kind.is_fractile and not rank:
        assert agg.quantile is not None
        parts["q"] = dialect.percentile(rows[X], agg.quantile, where=used)
    grouped = rows.group_by(keys).aggregate(**parts)
    if rank:
        assert agg.quantile is not None
        # only the used rows, joined back on period and breakdown (the value row's keys)
        value_keys = [k for k in keys if k in (P, B)]
        mine = rows.filter(used) if used is not None else rows
        picked = rank_percentile(mine.select(*value_keys, X), value_keys, X, agg.quantile)
        grouped = grouped.left_join(picked, value_keys).select(*keys, "n", q=picked["_q"])
    return grouped


def _explode(rows: ir.Table, plan: PeriodPlan, spec: MeasureSpec) -> ir.Table:
    """Copy each row (or per-period part) to every period whose window contains it; the copy's
    period column is the target period."""
    window = spec.window
    if window.kind is WindowKind.ROLLING:
        assert window.periods is not None
        span, reset = window.periods, Reset.NONE
    else:
        reset = window.reset
        span = plan.max_window(reset)
    offsets = ibis.range(0, span).unnest().name("_k").as_table()
    joined = rows.cross_join(offsets)
    target = joined[P] + joined["_k"]
    keep = target <= plan.last
    if reset is not Reset.NONE:
        keep = keep & (
            reset_key_expr(target, plan, reset) == reset_key_expr(joined[P], plan, reset)
        )
    out = joined.filter(keep)
    return out.mutate(**{P: out[P] + out["_k"]}).drop("_k")


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
    is_value_row = (g[RC] == USED) if RC in g.columns else ibis.literal(True)
    n_out = ibis.ifelse(is_value_row, g["d"], n) if kind is AggregateKind.RATE else n
    out = g.select(
        period=g[P].cast("int64"),
        breakdown=g[B] if B in g.columns else ibis.literal(""),
        reason=_reason_text(spec, g),
        value=ibis.ifelse(is_value_row, value.cast("float64"), ibis.null("float64")),
        n=n_out.cast("int64"),
    )
    return out.order_by(["period", "breakdown", "reason"])


def _reason_text(spec: MeasureSpec, g: ir.Table) -> ir.StringValue:
    """Reason codes back to texts, on the grouped rows only."""
    if RC not in g.columns:
        return ibis.null("string")
    branches: list[tuple[ir.BooleanValue, ir.Value]] = []
    if RB in g.columns:
        branches.append((g[RC] == BY_COLUMN, g[RB]))
    branches += [(g[RC] == code, ibis.literal(text)) for code, text in reason_texts(spec).items()]
    return ibis.cases(*branches, else_=ibis.null("string"))
