"""End-to-end RTM on a synthetic world with a known answer (methods.md §1): a planted factor
whose 100 m proximity band multiplies the event rate by 4, and a noise factor with no effect."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from civicstat.safety.errors import SafetyInputError, SafetyModelError
from civicstat.safety.risk_terrain import (
    high_risk_zones,
    load_zones,
    run_rtm,
    write_report,
    zone_breakdown,
)
from civicstat.safety.spatial import read_geojson
from civicstat.safety.tests.rtm_synthetic import write_world


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return write_world(tmp_path_factory.mktemp("rtm_world"))


@pytest.fixture(scope="module")
def result(world):
    return run_rtm(world.config, base_dir=world.root)


def test_planted_factor_selected_at_its_band_with_its_rrv(result, world):
    assert [s.variable for s in result.selected] == ["planted_proximity_100"]
    top = result.selected[0]
    assert top.distance == 100 and top.blocks == 1.0 and top.band == 2
    assert abs(np.log(top.rrv) - np.log(world.rrv)) < 0.25  # 4 recovered within ~25 %
    assert top.rrv_low < world.rrv < top.rrv_high
    assert not any(s.factor == "noise" for s in result.selected)
    assert result.model.family == "poisson"  # counts were drawn Poisson
    # the selected variable is exactly the generating indicator
    on = np.zeros(result.grid.n_cells, dtype=bool)
    on[world.planted_cells] = True
    np.testing.assert_array_equal(result.cells["rrs"].to_numpy() > 1, on)


def test_counts_and_intercept_match_an_independent_computation(result, world):
    events = read_geojson(world.root / "events.geojson")
    train = (events.attributes["window"] == "train").sum()
    assert result.cells["train_count"].sum() == train == result.model.n_events
    assert result.cells["test_count"].sum() == (events.attributes["window"] == "test").sum()
    cells = result.cells
    base = cells.loc[cells["rrs"] == 1, "train_count"].mean()
    # Poisson MLE with one binary factor: exp(intercept) is the mean count off the factor
    assert np.exp(result.model.intercept) == pytest.approx(base, rel=1e-6)
    assert np.exp(result.model.intercept) == pytest.approx(world.base_rate, rel=0.15)


def test_rrs_classes_and_validation_are_consistent(result):
    cells = result.cells
    assert cells["rrs"].min() == 1.0
    assert result.max_rrs == pytest.approx(result.selected[0].rrv)
    top = cells["class_rank"] == cells["class_rank"].max()
    assert (cells.loc[top, "rrs"] > 1).all()
    s = result.class_summary
    assert s["cells"].sum() == result.grid.n_cells
    assert s["test_events"].sum() == cells["test_count"].sum()
    v = result.validation
    rtm_class = v[(v["method"] == "rtm") & v["cut"].str.startswith("class")].iloc[-1]
    # at the top class boundary the RTM ranking takes exactly the top-class cells
    assert rtm_class["n_t"] == pytest.approx(cells.loc[top, "test_count"].sum())
    assert rtm_class["pai"] == pytest.approx(
        (rtm_class["n_t"] / rtm_class["N"]) / (top.sum() / len(cells))
    )
    assert rtm_class["pai"] > 2 and not rtm_class["suppressed"]
    assert set(v["method"]) == {"rtm", "kde", "prior_counts"}


def test_same_seed_same_result(result, world):
    again = run_rtm(world.config, base_dir=world.root)
    pd.testing.assert_frame_equal(again.cells, result.cells)
    pd.testing.assert_frame_equal(again.validation, result.validation)
    np.testing.assert_array_equal(again.screening.coef, result.screening.coef)
    assert again.selected == result.selected


def test_auto_operationalisation_and_overdispersed_counts(tmp_path):
    world = write_world(tmp_path, seed=11, dispersion=2.0)
    config = dict(world.config)
    config["factors"] = [dict(f, operationalisation="auto") for f in config["factors"]]
    res = run_rtm(config, base_dir=world.root)
    assert res.model.family in ("nb1", "nb2")
    families = res.families.set_index("family")
    assert families.loc[res.model.family, "bic"] < families.loc["poisson", "bic"]
    assert {f.name: f.operationalisation for f in res.factors}["planted"] in ("proximity", "both")
    assert "planted" in {s.factor for s in res.selected}


def test_zones_label_points_and_break_down_by_month(result, world, tmp_path):
    zones = high_risk_zones(result)
    top_rank = result.class_labels.index(result.zone_class)
    assert zones.n_cells == int((result.cells["class_rank"] >= top_rank).sum())
    events = read_geojson(world.root / "events.geojson")
    lonlat = events.xy()
    inside = zones.contains_lonlat(lonlat[:, 0], lonlat[:, 1])
    # independent: the cell each event falls in, and that cell's class in the result
    from civicstat.safety.spatial import project_xy

    xy = project_xy(lonlat, "EPSG:4326", result.crs)
    idx = result.grid.cell_of(xy)
    expect = np.zeros(len(xy), dtype=bool)
    expect[idx >= 0] = result.cells["class_rank"].to_numpy()[idx[idx >= 0]] >= top_rank
    np.testing.assert_array_equal(inside, expect)
    polygon = zones.polygons()
    assert polygon.area == pytest.approx(zones.n_cells * result.cell_size**2)
    times = pd.to_datetime(events.attributes["date"]).dt.tz_localize("America/New_York")
    table = zone_breakdown(zones, lonlat[:, 0], lonlat[:, 1], times)
    month = times.dt.strftime("%Y-%m").to_numpy()
    by_hand = pd.Series(inside).groupby(month).agg(["sum", "size"])
    assert table["inside"].tolist() == by_hand["sum"].tolist()
    assert table["total"].tolist() == by_hand["size"].tolist()
    with pytest.raises(SafetyInputError, match="tz-aware"):
        zone_breakdown(zones, lonlat[:, 0], lonlat[:, 1], times.dt.tz_localize(None))
    with pytest.raises(SafetyInputError, match="not a risk class"):
        high_risk_zones(result, "extreme")


def test_report_files(result, tmp_path):
    out = write_report(result, tmp_path / "report")
    names = {p.name for p in out.iterdir()}
    assert {
        "report.json",
        "cells.csv",
        "factors.csv",
        "validation.csv",
        "candidates.csv",
        "risk_map.svg",
        "zones.geojson",
        "summary.txt",
    } <= names
    doc = json.loads((out / "report.json").read_text(), parse_constant=pytest.fail)
    assert doc["model"]["family"] == result.model.family
    assert doc["selected"][0]["variable"] == "planted_proximity_100"
    cells = pd.read_csv(out / "cells.csv")
    assert len(cells) == result.grid.n_cells
    assert cells["train_count"].sum() == result.model.n_events
    root = ET.fromstring((out / "risk_map.svg").read_text())
    assert root.tag.endswith("svg")
    factors = pd.read_csv(out / "factors.csv")
    assert factors.set_index("factor").loc["planted", "selected"]
    assert not factors.set_index("factor").loc["noise", "selected"]
    text = (out / "summary.txt").read_text()
    share = (cells["risk_class"] == "low").mean()
    assert f"low: {100 * share:.1f}% of the area" in text
    assert f"RRV {result.selected[0].rrv:.2f}" in text
    zones = load_zones(out)
    assert zones.n_cells == high_risk_zones(result).n_cells
    gj = json.loads((out / "zones.geojson").read_text())
    assert gj["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_pileups_are_dropped_and_counted(world, tmp_path):
    events = json.loads((world.root / "events.geojson").read_text())
    pile = events["features"][0]["geometry"]
    extra = [
        {
            "type": "Feature",
            "geometry": pile,
            "properties": {
                "kind": "robbery",
                "date": "2020-02-01",
                "window": "train",
                "address": f"{i} MAIN ST",
            },
        }
        for i in range(12)
    ]
    events["features"] += extra
    (tmp_path / "events.geojson").write_text(json.dumps(events))
    for name in ("boundary", "planted", "noise"):
        (tmp_path / f"{name}.geojson").write_text((world.root / f"{name}.geojson").read_text())
    config = json.loads(json.dumps(world.config))
    config["outcome"]["deduplicate"] = {"max_repeats": 10}
    res = run_rtm(config, base_dir=tmp_path)
    outcome = next(i for i in res.inputs if i.role == "outcome")
    reasons = dict(outcome.dropped)
    assert reasons == {"geocoder pile-up (coordinate shared by more than 10 rows)": 13}
    assert outcome.n_used == outcome.n_read - 13


def test_no_training_events_is_a_model_error(world, tmp_path):
    config = json.loads(json.dumps(world.config))
    config["outcome"]["filter"] = 'kind == "nothing"'
    with pytest.raises(SafetyModelError, match="no outcome event"):
        run_rtm(config, base_dir=world.root)
