"""Occurrences: the dated instances of events that calendars, feeds and the warehouse show.

A single event has one occurrence; a series has one per date of its rule, minus skipped dates,
with each date's own status and attendance (civicstat.events.recurrence).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet

from civicstat.events import recurrence
from civicstat.events.models import Audience, Event, EventCategory, EventStatus


@dataclass(frozen=True)
class Occurrence:
    event: Event
    instance: recurrence.Instance
    department_ids: tuple[int, ...] = field(default=())

    @property
    def start(self) -> datetime:
        return self.instance.start

    @property
    def end(self) -> datetime:
        return self.instance.end

    @property
    def all_day(self) -> bool:
        return self.event.all_day

    @property
    def status(self) -> str:
        event, inst = self.event, self.instance
        if event.status == EventStatus.CANCELLED:
            return EventStatus.CANCELLED
        if inst.status:
            return inst.status
        if event.recurring and inst.attendance is not None:
            return EventStatus.HELD
        return event.status

    @property
    def cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def status_label(self) -> str:
        return EventStatus(self.status).label

    @property
    def attendance(self) -> int | None:
        if self.status != EventStatus.HELD:
            return None
        return self.instance.attendance if self.event.recurring else self.event.attendance

    @property
    def joint(self) -> bool:
        return len(self.department_ids) >= 2

    @property
    def occurrence_id(self) -> str:
        """Stable id of this occurrence: the UID, plus the RECURRENCE-ID for a series."""
        if not self.event.recurring:
            return self.event.uid
        return f"{self.event.uid}/{self.instance.key}"

    @property
    def local_date(self):
        return self.start.date()

    @property
    def moved(self) -> bool:
        return self.instance.changed and self.instance.start != self.instance.original_start


@dataclass(frozen=True)
class CalendarFilter:
    """What a calendar page or feed shows. ``audience`` None means both (staff only)."""

    audience: str | None = Audience.PUBLIC
    department: object | None = None  # a Department
    category: EventCategory | None = None
    joint_only: bool = False
    include_cancelled: bool = True

    def apply(self, events: QuerySet) -> QuerySet:
        if self.audience:
            events = events.filter(audience=self.audience)
        if self.department is not None:
            events = events.with_department(self.department)
        if self.category is not None:
            events = events.filter(category=self.category)
        return events


def prepared(events: QuerySet) -> QuerySet:
    return events.select_related("host_department", "category").prefetch_related(
        "assists", "changes"
    )


def expand_event(event: Event, start: datetime, end: datetime) -> list[Occurrence]:
    try:
        instances = recurrence.expand(
            event.start,
            event.end,
            event.rrule,
            event.timezone,
            start,
            end,
            event.recurrence_changes(),
            all_day=event.all_day,
        )
    except recurrence.RecurrenceError:
        return []  # an unreadable rule was refused on save; an imported one is reported
    departments = tuple(event.department_ids())
    return [Occurrence(event, inst, departments) for inst in instances]


def occurrences(
    start: datetime,
    end: datetime,
    flt: CalendarFilter | None = None,
    events: QuerySet | None = None,
) -> list[Occurrence]:
    """Every occurrence overlapping [start, end) of the events ``flt`` selects, by start."""
    flt = flt or CalendarFilter()
    qs = flt.apply(events if events is not None else Event.objects.all())
    found: list[Occurrence] = []
    for event in prepared(qs.overlapping(start, end)):
        for occ in expand_event(event, start, end):
            if flt.joint_only and not occ.joint:
                continue
            if not flt.include_cancelled and occ.cancelled:
                continue
            found.append(occ)
    found.sort(key=lambda o: (o.start, o.event.title, o.event.pk))
    return found
