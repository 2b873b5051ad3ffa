"""The three 2.13 pilot pages the way the demo builds them: the synthetic pilot files ingested,
the risk terrain model published, the pilots catalogue attached (the plan's two manual
gunshot-detection measures become computed), one refresh; the measures against pandas on the
raw files, the pages rendered with their analyses, and a second refresh publishing the same
content."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.utils.html import escape

from civicstat.core import testing as t
from civicstat.dashboards.pilots.rtm_run import run_and_publish
from civicstat.dashboards.tests import pilot_data as d
from civicstat.demo import pipeline
from civicstat.demo.synthetic.rtm_world import write_world
from civicstat.measures.catalogue import attach
from civicstat.measures.models import (
    Measure,
    MeasureKind,
    MeasureValue,
    PublishedAnalysis,
    RefreshStatus,
    ValueSource,
)
from civicstat.measures.services.refresh import refresh
from civicstat.plans.models import DataPage
from civicstat.safety.gunshots import in_holiday_window
from civicstat.safety.risk_terrain import high_risk_zones
from civicstat.safety.spatial import WGS84, project_xy

pytestmark = pytest.mark.slow

CATALOGUE = Path(__file__).resolve().parents[2] / "measures" / "catalogues" / "pilots.yaml"
AS_OF = dt.date(2024, 1, 31)
PAGES = {
    "gunshot-detection-pilot": ("Gunshot-detection pilot", "gunshots/pilot"),
    "risk-terrain-modeling": ("Risk terrain modeling of robbery", "rtm/durham-robbery"),
    "dirt-bike-mitigation": ("Dirt-bike and ATV mitigation", "dirt-bikes/pilot"),
}


def _read(path: Path, times: list[str]) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in times:
        frame[column] = pd.to_datetime(frame[column].replace("", None), utc=True, format="ISO8601")
    return frame


@pytest.fixture
def flow(db, tmp_path, settings):
    url = f"duckdb://{tmp_path / 'warehouse.duckdb'}"
    settings.CIVICSTAT_WAREHOUSE_URL = url
    settings.DATA_DIR = tmp_path / "data"
    files = pipeline._gunshots(tmp_path / "g", AS_OF) + pipeline._dirt_bikes(tmp_path / "b", AS_OF)
    pipeline.ingest_files(files)
    paths = {f.path.name: f.path for f in files}

    plan = t.make_plan()
    goal = t.make_goal(plan)
    objective = t.make_objective(goal)
    police, ecc = t.department("police"), t.department("emergency-communications")
    initiative = t.make_initiative(
        objective, number="2.13", title="Community policing pilots", departments=[police]
    )
    for slug, (title, key) in PAGES.items():
        page = DataPage(title=title, slug=slug, analysis_keys=key)
        initiative.add_child(instance=page)
        t.publish(page)
    manual = Measure.objects.create(
        name="Guns recovered",
        slug="shotspotter-guns-recovered",
        page=initiative,
        kind=MeasureKind.MANUAL,
        live=True,
    )
    MeasureValue.objects.create(
        measure=manual,
        source=ValueSource.MANUAL,
        value=21,
        period_start=dt.date(2022, 12, 15),
        period_end=dt.date(2023, 11, 17),
        period_label="to Nov 2023",
    )

    done = run_and_publish(
        write_world(tmp_path / "world"), publish="rtm/durham-robbery", out_dir=tmp_path / "rtm"
    )
    robberies = _robberies(done.result)
    d.load(url, "crime_incidents", robberies, tmp_path)
    attach(plan, [CATALOGUE])
    run = refresh(as_of=AS_OF, run_sources=False, analyses=["gunshots", "dirt-bikes"])
    assert run.status == RefreshStatus.SUCCEEDED, run.error
    return {"paths": paths, "rtm": done.result, "robberies": robberies, "ecc": ecc}


def _robberies(result) -> pd.DataFrame:
    """Robberies from July 2022: a third at zone cell centres, the rest anywhere nearby."""
    rng = np.random.default_rng(9)
    zones = high_risk_zones(result)
    g = result.grid
    pick = rng.integers(0, zones.n_cells, 60)
    centres = np.column_stack(
        [
            g.origin[0] + (zones.cols[pick] + 0.5) * g.cell_size,
            g.origin[1] + (zones.rows[pick] + 0.5) * g.cell_size,
        ]
    )
    spread = rng.uniform(
        g.origin,
        (g.origin[0] + g.n_cols * g.cell_size, g.origin[1] + g.n_rows * g.cell_size),
        size=(120, 2),
    )
    lonlat = project_xy(np.vstack([centres, spread]), g.crs, WGS84)
    times = pd.Timestamp("2022-07-01", tz=d.TZ) + pd.to_timedelta(
        rng.integers(0, 570 * 86400, len(lonlat)), unit="s"
    )
    return pd.DataFrame(
        {
            "incident_id": [f"R{i}" for i in range(len(lonlat))],
            "reported_at": pd.Series(times).dt.tz_convert("UTC"),
            "offence": "Robbery",
            "category": "violent",
            "longitude": lonlat[:, 0],
            "latitude": lonlat[:, 1],
        }
    )


def _values(slug: str) -> pd.DataFrame:
    rows = MeasureValue.objects.filter(measure__slug=slug, source=ValueSource.COMPUTED).values(
        "period_label", "breakdown", "value"
    )
    return pd.DataFrame(list(rows)).set_index(["period_label", "breakdown"])["value"]


def test_measures_match_pandas_on_the_raw_files_and_zones_match_pyproj(flow):
    alerts = _read(flow["paths"]["durham_gunshot_alerts.csv"], ["detected_at", "published_at"])
    local = alerts["detected_at"].dt.tz_convert(d.TZ)
    month = local.dt.strftime("%Y-%m")

    monthly = _values("gunshot-alerts-monthly")
    assert monthly.xs("", level=1).to_dict() == month.value_counts().sort_index().to_dict()
    iso = local.dt.isocalendar()
    weeks = iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)
    assert (
        _values("gunshot-alerts-weekly").xs("", level=1).to_dict()
        == weeks.value_counts().sort_index().to_dict()
    )

    seconds = (alerts["published_at"] - alerts["detected_at"]).dt.total_seconds()
    usable = ~in_holiday_window(alerts["detected_at"]) & seconds.notna() & (seconds >= 0)
    share = (seconds[usable] <= 60).groupby(month[usable]).mean() * 100
    got = _values("gunshot-alerts-published-within-60-seconds").xs("", level=1)
    np.testing.assert_allclose(got.sort_index().to_numpy(), share.sort_index().to_numpy())

    outcomes = pd.read_csv(flow["paths"]["durham_gunshot_outcomes.csv"])
    guns = alerts.merge(outcomes, on="alert_id", how="left")
    running = guns.groupby(month)["firearms_recovered"].sum().sort_index().cumsum()
    got = _values("shotspotter-guns-recovered").xs("", level=1).sort_index()
    assert got.to_dict() == running.astype(float).to_dict()
    assert got.iloc[-1] == outcomes["firearms_recovered"].sum() == 21

    reports = _read(flow["paths"]["durham_dirt_bike_reports.csv"], ["reported_at"])
    complaints = reports[reports["kind"] == "complaint"]
    district = complaints["district"].replace("", "(not recorded)")
    cmonth = complaints["reported_at"].dt.tz_convert(d.TZ).dt.strftime("%Y-%m")
    want = complaints.groupby([cmonth, district]).size()
    got = _values("dirt-bike-complaints-by-district")
    assert {k: v for k, v in got.items() if v} == {k: float(v) for k, v in want.items()}

    # the plan's manual measure is now computed, and the zone breakdown matches pyproj
    guns = Measure.objects.get(slug="shotspotter-guns-recovered")
    assert guns.kind == MeasureKind.COMPUTED
    assert not MeasureValue.objects.filter(measure=guns, source=ValueSource.MANUAL).exists()
    assert [a.label for a in guns.annotations.all()] == ["Pilot starts"]

    rob = flow["robberies"]
    month = rob["reported_at"].dt.tz_convert(d.TZ).dt.strftime("%Y-%m")
    rob, month = rob[month < "2024-01"], month[month < "2024-01"]  # January is not over yet
    zones = high_risk_zones(flow["rtm"])
    inside = zones.contains_lonlat(rob["longitude"], rob["latitude"])
    got = _values("robberies-in-rtm-zones")
    assert sorted(set(got.index.get_level_values(0)))[-1] == "2023-12"
    for label, n in pd.Series(inside).groupby(month.to_numpy()).sum().items():
        assert got.get((label, "inside"), 0) == n, label
    assert got.sum() == len(rob) and got.xs("inside", level=1).sum() == inside.sum() > 0


def test_pages_render_with_their_analyses_and_a_second_refresh_changes_nothing(flow, client):
    for slug, (title, key) in PAGES.items():
        page = DataPage.objects.get(slug=slug)
        html = client.get(page.url).content.decode()
        stored = PublishedAnalysis.objects.get(key=key)
        assert f"<h1>{title}</h1>" in html
        assert f">{escape(stored.title)}</h2>" in html and "Not computed yet" not in html
        charts = [b for s in stored.sections for b in s.blocks if b.kind == "chart"]
        assert charts and html.count('role="img"') >= len(charts)
        for chart in charts:
            assert escape(chart.summary.split(".")[0]) in html
            assert f"<caption>{escape(chart.table.caption)}</caption>" in html
        measures = Measure.objects.filter(page=page)
        assert measures.exists() and all(escape(m.name) in html for m in measures)
    gunshot = client.get(DataPage.objects.get(slug="gunshot-detection-pilot").url)
    assert "Evaluation period 15 Dec 2022 – 14 Dec 2023" in gunshot.content.decode()

    # a second refresh on the same data publishes the same content
    before = {a.key: (a.content, a.parameters) for a in PublishedAnalysis.objects.all()}
    run = refresh(
        as_of=AS_OF,
        run_sources=False,
        analyses=["gunshots", "dirt-bikes"],
        slugs=["gunshot-alerts-monthly"],
    )
    assert run.status == RefreshStatus.SUCCEEDED
    after = {a.key: (a.content, a.parameters) for a in PublishedAnalysis.objects.all()}
    assert after == before and set(after) == {p[1] for p in PAGES.values()}
