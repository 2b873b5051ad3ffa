"""The vendor detection-and-location performance rate (methods.md §2.1, `[SS-REDWOOD-SLA]`)."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from civicstat.safety.gunshots import detection_performance
from civicstat.safety.tests import gunshot_tables as gt

LON, LAT = gt.ORIGIN
T = "2023-05-20T23:10:00-04:00"


def _alert(alert_id: str, metres: float | None, azimuth: float = 45.0) -> dict:
    row = {"alert_id": alert_id, "detected_at": T}
    if metres is not None:
        row["longitude"], row["latitude"] = gt.offset(LON, LAT, metres, azimuth)
    return row


def _incident(incident_id: str, alert_id: str | None, detectable=True, when: str = T, **kw) -> dict:
    return {
        "incident_id": incident_id,
        "occurred_at": when,
        "longitude": LON,
        "latitude": LAT,
        "alert_id": alert_id,
        "detectable": detectable,
        **kw,
    }


def test_hand_built_example_with_the_25_metre_rule():
    alerts = gt.alerts(
        [
            _alert("A-0m", 0.0001),
            _alert("A-24m", 24.0),
            _alert("A-25m", 25.0, azimuth=200.0),  # exactly on the radius: accurate
            _alert("A-26m", 26.0),
            _alert("A-300m", 300.0),
            _alert("A-nowhere", None),  # an alert with no location: "no location reported"
        ]
    )
    incidents = gt.confirmed(
        [
            _incident("I1", "A-0m"),
            _incident("I2", "A-24m"),
            _incident("I3", "A-25m"),
            _incident("I4", "A-26m"),
            _incident("I5", "A-300m"),
            _incident("I6", None),  # missed
            _incident("I7", "A-nowhere"),  # missed
            _incident("I8", None, detectable=False),  # indoors: not in the SLA
            _incident("I9", None, detectable=None),  # not assessed
            _incident("I10", "A-missing"),  # links an alert that does not exist
            _incident("I11", None, when="2023-07-04T22:00:00-04:00"),  # fireworks window
        ]
    )
    result = detection_performance(incidents, alerts)
    by_id = result.incidents.set_index("incident_id")["result"].to_dict()
    assert by_id == {
        "I1": "accurately_located",
        "I2": "accurately_located",
        "I3": "accurately_located",
        "I4": "mislocated",
        "I5": "mislocated",
        "I6": "not_detected",
        "I7": "not_detected",
        "I8": "not_detectable",
        "I9": "detectability_not_assessed",
        "I10": "linked_alert_not_found",
        "I11": "holiday_window",
    }
    assert (result.accurately_located, result.not_detected, result.mislocated) == (3, 2, 2)
    assert result.denominator == 7
    assert result.rate == pytest.approx(3 / 7)
    assert {e.reason: e.count for e in result.excluded} == {
        "holiday_window": 1,
        "not_detectable": 1,
        "detectability_not_assessed": 1,
        "linked_alert_not_found": 1,
    }
    distances = result.incidents.set_index("incident_id")["distance_m"]
    assert distances["I2"] == pytest.approx(24.0, abs=0.001)
    assert distances["I4"] == pytest.approx(26.0, abs=0.001)


def test_radius_holidays_and_coverage_are_configurable():
    alerts = gt.alerts([_alert("A-24m", 24.0), _alert("A-26m", 26.0)])
    incidents = gt.confirmed(
        [
            _incident("I1", "A-24m"),
            _incident("I2", "A-26m"),
            _incident("I3", None, when="2023-07-04T22:00:00-04:00"),
        ]
    )
    wide = detection_performance(incidents, alerts, radius_m=30, exclude_holidays=False)
    assert (wide.accurately_located, wide.not_detected, wide.mislocated) == (2, 1, 0)
    far_away = box(LON + 0.1, LAT + 0.1, LON + 0.2, LAT + 0.2)
    outside = detection_performance(incidents, alerts, coverage=far_away)
    assert outside.denominator == 0 and outside.rate is None
    assert {e.reason: e.count for e in outside.excluded} == {
        "holiday_window": 1,
        "outside_coverage_area": 2,
    }
