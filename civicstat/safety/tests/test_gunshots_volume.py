"""Holiday exclusion windows and alert counts per week and month (methods.md §2.1, §2.2)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pandas as pd
import pytest

from civicstat.safety.gunshots import (
    Period,
    alert_volume,
    alerts_by_month,
    alerts_by_week,
    holiday_windows,
    in_holiday_window,
)
from civicstat.safety.tests import gunshot_tables as gt

NY = "America/New_York"


def test_holiday_windows_are_48_hours_either_side_of_the_local_holiday():
    windows = holiday_windows(2022, 2023).set_index(["holiday", "year"])
    nye = windows.loc[("new_years_eve", 2022)]
    assert nye["starts_at"] == pd.Timestamp("2022-12-29T00:00:00-05:00")
    assert nye["ends_at"] == pd.Timestamp("2023-01-03T00:00:00-05:00")
    july = windows.loc[("independence_day", 2023)]
    assert july["starts_at"] == pd.Timestamp("2023-07-02T00:00:00-04:00")
    assert july["ends_at"] == pd.Timestamp("2023-07-07T00:00:00-04:00")
    assert str(nye["starts_at"].tz) == "UTC"


@pytest.mark.parametrize(
    ("local_time", "inside"),
    [
        ("2022-12-28T23:59:59-05:00", False),
        ("2022-12-29T00:00:00-05:00", True),  # window start is inside
        ("2023-01-01T12:00:00-05:00", True),  # New Year's Day is covered
        ("2023-01-02T23:59:59-05:00", True),
        ("2023-01-03T00:00:00-05:00", False),  # window end is outside (half-open)
        ("2023-07-01T23:59:59-04:00", False),
        ("2023-07-02T00:00:00-04:00", True),
        ("2023-07-06T23:59:59-04:00", True),
        ("2023-07-07T00:00:00-04:00", False),
        ("2023-03-15T12:00:00-04:00", False),
    ],
)
def test_in_holiday_window_edges(local_time, inside):
    times = pd.Series([pd.Timestamp(local_time).tz_convert("UTC"), pd.NaT]).astype(
        "datetime64[us, UTC]"
    )
    assert in_holiday_window(times).tolist() == [inside, False]


def test_hours_are_configurable():
    t = pd.Series([pd.Timestamp("2023-07-03T11:59:59-04:00").tz_convert("UTC")])
    assert in_holiday_window(t).iloc[0]
    assert not in_holiday_window(t, hours=12).iloc[0]  # the 12 h window starts Jul 3 12:00


def _rows(times: list[str], rounds: list[int | None] | None = None) -> list[dict]:
    rounds = rounds or [1] * len(times)
    return [
        {"alert_id": f"A{i}", "detected_at": t, "rounds": r}
        for i, (t, r) in enumerate(zip(times, rounds, strict=True))
    ]


def test_weekly_counts_use_local_iso_weeks_and_fill_gaps():
    times = [
        "2023-01-02T04:59:00+00:00",  # Sunday Jan 1 23:59 local: ISO week 2022-W52
        "2023-01-02T05:00:00+00:00",  # Monday Jan 2 00:00 local: 2023-W01
        "2023-01-08T23:00:00-05:00",  # Sunday: 2023-W01
        "2023-01-23T10:00:00-05:00",  # 2023-W04 (W02 and W03 empty)
    ]
    out = alerts_by_week(gt.alerts(_rows(times, [2, 3, None, 4])))
    assert out["week_start"].tolist() == [
        dt.date(2022, 12, 26),
        dt.date(2023, 1, 2),
        dt.date(2023, 1, 9),
        dt.date(2023, 1, 16),
        dt.date(2023, 1, 23),
    ]
    assert out["iso_week"].tolist() == [52, 1, 2, 3, 4]
    assert out["iso_year"].tolist() == [2022, 2023, 2023, 2023, 2023]
    assert out["alerts"].tolist() == [1, 2, 0, 0, 1]
    assert out["rounds"].tolist() == [2, 3, 0, 0, 4]
    assert out["days_in_period"].tolist() == [1, 7, 7, 7, 1]


def test_weekly_counts_over_a_period_match_an_independent_pandas_count():
    times = pd.date_range("2022-12-10", "2023-12-20", freq="17h", tz=NY)
    rows = _rows([t.isoformat() for t in times])
    period = Period.from_dates(dt.date(2022, 12, 15), dt.date(2023, 12, 14))
    out = alerts_by_week(gt.alerts(rows), period=period)
    inside = times[(times >= period.start) & (times < period.end)]
    local = inside.tz_convert(NY)
    expected = Counter(tuple(d.isocalendar()[:2]) for d in local.date)
    got = {
        (y, w): n for y, w, n in zip(out["iso_year"], out["iso_week"], out["alerts"], strict=True)
    }
    assert got == dict(expected)
    assert out["alerts"].sum() == len(inside)
    assert out["days_in_period"].iloc[0] == 4  # Thu Dec 15 .. Sun Dec 18
    assert out["days_in_period"].iloc[-1] == 4  # Mon Dec 11 .. Thu Dec 14


def test_monthly_counts_and_volume():
    times = [
        "2023-06-30T23:30:00-04:00",
        "2023-07-01T03:30:00+00:00",  # June 30 23:30 local
        "2023-07-03T12:00:00-04:00",  # holiday window
        "2023-07-20T12:00:00-04:00",
        "2023-09-01T00:00:00-04:00",
    ]
    table = gt.alerts(_rows(times, [1, 5, 9, 2, None]))
    period = Period.from_dates(dt.date(2023, 6, 15), dt.date(2023, 9, 14))
    out = alerts_by_month(table, period=period)
    assert out["month"].tolist() == [dt.date(2023, m, 1) for m in (6, 7, 8, 9)]
    assert out["alerts"].tolist() == [2, 2, 0, 1]
    assert out["days_in_period"].tolist() == [16, 31, 31, 14]
    volume = alert_volume(table, period=period)
    assert (volume.alerts, volume.rounds, volume.alerts_with_rounds) == (4, 8, 3)
    assert volume.rounds_per_alert == pytest.approx(8 / 3)
    assert volume.alerts_per_day == pytest.approx(4 / 92)
    assert volume.days == 92
    assert {e.reason: e.count for e in volume.excluded} == {"holiday_window": 1}
    everything = alert_volume(table, period=period, exclude_holidays=False)
    assert everything.alerts == 5
