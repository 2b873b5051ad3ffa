"""The combined event record as warehouse rows, and the sources that load it.

``community_events`` has one row per occurrence; ``community_event_departments`` one row per
occurrence and participating department (contracts in civicstat/warehouse/contracts/). Every
occurrence from the first event up to :data:`HORIZON_DAYS` ahead is exported, cancelled ones
included (measures exclude them by status, and say how many); dates skipped from a series are
not occurrences. Both datasets are replaced on every export (civicstat.events.datasets).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from civicstat.events.datasets import DatasetLoad, replace_dataset
from civicstat.events.models import Event
from civicstat.events.occurrences import CalendarFilter, Occurrence, occurrences
from civicstat.measures.sources import register_source

EVENTS, PARTICIPATION = "community_events", "community_event_departments"
HORIZON_DAYS = 400
"""Occurrences are exported up to this many days after today (a year of planned events)."""


@dataclass(frozen=True)
class RecordWindow:
    start: datetime
    end: datetime

    @classmethod
    def current(cls, now: datetime | None = None) -> RecordWindow:
        now = now or timezone.now()
        first = Event.objects.order_by("start").values_list("start", flat=True).first()
        start = (first or now) - timedelta(days=1)
        return cls(start, now + timedelta(days=HORIZON_DAYS))


def all_occurrences(window: RecordWindow | None = None) -> list[Occurrence]:
    window = window or RecordWindow.current()
    return occurrences(window.start, window.end, CalendarFilter(audience=None))


def _slugs() -> dict[int, str]:
    from civicstat.core.models import Department

    return dict(Department.objects.values_list("pk", "slug"))


def event_rows(occs: list[Occurrence]) -> Iterator[dict]:
    slugs = _slugs()
    for occ in occs:
        event = occ.event
        departments = [slugs[i] for i in occ.department_ids]
        yield {
            "occurrence_id": occ.occurrence_id,
            "event_uid": event.uid,
            "title": event.title,
            "category": event.category.slug if event.category else None,
            "audience": event.audience,
            "status": occ.status,
            "host_department": departments[0],
            "departments": ";".join(departments),
            "department_count": len(departments),
            "joint": occ.joint,
            "starts_at": occ.start.astimezone(UTC),
            "ends_at": occ.end.astimezone(UTC),
            "all_day": event.all_day,
            "attendance": occ.attendance,
            "recurring": event.recurring,
            "source": event.source,
        }


def participation_rows(occs: list[Occurrence]) -> Iterator[dict]:
    slugs = _slugs()
    for occ in occs:
        event = occ.event
        for n, department_id in enumerate(occ.department_ids):
            yield {
                "occurrence_id": occ.occurrence_id,
                "department": slugs[department_id],
                "role": "host" if n == 0 else "assisting",
                "category": event.category.slug if event.category else None,
                "audience": event.audience,
                "status": occ.status,
                "joint": occ.joint,
                "starts_at": occ.start.astimezone(UTC),
                "attendance": occ.attendance,
            }


@dataclass(frozen=True)
class RecordRows:
    """The whole combined event record as rows of both datasets, built before the warehouse is
    opened so the write lock is held only while loading."""

    events: list[dict]
    participation: list[dict]


def record_rows() -> RecordRows:
    occs = all_occurrences()
    return RecordRows(list(event_rows(occs)), list(participation_rows(occs)))


def write_record(con, rows: RecordRows) -> list[DatasetLoad]:
    """Replace both datasets with ``rows`` on an open, writable warehouse connection."""
    return [
        replace_dataset(con, EVENTS, rows.events),
        replace_dataset(con, PARTICIPATION, rows.participation),
    ]


@register_source(EVENTS)
def export_events(con) -> DatasetLoad:
    """Replace ``community_events`` with the current record."""
    return replace_dataset(con, EVENTS, event_rows(all_occurrences()))


@register_source(PARTICIPATION)
def export_participation(con) -> DatasetLoad:
    """Replace ``community_event_departments`` with the current record."""
    return replace_dataset(con, PARTICIPATION, participation_rows(all_occurrences()))
