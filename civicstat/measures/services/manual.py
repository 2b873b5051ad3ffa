"""Publishing values typed in by staff: when a measure's revision is published, its manual values
become published values (with status and small-cell suppression), and its chart is redrawn."""

from __future__ import annotations

import pandas as pd
from django.db import transaction

from civicstat.measures.engine import evaluate, suppress_cumulative, suppress_table
from civicstat.measures.models import (
    Measure,
    MeasureKind,
    MeasureValue,
    SuppressionShape,
    ValueSource,
)
from civicstat.measures.services.rules import fiscal_year_start, period_of, status_rule_for


def suppress_people(rows: list[MeasureValue], shape: str) -> None:
    """Mask counts of people 1–10 (and complementary cells) per period, in place."""
    by_period: dict = {}
    for row in rows:
        by_period.setdefault(row.period_start, []).append(row)
    for group in by_period.values():
        if shape == SuppressionShape.CUMULATIVE:
            ordered = sorted(group, key=lambda r: -(r.value or 0))
            result = suppress_cumulative(pd.Series([r.value for r in ordered]))
            for row, reason in zip(ordered, result["suppression"], strict=True):
                _mask(row, reason)
            continue
        overall = [r for r in group if r.breakdown == ""]
        cells = [r for r in group if r.breakdown != ""]
        if not cells:
            for row in overall:
                table = pd.DataFrame([[row.value]], columns=["value"], index=["all"])
                _mask(row, suppress_table(table)["suppression"].iloc[0])
            continue
        table = pd.DataFrame(
            [[r.value for r in cells]], columns=[r.breakdown for r in cells], index=["all"]
        )
        result = suppress_table(table, row_totals=bool(overall))
        reasons = dict(zip(result["column"], result["suppression"], strict=True))
        for row in cells:
            _mask(row, reasons[row.breakdown])
        for row in overall:
            _mask(row, reasons.get("(total)", ""))


def _mask(row: MeasureValue, reason: str) -> None:
    if reason:
        row.value = None
        row.suppressed = True
        row.suppression_reason = reason


@transaction.atomic
def publish_manual_values(measure: Measure) -> list[MeasureValue]:
    """Replace the measure's published manual values with its (live) entered values."""
    fy = fiscal_year_start(measure)
    rule = status_rule_for(measure, fy)
    rows = []
    for entry in measure.manual_values.all().order_by("period_start", "breakdown"):
        period = period_of(measure, entry.period_start, fy)
        start = entry.period_start
        end = entry.period_end or period.end
        label = entry.period_label or (
            period.label
            if start == period.start and not entry.period_end
            else f"{start:%b %-d, %Y} – {end:%b %-d, %Y}"
        )
        result = evaluate(rule, entry.value, None, label)
        rows.append(
            MeasureValue(
                measure=measure,
                source=ValueSource.MANUAL,
                period_start=start,
                period_end=end,
                period_label=label,
                breakdown=entry.breakdown,
                value=entry.value,
                target=result.target if isinstance(result.target, int | float) else None,
                status=result.key.value,
                status_explanation=result.explanation,
                status_message=result.message,
                status_params=dict(result.params),
                entered_by_name=entry.entered_by_name
                or (entry.entered_by.get_full_name() if entry.entered_by else ""),
                entered_at=entry.entered_at,
                note=entry.note,
            )
        )
    if measure.counts_people:
        suppress_people(rows, measure.suppression_shape)
    MeasureValue.objects.filter(measure=measure, source=ValueSource.MANUAL).delete()
    MeasureValue.objects.bulk_create(rows)
    from civicstat.dashboards.publishing import publish_chart

    publish_chart(measure)
    return rows


def on_measure_published(sender, instance, **kwargs):
    if isinstance(instance, Measure) and instance.kind == MeasureKind.MANUAL:
        publish_manual_values(instance)
