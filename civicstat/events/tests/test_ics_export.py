"""The ICS feeds, parsed back with icalendar and expanded with recurring_ical_events (an
independent RFC 5545 implementation), carry the same events and dates as the calendar pages."""

from datetime import UTC, timedelta

import icalendar
import pytest
import recurring_ical_events

from civicstat.events import testing as et
from civicstat.events.models import Audience, EventStatus
from civicstat.events.occurrences import CalendarFilter, occurrences

WINDOW = (et.local(2026, 9, 1), et.local(2027, 4, 1))


@pytest.fixture
def calendar(deps):
    police, fire = deps["police"], deps["fire"]
    safety = deps["community-safety"]
    cpr = et.make_event(
        "CPR class",
        fire,
        et.local(2026, 10, 10, 10),
        rrule="FREQ=MONTHLY;BYDAY=2SA",
        category_slug="cpr",
        assist=[safety],
        location_name="Station 1",
        latitude=35.99,
        longitude=-78.9,
    )
    et.change(cpr, et.local(2026, 11, 14, 10), skip=True)
    et.change(cpr, et.local(2026, 12, 12, 10), status=EventStatus.CANCELLED)
    et.change(
        cpr,
        et.local(2027, 1, 9, 10),
        start=et.local(2027, 1, 16, 13),
        end=et.local(2027, 1, 16, 15),
    )
    et.change(cpr, et.local(2027, 3, 13, 10), status=EventStatus.HELD, attendance=18)
    nno = et.make_event(
        "National Night Out",
        police,
        et.local(2026, 10, 6, 17),
        hours=4,
        assist=[fire, safety],
        category_slug="national-night-out",
    )
    fair = et.make_event(
        "Safety fair", safety, et.local(2026, 10, 24), all_day=True, status=EventStatus.CANCELLED
    )
    internal = et.make_event(
        "Tabletop exercise",
        police,
        et.local(2026, 10, 20, 9),
        audience=Audience.INTERNAL,
        assist=[fire],
    )
    return {"cpr": cpr, "nno": nno, "fair": fair, "internal": internal}


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def instances(cal):
    """(uid, UTC start, status) of every instance in the window, by recurring_ical_events."""
    found = recurring_ical_events.of(cal).between(*WINDOW)
    out = set()
    for ev in found:
        start = ev["DTSTART"].dt
        if not hasattr(start, "hour"):
            start = et.local(start.year, start.month, start.day)
        out.add((str(ev["UID"]), start.astimezone(UTC), str(ev.get("STATUS", "CONFIRMED"))))
    return out


def ours(**filters):
    flt = CalendarFilter(**filters)
    return {
        (o.event.uid, o.start.astimezone(UTC), "CANCELLED" if o.cancelled else "CONFIRMED")
        for o in occurrences(*WINDOW, flt)
    }


def test_public_feed_round_trips_through_icalendar(client, calendar):
    cal = parse(client.get("/events/feeds/public.ics"))
    got = instances(cal)
    assert got == ours()
    uids = {str(e["UID"]) for e in cal.walk("VEVENT")}
    assert calendar["internal"].uid not in uids
    # The CPR series: 6 monthly dates from Oct to Mar minus the skipped November date, with the
    # January date moved to the 16th at 13:00 and December cancelled.
    cpr = sorted(s for uid, s, _ in got if uid == calendar["cpr"].uid)
    assert [s.astimezone(et.NY).strftime("%m-%d %H") for s in cpr] == [
        "10-10 10",
        "12-12 10",
        "01-16 13",
        "02-13 10",
        "03-13 10",
    ]
    assert (calendar["cpr"].uid, et.local(2026, 12, 12, 10).astimezone(UTC), "CANCELLED") in got
    assert (calendar["fair"].uid, et.local(2026, 10, 24).astimezone(UTC), "CANCELLED") in got


def test_feed_says_which_departments_take_part(client, calendar):
    cal = parse(client.get("/events/feeds/public.ics"))
    by_uid = {str(e["UID"]): e for e in cal.walk("VEVENT") if "RECURRENCE-ID" not in e}
    nno = by_uid[calendar["nno"].uid]
    assert str(nno["X-CIVICSTAT-DEPARTMENTS"]).split(",") == ["police", "community-safety", "fire"]
    assert str(nno["X-CIVICSTAT-JOINT"]) == "TRUE"
    assert [str(c) for c in nno["CATEGORIES"].cats] == ["National Night Out"]
    assert nno["DTSTART"].params["TZID"] == "America/New_York"
    assert str(nno["URL"]).endswith(f"/events/event/{calendar['nno'].pk}/")
    assert {tz["TZID"] for tz in cal.walk("VTIMEZONE")} == {"America/New_York"}
    cpr = by_uid[calendar["cpr"].uid]
    assert (cpr["GEO"].latitude, cpr["GEO"].longitude) == (35.99, -78.9)
    fair = by_uid[calendar["fair"].uid]
    assert fair["DTSTART"].dt.isoformat() == "2026-10-24"  # an all-day event is a DATE


def test_department_and_category_feeds(client, calendar):
    fire = {
        str(e["UID"]) for e in parse(client.get("/events/feeds/department/fire.ics")).walk("VEVENT")
    }
    assert fire == {calendar["cpr"].uid, calendar["nno"].uid}  # hosted and assisted, public only
    assert instances(parse(client.get("/events/feeds/department/fire.ics"))) == ours(
        department=calendar["cpr"].host_department
    )
    cpr = {
        str(e["UID"]) for e in parse(client.get("/events/feeds/category/cpr.ics")).walk("VEVENT")
    }
    assert cpr == {calendar["cpr"].uid}
    assert client.get("/events/feeds/department/nope.ics").status_code == 404


def test_single_event_download(client, calendar):
    cal = parse(client.get(f"/events/event/{calendar['nno'].pk}.ics"))
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["National Night Out"]
    assert client.get(f"/events/event/{calendar['internal'].pk}.ics").status_code == 404


def test_changed_dates_are_recurrence_id_components(client, calendar):
    cal = parse(client.get("/events/feeds/category/cpr.ics"))
    events = cal.walk("VEVENT")
    master = [e for e in events if "RECURRENCE-ID" not in e]
    changed = {e["RECURRENCE-ID"].dt.astimezone(UTC): e for e in events if "RECURRENCE-ID" in e}
    assert len(master) == 1
    assert [d.dt.astimezone(UTC) for d in master[0]["EXDATE"].dts] == [
        et.local(2026, 11, 14, 10).astimezone(UTC)
    ]
    held = changed[et.local(2027, 3, 13, 10).astimezone(UTC)]
    assert str(held["X-CIVICSTAT-ATTENDANCE"]) == "18"
    moved = changed[et.local(2027, 1, 9, 10).astimezone(UTC)]
    assert moved["DTEND"].dt - moved["DTSTART"].dt == timedelta(hours=2)
