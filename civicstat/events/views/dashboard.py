"""The combined event dashboard: the event measures as published by the last refresh.

Every number here is a published MeasureValue (computed by the measure engine from the
warehouse's community_events datasets); nothing is counted in the request.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import render
from django.views.decorators.http import require_GET

from civicstat.events.measures import (
    ATTENDANCE_BY_DEPARTMENT,
    BY_DEPARTMENT,
    DASHBOARD_SLUGS,
    JOINT,
    SUMMARY_SLUGS,
)
from civicstat.measures.models import Measure, MeasureValue, RefreshRun, RefreshStatus
from civicstat.measures.services.summary import summarise

MONTHS_SHOWN = 12


@dataclass(frozen=True)
class Cell:
    value: MeasureValue | None
    measure: Measure

    @property
    def suppressed(self) -> bool:
        return bool(self.value and self.value.suppressed)


@dataclass(frozen=True)
class Row:
    label: str
    period_start: object
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    measures: tuple[Measure, ...]
    columns: tuple[str, ...]
    rows: tuple[Row, ...]


def _values(measure: Measure | None) -> list[MeasureValue]:
    if measure is None:
        return []
    return list(MeasureValue.objects.filter(measure=measure).order_by("period_start", "breakdown"))


def monthly_table(measures: dict[str, Measure]) -> Table:
    """One row per month (the latest MONTHS_SHOWN), one column per summary measure."""
    present = [measures[s] for s in SUMMARY_SLUGS if s in measures]
    by_measure = {
        m.slug: {v.period_start: v for v in _values(m) if v.breakdown == ""} for m in present
    }
    periods: dict = {}
    for values in by_measure.values():
        for v in values.values():
            periods.setdefault(v.period_start, v.period_label)
    months = sorted(periods)[-MONTHS_SHOWN:]
    rows = tuple(
        Row(periods[p], p, tuple(Cell(by_measure[m.slug].get(p), m) for m in present))
        for p in reversed(months)
    )
    return Table(tuple(present), tuple(m.name for m in present), rows)


def breakdown_table(measure: Measure | None) -> Table | None:
    """Months × departments of a measure broken down by department (columns by name)."""
    values = _values(measure)
    if measure is None or not values:
        return None
    names = department_names({v.breakdown for v in values})
    columns = sorted({v.breakdown for v in values if v.breakdown}, key=lambda c: names.get(c, c))
    by_period: dict = {}
    for v in values:
        by_period.setdefault((v.period_start, v.period_label), {})[v.breakdown] = v
    periods = sorted(by_period)[-MONTHS_SHOWN:]
    rows = tuple(
        Row(label, start, tuple(Cell(by_period[(start, label)].get(c), measure) for c in columns))
        for start, label in reversed(periods)
    )
    return Table((measure,), tuple(names.get(c, c) for c in columns), rows)


def department_names(columns) -> dict[str, str]:
    from civicstat.core.models import Department

    return dict(Department.objects.filter(slug__in=columns).values_list("slug", "name"))


@require_GET
def dashboard(request):
    measures = {
        m.slug: m
        for m in Measure.objects.live().filter(slug__in=DASHBOARD_SLUGS).select_related("page")
    }
    summary_measures = [measures[s] for s in SUMMARY_SLUGS if s in measures]
    plan = None
    page = next((m.page for m in summary_measures if m.page_id), None)
    if page is not None:
        from civicstat.plans.models import PlanPage

        plan = PlanPage.objects.ancestor_of(page).first()
    summaries = summarise(summary_measures, plan.specific if plan else None)
    chart = getattr(measures.get(JOINT), "chart", None) if JOINT in measures else None
    return render(
        request,
        "events/dashboard.html",
        {
            "summaries": summaries,
            "has_data": any(s.has_data for s in summaries),
            "monthly": monthly_table(measures),
            "by_department": breakdown_table(measures.get(BY_DEPARTMENT)),
            "attendance": breakdown_table(measures.get(ATTENDANCE_BY_DEPARTMENT)),
            "chart": chart,
            "refresh": RefreshRun.objects.filter(status=RefreshStatus.SUCCEEDED).first(),
            "initiative": page.specific if page is not None else None,
        },
    )
