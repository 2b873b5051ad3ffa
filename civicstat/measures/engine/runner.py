"""Running a measure: resolve its dataset, compile, execute once, assemble the Series."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import ibis
import ibis.expr.types as ir
import pandas as pd

from civicstat.measures.engine.compiler import OUTPUT_COLUMNS, compile_with_plan
from civicstat.measures.engine.dialect import PERCENTILE_METHOD, Dialect, dialect_for
from civicstat.measures.engine.errors import ExecutionError
from civicstat.measures.engine.period_plan import PeriodPlan
from civicstat.measures.engine.series import Series, assemble
from civicstat.measures.engine.spec import MeasureSpec

Resolver = Callable[[str], ir.Table]
"""``resolve(dataset_name) -> ibis.Table``: built by the caller from a connection and views."""


def resolver_for(con: ibis.BaseBackend) -> Resolver:
    """The default resolver: each dataset is the connection's table of that name."""
    return con.table


def run(
    spec: MeasureSpec,
    resolve: Resolver,
    *,
    as_of: date | None = None,
    suppress: bool = True,
    dialect: str | None = None,
) -> Series:
    """Compute ``spec`` on the table ``resolve(spec.dataset)``: one query, then in Python only
    the empty periods, labels, ``min_n`` and (for counts of people, unless ``suppress`` is
    false, for internal use) small-cell suppression.

    ``as_of`` is the refresh date (default today in the spec's time zone).
    """
    table = resolve(spec.dataset)
    plan = PeriodPlan.for_spec(spec, as_of)
    d = dialect_for(table, dialect)
    expr = compile_with_plan(spec, table, plan, d)
    sql, long = _execute(spec, expr, d)
    frame, exclusions = assemble(spec, plan, long, suppress=suppress)
    return Series(
        spec_hash=spec.spec_hash(),
        grain=spec.grain,
        as_of=plan.as_of,
        frame=frame,
        exclusions=exclusions,
        sql=sql,
        percentile_method=PERCENTILE_METHOD if spec.aggregate.kind.is_fractile else None,
        dialect=d.name,
    )


def _execute(spec: MeasureSpec, expr: ir.Table, d: Dialect) -> tuple[str, pd.DataFrame]:
    """Compile to SQL once and run that very SQL (the text recorded for provenance is the text
    that ran). DuckDB runs the string directly; other backends go through Ibis's execute."""
    try:
        backend = ibis.get_backend(expr)
        sql = str(backend.compile(expr))
    except Exception as exc:
        raise ExecutionError(spec.dataset, f"cannot compile to SQL: {exc}") from exc
    try:
        duckdb = backend.name == "duckdb"
        long = backend.raw_sql(sql).fetch_df() if duckdb else expr.to_pandas()
    except Exception as exc:
        raise ExecutionError(spec.dataset, str(exc), sql) from exc
    return sql, long[list(OUTPUT_COLUMNS)]
