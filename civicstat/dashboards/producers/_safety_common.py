"""Shared pieces of the public-safety producers (HEART programs, diversion, familiar neighbors,
response times): the reporting window, formatted numbers and histograms of usable intervals.

The window is the latest twelve whole local months that have data and ended by the refresh date
(``as_of``): a city whose extract runs to last week reports the twelve months to the end of last
month; the demo, whose synthetic year is 2023, reports January to December 2023. Months are cut in
local time (America/New_York by default), never in UTC.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import ibis
import ibis.expr.types as ir
import pandas as pd
from django.conf import settings
from django.utils.translation import gettext as _

from civicstat.dashboards.analysis.build import NO_DATA, number
from civicstat.dashboards.charts.formatting import MONTH_ABBREVIATIONS, MONTHS
from civicstat.safety._expr import LOCAL_TIMEZONE, local_time
from civicstat.safety.diversion import EligibilityRuleSet
from civicstat.safety.response_times import SegmentRules

WINDOW_MONTHS = 12


# --- what a city configures (Django settings; docs/community-safety.md) -----------------------


def local_zone() -> str:
    """The zone months, hours and weekdays are read in: the site's ``TIME_ZONE``."""
    zone = getattr(settings, "TIME_ZONE", None)
    return zone if zone and zone != "UTC" else LOCAL_TIMEZONE


def eligibility_rules() -> EligibilityRuleSet:
    """The diversion rule set: ``CIVICSTAT_ELIGIBILITY_RULES`` (a YAML path), else Durham's."""
    path = getattr(settings, "CIVICSTAT_ELIGIBILITY_RULES", None)
    return EligibilityRuleSet.from_yaml(path) if path else EligibilityRuleSet.durham()


def segment_rules() -> SegmentRules:
    """The response-time rules: ``CIVICSTAT_SEGMENT_RULES`` (a YAML path), else the defaults."""
    path = getattr(settings, "CIVICSTAT_SEGMENT_RULES", None)
    return SegmentRules.from_yaml(path) if path else SegmentRules.default()


@dataclass(frozen=True)
class Window:
    """``[start, end)`` in local dates (first days of months), read in ``tz``."""

    start: dt.date
    end: dt.date
    tz: str = LOCAL_TIMEZONE

    def instant(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), ZoneInfo(self.tz)).astimezone(dt.UTC)

    def filter(self, table: ir.Table, column: str = "received_at") -> ir.Table:
        """The rows of ``table`` whose ``column`` instant falls in the window."""
        start, end = self.instant(self.start), self.instant(self.end)
        return table.filter((table[column] >= start) & (table[column] < end))

    @property
    def last_month(self) -> dt.date:
        return add_months(self.end, -1)

    @property
    def label(self) -> str:
        """``January to December 2023``, ``July 2023 to June 2024``, ``March 2023``."""
        first, last = self.start, self.last_month
        if first == last:
            return month_name(first)
        if first.year == last.year:
            return _("%(first)s to %(last)s") % {
                "first": _(MONTHS[first.month - 1]),
                "last": month_name(last),
            }
        return _("%(first)s to %(last)s") % {"first": month_name(first), "last": month_name(last)}

    def parameters(self) -> dict[str, str]:
        return {
            "window_start": self.start.isoformat(),
            "window_end": self.end.isoformat(),
            "timezone": self.tz,
        }


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_name(day: dt.date) -> str:
    return _("%(month)s %(year)s") % {"month": _(MONTHS[day.month - 1]), "year": day.year}


def month_short(day: dt.date) -> str:
    return _("%(month)s %(year)s") % {
        "month": _(MONTH_ABBREVIATIONS[day.month - 1]),
        "year": day.year,
    }


def data_window(
    table: ir.Table,
    as_of: dt.date,
    column: str = "received_at",
    months: int = WINDOW_MONTHS,
    tz: str = LOCAL_TIMEZONE,
) -> Window | None:
    """The latest ``months`` whole local months with data that ended by ``as_of``; None when
    the table has no row up to ``as_of``. When the only data is in ``as_of``'s own month, that
    unfinished month closes the window."""
    this_month = as_of.replace(day=1)
    probe = Window(this_month, this_month, tz)

    def last_before(day: dt.date) -> dt.date | None:
        rows = table.filter(table[column] < probe.instant(day))
        last = rows.aggregate(last=local_time(rows[column], tz).max()).to_pandas()["last"].iloc[0]
        return None if last is None or pd.isna(last) else pd.Timestamp(last).date()

    last = last_before(this_month)
    if last is not None:
        end = add_months(last.replace(day=1), 1)
    elif last_before(as_of + dt.timedelta(days=1)) is not None:
        end = add_months(this_month, 1)
    else:
        return None
    return Window(add_months(end, -months), end, tz)


# --- numbers as read -------------------------------------------------------------------------


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def count(value) -> str:
    return NO_DATA if is_missing(value) else number(int(value))


def minutes(value, decimals: int = 2) -> str:
    if is_missing(value):
        return NO_DATA
    return _("%(value)s min") % {"value": number(float(value), decimals)}


def seconds_as_minutes(value) -> str:
    """Seconds shown as ``m:ss`` (``5:48``), the way response-time targets are written."""
    if is_missing(value):
        return NO_DATA
    total = int(round(float(value)))
    return f"{total // 60}:{total % 60:02d}"


def percent(value, decimals: int = 2) -> str:
    if is_missing(value):
        return NO_DATA
    return _("%(value)s%%") % {"value": number(float(value), decimals)}


def share_of(numerator, denominator) -> float | None:
    if is_missing(denominator) or not denominator:
        return None
    return float(numerator) * 100.0 / float(denominator)


# --- histograms --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Histogram:
    """Counts of usable values in bins ``[k·width, (k+1)·width)``; the last bin is open."""

    width: float
    top: float
    counts: tuple[int, ...]
    unit: str = "min"

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def labels(self) -> list[str]:
        out = []
        for k in range(len(self.counts)):
            low = k * self.width
            if k == len(self.counts) - 1:
                out.append(_("%(low)s or more") % {"low": number(low)})
            else:
                out.append(
                    _("%(low)s to %(high)s")
                    % {"low": number(low), "high": number(low + self.width)}
                )
        return out

    @property
    def mode_label(self) -> str:
        return self.labels[max(range(len(self.counts)), key=lambda k: self.counts[k])]


def histograms(
    view: ir.Table, value: str, usable: ir.BooleanValue, width: float, top: float, by: str
) -> dict[str, Histogram]:
    """One histogram of ``value`` per ``by`` group, over the rows where ``usable`` holds (values
    are ≥ 0 there: negative intervals are excluded with a reason, never clipped)."""
    last = int(top // width)
    rows = view.filter(usable)
    k = ibis.least((rows[value] / width).floor().cast("int64"), last)
    frame = rows.mutate(_bin=k).group_by([by, "_bin"]).agg(n=ibis._.count()).to_pandas()
    out = {}
    for group, part in frame.groupby(by):
        counts = [0] * (last + 1)
        for b, n in zip(part["_bin"], part["n"], strict=True):
            counts[int(b)] += int(n)
        out[str(group)] = Histogram(width, top, tuple(counts))
    return out


def combine(parts: Sequence[Histogram]) -> Histogram | None:
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    counts = tuple(sum(c) for c in zip(*(p.counts for p in parts), strict=True))
    return Histogram(parts[0].width, parts[0].top, counts, parts[0].unit)
