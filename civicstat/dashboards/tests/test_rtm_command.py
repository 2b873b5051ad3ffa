"""`civicstat rtm run`: the synthetic input set end to end (report files, published analysis,
zones in the warehouse), the same inputs giving the same published content, the zone breakdown
measure against an independent pyproj computation, clear errors, and the Durham worked example
(skipped, with its reason, only where the real files are absent)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from civicstat.dashboards.pilots.rtm_run import run_and_publish
from civicstat.dashboards.pilots.rtm_zones import fit_polynomial
from civicstat.dashboards.tests import pilot_data as d
from civicstat.demo.synthetic.rtm_world import PLANTED_RRV, write_world
from civicstat.measures.derived import resolver
from civicstat.measures.engine import MeasureSpec, run
from civicstat.measures.models import PublishedAnalysis
from civicstat.safety.errors import SafetyInputError
from civicstat.safety.risk_terrain import high_risk_zones, load_zones, zone_breakdown
from civicstat.safety.spatial import WGS84, project_xy
from civicstat.warehouse import connect, dataset_table

KEY = "rtm/synthetic-test"
CATALOGUE = Path(__file__).resolve().parents[2] / "measures" / "catalogues" / "pilots.yaml"
EXAMPLE = (
    Path(__file__).resolve().parents[2]
    / "safety"
    / "risk_terrain"
    / "examples"
    / "durham_robbery_2013.yaml"
)


def zone_spec(zone_set: str, start: str, end: str) -> MeasureSpec:
    """The catalogue's robberies-in-rtm-zones spec, pointed at ``zone_set`` and a period."""
    entry = next(
        m
        for m in yaml.safe_load(CATALOGUE.read_text())["measures"]
        if m["slug"] == "robberies-in-rtm-zones"
    )
    spec = dict(entry["spec"], periods={"start": start, "end": end})
    spec["filter"] = {"and": [{"eq": ["offence", "Robbery"]}, {"eq": ["rtm_zone_set", zone_set]}]}
    return MeasureSpec.from_dict(spec)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    return write_world(tmp_path_factory.mktemp("rtm_world"))


@pytest.fixture
def warehouse_url(tmp_path, settings):
    url = f"duckdb://{tmp_path / 'warehouse.duckdb'}"
    settings.CIVICSTAT_WAREHOUSE_URL = url
    settings.DATA_DIR = tmp_path / "data"
    return url


def _table(analysis, caption):
    for s in analysis.sections:
        for b in s.blocks:
            if b.kind in ("table", "chart") and b.table.caption == caption:
                return list(b.table.rows)
    raise AssertionError(f"no table {caption!r}")


@pytest.mark.django_db
def test_command_runs_writes_the_report_and_publishes(world, warehouse_url, tmp_path):
    out = StringIO()
    call_command(
        "rtm", "run", str(world), "--publish", KEY, "--out", str(tmp_path / "r"), stdout=out
    )
    text = out.getvalue()
    assert "1 of 2 factors selected" in text and f"Published analysis {KEY}." in text
    for name in (
        "report.json",
        "cells.csv",
        "factors.csv",
        "validation.csv",
        "risk_map.svg",
        "zones.geojson",
        "summary.txt",
    ):
        assert (tmp_path / "r" / name).is_file(), name
    report = json.loads((tmp_path / "r" / "report.json").read_text())

    stored = PublishedAnalysis.objects.get(key=KEY)
    assert stored.producer == "rtm" and stored.run is None
    chosen = _table(stored, "Risk factors chosen, strongest first")
    assert [row[0] for row in chosen] == ["convenience stores"]
    assert chosen[0][1:3] == ("proximity", "100 m")
    rrv = float(chosen[0][4])
    assert rrv == pytest.approx(report["selected"][0]["rrv"], abs=0.005)
    assert abs(np.log(rrv) - np.log(PLANTED_RRV)) < 0.25  # the planted effect, recovered
    tested = dict((row[0], row[4]) for row in _table(stored, "Every risk factor tested"))
    assert tested == {"convenience stores": "yes", "schools": "no"}
    validation = _table(stored, "Hit rate, PAI and PEI on the test window")
    methods = {row[0] for row in validation}
    assert methods == {"Risk terrain model", "Kernel density hot spots", "Last period's counts"}
    five = next(r for r in report["validation"] if r["method"] == "rtm" and r["cut"] == "5%")
    row = next(r for r in validation if r[0] == "Risk terrain model" and r[1] == "5%")
    assert row[5] == f"{five['pai']:.2f}" and row[6] == f"{five['pei']:.2f}"
    chart = next(b for s in stored.sections for b in s.blocks if b.kind == "chart")
    assert chart.svg.startswith("<svg") and 'role="img"' in chart.svg
    assert [r[0] for r in chart.table.rows] == [
        "low",
        "above average",
        "moderately high",
        "highest",
    ]
    assert [load["file"] for load in stored.loads] == [
        "study_area.geojson",
        "robberies.geojson",
        "convenience_stores.geojson",
        "schools.geojson",
    ]

    con = connect(warehouse_url)
    try:
        cells = dataset_table(con, "rtm_zone_cells").to_pandas()
        sets = dataset_table(con, "rtm_zone_sets").to_pandas()
    finally:
        con.disconnect()
    assert len(cells) == report["grid"]["n_cells"] and set(cells["zone_set"]) == {KEY}
    assert int(cells["in_zone"].sum()) == len(report["zones"]["cells"])
    assert sets.loc[0, "fit_max_error_m"] < 0.001
    zone_cells = dict(
        (b.label, b.value) for s in stored.sections for b in s.blocks if b.kind == "figure"
    )
    assert zone_cells["Zone cells"] == str(len(report["zones"]["cells"]))


@pytest.mark.django_db
def test_same_inputs_publish_the_same_content(world, warehouse_url, tmp_path):
    first = run_and_publish(world, publish=KEY, out_dir=tmp_path / "a")
    one = PublishedAnalysis.objects.get(key=KEY)
    content, parameters = one.content, one.parameters
    second = run_and_publish(world, publish=KEY, out_dir=tmp_path / "b")
    two = PublishedAnalysis.objects.get(key=KEY)
    assert two.content == content and two.parameters == parameters
    assert two.method == one.method and two.loads == one.loads
    for name in ("cells.csv", "factors.csv", "validation.csv", "zones.geojson", "summary.txt"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert first.zone_loads[1].rows == second.zone_loads[1].rows
    con = connect(warehouse_url)
    try:
        cells = dataset_table(con, "rtm_zone_cells").to_pandas()
    finally:
        con.disconnect()
    assert len(cells) == second.zone_loads[1].rows  # replaced, not added to


@pytest.mark.django_db
def test_zone_breakdown_measure_matches_an_independent_projection(world, warehouse_url, tmp_path):
    done = run_and_publish(world, publish=KEY, out_dir=tmp_path / "r")
    zones = high_risk_zones(done.result)
    grid = done.result.grid
    # robberies spread over the study area and beyond, over two months, plus other offences
    rng = np.random.default_rng(5)
    box = project_xy(
        np.array(
            [
                grid.origin,
                (
                    grid.origin[0] + grid.n_cols * grid.cell_size,
                    grid.origin[1] + grid.n_rows * grid.cell_size,
                ),
            ]
        ),
        grid.crs,
        WGS84,
    )
    n = 3000
    lon = rng.uniform(box[0, 0] - 0.01, box[1, 0] + 0.01, n)
    lat = rng.uniform(box[0, 1] - 0.01, box[1, 1] + 0.01, n)
    # and a few hundred exactly in zone cells, near their corners
    zx = grid.origin[0] + (zones.cols + 0.02) * grid.cell_size
    zy = grid.origin[1] + (zones.rows + 0.97) * grid.cell_size
    extra = project_xy(np.column_stack([zx, zy]), grid.crs, WGS84)
    lon, lat = np.r_[lon, extra[:, 0]], np.r_[lat, extra[:, 1]]
    times = pd.Series(
        pd.Timestamp("2024-01-01", tz=d.TZ)
        + pd.to_timedelta(rng.integers(0, 59 * 86400, len(lon)), unit="s")
    )
    offence = np.where(rng.random(len(lon)) < 0.8, "Robbery", "Burglary")
    frame = pd.DataFrame(
        {
            "incident_id": [f"I{i}" for i in range(len(lon))],
            "reported_at": times.dt.tz_convert("UTC"),
            "offence": offence,
            "category": np.where(offence == "Robbery", "violent", "property"),
            "latitude": lat,
            "longitude": lon,
        }
    )
    frame.loc[0, ["latitude", "longitude"]] = np.nan  # one robbery without a location
    frame.loc[0, "offence"], frame.loc[0, "category"] = "Robbery", "violent"
    d.load(warehouse_url, "crime_incidents", frame, tmp_path)

    con = connect(warehouse_url, read_only=True)
    try:
        series = run(zone_spec(KEY, "2024-01-01", "2024-02-29"), resolver(con))
    finally:
        con.disconnect()
    got = series.frame.set_index(["period_label", "breakdown"])["value"]

    rob = frame[frame["offence"] == "Robbery"].copy()
    located = rob["latitude"].notna()
    xy = project_xy(rob.loc[located, ["longitude", "latitude"]].to_numpy(), WGS84, grid.crs)
    inside = zones.contains_lonlat(rob.loc[located, "longitude"], rob.loc[located, "latitude"])
    in_area = grid.cell_of(xy) >= 0
    rob["zone"] = "no location"
    rob.loc[located, "zone"] = np.where(
        inside, "inside", np.where(in_area, "outside", "outside study area")
    )
    rob["month"] = rob["reported_at"].dt.tz_convert(d.TZ).dt.strftime("%Y-%m")
    want = rob.groupby(["month", "zone"]).size()
    assert want.sum() == got.sum() == len(rob)
    for (month, zone), n in want.items():
        assert got[(month, zone)] == n, (month, zone)
    # the pure layer's own breakdown agrees on the located robberies inside the zones
    pure = zone_breakdown(
        zones,
        rob.loc[located, "longitude"],
        rob.loc[located, "latitude"],
        rob.loc[located, "reported_at"],
        timezone=d.TZ,
    )
    assert list(pure["inside"]) == [got[("2024-01", "inside")], got[("2024-02", "inside")]]


def test_polynomial_placement_is_within_a_millimetre_and_refuses_huge_areas():
    box = (-79.02, 35.86, -78.75, 36.14)  # Durham's police districts, with margin
    poly = fit_polynomial("EPSG:32617", box)
    rng = np.random.default_rng(3)
    lon = rng.uniform(box[0], box[2], 20_000)
    lat = rng.uniform(box[1], box[3], 20_000)
    exact = project_xy(np.column_stack([lon, lat]), WGS84, "EPSG:32617")
    assert np.max(np.hypot(*(poly.apply(lon, lat) - exact).T)) < 0.001
    assert poly.max_error_m < 0.001
    with pytest.raises(SafetyInputError, match="too large to place points"):
        fit_polynomial("EPSG:32617", (-84.0, 30.0, -76.0, 38.0))


@pytest.mark.django_db
def test_bad_key_and_bad_configuration_are_reported(world, warehouse_url, tmp_path):
    with pytest.raises(CommandError, match=r"(?s)Nothing was published.*'RTM/Bad Key'"):
        call_command("rtm", "run", str(world), "--publish", "RTM/Bad Key", stdout=StringIO())
    broken = tmp_path / "broken.yaml"
    broken.write_text(world.read_text().replace("block_length: 200.0", "block_length: -5"))
    with pytest.raises(CommandError, match=r"broken.yaml: grid.block_length"):
        call_command("rtm", "run", str(broken), stdout=StringIO())
    assert not PublishedAnalysis.objects.exists()


@pytest.mark.shared_data
@pytest.mark.slow
@pytest.mark.django_db
def test_durham_worked_example_end_to_end(shared_data, warehouse_url, tmp_path):
    from civicstat.demo.synthetic.geojson_rows import write_geojson_rows
    from civicstat.warehouse import Registry, ingest

    out = StringIO()
    call_command(
        "rtm",
        "run",
        str(EXAMPLE),
        "--data-root",
        str(shared_data),
        "--publish",
        "rtm/durham-robbery",
        "--out",
        str(tmp_path / "r"),
        stdout=out,
    )
    assert "29,340 cells of 100 m" in out.getvalue()
    stored = PublishedAnalysis.objects.get(key="rtm/durham-robbery")
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    chosen = _table(stored, "Risk factors chosen, strongest first")
    assert [r[0] for r in chosen] == [s["factor"].replace("_", " ") for s in report["selected"]]
    assert {r[0] for r in _table(stored, "Hit rate, PAI and PEI on the test window")} == {
        "Risk terrain model",
        "Kernel density hot spots",
        "Last period's counts",
    }

    # Durham's 2013 crimes through the durham-crime-2013 mapping; robberies inside vs outside
    # the zones per month from the derived view, against the pure layer's pyproj breakdown.
    rows = write_geojson_rows(
        shared_data / "durham-crime-2013" / "durham_all_crimes_2013.geojson",
        tmp_path / "crimes.csv",
    )
    registry = Registry()
    con = connect(warehouse_url)
    try:
        ingest(
            con,
            registry.contract("crime_incidents"),
            [rows],
            registry.mapping("durham-crime-2013"),
            progress=False,
        )
    finally:
        con.disconnect()
    con = connect(warehouse_url, read_only=True)
    try:
        series = run(zone_spec("rtm/durham-robbery", "2013-01-01", "2013-11-30"), resolver(con))
        robberies = (
            dataset_table(con, "crime_incidents")
            .filter(lambda t: t.offence == "Robbery")
            .to_pandas()
        )
    finally:
        con.disconnect()
    got = series.frame.pivot_table(
        index="period_label", columns="breakdown", values="value", aggfunc="sum", fill_value=0
    )
    located = robberies.dropna(subset=["latitude", "longitude"])
    zones = load_zones(tmp_path / "r")  # the zones the report saved
    pure = zone_breakdown(
        zones, located["longitude"], located["latitude"], located["reported_at"], timezone=d.TZ
    )
    assert list(got["inside"]) == list(pure["inside"])
    assert int(got.to_numpy().sum()) == len(robberies)
    assert dt.date(2013, 1, 1) <= series.frame["period_start"].min()
