"""Calendar layouts: a month as weeks of days, a week, and an agenda grouped by day.

Days are local calendar days in the site's time zone; an occurrence is listed on every day it
overlaps (a two-day fair on both days; an evening meeting ending at midnight only on its own).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.formats import get_format

from civicstat.events.occurrences import CalendarFilter, Occurrence, occurrences


@dataclass(frozen=True)
class Day:
    date: date
    in_month: bool
    is_today: bool
    occurrences: tuple[Occurrence, ...]


@dataclass(frozen=True)
class MonthGrid:
    first: date
    weeks: tuple[tuple[Day, ...], ...]
    weekdays: tuple[date, ...]  # one date per column, for the column headers

    @property
    def count(self) -> int:
        return len(
            {o.occurrence_id for w in self.weeks for d in w if d.in_month for o in d.occurrences}
        )

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1)


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=timezone.get_current_timezone())


def by_day(occs: list[Occurrence], first: date, last: date) -> dict[date, list[Occurrence]]:
    """Occurrences listed on each local day of [first, last] they overlap."""
    days: dict[date, list[Occurrence]] = {}
    tz = timezone.get_current_timezone()
    for occ in occs:
        start = occ.start.astimezone(tz)
        end = occ.end.astimezone(tz)
        day = max(start.date(), first)
        last_day = (end - timedelta(microseconds=1)).date() if end > start else start.date()
        while day <= min(last_day, last):
            days.setdefault(day, []).append(occ)
            day += timedelta(days=1)
    return days


def first_weekday() -> int:
    """Python's weekday number (Monday 0) of the first column, from the active locale."""
    return (int(get_format("FIRST_DAY_OF_WEEK")) - 1) % 7


def month_grid(year: int, month: int, flt: CalendarFilter) -> MonthGrid:
    cal = calendar.Calendar(firstweekday=first_weekday())
    dates = list(cal.itermonthdates(year, month))
    occs = occurrences(local_midnight(dates[0]), local_midnight(dates[-1] + timedelta(days=1)), flt)
    placed = by_day(occs, dates[0], dates[-1])
    today = timezone.localdate()
    days = [Day(d, d.month == month, d == today, tuple(placed.get(d, ()))) for d in dates]
    weeks = tuple(tuple(days[i : i + 7]) for i in range(0, len(days), 7))
    return MonthGrid(date(year, month, 1), weeks, tuple(dates[:7]))


def agenda(first: date, days: int, flt: CalendarFilter) -> list[Day]:
    """The days from ``first`` that have occurrences (all days when ``days`` <= 7)."""
    last = first + timedelta(days=days - 1)
    occs = occurrences(local_midnight(first), local_midnight(last + timedelta(days=1)), flt)
    placed = by_day(occs, first, last)
    today = timezone.localdate()
    out = []
    day = first
    while day <= last:
        if day in placed or days <= 7:
            out.append(Day(day, True, day == today, tuple(placed.get(day, ()))))
        day += timedelta(days=1)
    return out


def week_start(day: date) -> date:
    return day - timedelta(days=(day.weekday() - first_weekday()) % 7)
