"""The three 2.13 pilot pages of the Durham plan in Debian's Chromium, with analyses computed
from hand-built records (gunshot detection, dirt bikes) and the synthetic RTM input set:
axe-core finds nothing at desktop and phone widths, and nothing is wider than a phone."""

from __future__ import annotations

import pandas as pd
import pytest

from civicstat.dashboards.pilots.rtm_run import run_and_publish
from civicstat.dashboards.tests import pilot_data as d
from civicstat.dashboards.tests.test_producers_pilots import REPORTS
from civicstat.demo.setup import plan_file
from civicstat.demo.synthetic.rtm_world import write_world
from civicstat.measures.services.refresh import refresh
from civicstat.plans import planfile
from civicstat.plans.models import DataPage
from conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "gunshot-detection-pilot": ("Gunshot-detection pilot", 4),
    "risk-terrain-modeling": ("Risk terrain modeling of robbery", 1),
    "dirt-bike-mitigation": ("Dirt-bike and ATV mitigation", 2),
}


@pytest.fixture
def pilot_pages(fresh_site, live_server, tmp_path, settings):
    url = f"duckdb://{tmp_path / 'warehouse.duckdb'}"
    settings.CIVICSTAT_WAREHOUSE_URL = url
    settings.CIVICSTAT_PILOTS_FILE = str(d.settings_file(tmp_path))
    settings.DATA_DIR = tmp_path / "data"
    planfile.import_plan(planfile.load(plan_file("durham-fy2024-2026.yaml")))
    d.load(url, "gunshot_alerts", d.alerts_frame(), tmp_path)
    d.load(url, "calls_for_service", d.calls_frame(), tmp_path)
    d.load(url, "gunshot_outcomes", d.outcomes_frame(), tmp_path)
    d.load(url, "confirmed_shootings", d.confirmed_frame(), tmp_path)
    reports = pd.DataFrame(
        [
            {
                "report_id": r,
                "reported_at": d.local(t),
                "kind": k,
                "district": dist or None,
                "outcome": o,
            }
            for r, t, k, dist, o in REPORTS
        ]
    )
    d.load(url, "dirt_bike_reports", reports, tmp_path)
    run = refresh(run_sources=False, analyses=["gunshots", "dirt-bikes"], slugs=["none"])
    assert run.analyses_count == 2, run.error
    run_and_publish(write_world(tmp_path / "world"), publish="rtm/durham-robbery")
    return {slug: live_server.url + DataPage.objects.get(slug=slug).url for slug in PAGES}


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_pilot_pages_are_accessible(pilot_pages, page_at, viewport):
    page = page_at(viewport)
    for slug, (title, charts) in PAGES.items():
        page.goto(pilot_pages[slug])
        assert page.locator("h1").inner_text() == title
        assert page.locator("figure.chart svg[role=img]").count() == charts
        assert page.get_by_text("Not computed yet").count() == 0
        screenshot(page, f"pilot-{slug}-{viewport}")
        assert_accessible(page, f"{slug} ({viewport})")
        if viewport == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, slug
