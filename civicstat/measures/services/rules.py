"""From a Measure row to the engine's objects: its grain, fiscal year, status rule and spec."""

from __future__ import annotations

import datetime as dt

from civicstat.measures.engine import Grain, MeasureSpec, StatusRule, period_containing
from civicstat.measures.engine.periods import Period
from civicstat.measures.models import Direction, Measure

UNIT_WORDS = {"percent": "%", "minutes": "minutes", "seconds": "seconds", "currency": "dollars"}


def plan_of(measure: Measure):
    from civicstat.plans.models import PlanPage

    if measure.page_id is None:
        return None
    return PlanPage.objects.ancestor_of(measure.page, inclusive=True).first()


def fiscal_year_start(measure: Measure) -> int:
    plan = plan_of(measure)
    return plan.specific.fiscal_year_start_month if plan else 7


def grain_of(measure: Measure) -> Grain:
    return Grain(measure.cadence)


def period_of(measure: Measure, start: dt.date, fy_start: int | None = None) -> Period:
    fy = fiscal_year_start(measure) if fy_start is None else fy_start
    return period_containing(start, grain_of(measure), fy)


def status_rule_for(measure: Measure, fy_start: int | None = None) -> StatusRule:
    """The status rule of methods.md §6 with the measure's direction, targets and tolerance.

    Period targets are keyed by the label of the period they start (FY2025, 2024-07, …)."""
    fy = fiscal_year_start(measure) if fy_start is None else fy_start
    ranged = measure.direction == Direction.TARGET_RANGE
    standing = (
        (measure.target_low, measure.target_high)
        if ranged and measure.target_low is not None and measure.target_high is not None
        else None
        if ranged
        else measure.target
    )
    targets = {
        period_of(measure, t.period_start, fy).label: t.target for t in measure.period_targets.all()
    }
    unit = UNIT_WORDS.get(measure.value_format, measure.unit)
    return StatusRule.from_dict(
        {
            "direction": measure.direction,
            "target": list(standing) if isinstance(standing, tuple) else standing,
            "targets": {} if ranged else targets,
            "close_tol": measure.tolerance,
            "tol_mode": measure.tolerance_mode,
            "min_n": measure.min_n,
            "precision": measure.decimals,
            "unit": unit,
        }
    )


def spec_of(measure: Measure) -> MeasureSpec:
    """The computed measure's spec, with the measure's own people-counting flag applied."""
    data = dict(measure.spec or {})
    data.setdefault("counts_people", measure.counts_people)
    return MeasureSpec.from_dict(data)
