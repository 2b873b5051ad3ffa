"""In a real browser: a resident reaches the public calendar from the site's navigation, finds
next month's CPR class, subscribes (the feed the page links to is fetched and parsed, and has
that class on that date) and asks a department to an event; a resident asks a question on a
measure page that a staff member approves and answers, and it appears on the measure page.
axe-core finds no WCAG 2.2 A/AA problem on the calendar, the event page, the request form (also
with errors), the measure page with Q&A, the feeds, the dashboard and the staff pages."""

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
import recurring_ical_events
from dateutil.relativedelta import SA, relativedelta
from django.utils import timezone

from civicstat.core import testing as t
from civicstat.engage.models import EventRequest, Question, QuestionStatus
from civicstat.events import testing as et
from civicstat.events.measures import JOINT, MEASURES_FILE, specs
from civicstat.measures.catalogue import attach
from conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def second_saturday_of_next_month() -> date:
    first = (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(day=1)
    return first + relativedelta(weekday=SA(2))


@pytest.fixture
def site(fresh_site, live_server):
    deps = et.departments()
    day = second_saturday_of_next_month()
    start = datetime.combine(day, time(10), tzinfo=et.NY)
    et.make_event(
        "Hands-Only CPR class",
        deps["fire"],
        start,
        category_slug="cpr",
        assist=[deps["emergency-communications"]],
        location_name="Fire Station 1",
        rrule="FREQ=MONTHLY;BYDAY=2SA",
    )
    et.make_event(
        "Neighborhood listening session",
        deps["community-safety"],
        start + timedelta(days=3),
        category_slug="community-meeting",
    )
    et.make_event(
        "Staff only drill", deps["police"], start + timedelta(days=1), audience="internal"
    )
    plan = t.make_plan()
    goal = t.make_goal(plan)
    objective = t.make_objective(goal, "2.2", "Build Trust between Neighbors and Public Safety")
    initiative = t.make_initiative(
        objective,
        "2.21",
        "Develop a coordinated cycle of joint community safety events",
        [deps["fire"], deps["police"], deps["community-safety"]],
    )
    t.make_initiative(objective, "2.23", "Make data visible", [deps["police"]])
    attach(plan, MEASURES_FILE)  # the event measures, on 2.21 (owned by its departments)
    fire_staff = t.make_user("firestaff", groups=[deps["fire"].staff_group], password="pw-fire")
    return {
        "url": live_server.url,
        "day": day,
        "start": start,
        "initiative": initiative,
        "staff": fire_staff,
    }


def test_resident_finds_next_months_cpr_class_subscribes_and_asks_for_a_visit(site, page_at):
    page = page_at("desktop")
    page.goto(site["url"] + "/")
    page.get_by_role("navigation", name="Events and engagement").get_by_role(
        "link", name="Events", exact=True
    ).click()
    page.wait_for_url("**/events/")
    assert page.locator("h1").inner_text() == "Community safety events"
    page.get_by_label("Kind of event").select_option(label="CPR class")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name="Month", exact=True).click()
    page.get_by_role("link", name="Next month").click()
    day = site["day"]
    page.wait_for_url(f"**/events/{day.year}/{day.month}/?category=cpr")
    cell = page.locator(f"td:has(time[datetime='{day.isoformat()}'])")
    link = cell.get_by_role("link", name="Hands-Only CPR class")
    assert link.count() == 1
    assert page.locator("text=Staff only drill").count() == 0
    assert_accessible(page, "public calendar, month view")
    screenshot(page, "events-month-desktop")

    # Subscribe: the feed the page offers is a calendar with next month's class in it.
    href = page.get_by_role("link", name="Subscribe (ICS feed)").get_attribute("href")
    assert href == "/events/feeds/category/cpr.ics"
    feed = page.request.get(site["url"] + href)
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(feed.body())
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Hands-Only CPR class"]
    first, last = day.replace(day=1), (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    dated = recurring_ical_events.of(cal).between(first, last)
    assert [e["DTSTART"].dt.astimezone(UTC) for e in dated] == [site["start"].astimezone(UTC)]

    link.focus()  # the grid works from the keyboard
    page.keyboard.press("Enter")
    page.wait_for_url("**/events/event/**")
    assert page.locator("h1").inner_text() == "Hands-Only CPR class"
    assert "Emergency Communications" in page.locator(".event-facts").inner_text()
    ics = page.request.get(
        site["url"]
        + page.get_by_role("link", name="Download this event (ICS)").get_attribute("href")
    )
    assert ics.ok and b"Hands-Only CPR class" in ics.body()
    assert_accessible(page, "event page")

    page.get_by_role("link", name="Ask for a visit").click()
    page.wait_for_url("**/engage/request/")
    page.get_by_role("button", name="Send your request").click()  # empty: errors, kept accessible
    assert page.locator(".error-summary").is_visible()
    assert_accessible(page, "request form with errors")
    page.get_by_label("Which department would you like to ask?").select_option(
        label="Fire Department"
    )
    page.get_by_label("Teach a class (CPR, Stop the Bleed, fire safety…)").check()
    page.get_by_label("Preferred date").fill(
        (timezone.localdate() + timedelta(days=30)).isoformat()
    )
    page.get_by_label("Where").fill("Lyon Park Community Center")
    page.get_by_label("Tell us about it").fill("A CPR class for our block's parents, about 20.")
    page.get_by_label("Your name").fill("Alex Rivera")
    page.get_by_label("Your email address").fill("alex@example.org")
    screenshot(page, "event-request-form-desktop")
    page.get_by_role("button", name="Send your request").click()
    page.wait_for_url("**/engage/request/thanks/**")
    saved = EventRequest.objects.get()
    assert saved.reference in page.locator("main").inner_text()
    assert (saved.department.slug, saved.kind) == ("fire", "class")
    assert_accessible(page, "request sent")


def test_staff_approve_a_question_and_it_appears_on_the_measure_page(site, page_at):
    page = page_at("desktop")
    url = f"{site['url']}/measures/{JOINT}/"
    page.goto(url)
    assert page.locator("h1").inner_text() == "Joint Community Safety Events"
    page.get_by_label("Your question or comment").fill(
        "What would explain fewer joint events in the summer?"
    )
    page.get_by_role("button", name="Send your question").click()
    page.wait_for_url("**?asked=1#questions")
    assert "once staff have read it" in page.locator("#questions").inner_text()
    assert "fewer joint events" not in page.locator("#questions").inner_text()
    assert Question.objects.get().measure.slug == JOINT

    staff = page_at("desktop")
    staff.goto(site["url"] + "/admin/login/?next=/engage/staff/questions/")
    staff.get_by_label("Username").fill("firestaff")
    staff.get_by_label("Password").fill("pw-fire")
    staff.get_by_role("button", name="Sign in").click()
    staff.wait_for_url("**/engage/staff/questions/")
    item = staff.locator(".moderation").filter(has_text="fewer joint events")
    item.get_by_label("Answer (published with the question)").fill(
        "Schools are out, so the tutoring and school visits pause until September."
    )
    item.get_by_role("button", name="Approve and publish").click()
    staff.wait_for_url("**/engage/staff/questions/")
    assert Question.objects.get().status == QuestionStatus.APPROVED

    page.goto(url)
    qa = page.locator("#questions .qa")
    assert "fewer joint events in the summer" in qa.locator(".qa__question").inner_text()
    assert "tutoring and school visits pause" in qa.locator(".qa__answer").inner_text()
    assert "Answered by Fire Department staff" in qa.inner_text()
    assert_accessible(page, "measure page with Q&A")
    screenshot(page, "measure-questions-desktop")


def test_phone_calendar_fits_the_screen(site, page_at):
    page = page_at("phone")
    day = site["day"]
    page.goto(site["url"] + f"/events/{day.year}/{day.month}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page, "public calendar on a phone")
    screenshot(page, "events-month-phone")


def test_list_feeds_dashboard_and_staff_pages_are_accessible(site, page_at, settings):
    from civicstat.events.tasks import export_record
    from civicstat.events.tests.support import compute, publish
    from civicstat.measures.models import Measure

    export_record(settings.CIVICSTAT_WAREHOUSE_URL)
    for slug, spec in specs().items():
        if spec["dataset"] != "page_views":
            publish(
                Measure.objects.get(slug=slug),
                compute(
                    settings.CIVICSTAT_WAREHOUSE_URL,
                    spec,
                    timezone.localdate() + timedelta(days=62),
                ),
            )
    page = page_at("desktop")
    for path, name in (
        ("/events/", "upcoming events"),
        ("/events/feeds/", "feeds"),
        ("/events/dashboard/", "combined event dashboard"),
    ):
        page.goto(site["url"] + path)
        assert_accessible(page, name)
    assert page.locator("#monthly-heading").is_visible()
    screenshot(page, "events-dashboard-desktop")

    page.goto(site["url"] + "/admin/login/?next=/events/internal/")
    page.get_by_label("Username").fill("firestaff")
    page.get_by_label("Password").fill("pw-fire")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/events/internal/")
    assert page.locator("text=Staff only drill").count() == 1
    assert_accessible(page, "staff calendar")
    page.get_by_role("link", name="Neighborhood listening session").first.click()
    page.get_by_role("button", name="Offer to assist").click()
    assert "offered to help" in page.locator(".messages").inner_text()
    assert_accessible(page, "staff event page")
    screenshot(page, "events-staff-event-desktop")
