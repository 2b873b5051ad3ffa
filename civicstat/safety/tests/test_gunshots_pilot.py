"""The pilot page bundle on a hand-built week: confirmation by notification, 911-only response
times and the evaluation-period marks."""

from __future__ import annotations

import datetime as dt

import pytest

from civicstat.safety.gunshots import Period, PilotConfig, gunshot_pilot
from civicstat.safety.tests import gunshot_tables as gt

LON, LAT = gt.ORIGIN


def _alert(i: int, when: str, **kw) -> dict:
    return {
        "alert_id": f"A{i}",
        "detected_at": when,
        "longitude": LON + i * 0.01,
        "latitude": LAT,
        "rounds": 2,
        **kw,
    }


ALERTS = [
    _alert(
        1,
        "2023-03-01T21:00:00-05:00",
        published_at="2023-03-01T21:00:40-05:00",
        first_arrival_at="2023-03-01T21:05:40-05:00",
    ),
    _alert(
        2,
        "2023-03-02T21:00:00-05:00",
        published_at="2023-03-02T21:01:30-05:00",
        first_arrival_at="2023-03-02T21:04:30-05:00",
    ),
    _alert(3, "2023-03-03T21:00:00-05:00"),
    _alert(4, "2023-03-09T21:00:00-05:00"),  # after the evaluation period
]
CALLS = [
    # A resident's call 90 s after alert A1, 30 m away: both.
    {
        "call_id": "C1",
        "received_at": "2023-03-01T21:01:30-05:00",
        "longitude": gt.offset(LON + 0.01, LAT, 30)[0],
        "latitude": LAT,
        "onscene_at": "2023-03-01T21:06:00-05:00",
    },
    # 911-only calls, arrivals 400 s and 500 s after the call (one unit row each, two for C3).
    {
        "call_id": "C2",
        "received_at": "2023-03-04T22:00:00-05:00",
        "longitude": LON - 0.05,
        "latitude": LAT,
        "onscene_at": "2023-03-04T22:06:40-05:00",
        "unit_id": "U1",
    },
    {
        "call_id": "C3",
        "received_at": "2023-03-05T22:00:00-05:00",
        "longitude": LON - 0.05,
        "latitude": LAT,
        "onscene_at": "2023-03-05T22:08:20-05:00",
        "unit_id": "U1",
    },
    {
        "call_id": "C3",
        "received_at": "2023-03-05T22:00:00-05:00",
        "longitude": LON - 0.05,
        "latitude": LAT,
        "onscene_at": "2023-03-05T22:09:00-05:00",
        "unit_id": "U2",
    },
]
OUTCOMES = [
    {"alert_id": "A1", "confirmed_gunfire": True, "casings": 4},
    {"alert_id": "A2", "confirmed_gunfire": True},
    {"alert_id": "A3", "confirmed_gunfire": False},
]


@pytest.fixture(scope="module")
def pilot():
    period = Period.from_dates(dt.date(2023, 3, 1), dt.date(2023, 3, 7))
    return gunshot_pilot(
        gt.alerts(ALERTS),
        PilotConfig(period=period),
        outcomes=gt.outcomes(OUTCOMES),
        calls=gt.calls(CALLS),
    )


def test_measures_cover_the_evaluation_period_only(pilot):
    assert pilot.volume.alerts == 3
    assert (pilot.published.numerator, pilot.published.denominator) == (1, 2)
    _, arrival, _ = pilot.response
    assert arrival.n_used == 2 and arrival.median_s == 180.0  # 300 s and 180 s: lower middle
    assert pilot.outcomes.set_index("outcome").loc["casings", "total"] == 4
    assert pilot.detection is None


def test_notifications_confirmation_and_911_only_response(pilot):
    assert (pilot.matching.n_both, pilot.matching.n_alert_only, pilot.matching.n_call_only) == (
        1,
        2,
        2,
    )
    confirmation = pilot.confirmation.set_index("notification")
    assert confirmation.loc["both", ["alerts", "confirmed_gunfire"]].tolist() == [1, 1]
    assert confirmation.loc["alert_only", ["alerts", "confirmed_gunfire"]].tolist() == [2, 1]
    assert confirmation.loc["all", "share"] == pytest.approx(2 / 3)
    assert pilot.call_response.n_used == 2
    assert pilot.call_response.median_s == 400.0  # C2 400 s, C3 first unit 500 s
    assert pilot.call_response.p90_s is None  # fewer than 20


def test_series_mark_the_evaluation_days(pilot):
    weekly = pilot.weekly.set_index("week_start")
    assert weekly.loc[dt.date(2023, 2, 27), ["alerts", "evaluation_days"]].tolist() == [3, 5]
    assert weekly.loc[dt.date(2023, 3, 6), ["alerts", "evaluation_days"]].tolist() == [1, 2]
    monthly = pilot.monthly.set_index("month")
    assert monthly.loc[dt.date(2023, 3, 1), ["alerts", "evaluation_days"]].tolist() == [4, 7]
