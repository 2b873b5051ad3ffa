"""Public pages over real HTTP requests (Django's test client), parsed as HTML."""

import pytest
from bs4 import BeautifulSoup

from civicstat.demo.setup import plan_file
from civicstat.plans import planfile
from civicstat.plans.models import GoalPage, InitiativePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def durham():
    return planfile.import_plan(planfile.load(plan_file("durham-fy2024-2026.yaml")))


def soup(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def test_home_lists_the_five_goals(client, durham):
    page = soup(client, "/")
    titles = [a.get_text(" ", strip=True) for a in page.select(".goal-card__title a")]
    assert titles == [
        "Goal 1 Shared Economic Prosperity",
        "Goal 2 Create a Safer Community Together",
        "Goal 3 Connected, Engaged, and Inclusive Communities",
        "Goal 4 Innovative and High Performing Organization",
        "Goal 5 Thriving and Vibrant Environment",
    ]
    # Landmarks and the skip link every page has.
    assert page.select_one("a.skip-link")["href"] == "#main"
    assert page.select_one("header") and page.select_one("main#main") and page.select_one("footer")
    assert [a.get_text() for a in page.select("nav.site-nav a")][:5] == [
        t.split(" ", 2)[2] for t in titles
    ]


def test_goal_page_shows_objectives_initiatives_and_headline_measures(client, durham):
    goal = GoalPage.objects.get(number="2")
    page = soup(client, goal.url)
    assert page.h1.get_text(strip=True) == "Create a Safer Community Together"
    objectives = [h.get_text(" ", strip=True) for h in page.select("section.objective > h2")]
    assert objectives == [
        "Objective 2.1 Reduce Harm",
        "Objective 2.2 Build Trust between Neighbors and Public Safety Providers",
        "Objective 2.3 Recruit, Retain and Support Healthy and Engaged Public Safety Employees",
    ]
    rows = page.select(".initiative-row")
    assert len(rows) == 9
    headline = {
        r.select_one(".initiative-row__label").get_text(strip=True): r.select_one(
            ".initiative-row__measure-name"
        )
        for r in rows
    }
    assert headline["Initiative 2.21"].get_text(strip=True) == "Joint Community Safety Events"
    assert headline["Initiative 2.33"] is None  # no key measure published for 2.33
    # Status is given as text and an icon, never by colour alone.
    for row in rows:
        badge = row.select_one(".status")
        assert badge.select_one("svg use")["href"].startswith("#icon-")
        assert badge.select_one(".status__label").get_text(strip=True).endswith("In Progress")
    # Heading order never skips a level.
    levels = [int(h.name[1]) for h in page.select("main h1, main h2, main h3, main h4")]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


def test_initiative_page_has_all_five_sections(client, durham):
    page_obj = InitiativePage.objects.get(number="2.21")
    page = soup(client, page_obj.url)
    sections = [h.get_text(strip=True) for h in page.select("main section > h2")]
    assert sections[:5] == [
        "Description",
        "Key Measures & Data Analysis",
        "Why is it important?",
        "What have we been doing?",
        "What's next?",
    ]
    steps = page.select(".next-step")
    assert len(steps) == 6
    assert all(
        s.select_one(".next-step__state").get_text(strip=True) == "Not done yet:" for s in steps
    )
    breadcrumb = [li.get_text(strip=True) for li in page.select("nav.breadcrumbs li")]
    assert breadcrumb[-2:] == [
        "2.2 Build Trust between Neighbors and Public Safety Providers",
        "2.21 Develop a coordinated cycle of joint community safety events",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", None),
        ("?goal=2", {"2.11", "2.12", "2.13", "2.21", "2.22", "2.23", "2.31", "2.32", "2.33"}),
        ("?goal=2&department=community-safety", {"2.11", "2.12", "2.21", "2.23", "2.33"}),
        ("?department=community-engagement", {"3.11", "3.12", "3.13"}),
        ("?status=on_hold", set()),
    ],
)
def test_initiative_list_filters(client, durham, query, expected):
    page = soup(client, durham.url + "initiatives/" + query)
    numbers = {tr.td.get_text(strip=True) for tr in page.select("table.data-table tbody tr")}
    if expected is None:
        assert numbers == set(InitiativePage.objects.live().values_list("number", flat=True))
    else:
        assert numbers == expected
        if not expected:
            assert "No initiative matches these filters." in page.get_text()


def test_bad_filter_value_is_reported_not_crashed(client, durham):
    page = soup(client, durham.url + "initiatives/?status=nonsense")
    assert page.select_one(".field__error") is not None
