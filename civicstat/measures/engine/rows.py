"""The rows of a measure: one scan of the table, each row given its period ordinal, breakdown
category, exclusion reason code and the columns its aggregate needs (compiler.py groups them).

Reason codes (integers, so grouping never materialises a string per row; compiler.py turns them
into reason texts after aggregation, on the few grouped rows):

* ``0``: used;
* ``1``: excluded by the ``exclude_by`` column (its value, in ``_rb``, is the reason);
* ``2 + i``: excluded by ``exclude_when[i]``;
* ``2 + len(exclude_when)``: the ``value`` is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from civicstat.measures.engine.conditions import condition_to_ibis
from civicstat.measures.engine.dialect import Dialect
from civicstat.measures.engine.errors import CompileError
from civicstat.measures.engine.period_plan import (
    PeriodPlan,
    local_us_expr,
    ordinal_expr,
    time_bounds,
)
from civicstat.measures.engine.spec import AggregateKind, MeasureSpec

MISSING_CATEGORY = "(not recorded)"

# internal column names
P, B, RC, RB, X, C, D = "_p", "_b", "_rc", "_rb", "_x", "_c", "_d"
USED, BY_COLUMN, FIRST_CONDITION = 0, 1, 2


def reason_texts(spec: MeasureSpec) -> dict[int, str]:
    """Reason code -> reason text, for the codes that are fixed by the spec."""
    texts = {FIRST_CONDITION + i: e.reason for i, e in enumerate(spec.exclude_when)}
    if spec.value:
        texts[FIRST_CONDITION + len(spec.exclude_when)] = f"missing {spec.value}"
    return texts


def has_reasons(spec: MeasureSpec) -> bool:
    return bool(spec.exclude_by or spec.exclude_when or spec.value)


def group_keys(spec: MeasureSpec) -> list[str]:
    """What the rows are grouped by: period, breakdown, reason code, exclude_by value."""
    keys = [P]
    if spec.breakdown:
        keys.append(B)
    if has_reasons(spec):
        keys.append(RC)
    if spec.exclude_by:
        keys.append(RB)
    return keys


@dataclass(frozen=True)
class Lookup:
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
            )
        return self.table[name]

    def _timestamp(self, name: str, path: str) -> ir.Column:
        col = self(name, path)
        if not col.type().is_timestamp():
            raise CompileError(
                path, f"seconds_between needs timestamp columns; {name!r} is {col.type()}"
            )
        return col


def measure_rows(
    spec: MeasureSpec, table: ir.Table, plan: PeriodPlan, dialect: Dialect
) -> ir.Table:
    """Filter the table to the measure's rows and compute the grouping and aggregated columns."""
    agg = spec.aggregate
    look = Lookup(spec, table, dialect)
    ts = look(spec.time_column, "time_column")
    if not (ts.type().is_timestamp() or ts.type().is_date()):
        raise CompileError(
            "time_column", f"{spec.time_column!r} is {ts.type()}; it must be a timestamp or a date"
        )
    keep = time_bounds(ts, plan)
    if spec.filter is not None:
        keep = keep & condition_to_ibis(spec.filter, look, "filter")
    if agg.kind is AggregateKind.RATE:
        keep = keep & (_numerator(spec, look) | _denominator(spec, look))
    base = table.filter(keep)

    look = Lookup(spec, base, dialect)
    ts = look(spec.time_column, "time_column")
    local_us = local_us_expr(dialect.epoch_us(ts), plan, ts.type().is_date())
    cols: dict[str, ir.Value] = {
        P: ordinal_expr(local_us, plan.grain, plan.fiscal_year_start, dialect)
    }
    if spec.breakdown:
        b = look(spec.breakdown, "breakdown").cast("string")
        cols[B] = ibis.coalesce(b, ibis.literal(MISSING_CATEGORY))
    if has_reasons(spec):
        cols[RC] = _reason_code(spec, look)
    if spec.exclude_by:
        cols[RB] = look(spec.exclude_by, "exclude_by").cast("string")
    if spec.value is not None and agg.kind.needs_value:
        x = look(spec.value, "value")
        if agg.kind is not AggregateKind.COUNT_DISTINCT:
            if not (x.type().is_numeric() or x.type().is_boolean()):
                raise CompileError(
                    "value",
                    f"a {agg.kind.value} needs a number column; {spec.value!r} is {x.type()}",
                )
            x = x.cast("float64")
        cols[X] = x
    if agg.kind is AggregateKind.SHARE:
        assert agg.condition is not None
        cond = condition_to_ibis(agg.condition, look, "aggregate.condition")
        cols[C] = ibis.ifelse(cond, 1, 0)
    if agg.kind is AggregateKind.RATE:
        cols[C] = ibis.ifelse(_numerator(spec, look), 1, 0)
        cols[D] = ibis.ifelse(_denominator(spec, look), 1, 0)
    rows = base.select(**cols)
    if plan.bounds_are_exact:  # the usual case: no per-row ordinal test needed
        return rows
    return rows.filter(rows[P].between(plan.first, plan.last))


def _numerator(spec: MeasureSpec, look: Lookup) -> ir.BooleanValue:
    assert spec.aggregate.numerator is not None
    return condition_to_ibis(spec.aggregate.numerator, look, "aggregate.numerator")


def _denominator(spec: MeasureSpec, look: Lookup) -> ir.BooleanValue:
    if spec.aggregate.denominator is None:
        return ibis.literal(True)
    return condition_to_ibis(spec.aggregate.denominator, look, "aggregate.denominator")


def _reason_code(spec: MeasureSpec, look: Lookup) -> ir.IntegerValue:
    """The first reason that applies: the exclude_by column, the exclude_when conditions in
    order, a missing value; 0 when the row is used."""
    branches: list[tuple[ir.BooleanValue, ir.Value]] = []
    if spec.exclude_by:
        branches.append((look(spec.exclude_by, "exclude_by").notnull(), BY_COLUMN))
    for i, excl in enumerate(spec.exclude_when):
        cond = condition_to_ibis(excl.when, look, f"exclude_when[{i}].when")
        branches.append((cond, FIRST_CONDITION + i))
    if spec.value:
        missing = look(spec.value, "value").isnull()
        branches.append((missing, FIRST_CONDITION + len(spec.exclude_when)))
    return ibis.cases(
        *[(c, ibis.literal(v, "int8")) for c, v in branches], else_=ibis.literal(USED, "int8")
    )
