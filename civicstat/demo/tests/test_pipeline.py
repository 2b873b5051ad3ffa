"""The demo's data path end to end: synthetic raw files → ingest → catalogues attached → refresh →
pages. Every reference measure of goal 2 is computed from the ingested files (Tutoring stays
manual, with who entered each value and when), its provenance names those files, a second run
adds nothing, and the public pages show the charts. Runs the real pipeline (about a minute per
run), so it is marked slow.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from civicstat.demo import pipeline, setup
from civicstat.measures.models import (
    Measure,
    MeasureChart,
    MeasureComputation,
    MeasureKind,
    MeasureValue,
    PublishedAnalysis,
    RefreshRun,
    RefreshStatus,
    ValueSource,
)
from civicstat.plans.models import PlanPage
from civicstat.warehouse import connect, dataset_table, load_log

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

TODAY = dt.date(2026, 11, 20)

# Reference measures (issue 3) → the raw files their values must come from.
COMPUTED = {
    "joint-community-safety-events": {"community_events"},
    "no-fault-vehicle-accidents": {"durham_calls_for_service.csv"},
    "webpage-views": {"page_views"},
    "police-recruitment-applications": {"durham_hr_applications.csv"},
    "public-safety-vacancy-rates": {"durham_hr_positions.csv"},
    "public-safety-staffing": {"durham_hr_positions.csv"},
    "reported-violent-crimes": {"durham_crime_incidents.csv"},
    "reported-property-crimes": {"durham_crime_incidents.csv"},
}
# Computed by the HEART catalogue (issue 4), checked last so the rest is checked without it.
FAMILIAR_NEIGHBORS = ("familiar-neighbor-interactions", {"durham_crisis_responses.csv"})
MANUAL = ("tutoring-program",)


@pytest.fixture
def demo_dirs(tmp_path, settings):
    settings.DATA_DIR = tmp_path
    settings.CIVICSTAT_WAREHOUSE_URL = f"duckdb://{tmp_path / 'warehouse.duckdb'}"
    return tmp_path


def run_demo() -> str:
    out = io.StringIO()
    setup.run(stdout=out, data=False)
    pipeline.run(PlanPage.objects.get(slug=setup.CURRENT_PLAN), stdout=out, today=TODAY)
    return out.getvalue()


def warehouse_counts(url: str) -> dict[str, int]:
    con = connect(url, read_only=True)
    try:
        datasets = sorted(set(load_log(con)["dataset"]))
        return {name: int(dataset_table(con, name).count().execute()) for name in datasets}
    finally:
        con.disconnect()


def published_state() -> dict[str, int]:
    return {
        "values": MeasureValue.objects.count(),
        "computed values": MeasureValue.objects.filter(source=ValueSource.COMPUTED).count(),
        "charts": MeasureChart.objects.count(),
        "analyses": PublishedAnalysis.objects.count(),
        "measures": Measure.objects.count(),
    }


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_provenance(slug: str, run: RefreshRun, raw_dir: Path) -> None:
    """``slug`` is computed, every value from ``run``, and its loads name the expected files."""
    measure = Measure.objects.get(slug=slug)
    assert measure.kind == MeasureKind.COMPUTED, f"{slug} is not computed"
    values = MeasureValue.objects.filter(measure=measure)
    assert values.exists() and {v.source for v in values} == {ValueSource.COMPUTED}
    assert {v.run_id for v in values} == {run.pk}
    assert values.filter(value__isnull=False).exists(), f"{slug} has no value at all"
    computation = MeasureComputation.objects.get(run=run, measure=measure)
    assert computation.sql and len(computation.spec_hash) == 64 and computation.loads
    names = {Path(load["file"]).name for load in computation.loads} | {
        load["dataset"] for load in computation.loads
    }
    assert COMPUTED[slug] <= names, f"{slug}: loads {names}"
    for load in computation.loads:
        path = Path(load["file"])
        if path.is_relative_to(raw_dir):  # a generated raw file: the recorded hash is its hash
            assert load["sha256"] == sha256(path), f"{slug}: {path} changed since its load"


def test_demo_pipeline_computes_the_reference_measures_once(client, demo_dirs, settings):
    first_output = run_demo()
    assert "quarantined 0" in first_output
    run = RefreshRun.objects.filter(status=RefreshStatus.SUCCEEDED).latest()
    raw_dir = pipeline.raw_dir()
    for slug in COMPUTED:
        check_provenance(slug, run, raw_dir)
    for slug in MANUAL:
        values = MeasureValue.objects.filter(measure__slug=slug)
        assert values.exists()
        assert all(
            v.source == ValueSource.MANUAL and v.entered_by_name and v.entered_at for v in values
        )
    # No figure written in by hand: every value of a computed measure came from this run.
    computed = Measure.objects.filter(kind=MeasureKind.COMPUTED)
    assert not MeasureValue.objects.filter(measure__in=computed, source=ValueSource.MANUAL).exists()

    # No-fault crashes, counted independently from the raw file (calls, not unit rows).
    import pandas as pd

    calls = pd.read_csv(
        raw_dir / "calls-and-HEART-responses" / "durham_calls_for_service.csv",
        dtype=str,
        keep_default_na=False,
    )
    crash = calls[
        (calls.call_type == "Motor Vehicle Crash")
        & (calls.cancelled == "false")
        & (calls.medical_need == "false")
    ]
    months = pd.to_datetime(crash.received_at.str[:7]).dt.strftime("%Y-%m")
    expected = crash.assign(month=months).groupby("month").call_id.nunique().to_dict()
    published = {
        v.period_label: v.value
        for v in MeasureValue.objects.filter(measure__slug="no-fault-vehicle-accidents")
    }
    assert published == {m: float(n) for m, n in expected.items()} and len(published) == 12

    before = (warehouse_counts(settings.CIVICSTAT_WAREHOUSE_URL), published_state())
    run_demo()
    after = (warehouse_counts(settings.CIVICSTAT_WAREHOUSE_URL), published_state())
    # Nothing duplicated in the warehouse or among the published values.
    for was, now in zip(before, after, strict=True):
        changed = {
            k: (was.get(k), now.get(k)) for k in was.keys() | now.keys() if was.get(k) != now.get(k)
        }
        assert not changed, f"second run changed (before, after): {changed}"
    second = RefreshRun.objects.filter(status=RefreshStatus.SUCCEEDED).latest()
    assert second.pk != run.pk and second.measures_count == run.measures_count

    # The public pages show the computed values, their charts and where they came from.
    for slug, sources in COMPUTED.items():
        html = client.get(f"/measures/{slug}/")
        assert html.status_code == 200, slug
        page = BeautifulSoup(html.content, "html.parser")
        assert page.select_one(".chart__svg svg[role=img]") is not None, slug
        assert page.select_one("details.sql pre code").get_text().strip(), slug
        assert any(source in page.get_text() for source in sources), slug
    initiative = Measure.objects.get(slug="no-fault-vehicle-accidents").page
    page = BeautifulSoup(client.get(initiative.url).content, "html.parser")
    card = page.find(
        id=f"measure-{Measure.objects.get(slug='no-fault-vehicle-accidents').pk}-title"
    )
    assert card.find_parent("article").select_one(".chart__svg svg") is not None
    goal = Measure.objects.get(slug="reported-violent-crimes").page
    page = BeautifulSoup(client.get(goal.url).content, "html.parser")
    assert len(page.select(".measure-card .chart__svg svg")) >= 3  # staffing and crime levels

    slug, sources = FAMILIAR_NEIGHBORS
    COMPUTED[slug] = sources
    check_provenance(slug, second, raw_dir)
    measure = Measure.objects.get(slug=slug)
    assert measure.counts_people
    assert all(
        v.suppressed or v.value is None or v.value == 0 or v.value > 10
        for v in MeasureValue.objects.filter(measure=measure)
    )
