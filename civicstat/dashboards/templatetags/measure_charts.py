"""The published chart of a measure, for the cards on initiative, goal and data pages.

Reads the publishing database only (MeasureChart, MeasureValue): the chart was drawn when the
values were published, so nothing is rendered during the request.
"""

from __future__ import annotations

from django import template

from civicstat.dashboards.measure_page import due_state
from civicstat.dashboards.periods import name_of_period
from civicstat.measures.models import MeasureChart
from civicstat.measures.services.summary import status_display

register = template.Library()


@register.inclusion_tag("dashboards/measure_chart.html", takes_context=True)
def measure_chart(context, measure):
    """The measure's chart with its text summary, a link to its data table, and an Overdue
    notice when the latest expected value has not been published."""
    plan = context.get("plan")
    plan = getattr(plan, "specific", plan)
    fy = getattr(plan, "fiscal_year_start_month", None)
    due = due_state(measure, fy=fy)
    return {
        "measure": measure,
        "chart": MeasureChart.objects.filter(measure=measure).first(),
        "due": due,
        "overdue_status": status_display(plan, "overdue") if due.overdue else None,
        "table_link": f"{measure.public_url}#measure-data" if measure.public_url else "",
    }


@register.filter
def category_name(value, measure):
    """A breakdown category as the charts name it ("Fire Department" for ``fire``)."""
    namer = getattr(measure, "_category_namer", None)
    if namer is None:
        from civicstat.dashboards.publishing import category_namer

        namer = measure._category_namer = category_namer(measure)
    return namer(value)


@register.filter
def period_name(period) -> str:
    """A period as a resident reads it: "November 2026" for a month, "2026" for a calendar year,
    "week of July 3, 2023" for a Monday-to-Sunday week, otherwise its label ("2026 Q3",
    "FY2025"). Takes anything with ``period_start``/``period_end``/``period_label`` (a published
    value) or ``start``/``end``/``label`` (an engine period); a manual value without an end
    keeps its label."""
    return name_of_period(period)
