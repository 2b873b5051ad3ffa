"""Events as an RFC 5545 calendar: one VEVENT per event or series, plus one per changed date.

A series is written as its RRULE with EXDATEs for skipped dates and a VEVENT with a
RECURRENCE-ID for each date whose status, time or attendance differs (RFC 5545 §3.8.4.4), so
any calendar app shows the same dates as the calendar pages. Times carry their TZID and the
file includes the matching VTIMEZONE components (RFC 5545 §3.6.5).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import icalendar
from django.db.models import Q
from django.utils import timezone

from civicstat.events.models import Event, EventStatus
from civicstat.events.recurrence import instance_end, normalise_rule

PRODID = "-//CivicStat//Community safety events//EN"
PAST_DAYS = 400
"""Feeds carry events that ended up to this many days ago (a year of history) and all later."""

STATUS = {
    EventStatus.SCHEDULED: "CONFIRMED",
    EventStatus.HELD: "CONFIRMED",
    EventStatus.CANCELLED: "CANCELLED",
}


def feed_events(events) -> Iterable[Event]:
    """The events a feed should carry: a year back and everything later."""
    since = timezone.now() - timedelta(days=PAST_DAYS)
    events = events.filter(Q(series_end__isnull=True) | Q(series_end__gte=since))
    return (
        events.select_related("host_department", "category")
        .prefetch_related("assists__department", "changes")
        .order_by("start", "pk")
    )


def build_calendar(
    events: Iterable[Event], name: str, description: str = "", url_for=None
) -> icalendar.Calendar:
    """A calendar of ``events``; ``url_for(event)`` gives each event's absolute page URL."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    if description:
        cal.add("x-wr-caldesc", description)
    cal.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT6H")
    for event in events:
        for component in event_components(event, url_for(event) if url_for else ""):
            cal.add_component(component)
    cal.add_missing_timezones()
    return cal


def _dt(value: datetime, event: Event):
    """A date for all-day events (RFC 5545 VALUE=DATE), else a zone-aware date-time."""
    local = value.astimezone(event.tzinfo)
    return local.date() if event.all_day else local


def event_components(event: Event, url: str = "") -> list[icalendar.Event]:
    departments = [event.host_department] + [
        a.department for a in event.assists.all() if a.status == "accepted"
    ]
    main = icalendar.Event()
    main.add("uid", event.uid)
    main.add("dtstamp", event.updated_at.astimezone(UTC) if event.updated_at else timezone.now())
    main.add("sequence", event.sequence)
    main.add("summary", event.title)
    if event.description:
        main.add("description", event.description)
    main.add("dtstart", _dt(event.start, event))
    main.add("dtend", _dt(event.end, event))
    main.add("status", STATUS[EventStatus(event.status)])
    main.add("class", "PUBLIC" if event.audience == "public" else "PRIVATE")
    if event.category:
        main.add("categories", [event.category.name])
    location = ", ".join(p for p in (event.location_name, event.address) if p)
    if location:
        main.add("location", location)
    if event.latitude is not None and event.longitude is not None:
        main.add("geo", (event.latitude, event.longitude))
    if url or event.url:
        main.add("url", url or event.url)
    main.add("x-civicstat-departments", ",".join(d.slug for d in departments))
    main.add("x-civicstat-joint", "TRUE" if len(departments) >= 2 else "FALSE")
    if event.status == EventStatus.HELD and event.attendance is not None and not event.rrule:
        main.add("x-civicstat-attendance", str(event.attendance))
    components = [main]
    if not event.rrule:
        return components
    main.add("rrule", icalendar.vRecur.from_ical(normalise_rule(event.rrule, event.timezone)))
    changes = list(event.changes.all())
    skipped = [c.original_start.astimezone(event.tzinfo) for c in changes if c.skip]
    if skipped:
        main.add("exdate", [_dt(s, event) for s in skipped])
    for change in changes:
        if change.skip:
            continue
        sub = icalendar.Event()
        sub.add("uid", event.uid)
        sub.add("dtstamp", main["dtstamp"].dt)
        sub.add("sequence", event.sequence)
        sub.add("recurrence-id", _dt(change.original_start, event))
        sub.add("summary", event.title)
        start = change.start or change.original_start
        end = change.end or instance_end(start, event.start, event.end, event.all_day, event.tzinfo)
        sub.add("dtstart", _dt(start, event))
        sub.add("dtend", _dt(end, event))
        status = change.status or (
            EventStatus.HELD if change.attendance is not None else event.status
        )
        if event.status == EventStatus.CANCELLED:
            status = EventStatus.CANCELLED
        sub.add("status", STATUS[EventStatus(status)])
        sub.add("class", main["class"])
        for key in (
            "description",
            "categories",
            "location",
            "geo",
            "url",
            "x-civicstat-departments",
            "x-civicstat-joint",
        ):
            if key in main:
                sub[key] = main[key]
        if change.attendance is not None and status == EventStatus.HELD:
            sub.add("x-civicstat-attendance", str(change.attendance))
        if change.note:
            sub.add("comment", change.note)
        components.append(sub)
    return components


def to_bytes(cal: icalendar.Calendar) -> bytes:
    return cal.to_ical()
