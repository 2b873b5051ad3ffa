"""Matching alerts to 911 shots-fired calls at the edges of the windows (methods.md §2.2)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from civicstat.safety.gunshots import GunshotDataError, MatchRule, Period, match_alerts_to_calls
from civicstat.safety.gunshots.matching import candidate_pairs
from civicstat.safety.tests import gunshot_tables as gt

LON, LAT = gt.ORIGIN
T0 = pd.Timestamp("2023-06-10T22:00:00-04:00")


def _t(seconds: float) -> str:
    return (T0 + pd.Timedelta(seconds=seconds)).isoformat()


def _alert(alert_id: str, seconds: float = 0.0, metres: float = 0.0, azimuth: float = 90.0):
    lon, lat = gt.offset(LON, LAT, metres, azimuth) if metres else (LON, LAT)
    return {"alert_id": alert_id, "detected_at": _t(seconds), "longitude": lon, "latitude": lat}


def _call(call_id: str, seconds: float = 0.0, metres: float = 0.0, azimuth: float = 90.0, **kw):
    lon, lat = gt.offset(LON, LAT, metres, azimuth) if metres else (LON, LAT)
    return {"call_id": call_id, "received_at": _t(seconds), "longitude": lon, "latitude": lat, **kw}


def _match(alerts, calls, **kw):
    return match_alerts_to_calls(gt.alerts(alerts), gt.calls(calls), **kw)


def _pairs(result) -> dict[str, str | None]:
    frame = result.alerts
    return {
        a: (None if pd.isna(c) else c)
        for a, c in zip(frame["alert_id"], frame["call_id"], strict=True)
    }


@pytest.mark.parametrize(
    ("seconds", "matched"),
    [(600.0, True), (-600.0, True), (600.001, False), (-600.001, False), (601.0, False)],
)
def test_time_window_edges(seconds, matched):
    result = _match([_alert("A")], [_call("C", seconds=seconds, metres=10)])
    assert _pairs(result) == {"A": "C" if matched else None}
    assert result.n_both == int(matched)
    assert result.n_call_only == int(not matched)


@pytest.mark.parametrize(
    ("metres", "matched"), [(250.0, True), (249.999, True), (250.01, False), (251.0, False)]
)
def test_distance_window_edges(metres, matched):
    result = _match([_alert("A")], [_call("C", seconds=30, metres=metres, azimuth=33.0)])
    assert _pairs(result) == {"A": "C" if matched else None}
    if matched:
        assert result.alerts["distance_m"].iloc[0] == pytest.approx(metres, abs=0.001)


def test_configured_windows_are_used():
    rule = MatchRule(window_s=120, radius_m=100)
    result = _match(
        [_alert("A1"), _alert("A2", seconds=5000)],
        [_call("C1", seconds=121, metres=10), _call("C2", seconds=5000, metres=99)],
        rule=rule,
    )
    assert _pairs(result) == {"A1": None, "A2": "C2"}


def test_alert_with_two_candidate_calls_takes_the_closest_in_time_then_distance():
    result = _match(
        [_alert("A")],
        [_call("C-far-in-time", seconds=200, metres=5), _call("C-near", seconds=-40, metres=200)],
    )
    assert _pairs(result) == {"A": "C-near"}
    assert result.calls.set_index("call_id")["notification"].to_dict() == {
        "C-far-in-time": "call_only",
        "C-near": "both",
    }
    tie = _match(
        [_alert("A")],
        [_call("C-200m", seconds=60, metres=200), _call("C-20m", seconds=60, metres=20)],
    )
    assert _pairs(tie) == {"A": "C-20m"}


def test_call_matching_two_alerts_goes_to_one_only():
    result = _match(
        [_alert("A-early", seconds=-300), _alert("A-late", seconds=100)],
        [_call("C", seconds=120, metres=30)],
    )
    assert _pairs(result) == {"A-early": None, "A-late": "C"}
    assert (result.n_alert_only, result.n_call_only, result.n_both) == (1, 0, 1)
    assert result.alerts.set_index("alert_id").loc["A-late", "seconds_apart"] == 20.0


def test_greedy_order_is_by_time_apart_not_maximum_matching():
    # A1 is 10 s from C1 and 60 s from C2; A2 is 30 s from C1 only. Greedy takes A1-C1 first,
    # so A2 is left without a call and C2 too (documented: one-to-one greedy, not maximal).
    result = _match(
        [_alert("A1"), _alert("A2", seconds=-20, metres=100)],
        [_call("C1", seconds=10), _call("C2", seconds=60, metres=240, azimuth=270)],
    )
    assert _pairs(result) == {"A1": "C1", "A2": None}
    assert result.n_call_only == 1


def test_call_filters_unit_rows_and_exclusions():
    calls = [
        _call("C1", seconds=30, metres=10, unit_id="U1"),
        _call("C1", seconds=45, metres=10, unit_id="U2"),  # second unit row of the same call
        _call("C2", seconds=5000, call_type=" shots fired "),  # case and spaces ignored
        _call("C3", seconds=50, call_type="SHOTSPOTTER"),  # not a resident shots-fired nature
        _call("C4", seconds=60, self_initiated=True),  # officer-initiated
        {"call_id": "C5", "received_at": _t(70)},  # no location
        _call("C6", seconds=9000, call_type="ASSAULT"),
    ]
    alerts = [_alert("A1"), {"alert_id": "A2", "detected_at": _t(40)}]  # A2 has no location
    result = _match(alerts, calls)
    assert _pairs(result) == {"A1": "C1"}
    assert sorted(result.calls["call_id"]) == ["C1", "C2"]
    assert {e.reason: e.count for e in result.excluded_calls} == {
        "self_initiated": 1,
        "call_location_missing": 1,
    }
    assert {e.reason: e.count for e in result.excluded_alerts} == {"alert_location_missing": 1}
    keep_officer = _match(alerts, calls, rule=MatchRule(exclude_self_initiated=False))
    assert "C4" in set(keep_officer.calls["call_id"])


def test_period_edges_and_coverage_area():
    start = pd.Timestamp("2023-06-10T22:00:00-04:00")
    period = Period(start, start + pd.Timedelta(days=1))
    alerts = [_alert("A-inside", seconds=100), _alert("A-before", seconds=-100)]
    calls = [
        _call("C-before-start", seconds=-50, metres=20),  # outside the period, matches A-inside
        _call("C-early-unmatched", seconds=-400, metres=2000),  # outside the period: excluded
        _call("C-in", seconds=4000, metres=100),  # inside the period and the area: 911-only
        _call("C-away", seconds=8000, metres=3000),  # inside the period, outside the area
    ]
    area = box(LON - 0.01, LAT - 0.01, LON + 0.01, LAT + 0.01)
    result = _match(alerts, calls, period=period, coverage=area)
    assert _pairs(result) == {"A-inside": "C-before-start"}
    assert result.calls.set_index("call_id")["notification"].to_dict() == {
        "C-before-start": "both",
        "C-in": "call_only",
    }
    assert {e.reason: e.count for e in result.excluded_calls} == {
        "outside_period": 1,
        "outside_coverage_area": 1,
    }
    breakdown = result.breakdown().set_index("notification")
    assert breakdown["count"].to_dict() == {"alert_only": 0, "call_only": 1, "both": 1}
    assert breakdown["share"].sum() == pytest.approx(1.0)
    assert result.share_of_alerts_with_call == 1.0


def test_candidate_pairs_agree_with_brute_force():
    rng = np.random.default_rng(3)
    n_a, n_c = 120, 150
    seconds = rng.uniform(0, 6 * 3600, n_a)
    alerts = pd.DataFrame(
        {
            "detected_at": [T0 + pd.Timedelta(seconds=s) for s in seconds],
            "longitude": LON + rng.uniform(-0.01, 0.01, n_a),
            "latitude": LAT + rng.uniform(-0.008, 0.008, n_a),
        }
    )
    pick = rng.integers(0, n_a, n_c)
    calls = pd.DataFrame(
        {
            "received_at": [
                alerts["detected_at"].iloc[i] + pd.Timedelta(seconds=float(rng.normal(0, 500)))
                for i in pick
            ],
            "longitude": alerts["longitude"].to_numpy()[pick] + rng.normal(0, 0.002, n_c),
            "latitude": alerts["latitude"].to_numpy()[pick] + rng.normal(0, 0.002, n_c),
        }
    )
    for frame, col in ((alerts, "detected_at"), (calls, "received_at")):
        frame[col] = pd.to_datetime(frame[col]).dt.tz_convert("UTC")
    rule = MatchRule()
    got = candidate_pairs(alerts, calls, rule)
    # Brute force over every pair, vectorised: all (i, j) as flat arrays.
    i, j = (m.ravel() for m in np.meshgrid(np.arange(n_a), np.arange(n_c), indexing="ij"))
    apart = (
        calls["received_at"].to_numpy()[j] - alerts["detected_at"].to_numpy()[i]
    ) / np.timedelta64(1, "s")
    _, _, d = gt.GEOD.inv(
        alerts["longitude"].to_numpy()[i],
        alerts["latitude"].to_numpy()[i],
        calls["longitude"].to_numpy()[j],
        calls["latitude"].to_numpy()[j],
    )
    keep = (np.abs(apart) <= 600) & (np.round(d, 3) <= 250)
    expected = set(zip(i[keep].tolist(), j[keep].tolist(), strict=True))
    assert len(expected) > 20
    assert set(zip(got["alert_row"], got["call_row"], strict=True)) == expected


def test_rule_validation():
    with pytest.raises(GunshotDataError, match="call_types"):
        MatchRule(call_types=())
    with pytest.raises(GunshotDataError, match=">= 0"):
        MatchRule(window_s=-1)


def test_period_from_dates_is_local_and_inclusive():
    period = Period.from_dates(dt.date(2022, 12, 15), dt.date(2023, 12, 14))
    assert period.start == pd.Timestamp("2022-12-15T00:00:00-05:00")
    assert period.end == pd.Timestamp("2023-12-15T00:00:00-05:00")
