"""Initiative and goal pages with their measures' published charts, in Debian's Chromium:
axe-core finds nothing at desktop and phone widths, nothing is wider than a phone, and the link
under each chart leads to the measure's data table."""

import datetime as dt

import pytest

from civicstat.core import testing as t
from civicstat.measures.services.refresh import refresh
from civicstat.measures.tests.conftest import CALLS_PER_MONTH, computed_measure
from conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pages(fresh_site, warehouse, live_server):
    plan = t.make_plan()
    goal = t.make_goal(plan)
    objective = t.make_objective(goal)
    initiative = t.make_initiative(objective, departments=[t.department("police")])
    computed_measure(
        initiative, "calls-per-month", CALLS_PER_MONTH, cadence="month", headline=True, target=3
    )
    computed_measure(
        initiative,
        "calls-by-district",
        {**CALLS_PER_MONTH, "breakdown": "district"},
        cadence="month",
    )
    computed_measure(
        goal,
        "calls-context",
        CALLS_PER_MONTH,
        cadence="month",
        role="context",
        direction="informational",
    )
    refresh(as_of=dt.date(2024, 9, 15), run_sources=False)
    return {"initiative": live_server.url + initiative.url, "goal": live_server.url + goal.url}


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("which", ["initiative", "goal"])
def test_pages_with_charts_are_accessible(pages, page_at, viewport, which):
    page = page_at(viewport)
    page.goto(pages[which])
    # initiative: its two key measures; goal: the context measure and the initiative's headline
    assert page.locator(".chart__svg svg[role=img]").count() == 2
    assert page.locator(".chart__summary").first.inner_text().strip()
    screenshot(page, f"{which}-charts-{viewport}")
    assert_accessible(page, f"{which} page with charts ({viewport})")
    if viewport == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_table_link_reaches_the_data_table(pages, page_at):
    page = page_at("desktop")
    page.goto(pages["initiative"])
    page.get_by_role("link", name="Data table for “Calls Per Month”").click()
    region = page.locator("#measure-data")
    assert region.is_visible()
    assert region.locator("tbody tr").count() == 3
    assert_accessible(page, "measure page reached from a card")
