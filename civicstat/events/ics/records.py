"""What reading a calendar file produces: plain records, no Django (civicstat.events.ics)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from civicstat.events.errors import EventsError


class IcsError(EventsError, ValueError):
    """The whole file cannot be read as a calendar (names the source and what was expected)."""


@dataclass(frozen=True)
class ParsedChange:
    original_start: datetime
    start: datetime | None
    end: datetime | None
    cancelled: bool


@dataclass(frozen=True)
class ParsedEvent:
    line: int
    uid: str
    title: str
    start: datetime
    end: datetime
    all_day: bool
    timezone: str
    description: str = ""
    location: str = ""
    url: str = ""
    rrule: str = ""
    cancelled: bool = False
    private: bool = False
    categories: tuple[str, ...] = ()
    latitude: float | None = None
    longitude: float | None = None
    exdates: tuple[datetime, ...] = ()
    changes: tuple[ParsedChange, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unreadable:
    line: int
    uid: str
    title: str
    reason: str


@dataclass(frozen=True)
class ParsedCalendar:
    source: str
    name: str
    events: tuple[ParsedEvent, ...]
    unreadable: tuple[Unreadable, ...]
    notes: tuple[str, ...] = ()
