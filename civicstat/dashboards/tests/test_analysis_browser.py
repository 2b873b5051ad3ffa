"""A data page with a published analysis in a real browser: axe-core clean at desktop and phone
widths, the chart's data table opened from the keyboard, nothing wider than a phone."""

import dataclasses

import pytest

from civicstat.dashboards.tests.test_analyses import calls_by_priority_analysis
from civicstat.demo.setup import plan_file
from civicstat.measures.services.analyses import save_analysis
from civicstat.plans import planfile
from civicstat.plans.models import DataPage
from conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data_page(fresh_site, live_server):
    planfile.import_plan(planfile.load(plan_file("durham-fy2024-2026.yaml")))
    analysis = dataclasses.replace(
        calls_by_priority_analysis({"1": 40, "2": 25, "3": 9}), key="heart/all"
    )
    save_analysis(analysis, producer="test", run=None, loads=[])
    return live_server.url + DataPage.objects.get(slug="community-safety").url


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_data_page_is_accessible(data_page, page_at, viewport):
    page = page_at(viewport)
    page.goto(data_page)
    assert page.locator("h1").inner_text() == "Community Safety: crisis response (HEART)"
    assert page.locator(".figure__value").first.inner_text() == "74"
    assert page.locator("figure.chart svg[role=img]").count() == 1
    screenshot(page, f"data-page-{viewport}")
    assert_accessible(page, f"data page ({viewport})")
    if viewport == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_chart_table_opens_from_the_keyboard(data_page, page_at):
    page = page_at("desktop")
    page.goto(data_page)
    summary = page.locator("figure.chart details summary")
    summary.focus()
    page.keyboard.press("Enter")
    table = page.locator("figure.chart details table")
    assert table.is_visible()
    assert table.locator("caption").inner_text() == "Calls by priority"
    assert table.locator("tbody tr").count() == 3
    assert_accessible(page, "data page with its table open")
