"""Test factories for events (tests build the few events they need)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from civicstat.core import testing as t
from civicstat.events.categories import ensure_categories
from civicstat.events.models import (
    AssistStatus,
    Audience,
    Event,
    EventAssist,
    EventStatus,
    OccurrenceChange,
)

NY = ZoneInfo("America/New_York")
DEPARTMENTS = (
    ("police", "Police Department", "DPD"),
    ("fire", "Fire Department", "DFD"),
    ("community-safety", "Community Safety Department", "DCSD"),
    ("emergency-communications", "Emergency Communications", "DECC"),
    ("parks-recreation", "Parks & Recreation", "DPR"),
)


def departments() -> dict:
    return {slug: t.department(slug, name, short) for slug, name, short in DEPARTMENTS}


def category(slug: str):
    return ensure_categories()[slug]


def local(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NY)


def make_event(
    title,
    host,
    start,
    hours=2,
    *,
    assist=(),
    offered=(),
    audience=Audience.PUBLIC,
    status=EventStatus.SCHEDULED,
    category_slug=None,
    rrule="",
    attendance=None,
    all_day=False,
    **fields,
) -> Event:
    event = Event(
        title=title,
        host_department=host,
        start=start,
        end=start + timedelta(hours=hours),
        audience=audience,
        status=status,
        rrule=rrule,
        attendance=attendance,
        all_day=all_day,
        category=category(category_slug) if category_slug else None,
        **fields,
    )
    event.save()
    for department in assist:
        EventAssist.objects.create(event=event, department=department, status=AssistStatus.ACCEPTED)
    for department in offered:
        EventAssist.objects.create(event=event, department=department, status=AssistStatus.OFFERED)
    return event


def change(event, original_start, **fields) -> OccurrenceChange:
    return OccurrenceChange.objects.create(event=event, original_start=original_start, **fields)
