"""Local calendar keys (ISO week, month) for UTC times (methods.md §0: store UTC, report local)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from civicstat.safety.gunshots.frames import LOCAL_TZ


def local_month(times: pd.Series, tz: str = LOCAL_TZ) -> pd.Series:
    """First day (a ``datetime.date``) of the local calendar month of each time."""
    local = times.dt.tz_convert(tz)
    return pd.Series(
        [dt.date(y, m, 1) for y, m in zip(local.dt.year, local.dt.month, strict=True)],
        index=times.index,
        dtype="object",
    )


def local_week(times: pd.Series, tz: str = LOCAL_TZ) -> pd.Series:
    """Monday (a ``datetime.date``) of the local ISO week of each time."""
    local = times.dt.tz_convert(tz)
    days = local.dt.tz_localize(None).dt.normalize() - pd.to_timedelta(
        local.dt.day_of_week, unit="D"
    )
    return pd.Series([d.date() for d in days], index=times.index, dtype="object")


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of every month from ``first``'s month to ``last``'s month."""
    months, current = [], dt.date(first.year, first.month, 1)
    while current <= last:
        months.append(current)
        current = dt.date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def week_range(first: dt.date, last: dt.date) -> list[dt.date]:
    """Mondays of every ISO week from ``first``'s week to ``last``'s week."""
    monday = first - dt.timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        weeks.append(monday)
        monday += dt.timedelta(days=7)
    return weeks


def days_overlapping(start: dt.date, length_days: int, first: dt.date, last: dt.date) -> int:
    """How many days of ``[start, start + length_days)`` fall within ``first..last`` (inclusive)."""
    end = start + dt.timedelta(days=length_days - 1)
    lo, hi = max(start, first), min(end, last)
    return max(0, (hi - lo).days + 1)
