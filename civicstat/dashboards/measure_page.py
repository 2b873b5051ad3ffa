"""Everything a measure page shows, gathered from the publishing database (never the warehouse)."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from civicstat.dashboards.periods import name_of_period
from civicstat.measures.engine import Grain, is_overdue, latest_expected_period, next_due
from civicstat.measures.models import (
    Direction,
    Measure,
    MeasureChart,
    MeasureComputation,
    MeasureKind,
    MeasureValue,
    RefreshStatus,
    ToleranceMode,
)
from civicstat.measures.services.rules import fiscal_year_start, plan_of
from civicstat.measures.services.summary import StatusDisplay, natural_key, status_display


@dataclass(frozen=True)
class MeasurePage:
    measure: Measure
    plan: object
    values: list[MeasureValue]
    latest: MeasureValue | None
    status: StatusDisplay | None
    rule_text: str
    chart: MeasureChart | None
    computation: MeasureComputation | None
    last_updated: dt.datetime | None
    next_due: dt.date | None
    overdue: bool
    exclusions: list[tuple[str, int]] = field(default_factory=list)
    breakdowns: list[str] = field(default_factory=list)
    expected_period: str = ""
    expected_name: str = ""
    loads: list[dict] = field(default_factory=list)
    closed_on: dt.date | None = None


def rule_text(measure: Measure) -> str:
    """The status rule in plain words, as the page explains how the status was decided."""
    fmt = {"unit": measure.unit or ""}
    if measure.direction == Direction.INFORMATIONAL:
        return _("This measure is shown for information and is not judged against a target.")
    if measure.direction == Direction.TARGET_RANGE:
        if measure.target_low is None or measure.target_high is None:
            return _("No target range has been set yet, so the status is Target Pending.")
        target = _("between %(low)s and %(high)s") % {
            "low": measure.target_low,
            "high": measure.target_high,
        }
    elif measure.target is None and not measure.period_targets.exists():
        return _("No target has been set yet, so the status is Target Pending.")
    else:
        target = str(measure.target) if measure.target is not None else _("the period's target")
    if measure.tolerance_mode == ToleranceMode.RELATIVE:
        tolerance = _("%(pct)s%% of the target") % {"pct": round(measure.tolerance * 100, 2)}
    else:
        tolerance = _("%(amount)s %(unit)s") % {"amount": measure.tolerance, **fmt}
    direction = {
        Direction.HIGHER_IS_BETTER: _("higher is better"),
        Direction.LOWER_IS_BETTER: _("lower is better"),
        Direction.TARGET_RANGE: _("the value should stay in the range"),
    }[measure.direction]
    return _(
        "Target: %(target)s (%(direction)s). On Target when the latest complete period meets "
        "the target; Close to Target when it misses by no more than %(tolerance)s; otherwise "
        "Needs Improvement. Periods based on fewer than %(min_n)s records are Insufficient Data."
    ) % {"target": target, "direction": direction, "tolerance": tolerance, "min_n": measure.min_n}


@dataclass(frozen=True)
class Due:
    """When the measure's next value is due and whether one is overdue (engine.status rules:
    the latest period expected by today, for the measure's cadence, has no published value)."""

    next_due: dt.date | None
    overdue: bool
    expected: str  # label of the latest period whose value is due by today
    expected_name: str = ""  # the same period as a resident reads it ("November 2026")
    closed_on: dt.date | None = None  # a computed series whose spec ends on this (past) day


def series_end(measure: Measure) -> dt.date | None:
    """The last day of a computed measure's series when its spec fixes one (``periods.end``): a
    finished pilot, a historical year. Such a series expects no further values."""
    if measure.kind != "computed" or not isinstance(measure.spec, dict):
        return None
    end = (measure.spec.get("periods") or {}).get("end")
    try:
        return dt.date.fromisoformat(str(end)) if end else None
    except ValueError:
        return None


def due_state(
    measure: Measure,
    today: dt.date | None = None,
    *,
    latest_end: dt.date | None = None,
    fy: int | None = None,
    known: bool = False,
) -> Due:
    """From the published values only. ``latest_end`` is the latest published period's exclusive
    end (looked up unless ``known``)."""
    grain = Grain(measure.cadence)
    fy = fiscal_year_start(measure) if fy is None else fy
    day = today or timezone.localdate()
    if not known:
        latest_end = (
            MeasureValue.objects.filter(measure=measure)
            .order_by("-period_end")
            .values_list("period_end", flat=True)
            .first()
        )
    expected = latest_expected_period(grain, day, measure.grace_days, fy)
    closed = series_end(measure)
    if closed is not None and closed < day:
        return Due(
            next_due=None,
            overdue=False,
            expected=expected.label,
            expected_name=name_of_period(expected),
            closed_on=closed,
        )
    return Due(
        next_due=next_due(latest_end, grain, measure.grace_days, fy) if latest_end else None,
        overdue=is_overdue(latest_end, grain, day, measure.grace_days, fy),
        expected=expected.label,
        expected_name=name_of_period(expected),
    )


def _readable_load(load: dict) -> dict:
    """A load record as the page shows it: the load time as a datetime, the file's own name."""
    shown = dict(load)
    with suppress(ValueError):
        shown["loaded_at"] = dt.datetime.fromisoformat(str(load.get("loaded_at")))
    shown["name"] = str(load.get("file", "")).replace("\\", "/").rsplit("/", 1)[-1]
    return shown


def build(measure: Measure, today: dt.date | None = None) -> MeasurePage:
    plan = plan_of(measure)
    plan = plan.specific if plan else None
    values = list(
        MeasureValue.objects.filter(measure=measure).order_by("period_start", "breakdown")
    )
    overall = [v for v in values if v.breakdown == ""]
    complete = [v for v in overall if v.period_end <= (today or timezone.localdate())]
    latest = (complete or overall or [None])[-1]
    computation = None
    last_updated = None
    if measure.kind == MeasureKind.COMPUTED:
        computation = (
            MeasureComputation.objects.filter(measure=measure, run__status=RefreshStatus.SUCCEEDED)
            .select_related("run")
            .order_by("-run__started_at")
            .first()
        )
        last_updated = computation.run.finished_at if computation else None
    else:
        stamps = [v.entered_at for v in values if v.entered_at]
        last_updated = max(stamps) if stamps else None
    latest_end = max((v.period_end for v in values), default=None)
    fy = plan.fiscal_year_start_month if plan is not None else None
    due = due_state(measure, today, latest_end=latest_end, fy=fy, known=True)
    status = status_display(plan, latest.status, latest.status_text()) if latest else None
    exclusions = sorted((computation.exclusions or {}).items()) if computation else []
    breakdowns = sorted({v.breakdown for v in values if v.breakdown}, key=natural_key)
    loads = [_readable_load(load) for load in (computation.loads if computation else [])]
    return MeasurePage(
        measure=measure,
        plan=plan,
        values=values,
        latest=latest,
        status=status,
        rule_text=rule_text(measure),
        chart=MeasureChart.objects.filter(measure=measure).first(),
        computation=computation,
        last_updated=last_updated,
        next_due=due.next_due,
        overdue=due.overdue,
        expected_period=due.expected,
        expected_name=due.expected_name,
        closed_on=due.closed_on,
        exclusions=exclusions,
        breakdowns=breakdowns,
        loads=loads,
    )
