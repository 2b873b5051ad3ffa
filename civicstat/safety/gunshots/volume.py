"""Alert counts per ISO week and month, and the pilot's volume figures (methods.md §2.2 "Alerts
published"; Durham's reference figures in §2.3 `[TNH-SS]`).

Weeks are local ISO weeks (Monday to Sunday, America/New_York by default) and months local
calendar months, both keyed by their first day. Every week or month from the period's first to
its last day appears, with zero when no alert fell in it; ``days_in_period`` says how many of its
days the period covers, so partial first and last weeks are visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis.expr.types as ir
import pandas as pd

from civicstat.safety.gunshots.calendar import (
    days_overlapping,
    local_month,
    local_week,
    month_range,
    week_range,
)
from civicstat.safety.gunshots.errors import GunshotDataError
from civicstat.safety.gunshots.frames import LOCAL_TZ, Period, pull_alerts
from civicstat.safety.gunshots.holidays import HOLIDAY_HOURS, in_holiday_window
from civicstat.safety.gunshots.results import Exclusion, exclusions


def _alerts(
    alerts: ir.Table,
    period: Period | None,
    alert_types: Sequence[str] | None,
    exclude_holidays: bool,
    tz: str,
    holiday_hours: float,
) -> tuple[pd.DataFrame, tuple[Exclusion, ...]]:
    frame = pull_alerts(alerts, period=period, alert_types=alert_types)
    excluded: tuple[Exclusion, ...] = ()
    if exclude_holidays:
        holiday = in_holiday_window(frame["detected_at"], tz=tz, hours=holiday_hours)
        excluded = exclusions({"holiday_window": int(holiday.sum())})
        frame = frame[~holiday]
    return frame, excluded


def _bounds(frame: pd.DataFrame, period: Period | None, tz: str):
    if period is not None:
        return period.local_dates(tz)
    if frame.empty:
        raise GunshotDataError("gunshot_alerts", "no alerts and no period given: nothing to count")
    local = frame["detected_at"].dt.tz_convert(tz)
    return local.min().date(), local.max().date()


def _counts(frame: pd.DataFrame, key: pd.Series, name: str) -> pd.DataFrame:
    work = pd.DataFrame({name: key, "rounds": frame["rounds"]})
    grouped = work.groupby(name, sort=True)
    return pd.DataFrame(
        {"alerts": grouped.size(), "rounds": grouped["rounds"].sum(min_count=0).astype("int64")}
    )


def alerts_by_week(
    alerts: ir.Table,
    *,
    period: Period | None = None,
    alert_types: Sequence[str] | None = None,
    exclude_holidays: bool = False,
    tz: str = LOCAL_TZ,
    holiday_hours: float = HOLIDAY_HOURS,
) -> pd.DataFrame:
    """Alerts per local ISO week: ``week_start``, ``iso_year``, ``iso_week``, ``alerts``,
    ``rounds`` (sum of known rounds), ``days_in_period``."""
    frame, _ = _alerts(alerts, period, alert_types, exclude_holidays, tz, holiday_hours)
    first, last = _bounds(frame, period, tz)
    counts = _counts(frame, local_week(frame["detected_at"], tz), "week_start")
    weeks = week_range(first, last)
    out = counts.reindex(weeks, fill_value=0).rename_axis("week_start").reset_index()
    iso = [w.isocalendar() for w in weeks]
    out.insert(1, "iso_year", [i.year for i in iso])
    out.insert(2, "iso_week", [i.week for i in iso])
    out["days_in_period"] = [days_overlapping(w, 7, first, last) for w in weeks]
    return out.astype({"alerts": "int64", "rounds": "int64"})


def alerts_by_month(
    alerts: ir.Table,
    *,
    period: Period | None = None,
    alert_types: Sequence[str] | None = None,
    exclude_holidays: bool = False,
    tz: str = LOCAL_TZ,
    holiday_hours: float = HOLIDAY_HOURS,
) -> pd.DataFrame:
    """Alerts per local month: ``month``, ``alerts``, ``rounds``, ``days_in_period``."""
    frame, _ = _alerts(alerts, period, alert_types, exclude_holidays, tz, holiday_hours)
    first, last = _bounds(frame, period, tz)
    counts = _counts(frame, local_month(frame["detected_at"], tz), "month")
    months = month_range(first, last)
    out = counts.reindex(months, fill_value=0).rename_axis("month").reset_index()
    lengths = [(pd.Timestamp(m) + pd.offsets.MonthBegin(1)).date() - m for m in months]
    out["days_in_period"] = [
        days_overlapping(m, n.days, first, last) for m, n in zip(months, lengths, strict=True)
    ]
    return out.astype({"alerts": "int64", "rounds": "int64"})


@dataclass(frozen=True)
class AlertVolume:
    """Alerts and rounds over a period (`[TNH-SS]` reports 1,416 alerts, 5,259 shots, 3.9 alerts
    a day and 3.7 shots an alert for Durham's pilot, excluding the holidays)."""

    alerts: int
    rounds: int
    alerts_with_rounds: int
    days: int
    excluded: tuple[Exclusion, ...]

    @property
    def rounds_per_alert(self) -> float | None:
        """Rounds over alerts whose rounds are known."""
        return self.rounds / self.alerts_with_rounds if self.alerts_with_rounds else None

    @property
    def alerts_per_day(self) -> float | None:
        """Alerts over the calendar days of the period (holiday days stay in the denominator,
        as in Durham's 3.9 = 1,416 / 365)."""
        return self.alerts / self.days if self.days else None


def alert_volume(
    alerts: ir.Table,
    *,
    period: Period | None = None,
    alert_types: Sequence[str] | None = None,
    exclude_holidays: bool = True,
    tz: str = LOCAL_TZ,
    holiday_hours: float = HOLIDAY_HOURS,
) -> AlertVolume:
    """Totals over the period; holiday windows excluded by default, as Durham reported them."""
    frame, excluded = _alerts(alerts, period, alert_types, exclude_holidays, tz, holiday_hours)
    first, last = _bounds(frame, period, tz)
    known = frame["rounds"].notna()
    return AlertVolume(
        alerts=len(frame),
        rounds=int(frame.loc[known, "rounds"].sum()),
        alerts_with_rounds=int(known.sum()),
        days=(last - first).days + 1,
        excluded=excluded,
    )
