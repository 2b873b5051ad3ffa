"""The community-safety data pages of the Durham plan in Debian's Chromium, with the analyses
computed from the hand-built records of the producer tests: every page shows its analysis (no
"Not computed yet"), axe-core finds nothing at desktop and phone widths, and nothing is wider
than a phone."""

from __future__ import annotations

import datetime as dt

import ibis
import pytest

from civicstat.dashboards.producers import diversion, familiar_neighbors, heart, response_times
from civicstat.dashboards.producers._safety_common import Window
from civicstat.dashboards.tests import test_producers_safety_diversion as div_data
from civicstat.dashboards.tests import test_producers_safety_familiar as fn_data
from civicstat.dashboards.tests import test_producers_safety_heart as heart_data
from civicstat.dashboards.tests import test_producers_safety_response_times as rt_data
from civicstat.demo.setup import plan_file
from civicstat.measures.services.analyses import save_analysis
from civicstat.plans import planfile
from civicstat.plans.models import DataPage
from civicstat.safety.tests.canonical import load_calls, load_crisis
from conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {  # slug: (h1, charts drawn)
    "community-safety": ("Community Safety: crisis response (HEART)", 2),
    "community-response-teams": ("Community Response Teams", 2),
    "crisis-call-diversion": ("Crisis Call Diversion", 0),
    "care-navigation": ("Care Navigation", 0),
    "call-diversion": ("Which 911 calls a civilian team could take", 2),
    "response-times": ("911 and emergency response times", 1),
    "familiar-neighbors-data": ("Familiar neighbors in the response records", 1),
}


def _analyses():
    con = ibis.duckdb.connect()
    crisis = load_crisis(con, heart_data._responses(), name="crisis")
    out = heart.build(crisis, Window(dt.date(2023, 1, 1), dt.date(2023, 3, 1)))
    calls, responses = div_data._data()
    out.append(
        diversion.build(
            load_calls(con, calls, name="calls"),
            load_crisis(con, responses, name="crisis2"),
            Window(dt.date(2023, 1, 1), dt.date(2023, 4, 1)),
        )
    )
    out.append(
        response_times.build(
            load_calls(con, rt_data._calls(), name="calls2"),
            Window(dt.date(2023, 10, 1), dt.date(2023, 12, 1)),
        )
    )
    out.append(
        familiar_neighbors.build(
            load_crisis(con, fn_data._rows(), name="crisis3"),
            Window(dt.date(2023, 1, 1), dt.date(2024, 1, 1)),
        )
    )
    return out


@pytest.fixture(scope="module")
def analyses():
    return _analyses()


@pytest.fixture
def safety_pages(fresh_site, live_server, analyses):
    planfile.import_plan(planfile.load(plan_file("durham-fy2024-2026.yaml")))
    for analysis in analyses:
        save_analysis(analysis, producer="test", run=None, loads=[])
    return {slug: live_server.url + DataPage.objects.get(slug=slug).url for slug in PAGES}


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_community_safety_pages_are_accessible(safety_pages, page_at, viewport):
    page = page_at(viewport)
    for slug, (title, charts) in PAGES.items():
        page.goto(safety_pages[slug])
        assert page.locator("h1").inner_text() == title
        assert page.get_by_text("Not computed yet").count() == 0, slug
        assert page.locator(".analysis figure.chart svg[role=img]").count() == charts, slug
        screenshot(page, f"safety-{slug}-{viewport}")
        assert_accessible(page, f"{slug} ({viewport})")
        if viewport == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, slug
