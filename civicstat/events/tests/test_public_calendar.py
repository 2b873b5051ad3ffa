"""The public calendar over HTTP: month grid, list, event page, filters, cancelled events marked
in text, internal events absent from every public page and feed."""

import pytest
from bs4 import BeautifulSoup

from civicstat.events import testing as et
from civicstat.events.models import Audience, EventStatus


def soup(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def october(deps):
    fire, police, safety = deps["fire"], deps["police"], deps["community-safety"]
    return {
        "cpr": et.make_event(
            "CPR class",
            fire,
            et.local(2026, 10, 10, 10),
            category_slug="cpr",
            rrule="FREQ=MONTHLY;BYDAY=2SA",
            assist=[safety],
        ),
        "nno": et.make_event(
            "National Night Out",
            police,
            et.local(2026, 10, 6, 17),
            hours=4,
            category_slug="national-night-out",
            assist=[fire],
        ),
        "open": et.make_event(
            "Station 5 open house",
            fire,
            et.local(2026, 10, 17, 11),
            category_slug="open-house",
            status=EventStatus.CANCELLED,
        ),
        "internal": et.make_event(
            "Secret tabletop exercise",
            police,
            et.local(2026, 10, 20, 9),
            audience=Audience.INTERNAL,
            assist=[fire],
            category_slug="cpr",  # shares a category and departments with public events
            rrule="FREQ=WEEKLY;COUNT=4",
            location_name="Hidden bunker",
        ),
        "fair": et.make_event(
            "Harvest safety fair", safety, et.local(2026, 10, 30), hours=48, all_day=True
        ),
    }


def cell(page, day):
    time = page.find("time", attrs={"datetime": day})
    return time.find_parent("td") if time else None


def titles(node):
    return [t.get_text(strip=True) for t in node.select(".cal-event__title")]


def test_month_grid_is_a_table_with_day_headers_and_the_events(client, october):
    page = soup(client, "/events/2026/10/")
    table = page.select_one("table.cal-month")
    assert "October 2026" in table.caption.get_text()
    headers = table.select("thead th")
    assert len(headers) == 7 and all(th["scope"] == "col" for th in headers)
    assert (
        headers[0].select_one(".visually-hidden").get_text() == "Sunday"
    )  # en: weeks start Sunday
    assert titles(cell(page, "2026-10-06")) == ["National Night Out"]
    assert titles(cell(page, "2026-10-10")) == ["CPR class"]
    # The all-day two-day fair is listed on both of its days.
    assert (
        titles(cell(page, "2026-10-30"))
        == titles(cell(page, "2026-10-31"))
        == ["Harvest safety fair"]
    )
    # Four public events (the internal one is not counted), the series counted once.
    assert page.select_one(".cal__count").get_text().startswith("4 events this month")


def test_cancelled_is_said_in_words_and_joint_events_are_marked(client, october):
    page = soup(client, "/events/2026/10/")
    cancelled = cell(page, "2026-10-17").select_one(".cal-event")
    assert "Cancelled" in cancelled.select_one(".tag--cancelled").get_text()
    nno = cell(page, "2026-10-06").select_one(".cal-event")
    assert nno.select_one(".tag--joint").get_text(strip=True) == "Joint event"
    detail = soup(client, f"/events/event/{october['open'].pk}/")
    assert "Cancelled" in detail.select_one(".notice--cancelled").get_text()


def test_month_navigation_and_next_month(client, october):
    page = soup(client, "/events/2026/10/?category=cpr")
    link = page.select_one("a[rel=next]")
    assert link["href"] == "/events/2026/11/?category=cpr"
    november = soup(client, link["href"])
    assert titles(cell(november, "2026-11-14")) == ["CPR class"]
    assert soup(client, "/events/2026/13/", status=404)


def test_filters_by_department_and_category(client, october, deps):
    fire = soup(client, "/events/2026/10/?department=fire")
    shown = set(titles(fire))
    assert shown == {"CPR class", "National Night Out", "Station 5 open house"}  # hosts or assists
    cpr = soup(client, "/events/2026/10/?category=cpr")
    assert set(titles(cpr)) == {"CPR class"}
    assert (
        cpr.select_one("a.button[type='text/calendar']")["href"] == "/events/feeds/category/cpr.ics"
    )
    options = [o["value"] for o in fire.select("select[name=department] option") if o["value"]]
    assert "emergency-communications" not in options  # offers only departments with events
    bad = soup(client, "/events/2026/10/?department=nope")
    assert len(set(titles(bad))) == 4  # an unknown value shows everything, and says so
    error = bad.select_one(".field__error")
    assert "valid choice" in error.get_text()
    assert bad.select_one("#id_department")["aria-describedby"] == error["id"]


def test_upcoming_list_and_event_page(client, october):
    page = soup(client, "/events/?from=2026-10-01")
    days = [h.get_text(" ", strip=True) for h in page.select("h3.cal-list__day")]
    assert days[0] == "Tuesday, October 6"
    detail = soup(client, f"/events/event/{october['cpr'].pk}/?date=2026-11-14")
    assert detail.h1.get_text() == "CPR class"
    facts = detail.select_one(".event-facts").get_text(" ", strip=True)
    assert "Fire Department" in facts and "Community Safety Department" in facts
    assert "Saturday, November 14, 2026" in facts
    assert detail.select_one("a[href$='.ics']")["href"] == f"/events/event/{october['cpr'].pk}.ics"


def public_links(content: bytes) -> set[str]:
    page = BeautifulSoup(content, "html.parser")
    links = {a["href"] for a in page.select("a[href]")} | {
        f.get("action") or "" for f in page.select("form[method=get]")
    }
    return {
        href.split("#")[0]
        for href in links
        if href.startswith("/") and not href.startswith(("/admin/", "/django-admin/", "/static/"))
    }


def test_internal_events_never_appear_on_public_pages_or_feeds(client, october, deps):
    """Every public page and feed reachable from the calendar (three links deep), every
    department's and category's feed and every filter: the internal event is in none."""
    secret = october["internal"]
    seeds = [
        "/events/?from=2026-10-01",
        "/events/2026/10/",
        "/events/feeds/",
        "/events/dashboard/",
        "/events/feeds/public.ics",
        f"/events/event/{october['nno'].pk}/",
        f"/events/event/{october['nno'].pk}.ics",
    ]
    seeds += [f"/events/2026/10/?department={slug}" for slug in deps]
    seeds += [f"/events/?from=2026-10-01&department={slug}" for slug in deps]
    seeds += [f"/events/feeds/department/{slug}.ics" for slug in deps]
    seeds += [f"/events/feeds/category/{slug}.ics" for slug in ("cpr", "open-house", "training")]
    seeds += [
        "/events/2026/10/?category=cpr",
        f"/events/event/{october['cpr'].pk}/?date=2026-10-20",
    ]
    seen, frontier = set(), list(seeds)
    for _depth in range(3):
        following = []
        for url in frontier:
            if url in seen or url.startswith("/events/internal"):
                continue
            seen.add(url)
            response = client.get(url)
            # (this test builds no plan: the site's other pages may answer 404 here)
            ours = url.startswith(("/events/", "/engage/"))
            assert response.status_code in ((200,) if ours else (200, 404)), url
            for secret_text in (secret.title, secret.uid, "Hidden bunker"):
                assert secret_text.encode() not in response.content, url
            if response["Content-Type"].startswith("text/html"):
                following += sorted(public_links(response.content) - seen)
        frontier = following
    assert len(seen) > 40
    assert any(url.endswith(".ics") for url in seen)
    assert client.get(f"/events/event/{secret.pk}/").status_code == 404
    assert client.get(f"/events/event/{secret.pk}.ics").status_code == 404
    assert client.get(f"/events/event/{secret.pk}/?date=2026-10-27").status_code == 404


def test_feed_index_lists_department_and_category_feeds(client, october):
    page = soup(client, "/events/feeds/")
    hrefs = {a["href"] for a in page.select("a[type='text/calendar']")}
    assert {
        "/events/feeds/public.ics",
        "/events/feeds/department/fire.ics",
        "/events/feeds/category/cpr.ics",
    } <= hrefs
    webcal = [a["href"] for a in page.find_all("a") if a["href"].startswith("webcal://")]
    assert "webcal://testserver/events/feeds/public.ics" in webcal
    labels = {label["for"] for label in page.find_all("label")}
    assert all(i["id"] in labels for i in page.select("input.feed-links__url"))
