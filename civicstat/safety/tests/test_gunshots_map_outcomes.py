"""Public map counts (coarsened, never an original coordinate) and outcome yields (methods.md §2.2)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from civicstat.safety.gunshots import (
    GunshotDataError,
    Period,
    alert_counts_by_beat,
    alert_counts_by_cell,
    outcome_yields,
    outcomes_by_month,
)
from civicstat.safety.spatial import WGS84, Layer, coarsen_to_grid, project_xy
from civicstat.safety.tests import gunshot_tables as gt

LON, LAT = gt.ORIGIN


def _random_alerts(n: int, seed: int = 11) -> list[dict]:
    rng = np.random.default_rng(seed)
    lon = LON + rng.uniform(-0.02, 0.02, n)
    lat = LAT + rng.uniform(-0.015, 0.015, n)
    lon[:5] = np.round(lon[:5], 3)  # a few sit on round coordinates, like geocoded addresses
    lat[:5] = np.round(lat[:5], 3)
    return [
        {
            "alert_id": f"A{i}",
            "detected_at": f"2023-04-{1 + i % 28:02d}T21:00:00-04:00",
            "longitude": float(lon[i]),
            "latitude": float(lat[i]),
        }
        for i in range(n)
    ]


def test_grid_map_never_shows_an_original_coordinate():
    rows = _random_alerts(400)
    rows.append({"alert_id": "A-no-location", "detected_at": "2023-04-02T21:00:00-04:00"})
    result = alert_counts_by_cell(gt.alerts(rows), cell_size_m=250)
    cells = result.cells
    assert cells["alerts"].sum() == 400
    assert {e.reason: e.count for e in result.excluded} == {"alert_location_missing": 1}
    assert cells["area_id"].is_unique
    original = {(r["longitude"], r["latitude"]) for r in rows if "longitude" in r}
    shown = set(zip(cells["longitude"], cells["latitude"], strict=True))
    assert not original & shown
    original_lon = {lon for lon, _ in original}
    original_lat = {lat for _, lat in original}
    assert not original_lon & set(cells["longitude"]) and not original_lat & set(cells["latitude"])
    # Every alert is within half a cell diagonal of the centre it was counted in, and each cell
    # centre is at least a cell apart from the next (independent check with pyproj distances).
    centres = cells[["longitude", "latitude"]].to_numpy()
    points = np.array(sorted(original))
    _, _, d = gt.GEOD.inv(
        np.repeat(points[:, 0], len(centres)),
        np.repeat(points[:, 1], len(centres)),
        np.tile(centres[:, 0], len(points)),
        np.tile(centres[:, 1], len(points)),
    )
    nearest = np.asarray(d).reshape(len(points), len(centres)).min(axis=1)
    assert nearest.max() <= 250 * np.sqrt(2) / 2 + 1
    assert result.crs == "EPSG:32617" and result.cell_size_m == 250


def test_grid_counts_match_an_independent_binning():
    rows = _random_alerts(300, seed=5)
    result = alert_counts_by_cell(gt.alerts(rows), cell_size_m=500)
    xy = project_xy(np.array([[r["longitude"], r["latitude"]] for r in rows]), WGS84, "EPSG:32617")
    snapped = coarsen_to_grid(xy, 500)
    expected = pd.Series(list(zip(snapped.col, snapped.row, strict=True))).value_counts()
    got = {
        tuple(int(v[1:]) for v in area.split("_")): n
        for area, n in zip(result.cells["area_id"], result.cells["alerts"], strict=True)
    }
    assert got == {k: int(v) for k, v in expected.items()}


def test_cells_smaller_than_250_m_are_refused():
    with pytest.raises(GunshotDataError, match="at least 250"):
        alert_counts_by_cell(gt.alerts(_random_alerts(3)), cell_size_m=100)


def test_beat_map_with_polygons_and_with_the_beat_column():
    west = box(LON - 0.02, LAT - 0.02, LON, LAT + 0.02)
    east_a = box(LON, LAT - 0.02, LON + 0.02, LAT)
    east_b = box(LON, LAT, LON + 0.02, LAT + 0.02)
    beats = Layer(
        np.array([west, east_a, east_b], dtype=object),
        pd.DataFrame({"LAWBEAT": ["111", "112", "112"]}),
        WGS84,
        "beats.geojson",
    )
    rows = [
        {
            "alert_id": "A1",
            "detected_at": "2023-04-01T21:00:00-04:00",
            "longitude": LON - 0.01,
            "latitude": LAT,
            "beat": "111",
        },
        {
            "alert_id": "A2",
            "detected_at": "2023-04-01T22:00:00-04:00",
            "longitude": LON + 0.01,
            "latitude": LAT - 0.01,
            "beat": "112",
        },
        {
            "alert_id": "A3",
            "detected_at": "2023-04-01T23:00:00-04:00",
            "longitude": LON + 0.01,
            "latitude": LAT + 0.01,
            "beat": "112",
        },
        {
            "alert_id": "A4",
            "detected_at": "2023-04-02T21:00:00-04:00",
            "longitude": LON + 0.5,
            "latitude": LAT,
            "beat": None,
        },
    ]
    result = alert_counts_by_beat(gt.alerts(rows), beats=beats, beat_field="LAWBEAT")
    assert result.cells.set_index("area_id")["alerts"].to_dict() == {"111": 1, "112": 2}
    assert {e.reason: e.count for e in result.excluded} == {"outside_all_beats": 1}
    merged = shapely.union_all([east_a, east_b])
    point_112 = result.cells.set_index("area_id").loc["112", ["longitude", "latitude"]]
    assert merged.contains(shapely.Point(*point_112.to_numpy(float)))
    by_column = alert_counts_by_beat(gt.alerts(rows))
    assert by_column.cells.set_index("area_id")["alerts"].to_dict() == {"111": 1, "112": 2}
    assert by_column.cells["longitude"].isna().all()
    assert {e.reason: e.count for e in by_column.excluded} == {"beat_missing": 1}
    with pytest.raises(GunshotDataError, match="'beat'"):
        alert_counts_by_beat(gt.alerts(rows), beats=beats)


def _outcome_rows():
    alerts = [
        {"alert_id": f"A{i}", "detected_at": f"2023-0{1 + i % 3}-10T21:00:00-05:00"}
        for i in range(10)
    ]
    outcomes = [
        {
            "alert_id": "A0",
            "evidence_found": True,
            "casings": 6,
            "firearms_recovered": 1,
            "arrests": 2,
            "victims_located": 1,
            "confirmed_gunfire": True,
        },
        {
            "alert_id": "A1",
            "evidence_found": True,
            "casings": 3,
            "firearms_recovered": 0,
            "arrests": 0,
            "victims_located": 0,
            "confirmed_gunfire": True,
        },
        {
            "alert_id": "A2",
            "evidence_found": False,
            "casings": 0,
            "firearms_recovered": 0,
            "arrests": 0,
            "victims_located": 0,
            "confirmed_gunfire": False,
            "reclassified_not_gunfire": True,
        },
        {"alert_id": "A3", "evidence_found": False, "casings": None},  # partly recorded
        {"alert_id": "Z9", "evidence_found": True, "casings": 40},  # alert not in the table
    ]
    return alerts, outcomes


def test_outcome_yields_print_numerator_and_denominator():
    alerts, outcomes = _outcome_rows()
    out = outcome_yields(gt.alerts(alerts), gt.outcomes(outcomes)).set_index("outcome")
    assert (out["alerts"] == 10).all()  # every alert, not only those with an outcome row
    assert out.loc["casings", ["total", "alerts_with_any"]].tolist() == [9, 2]
    assert out.loc["casings", "per_alert"] == pytest.approx(0.9)
    assert out.loc["casings", "not_recorded"] == 7  # 6 alerts without a row + A3's empty value
    assert out.loc["arrests", "total"] == 2
    assert out.loc["evidence_found", ["total", "kind"]].tolist() == [2, "alerts"]
    assert out.loc["reclassified_not_gunfire", "total"] == 1
    assert out.loc["confirmed_gunfire", "share_with_any"] == pytest.approx(0.2)


def test_outcomes_by_month_sum_to_the_totals():
    alerts, outcomes = _outcome_rows()
    period = Period.from_dates(dt.date(2022, 12, 15), dt.date(2023, 4, 30))
    out = outcomes_by_month(gt.alerts(alerts), gt.outcomes(outcomes), period=period)
    assert out["month"].tolist() == [dt.date(2022, 12, 1)] + [
        dt.date(2023, m, 1) for m in (1, 2, 3, 4)
    ]
    assert out["alerts"].tolist() == [0, 4, 3, 3, 0]
    assert out["casings"].tolist() == [0, 6, 3, 0, 0]
    assert out["evidence_found"].sum() == 2


def test_duplicate_outcome_rows_are_refused():
    alerts, outcomes = _outcome_rows()
    with pytest.raises(GunshotDataError, match="alert_id 'A0'"):
        outcome_yields(gt.alerts(alerts), gt.outcomes(outcomes + [{"alert_id": "A0"}]))
