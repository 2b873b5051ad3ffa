"""Importing a department's existing calendar: each VEVENT becomes (or updates) an event.

Events are matched by UID, so importing the same calendar again updates its events instead of
duplicating them. Only what the file says is overwritten: assisting departments, attendance and
the held status entered here are kept. Everything the file could not provide is reported per
event (:class:`EventOutcome`), and the import runs in one transaction.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from civicstat.events.ics.reader import IcsError, ParsedCalendar, ParsedEvent, read_calendar
from civicstat.events.models import (
    Audience,
    Event,
    EventCategory,
    EventSource,
    EventStatus,
    OccurrenceChange,
)

CREATED, UPDATED, UNCHANGED, SKIPPED = "created", "updated", "unchanged", "skipped"
FETCH_TIMEOUT_S = 20
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class EventOutcome:
    line: int
    uid: str
    title: str
    outcome: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportReport:
    source: str
    calendar_notes: tuple[str, ...]
    outcomes: tuple[EventOutcome, ...]

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    @property
    def skipped(self) -> tuple[EventOutcome, ...]:
        return tuple(o for o in self.outcomes if o.outcome == SKIPPED)

    def summary(self) -> str:
        return (
            f"{self.source}: {self.count(CREATED)} created, {self.count(UPDATED)} updated, "
            f"{self.count(UNCHANGED)} unchanged, {self.count(SKIPPED)} could not be read"
        )

    def lines(self) -> list[str]:
        """The report for a person: summary, calendar notes, notes shared by many events once,
        then each event's own notes and each skipped event's reason, with its line."""
        out = [self.summary()]
        out += [f"  calendar: {note}" for note in self.calendar_notes]
        shared = Counter(n for o in self.outcomes if o.outcome != SKIPPED for n in o.notes)
        common = {n for n, k in shared.items() if k > 1}
        out += [f"  {k} events: {n}" for n, k in shared.items() if n in common]
        for o in self.outcomes:
            own = [n for n in o.notes if n not in common]
            if o.outcome == SKIPPED:
                out.append(
                    f"  line {o.line} {o.uid or '(no UID)'} “{o.title}”: NOT IMPORTED: "
                    + "; ".join(o.notes)
                )
            elif own:
                out.append(f"  line {o.line} {o.uid} “{o.title}” ({o.outcome}): " + "; ".join(own))
        return out


def fetch(url: str, timeout: float = FETCH_TIMEOUT_S) -> bytes:
    """Download a calendar; raises IcsError with what went wrong and what to do instead."""
    request = urllib.request.Request(url, headers={"User-Agent": "CivicStat calendar import"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            data = response.read(MAX_BYTES + 1)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise IcsError(
            f"{url}: could not be downloaded ({reason}). Check the address, or "
            "download the file and import it by its path."
        ) from exc
    if len(data) > MAX_BYTES:
        raise IcsError(f"{url}: larger than {MAX_BYTES // (1024 * 1024)} MB; not a calendar feed?")
    return data


def import_ics(
    data: bytes,
    source: str,
    department,
    audience: str = Audience.PUBLIC,
    category: EventCategory | None = None,
    default_tz: str = "America/New_York",
    base_url: str = "",
) -> ImportReport:
    parsed = read_calendar(data, source, default_tz=default_tz, base_url=base_url)
    return import_parsed(parsed, department, audience, category)


@transaction.atomic
def import_parsed(
    parsed: ParsedCalendar,
    department,
    audience: str = Audience.PUBLIC,
    category: EventCategory | None = None,
) -> ImportReport:
    categories = {c.name.casefold(): c for c in EventCategory.objects.all()}
    categories.update({c.slug: c for c in categories.values()})
    outcomes = [
        EventOutcome(u.line, u.uid, u.title, SKIPPED, (u.reason,)) for u in parsed.unreadable
    ]
    for pe in parsed.events:
        outcomes.append(_upsert(pe, parsed.source, department, audience, category, categories))
    outcomes.sort(key=lambda o: o.line)
    return ImportReport(parsed.source, parsed.notes, tuple(outcomes))


def _upsert(
    pe: ParsedEvent,
    source: str,
    department,
    audience: str,
    category: EventCategory | None,
    categories: dict,
) -> EventOutcome:
    notes = list(pe.notes)
    url = pe.url
    if url:
        try:
            URLValidator()(url)
        except ValidationError:
            notes.append(f"URL {url!r} is not a valid web address; left out")
            url = ""
    matched = next(
        (categories[c.casefold()] for c in pe.categories if c.casefold() in categories), None
    )
    if pe.private and audience == Audience.PUBLIC:
        notes.append("CLASS is PRIVATE/CONFIDENTIAL: imported as an internal event")
    event = Event.objects.filter(uid=pe.uid).first()
    created = event is None
    if created:
        event = Event(uid=pe.uid, host_department=department, source=EventSource.ICS)
    status = event.status
    if pe.cancelled:
        status = EventStatus.CANCELLED
    elif created or status == EventStatus.CANCELLED:
        status = EventStatus.SCHEDULED
    fields = {
        "title": pe.title,
        "description": pe.description,
        "start": pe.start,
        "end": pe.end,
        "all_day": pe.all_day,
        "timezone": pe.timezone,
        "location_name": pe.location,
        "url": url,
        "rrule": pe.rrule,
        "status": status,
        "audience": Audience.INTERNAL if pe.private else audience,
        "host_department": department,
        "latitude": pe.latitude,
        "longitude": pe.longitude,
    }
    if (matched or category) is not None:
        fields["category"] = matched or category
    changed = [name for name, value in fields.items() if not _same(getattr(event, name), value)]
    for name in changed:
        setattr(event, name, fields[name])
    event.source_calendar = source[:500]  # where it was last read from; not a change by itself
    try:
        event.full_clean(exclude=["uid", "attendance"])
    except ValidationError as exc:
        reasons = [f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()]
        return EventOutcome(pe.line, pe.uid, pe.title, SKIPPED, (*notes, *reasons))
    if changed:
        event.save()
    change_count = _sync_changes(event, pe)
    outcome = CREATED if created else (UPDATED if changed or change_count else UNCHANGED)
    return EventOutcome(pe.line, pe.uid, pe.title, outcome, tuple(notes))


def _same(current, new) -> bool:
    if hasattr(current, "pk") and hasattr(new, "pk"):
        return current.pk == new.pk
    return current == new


def _sync_changes(event: Event, pe: ParsedEvent) -> int:
    """Skipped dates and changed dates from the file; local attendance is kept. Returns how
    many rows were added or altered."""
    if not pe.rrule:
        return 0
    altered = 0
    existing = {c.original_start: c for c in event.changes.all()}
    for original in pe.exdates:
        row = existing.get(original)
        if row is None:
            OccurrenceChange.objects.create(event=event, original_start=original, skip=True)
            altered += 1
        elif not row.skip:
            row.skip = True
            row.save(update_fields=["skip"])
            altered += 1
    for change in pe.changes:
        row = existing.get(change.original_start) or OccurrenceChange(
            event=event, original_start=change.original_start
        )
        status = EventStatus.CANCELLED if change.cancelled else row.status
        moved_start = change.start if change.start != change.original_start else None
        moved_end = change.end if moved_start else None
        if row.pk and row.status == status and row.start == moved_start and row.end == moved_end:
            continue
        row.status, row.start, row.end = status, moved_start, moved_end
        row.save()
        altered += 1
    return altered


__all__ = ["IcsError", "ImportReport", "EventOutcome", "fetch", "import_ics", "import_parsed"]
