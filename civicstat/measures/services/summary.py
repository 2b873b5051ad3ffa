"""What a page needs to show a measure: its latest published value and status, ready to render."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext, gettext_noop

from civicstat.measures.models import Measure, MeasureValue


@dataclass(frozen=True)
class StatusDisplay:
    key: str
    label: str
    colour: str
    icon: str
    explanation: str = ""
    # True when the label is one of the code's own words (translated); False when it is the
    # plan's vocabulary, written in the content's language.
    translated: bool = False


@dataclass(frozen=True)
class MeasureSummary:
    measure: Measure
    latest: MeasureValue | None
    status: StatusDisplay | None
    breakdown_values: list[MeasureValue] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return self.latest is not None or bool(self.breakdown_values)


# Used when a plan's vocabulary does not name a status the rule produced.
FALLBACK_STATUS = {
    "on_target": (gettext_noop("On Target"), "#1b7a3a", "check"),
    "close_to_target": (gettext_noop("Close to Target"), "#8a5a00", "warning"),
    "needs_improvement": (gettext_noop("Needs Improvement"), "#b3261e", "cross"),
    "target_pending": (gettext_noop("Target Pending"), "#4a5568", "dots"),
    "insufficient_data": (gettext_noop("Insufficient Data"), "#4a5568", "question"),
    "no_status": (gettext_noop("No Status"), "#4a5568", "dash"),
    "overdue": (gettext_noop("Overdue"), "#b3261e", "clock"),
}


def status_display(plan, key: str, explanation: str = "") -> StatusDisplay | None:
    if not key:
        return None
    option = plan.measure_status(key) if plan is not None else None
    if option is not None:
        return StatusDisplay(key, option.label, option.colour, option.icon, explanation)
    if key in FALLBACK_STATUS:
        label, colour, icon = FALLBACK_STATUS[key]
        return StatusDisplay(key, gettext(label), colour, icon, explanation, translated=True)
    return StatusDisplay(key, key.replace("_", " ").title(), "#4a5568", "dash", explanation)


def summarise(measures, plan) -> list[MeasureSummary]:
    """Latest overall value (breakdown "") and, when a measure has only breakdowns, the latest
    period's breakdown values."""
    measures = list(measures)
    if not measures:
        return []
    values = MeasureValue.objects.filter(measure__in=measures).order_by(
        "measure_id", "-period_start", "breakdown"
    )
    by_measure: dict[int, list[MeasureValue]] = {}
    for value in values:
        by_measure.setdefault(value.measure_id, []).append(value)
    summaries = []
    for measure in measures:
        rows = by_measure.get(measure.pk, [])
        overall = [v for v in rows if v.breakdown == ""]
        latest = overall[0] if overall else None
        breakdowns: list[MeasureValue] = []
        if latest is None and rows:
            newest = rows[0].period_start
            breakdowns = sorted(
                (v for v in rows if v.period_start == newest),
                key=lambda v: natural_key(v.breakdown),
            )
        status = status_display(plan, latest.status, latest.status_text()) if latest else None
        summaries.append(MeasureSummary(measure, latest, status, breakdowns))
    return summaries


def natural_key(text: str) -> list:
    """Sort "5 or more" before "10 or more": digits compare as numbers."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text)]
