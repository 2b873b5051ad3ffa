"""The real San Francisco ShotSpotter file, ingested through the ``sf-shotspotter`` mapping, gives
the weekly and monthly counts an independent pandas count of the raw CSV gives."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pandas as pd
import pytest

from civicstat.safety.gunshots import (
    alert_counts_by_beat,
    alert_counts_by_cell,
    alerts_by_month,
    alerts_by_week,
    published_within,
    response_times,
)
from civicstat.warehouse import Registry, connect, dataset_table, ingest

SF = "America/Los_Angeles"
pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def sf(shared_data):
    path = shared_data / "sf-shotspotter" / "sf_shotspotter_jtl.csv"
    con = connect()
    registry = Registry()
    contract = registry.contract("gunshot_alerts")
    ingest(con, contract, [path], registry.mapping("sf-shotspotter", contract), progress=False)
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    return dataset_table(con, "gunshot_alerts"), raw


def test_weekly_and_monthly_counts_equal_a_count_of_the_raw_csv(sf):
    alerts, raw = sf
    local_dates = pd.to_datetime(raw["Date"], format="%d-%b-%y").dt.date
    weekly = alerts_by_week(alerts, tz=SF)
    expected_weeks = Counter(tuple(d.isocalendar()[:2]) for d in local_dates)
    got_weeks = {
        (y, w): n
        for y, w, n in zip(weekly["iso_year"], weekly["iso_week"], weekly["alerts"], strict=True)
        if n
    }
    assert got_weeks == dict(expected_weeks)
    assert weekly["alerts"].sum() == len(raw) == 4385
    expected_rounds: Counter = Counter()
    for d, r in zip(local_dates, pd.to_numeric(raw["Rnds"]), strict=True):
        expected_rounds[tuple(d.isocalendar()[:2])] += int(r)
    weeks = zip(weekly["iso_year"], weekly["iso_week"], strict=True)
    got_rounds = {k: r for k, r in zip(weeks, weekly["rounds"], strict=True) if r}
    assert got_rounds == dict(expected_rounds)

    monthly = alerts_by_month(alerts, tz=SF).set_index("month")["alerts"]
    expected_months = Counter(dt.date(d.year, d.month, 1) for d in local_dates)
    assert {m: n for m, n in monthly.items() if n} == dict(expected_months)


def test_what_the_sf_file_cannot_show(sf):
    alerts, raw = sf
    published = published_within(alerts, exclude_holidays=False)
    assert published.denominator == 0 and published.share is None
    assert {e.reason: e.count for e in published.excluded} == {"published_at_missing": len(raw)}
    dispatch, arrival, _ = response_times(alerts, start="detected_at")
    assert dispatch.n_used == 0 and arrival.n_used == 0


def test_sf_public_map_by_cell_and_beat(sf):
    alerts, raw = sf
    cells = alert_counts_by_cell(alerts).cells
    assert cells["alerts"].sum() == len(raw)
    lon, lat = pd.to_numeric(raw["Longitude"]), pd.to_numeric(raw["Latitude"])
    original = set(zip(lon, lat, strict=True))
    assert not original & set(zip(cells["longitude"], cells["latitude"], strict=True))
    beats = alert_counts_by_beat(alerts)
    expected = raw["Beat"].dropna().value_counts()
    assert beats.cells.set_index("area_id")["alerts"].to_dict() == expected.to_dict()
    assert beats.excluded[0].count == raw["Beat"].isna().sum()
