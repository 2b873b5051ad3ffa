"""A resident finds initiative 2.21 by clicking, at desktop and phone widths; axe-core finds nothing."""

import re

import pytest

from civicstat.demo.setup import plan_file
from civicstat.plans import planfile
from conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def durham(fresh_site, live_server):
    planfile.import_plan(planfile.load(plan_file("durham-fy2024-2026.yaml")))
    return live_server.url


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_resident_navigates_home_goal_initiative(durham, page_at, viewport):
    page = page_at(viewport)
    page.goto(durham + "/")
    assert page.locator("h1").inner_text() == "Durham Strategic Plan FY 2024–2026"
    goals = page.locator(".goal-card__title a")
    assert goals.count() == 5
    screenshot(page, f"home-{viewport}")
    assert_accessible(page, f"home ({viewport})")

    page.get_by_role("link", name=re.compile("Goal 2 Create a Safer Community Together")).click()
    page.wait_for_url("**/create-a-safer-community-together/")
    assert page.locator("h1").inner_text() == "Create a Safer Community Together"
    numbers = page.locator(".initiative-row__label").all_inner_texts()
    assert [n.replace("Initiative", "").strip() for n in numbers] == [
        "2.11",
        "2.12",
        "2.13",
        "2.21",
        "2.22",
        "2.23",
        "2.31",
        "2.32",
        "2.33",
    ]
    screenshot(page, f"goal-2-{viewport}")
    assert_accessible(page, f"goal 2 ({viewport})")

    page.get_by_role("link", name="Learn more about initiative 2.21").click()
    page.wait_for_url("**/joint-community-safety-events/")
    assert "Initiative 2.21" in page.locator("h1").inner_text()
    headings = page.locator("main h2").all_inner_texts()
    for section in (
        "Description",
        "Key Measures & Data Analysis",
        "Why is it important?",
        "What have we been doing?",
        "What's next?",
    ):
        assert section in headings
    assert page.locator(".next-step").count() == 6
    status = page.locator(".initiative-meta .status").first
    assert status.inner_text().strip() == "In Progress"  # the status is text, not colour alone
    screenshot(page, f"initiative-2-21-{viewport}")
    assert_accessible(page, f"initiative 2.21 ({viewport})")

    if viewport == "phone":  # nothing is wider than the phone's screen
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390


def test_keyboard_user_can_skip_to_content_and_filter(durham, page_at):
    page = page_at("desktop")
    page.goto(durham + "/fy2024-2026/initiatives/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.get_by_label("Department").select_option(label="Police Department")
    page.get_by_role("button", name="Apply filters").press("Enter")
    page.wait_for_url("**department=police**")
    rows = page.locator("table.data-table tbody tr")
    assert rows.count() > 0
    for text in rows.all_inner_texts():
        assert "DPD" in text
    assert_accessible(page, "initiative list filtered")
    screenshot(page, "initiatives-filtered-desktop")
