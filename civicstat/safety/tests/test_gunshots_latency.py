"""The 60-second publication rule and the alert response times (methods.md §2.1, §2.2, §3.4)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from civicstat.safety.gunshots import (
    GunshotDataError,
    Period,
    published_within,
    published_within_by_month,
    response_times,
)
from civicstat.safety.tests import gunshot_tables as gt


def _alert(i: int, detected: str, published: str | None, **extra) -> dict:
    return {"alert_id": f"A{i}", "detected_at": detected, "published_at": published, **extra}


def _reasons(result) -> dict[str, int]:
    return {e.reason: e.count for e in result.excluded}


def test_60_second_boundary_missing_and_negative():
    t = "2023-03-01T12:00:00-05:00"
    rows = [
        _alert(1, t, "2023-03-01T12:00:59-05:00"),  # 59 s: within
        _alert(2, t, "2023-03-01T12:01:00-05:00"),  # 60 s: within (boundary counts)
        _alert(3, t, "2023-03-01T12:01:01-05:00"),  # 61 s: over
        _alert(4, t, "2023-03-01T12:01:00.000001-05:00"),  # 60 s + 1 µs: over
        _alert(5, t, None),  # missing: excluded, neither pass nor fail
        _alert(6, t, "2023-03-01T11:59:00-05:00"),  # published before detected: excluded
    ]
    result = published_within(gt.alerts(rows))
    assert (result.numerator, result.denominator) == (2, 4)
    assert result.share == pytest.approx(0.5)
    assert _reasons(result) == {"published_at_missing": 1, "published_before_detected": 1}
    assert result.limit_s == 60


def test_dst_changes_use_elapsed_time_not_wall_clock():
    rows = [
        # Fall back (2023-11-05): 01:59:50 EDT -> 01:00:20 EST is 30 s later, not -59 min.
        _alert(1, "2023-11-05T01:59:50-04:00", "2023-11-05T01:00:20-05:00"),
        # Spring forward (2023-03-12): 01:59:30 EST -> 03:00:45 EDT is 75 s later.
        _alert(2, "2023-03-12T01:59:30-05:00", "2023-03-12T03:00:45-04:00"),
        # Same wall-clock minute across the fall-back hour: 01:30 EDT -> 01:30:30 EST is 3,630 s.
        _alert(3, "2023-11-05T01:30:00-04:00", "2023-11-05T01:30:30-05:00"),
    ]
    result = published_within(gt.alerts(rows))
    assert (result.numerator, result.denominator) == (1, 3)
    assert result.excluded == ()


def test_holiday_windows_are_excluded_from_the_vendor_measure_by_default():
    rows = [
        _alert(1, "2023-07-03T22:00:00-04:00", "2023-07-03T22:02:00-04:00"),  # in July 4 window
        _alert(2, "2023-07-07T00:00:00-04:00", "2023-07-07T00:00:10-04:00"),  # window end: out
        _alert(3, "2023-07-01T23:59:59-04:00", "2023-07-02T00:00:10-04:00"),  # before window
    ]
    table = gt.alerts(rows)
    default = published_within(table)
    assert (default.numerator, default.denominator) == (2, 2)
    assert _reasons(default) == {"holiday_window": 1}
    everything = published_within(table, exclude_holidays=False)
    assert (everything.numerator, everything.denominator) == (2, 3)


def test_period_and_alert_type_filters():
    rows = [
        _alert(
            1, "2022-12-14T23:59:59-05:00", "2022-12-15T00:00:10-05:00", alert_type="single_gunshot"
        ),
        _alert(
            2, "2022-12-15T00:00:00-05:00", "2022-12-15T00:00:30-05:00", alert_type="single_gunshot"
        ),
        _alert(
            3,
            "2022-12-16T00:00:00-05:00",
            "2022-12-16T00:05:00-05:00",
            alert_type="possible_gunfire",
        ),
    ]
    period = Period.from_dates(dt.date(2022, 12, 15), dt.date(2023, 12, 14))
    result = published_within(gt.alerts(rows), period=period)
    assert (result.numerator, result.denominator) == (1, 2)
    reviewed = published_within(
        gt.alerts(rows), period=period, alert_types=("single_gunshot", "multiple_gunshots")
    )
    assert (reviewed.numerator, reviewed.denominator) == (1, 1)


def test_by_month_counts_match_a_hand_count():
    rows = [
        _alert(1, "2023-01-31T23:30:00-05:00", "2023-01-31T23:30:20-05:00"),  # Jan local
        _alert(2, "2023-02-01T04:30:00+00:00", "2023-02-01T04:32:00+00:00"),  # Jan 31 23:30 local
        _alert(3, "2023-02-01T05:00:00+00:00", "2023-02-01T05:00:40+00:00"),  # Feb 1 local
        _alert(4, "2023-02-10T12:00:00-05:00", None),
    ]
    out = published_within_by_month(gt.alerts(rows)).set_index("month")
    assert out.loc[dt.date(2023, 1, 1), ["within", "used", "excluded"]].tolist() == [1, 2, 0]
    assert out.loc[dt.date(2023, 2, 1), ["within", "used", "excluded"]].tolist() == [1, 1, 1]


def _nearest_rank(values: list[float], p: float) -> float:
    """Independent inverted-CDF percentile: the smallest value with cumulative share >= p."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def test_response_times_against_an_independent_computation():
    rng = np.random.default_rng(7)
    base = dt.datetime(2023, 3, 11, 20, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    rows, expected_dispatch, expected_arrival = [], [], []
    for i in range(57):
        detected = base + dt.timedelta(minutes=int(i * 37))
        published = detected + dt.timedelta(seconds=int(rng.integers(20, 90)))
        dispatched = published + dt.timedelta(seconds=int(rng.integers(5, 400)))
        arrived = dispatched + dt.timedelta(seconds=int(rng.integers(60, 900)))
        row = _alert(i, detected.isoformat(), published.isoformat())
        row["dispatched_at"] = dispatched.isoformat() if i % 11 else None
        row["first_arrival_at"] = arrived.isoformat() if i % 13 else None
        rows.append(row)
        if i % 11:
            expected_dispatch.append((dispatched - published).total_seconds())
        if i % 13:
            expected_arrival.append((arrived - published).total_seconds())
    dispatch, arrival, travel = response_times(gt.alerts(rows))
    assert dispatch.n_used == len(expected_dispatch)
    assert dispatch.median_s == _nearest_rank(expected_dispatch, 50)
    assert dispatch.p90_s == _nearest_rank(expected_dispatch, 90)
    assert dispatch.mean_s == pytest.approx(sum(expected_dispatch) / len(expected_dispatch))
    assert _reasons(dispatch) == {"dispatched_at_missing": 57 - len(expected_dispatch)}
    assert arrival.median_s == _nearest_rank(expected_arrival, 50)
    assert arrival.p90_s == _nearest_rank(expected_arrival, 90)
    assert arrival.method == "inverted_cdf"
    both = [i for i in range(57) if i % 11 and i % 13]
    assert travel.n_used == len(both)
    assert _reasons(travel) == {
        "dispatched_at_missing": 57 - len(expected_dispatch),
        "first_arrival_at_missing": len(expected_dispatch) - len(both),
    }


def test_response_time_exclusions_and_small_n():
    t = "2023-05-01T10:00:00-04:00"
    rows = [
        _alert(1, t, "2023-05-01T10:00:30-04:00", dispatched_at="2023-05-01T10:00:20-04:00"),
        _alert(2, t, "2023-05-01T10:00:30-04:00", dispatched_at="2023-05-01T11:00:31-04:00"),
        _alert(3, t, "2023-05-01T10:00:30-04:00", dispatched_at="2023-05-01T10:01:30-04:00"),
        _alert(4, t, None, dispatched_at="2023-05-01T10:02:00-04:00"),
    ]
    (dispatch,) = response_times(gt.alerts(rows), segments=("alert_to_dispatch",))
    assert dispatch.n_used == 1 and dispatch.median_s == 60.0
    assert dispatch.p90_s is None  # fewer than 20 intervals (methods.md §3.4)
    assert _reasons(dispatch) == {
        "published_at_missing": 1,
        "negative_interval": 1,
        "above_cap": 1,
    }
    (from_shot,) = response_times(
        gt.alerts(rows), start="detected_at", segments=("alert_to_dispatch",)
    )
    assert from_shot.start_column == "detected_at"
    assert from_shot.n_used == 3  # 20 s, 90 s and 120 s from the shot; 3,631 s is above the cap


def test_bad_arguments_are_reported():
    table = gt.alerts([_alert(1, "2023-05-01T10:00:00-04:00", None)])
    with pytest.raises(GunshotDataError, match="start must be"):
        response_times(table, start="received_at")
    with pytest.raises(GunshotDataError, match="time-zone aware"):
        Period(pd.Timestamp("2023-01-01"), pd.Timestamp("2023-02-01"))
    duplicated = gt.alerts(
        [_alert(1, "2023-05-01T10:00:00-04:00", None), _alert(1, "2023-05-02T10:00:00-04:00", None)]
    )
    with pytest.raises(GunshotDataError, match="alert_id 'A1'"):
        published_within(duplicated)
    no_time = gt.table({"alert_id": "string"}, [{"alert_id": "A1"}])
    with pytest.raises(GunshotDataError, match="'detected_at' missing"):
        published_within(no_time)
