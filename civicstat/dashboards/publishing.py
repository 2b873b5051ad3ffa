"""Charts are drawn when values are published (refresh or a manual measure's publication),
stored as MeasureChart rows, and served as they are: no chart is rendered during a request."""

from __future__ import annotations

import pandas as pd
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from civicstat.dashboards.charts import COLUMNS, ChartOptions, StatusStyle, build_chart
from civicstat.measures.models import Direction, Measure, MeasureChart, MeasureValue
from civicstat.measures.services.rules import plan_of


def chart_options(measure: Measure) -> ChartOptions:
    plan = plan_of(measure)
    statuses = None
    if plan is not None:
        statuses = {
            option.key: StatusStyle(option.label, option.colour, option.icon)
            for option in plan.specific.measure_statuses()
        } or None
    target_range = (
        (measure.target_low, measure.target_high)
        if measure.direction == Direction.TARGET_RANGE
        and measure.target_low is not None
        and measure.target_high is not None
        else None
    )
    return ChartOptions(
        title=measure.name,
        unit=measure.unit,
        value_format=measure.value_format,
        decimals=measure.decimals,
        direction=measure.direction,
        target_range=target_range,
        annotations=[(a.date, a.label) for a in measure.annotations.all()],
        statuses=statuses,
        gettext=gettext,
        ngettext=ngettext,
        format_number=lambda value, decimals: number_format(
            value, decimal_pos=decimals, use_l10n=True, force_grouping=True
        ),
    )


def values_frame(measure: Measure) -> pd.DataFrame:
    rows = MeasureValue.objects.filter(measure=measure).order_by("period_start", "breakdown")
    frame = pd.DataFrame.from_records(rows.values(*COLUMNS), columns=list(COLUMNS))
    frame["value"] = frame["value"].astype("float64")
    frame["target"] = frame["target"].astype("float64")
    frame["breakdown"] = frame["breakdown"].map(category_namer(measure))
    return frame


def category_namer(measure: Measure):
    """Categories as a resident reads them: a breakdown by department shows the department's
    name ("Emergency Communications"), not the code in the data ("emergency_communications")."""
    if (measure.spec or {}).get("breakdown") != "department":
        return lambda value: value
    from civicstat.core.models import Department

    names = {d.slug: d.name for d in Department.objects.all()}

    def name(value: str) -> str:
        key = str(value).strip().lower().replace("_", "-").replace(" ", "-")
        return names.get(key, value) if value else value

    return name


def publish_chart(measure: Measure) -> MeasureChart | None:
    """Draw and store the measure's chart from its published values (None when it has none)."""
    frame = values_frame(measure)
    if frame.empty:
        MeasureChart.objects.filter(measure=measure).delete()
        return None
    with translation.override(settings.LANGUAGE_CODE):
        chart = build_chart(frame, chart_options(measure), chart_id=f"measure-{measure.pk}-chart")
    stored, _ = MeasureChart.objects.update_or_create(
        measure=measure,
        defaults={
            "svg": chart.svg,
            "summary": chart.summary,
            "alt": chart.alt[:300],
            "table": chart.table.as_dict(),
            "spec": chart.spec,
            "rendered_at": timezone.now(),
        },
    )
    return stored


def publish_charts(measures) -> None:
    for measure in measures:
        publish_chart(measure)
