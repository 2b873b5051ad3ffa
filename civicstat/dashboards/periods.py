"""Period names for public pages, in the active language (the chart package's Formatter with
Django's translation and date formats)."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from civicstat.dashboards.charts.formatting import Formatter
from civicstat.dashboards.charts.options import ChartOptions


def _parts(period) -> tuple[dt.date | None, dt.date | None, str]:
    if hasattr(period, "period_start"):
        return period.period_start, period.period_end, period.period_label or ""
    return (
        getattr(period, "start", None),
        getattr(period, "end", None),
        getattr(period, "label", ""),
    )


def name_of_period(period) -> str:
    if period is None or period == "":
        return ""
    if isinstance(period, str):
        return period
    start, end, label = _parts(period)
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        return label
    if (end - start).days == 7 and start.weekday() == 0:
        return gettext("week of %(date)s") % {"date": date_format(start, "DATE_FORMAT")}
    formatter = Formatter(ChartOptions(title="period", gettext=gettext, ngettext=ngettext))
    return formatter.period(start, end, label) or label
