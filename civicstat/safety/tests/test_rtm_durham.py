"""The Durham worked example end to end on the real files (methods.md §1, §1.8)."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

from civicstat.safety.risk_terrain import high_risk_zones, run_rtm, write_report

EXAMPLE = Path(__file__).resolve().parents[1] / "risk_terrain/examples/durham_robbery_2013.yaml"

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


@pytest.fixture(scope="module")
def durham(shared_data):
    return run_rtm(EXAMPLE, base_dir=shared_data)


def _independent_robberies(shared_data: Path) -> pd.DataFrame:
    """Robberies after the pile-up rule, recomputed with pandas from the raw GeoJSON."""
    doc = json.loads((shared_data / "durham-crime-2013/durham_all_crimes_2013.geojson").read_text())
    rows = [
        {
            **f["properties"],
            "lon": f["geometry"]["coordinates"][0],
            "lat": f["geometry"]["coordinates"][1],
        }
        for f in doc["features"]
    ]
    frame = pd.DataFrame(rows)
    distinct = frame.groupby(["lon", "lat"])["address"].transform("nunique")
    frame["pileup"] = distinct > 5
    robberies = frame[(frame["title"] == "Robbery") & ~frame["pileup"]].copy()
    robberies["day"] = pd.to_datetime(
        robberies["date"].str.split().str.join(" "), format="%b %d %Y"
    )
    return frame, robberies


def test_durham_grid_inputs_and_counts(durham, shared_data):
    districts = json.loads(
        (shared_data / "durham-geo-layers/durham_police_districts.geojson").read_text()
    )
    to_utm = pyproj.Transformer.from_crs(4326, 32617, always_xy=True)
    polys = [
        shapely.transform(
            shapely.geometry.shape(f["geometry"]),
            lambda xy: np.column_stack(to_utm.transform(xy[:, 0], xy[:, 1])),
        )
        for f in districts["features"]
        if f["properties"]["LAWDIST"] != "DSO"
    ]
    boundary = shapely.union_all(polys)
    assert durham.crs == "EPSG:32617" and durham.cell_size == 100
    assert durham.grid.n_cells == pytest.approx(boundary.area / 100**2, rel=0.01)

    frame, robberies = _independent_robberies(shared_data)
    outcome = next(i for i in durham.inputs if i.role == "outcome")
    assert outcome.n_read == len(frame) == 12192
    assert dict(outcome.dropped)[
        "geocoder pile-up (coordinate shared by more than 5 distinct address values)"
    ] == int(frame["pileup"].sum())
    assert outcome.n_used == len(robberies)

    test = robberies[(robberies["day"] >= "2013-09-01") & (robberies["day"] < "2013-12-01")]
    x, y = to_utm.transform(test["lon"].to_numpy(), test["lat"].to_numpy())
    ox, oy = durham.grid.origin
    col = np.floor((x - ox) / 100)
    row = np.floor((y - oy) / 100)
    centre = shapely.points(ox + (col + 0.5) * 100, oy + (row + 0.5) * 100)
    in_cells = shapely.contains(boundary, centre)
    assert durham.cells["test_count"].sum() == int(in_cells.sum())


def test_durham_model_is_sane(durham):
    assert 1 <= len(durham.selected) <= len(durham.factors)
    assert all(s.rrv > 1 for s in durham.selected)
    assert all(0 < s.distance <= 600 for s in durham.selected)
    assert durham.model.family in ("poisson", "nb1", "nb2")
    chosen = durham.families.set_index("family")["bic"]
    assert chosen[durham.model.family] == chosen.min()
    assert durham.cells["rrs"].min() == 1.0
    product = math.prod(s.rrv for s in durham.selected)
    assert durham.max_rrs <= product * (1 + 1e-9)
    ops = {f.name: f.operationalisation for f in durham.factors}
    assert ops["food_establishments"] in ("density", "both")  # 3,600 clustered points


def test_durham_validation_on_the_test_window(durham):
    v = durham.validation
    rtm = v[(v["method"] == "rtm") & (v["cut"] == "5%")].iloc[0]
    assert rtm["N"] == durham.cells["test_count"].sum() >= 30
    assert not rtm["suppressed"] and np.isfinite(rtm["pai"]) and rtm["pai"] > 1
    assert 0 <= rtm["pei"] <= 1
    for method in ("kde", "prior_counts"):
        assert np.isfinite(v[(v["method"] == method) & (v["cut"] == "5%")]["pai"]).all()


def test_durham_report_and_zones(durham, tmp_path, shared_data):
    out = write_report(durham, tmp_path / "durham")
    ET.fromstring((out / "risk_map.svg").read_text())
    doc = json.loads((out / "report.json").read_text())
    assert doc["grid"]["n_cells"] == durham.grid.n_cells
    assert len(pd.read_csv(out / "cells.csv")) == durham.grid.n_cells
    text = (out / "summary.txt").read_text()
    assert "risk factors were tested" in text and "PAI" in text
    zones = high_risk_zones(durham)
    _, robberies = _independent_robberies(shared_data)
    inside = zones.contains_lonlat(robberies["lon"].to_numpy(), robberies["lat"].to_numpy())
    assert 0 < inside.sum() < len(robberies)
