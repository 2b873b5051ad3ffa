"""`civicstat refresh`: compute every computed measure and publish them all at once.

1. A RefreshRun is recorded first (committed), so a failure is always on record.
2. Sources the web apps own (events, page views) are pushed into the warehouse.
3. Every computed measure is compiled and run on a read-only warehouse connection, then
   validated: no duplicate periods, no negative counts, rates with denominators above zero.
   Only periods that have ended by the refresh date are published (a month under way is not).
4. Registered analyses (distributions, concentration, decisions by rule, pilot evaluations:
   civicstat.dashboards.analysis) are computed on the same connection.
5. Only if every measure and analysis succeeded, all values, analyses, provenance and charts are
   written in ONE transaction. If anything fails, what was published stays exactly as it was and the run
   records which measure failed and why.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, replace

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from civicstat.measures.derived import base_datasets, resolver
from civicstat.measures.engine import AggregateKind, MeasureError, Series, evaluate, run
from civicstat.measures.models import (
    Measure,
    MeasureComputation,
    MeasureKind,
    MeasureValue,
    RefreshRun,
    RefreshStatus,
    SuppressionShape,
    ValueSource,
)
from civicstat.measures.services.analyses import (
    AnalysisFailed,
    ComputedAnalyses,
    compute_analyses,
    load_records,
    publish_analyses,
)
from civicstat.measures.services.manual import suppress_people
from civicstat.measures.services.rules import fiscal_year_start, spec_of, status_rule_for
from civicstat.measures.sources import sources
from civicstat.warehouse import WarehouseError, connect

log = logging.getLogger(__name__)

COUNT_KINDS = {AggregateKind.COUNT, AggregateKind.COUNT_DISTINCT}


class RefreshError(Exception):
    """A refresh that published nothing; the message says which measure failed and why."""


@dataclass
class Computed:
    measure: Measure
    series: Series
    values: list[MeasureValue]
    computation: MeasureComputation


def refresh(
    *,
    warehouse_url: str | None = None,
    slugs: list[str] | None = None,
    triggered_by: str = "",
    as_of: dt.date | None = None,
    run_sources: bool = True,
    analyses: bool | list[str] | None = None,
) -> RefreshRun:
    """``analyses``: True runs every registered analysis, a list runs those producers, False
    none; by default (None) they run when no ``slugs`` are given."""
    url = warehouse_url or settings.CIVICSTAT_WAREHOUSE_URL
    run_record = RefreshRun.objects.create(
        started_at=timezone.now(), triggered_by=triggered_by, warehouse=str(url)
    )
    measures = Measure.objects.live().filter(kind=MeasureKind.COMPUTED).order_by("slug")
    if slugs:
        measures = measures.filter(slug__in=slugs)
    try:
        if run_sources:
            push_sources(url)
        if analyses is None:
            analyses = not slugs
        only = analyses if isinstance(analyses, list) else None
        computed, extra = compute_all(
            list(measures), url, run_record, as_of, analyses=bool(analyses), only=only
        )
        publish(run_record, computed, extra)
    except Exception as exc:  # recorded and re-raised: the run is the audit trail
        run_record.status = RefreshStatus.FAILED
        run_record.error = str(exc)
        run_record.finished_at = timezone.now()
        run_record.save(update_fields=["status", "error", "finished_at"])
        log.error("refresh %s failed: %s", run_record.pk, exc)
        if isinstance(exc, RefreshError | MeasureError | WarehouseError | AnalysisFailed):
            raise RefreshError(str(exc)) from exc
        raise
    return run_record


def push_sources(url: str) -> None:
    registered = sources()
    if not registered:
        return
    con = connect(url)
    try:
        for source in registered:
            try:
                source.export(con)
            except Exception as exc:
                raise RefreshError(f"source {source.dataset!r} could not be loaded: {exc}") from exc
    finally:
        con.disconnect()


def compute_all(
    measures: list[Measure],
    url: str,
    run_record: RefreshRun,
    as_of: dt.date | None,
    *,
    analyses: bool = False,
    only: list[str] | None = None,
) -> tuple[list[Computed], ComputedAnalyses]:
    con = connect(url, read_only=_is_file(url))
    try:
        resolve = resolver(con)
        loads_cache: dict[str, list] = {}
        results = []
        for measure in measures:
            try:
                results.append(_compute(measure, resolve, con, loads_cache, run_record, as_of))
            except (MeasureError, WarehouseError, ValueError) as exc:
                raise RefreshError(f"measure {measure.slug!r}: {exc}") from exc
        extra = ComputedAnalyses([], [])
        if analyses:
            extra = compute_analyses(con, resolve, as_of, loads_cache, only)
        return results, extra
    finally:
        con.disconnect()


def _is_file(url: str) -> bool:
    text = str(url)
    return text.startswith("duckdb://") and ":memory:" not in text or "://" not in text


def _compute(measure, resolve, con, loads_cache, run_record, as_of) -> Computed:
    started = time.perf_counter()
    spec = spec_of(measure)
    cumulative = measure.counts_people and measure.suppression_shape == SuppressionShape.CUMULATIVE
    series = run(spec, resolve, as_of=as_of, suppress=not cumulative)
    validate(measure, spec, series)
    series = complete_periods(series)
    rule = status_rule_for(measure, fiscal_year_start(measure))
    values = []
    for row in series.frame.itertuples(index=False):
        value = None if pd.isna(row.value) else float(row.value)
        n_used = None if pd.isna(row.n_used) else int(row.n_used)
        result = evaluate(rule, value, n_used, row.period_label)
        excluded = series.exclusions[
            (series.exclusions["period_label"] == row.period_label)
            & (series.exclusions["breakdown"] == row.breakdown)
        ]
        values.append(
            MeasureValue(
                measure=measure,
                source=ValueSource.COMPUTED,
                period_start=row.period_start,
                period_end=row.period_end,
                period_label=row.period_label,
                breakdown=row.breakdown,
                value=value,
                suppressed=bool(row.suppression),
                suppression_reason=row.suppression,
                n_used=n_used,
                n_excluded=0 if pd.isna(row.n_excluded) else int(row.n_excluded),
                exclusions={
                    r.reason: (None if pd.isna(r.n) else int(r.n)) for r in excluded.itertuples()
                },
                target=result.target if isinstance(result.target, int | float) else None,
                status=result.key.value,
                status_explanation=result.explanation,
                status_message=result.message,
                status_params=dict(result.params),
            )
        )
    if cumulative:
        suppress_people(values, SuppressionShape.CUMULATIVE)
    loads = []
    for name in base_datasets(spec.dataset):
        loads.extend(load_records(con, name, loads_cache))
    exclusions = series.exclusions.groupby("reason")["n"].sum() if len(series.exclusions) else {}
    computation = MeasureComputation(
        run=run_record,
        measure=measure,
        spec=spec.to_dict(),
        spec_hash=series.spec_hash,
        sql=series.sql,
        loads=loads,
        rows=len(values),
        n_used=int(series.frame["n_used"].fillna(0).sum()),
        n_excluded=int(series.frame["n_excluded"].fillna(0).sum()),
        exclusions={str(k): int(v) for k, v in dict(exclusions).items()},
        percentile_method=series.percentile_method or "",
        duration_s=time.perf_counter() - started,
    )
    return Computed(measure, series, values, computation)


def complete_periods(series: Series) -> Series:
    """Only periods that have ended are published: a month still under way would read as a
    fall (and would make the chart's summary say so). It is published once it is complete."""
    keep = series.frame["complete"].astype(bool)
    starts = set(series.frame.loc[keep, "period_start"])
    exclusions = series.exclusions[series.exclusions["period_start"].isin(starts)]
    return replace(
        series,
        frame=series.frame[keep].reset_index(drop=True),
        exclusions=exclusions.reset_index(drop=True),
    )


def validate(measure: Measure, spec, series: Series) -> None:
    """Refuse a series that cannot be right, before anything is published."""
    frame = series.frame
    duplicated = frame.duplicated(["period_start", "breakdown"])
    if duplicated.any():
        first = frame[duplicated].iloc[0]
        raise RefreshError(
            f"measure {measure.slug!r}: period {first.period_label} appears twice"
            + (f" for {first.breakdown!r}" if first.breakdown else "")
        )
    if spec.aggregate.kind in COUNT_KINDS:
        negative = frame[frame["value"].fillna(0) < 0]
        if len(negative):
            raise RefreshError(
                f"measure {measure.slug!r}: negative count {negative.iloc[0].value} "
                f"in {negative.iloc[0].period_label}"
            )
    if spec.aggregate.kind in (AggregateKind.RATE, AggregateKind.SHARE):
        bad = frame[frame["value"].notna() & (frame["n_used"].fillna(0) <= 0)]
        if len(bad):
            raise RefreshError(
                f"measure {measure.slug!r}: a rate in {bad.iloc[0].period_label} has no "
                "denominator (zero records)"
            )


@transaction.atomic
def publish(
    run_record: RefreshRun, computed: list[Computed], analyses: ComputedAnalyses | None = None
) -> None:
    measures = [c.measure for c in computed]
    MeasureValue.objects.filter(measure__in=measures, source=ValueSource.COMPUTED).delete()
    for item in computed:
        for value in item.values:
            value.run = run_record
        MeasureValue.objects.bulk_create(item.values, batch_size=500)
        item.computation.save()
    from civicstat.dashboards.publishing import publish_charts

    publish_charts(measures)
    if analyses is not None:
        run_record.analyses_count = publish_analyses(run_record, analyses)
        run_record.skipped = analyses.skipped
    run_record.status = RefreshStatus.SUCCEEDED
    run_record.measures_count = len(computed)
    run_record.values_count = sum(len(c.values) for c in computed)
    run_record.finished_at = timezone.now()
    run_record.save()
