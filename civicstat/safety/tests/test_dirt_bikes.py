"""Dirt-bike mitigation measures on hand-built reports."""

from __future__ import annotations

import datetime as dt

import pytest

from civicstat.safety.dirt_bikes import (
    COLUMNS,
    complaints_by_district,
    dirt_bike_pilot,
    outcome_mix,
    reports_by_month,
)
from civicstat.safety.errors import SafetyInputError
from civicstat.safety.gunshots import Period
from civicstat.safety.tests import gunshot_tables as gt


def _r(i: int, when: str, kind: str = "complaint", district: str | None = "D1", outcome=None):
    return {
        "report_id": f"R{i}",
        "reported_at": when,
        "kind": kind,
        "district": district,
        "outcome": outcome,
    }


ROWS = [
    _r(1, "2023-05-31T23:30:00-04:00"),  # May local
    _r(2, "2023-06-01T03:30:00+00:00", district="D4"),  # May 31 23:30 local
    _r(3, "2023-06-01T00:00:00-04:00", district="D4"),  # June
    _r(4, "2023-06-15T18:00:00-04:00", district=None),  # no district
    _r(5, "2023-06-16T18:00:00-04:00", "enforcement_contact", outcome="citation"),
    _r(6, "2023-06-17T18:00:00-04:00", "enforcement_contact", outcome="Warning"),
    _r(7, "2023-08-02T18:00:00-04:00", "enforcement_contact", outcome=None),
    _r(8, "2023-08-03T18:00:00-04:00", "enforcement_contact", outcome="warning"),
]
PERIOD = Period.from_dates(dt.date(2023, 5, 1), dt.date(2023, 8, 31))


def test_reports_by_month_match_a_hand_count():
    out = reports_by_month(gt.table(COLUMNS, ROWS), period=PERIOD)
    assert out["month"].tolist() == [dt.date(2023, m, 1) for m in (5, 6, 7, 8)]
    assert out["complaints"].tolist() == [2, 2, 0, 0]
    assert out["enforcement_contacts"].tolist() == [0, 2, 0, 2]


def test_complaints_by_district_keep_empty_districts_and_zero_months():
    out = complaints_by_district(gt.table(COLUMNS, ROWS), period=PERIOD)
    table = out.pivot(index="month", columns="district", values="complaints")
    assert list(table.columns) == ["D1", "D4", "not recorded"]
    assert table.loc[dt.date(2023, 5, 1)].tolist() == [1, 1, 0]
    assert table.loc[dt.date(2023, 6, 1)].tolist() == [0, 1, 1]
    assert table.loc[dt.date(2023, 7, 1)].tolist() == [0, 0, 0]
    assert out["complaints"].sum() == 4


def test_outcome_mix_has_its_denominator():
    out = outcome_mix(gt.table(COLUMNS, ROWS)).set_index("outcome")
    assert out["contacts"].to_dict() == {
        "warning": 2,
        "citation": 1,
        "vehicle_seized": 0,
        "arrest": 0,
        "none": 0,
        "not recorded": 1,
    }
    assert (out["of_contacts"] == 4).all()
    assert out.loc["warning", "share"] == pytest.approx(0.5)


def test_pilot_summary_suppresses_small_outcome_counts():
    extra = [("warning", 30), ("citation", 12)]
    rows = ROWS + [
        _r(100 + i, f"2023-07-{1 + i % 28:02d}T12:00:00-04:00", "enforcement_contact", outcome=o)
        for o, k in extra
        for i in range(k)
    ]
    rows = [{**r, "report_id": f"X{i}"} for i, r in enumerate(rows)]
    pilot = dirt_bike_pilot(gt.table(COLUMNS, rows), period=PERIOD)
    assert (pilot.complaints, pilot.enforcement_contacts) == (4, 46)
    public = pilot.public_outcomes.set_index("outcome")
    # warning 32, citation 13, not recorded 1 (total 46): the 1 is hidden, and so is the
    # next-smallest cell, or the total would give it away.
    assert public.loc["warning", "contacts"] == 32
    assert public.loc["(total)", "contacts"] == 46
    assert public.loc["not recorded", "suppression"].startswith("suppressed: fewer than")
    assert public.loc["citation", "suppression"] == "suppressed: complementary"
    shown = public["contacts"].dropna()
    assert not ((shown >= 1) & (shown <= 10)).any()


def test_unknown_kind_is_reported_with_its_row():
    rows = [*ROWS, _r(9, "2023-06-01T12:00:00-04:00", kind="noise")]
    with pytest.raises(SafetyInputError, match="report_id 'R9'"):
        reports_by_month(gt.table(COLUMNS, rows))
