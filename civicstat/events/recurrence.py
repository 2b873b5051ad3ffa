"""Recurring events: RFC 5545 RRULEs expanded in the event's own time zone, with exceptions.

Pure Python (no Django), so the calendar pages, the ICS feeds and the warehouse export all expand
a series the same way.

RFC 5545 §3.3.10 and §3.8.5.3 define a recurrence on the *local* time of DTSTART: a class at
10:00 every second Saturday stays at 10:00 on the wall clock when daylight saving time starts or
ends, so its UTC instant moves by an hour. The rule is therefore iterated on a zone-aware start
(``zoneinfo``), which keeps the wall-clock time and gives each instance its own UTC offset. A
local time that does not exist (inside the hour skipped in spring) takes the offset in force
before the gap, as RFC 5545 §3.3.5 prescribes.

Exceptions (RFC 5545 RECURRENCE-ID / EXDATE) are :class:`Change` records keyed by the instance's
original start: ``skip`` removes the instance from the series (EXDATE); otherwise the change
overrides the instance's status, attendance, start or end (a moved or cancelled instance).

A timed instance lasts exactly as long as the first one (RFC 5545 §3.8.5.3: the duration of a
DTSTART/DTEND pair is exact); an all-day instance lasts the same number of calendar days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rruleset, rrulestr

from civicstat.events.errors import EventsError

ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
MAX_INSTANCES = 5000
"""Expansion stops after this many instances in one window (a guard, never reached by a sane
calendar: daily events over ten years are 3,653)."""

_UNTIL = re.compile(r"(?i)(^|;)UNTIL=([0-9TZ]+)")


class RecurrenceError(EventsError, ValueError):
    """A recurrence rule that cannot be read, with what was expected."""


@dataclass(frozen=True)
class Change:
    """An exception to one instance of a series, keyed by the instance's original start."""

    original_start: datetime
    skip: bool = False
    status: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    attendance: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Instance:
    """One occurrence of an event. ``original_start`` (UTC) identifies it within its series."""

    original_start: datetime
    start: datetime
    end: datetime
    status: str | None = None
    attendance: int | None = None
    changed: bool = False
    note: str = ""

    @property
    def key(self) -> str:
        """The instance's RECURRENCE-ID in UTC basic format, e.g. ``20261010T140000Z``."""
        return self.original_start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RecurrenceError(
            f"unknown time zone {name!r}: expected an IANA name such as America/New_York"
        ) from exc


def normalise_rule(text: str, tz: str) -> str:
    """The rule in a form dateutil accepts for a zone-aware start: ``RRULE:`` prefix removed,
    upper case, and an UNTIL given as a local date or local date-time converted to UTC
    (RFC 5545 §3.3.10 requires UTC when DTSTART has a TZID; real exports often ignore that).

    Raises RecurrenceError for anything else than one RRULE with a daily to yearly frequency."""
    rule = " ".join(text.split()).strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:]
    rule = rule.upper().strip(";")
    if not rule:
        return ""
    if "\n" in text.strip() or any(p in rule for p in ("DTSTART", "RDATE", "EXDATE", "EXRULE")):
        raise RecurrenceError(
            f"{text!r}: expected a single RRULE value such as FREQ=MONTHLY;BYDAY=2SA "
            "(exceptions are entered as changes to single dates)"
        )
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    if len(parts) != len([p for p in rule.split(";") if p]):
        raise RecurrenceError(f"{text!r}: every part must be NAME=VALUE, separated by ';'")
    freq = parts.get("FREQ")
    if freq not in ALLOWED_FREQUENCIES:
        raise RecurrenceError(
            f"{text!r}: FREQ must be one of {', '.join(ALLOWED_FREQUENCIES)} (got {freq!r})"
        )
    if "COUNT" in parts and "UNTIL" in parts:
        raise RecurrenceError(f"{text!r}: give COUNT or UNTIL, not both (RFC 5545 §3.3.10)")
    match = _UNTIL.search(rule)
    if match:
        rule = rule[: match.start(2)] + _until_utc(match.group(2), tz, text) + rule[match.end(2) :]
    try:
        rrulestr(rule, dtstart=datetime(2000, 1, 1, tzinfo=zone(tz)))
    except (ValueError, TypeError) as exc:
        raise RecurrenceError(f"{text!r}: not a valid RRULE ({exc})") from exc
    return rule


def _until_utc(value: str, tz: str, text: str) -> str:
    try:
        if value.endswith("Z"):
            datetime.strptime(value, "%Y%m%dT%H%M%SZ")
            return value
        if "T" in value:
            local = datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=zone(tz))
        else:  # a date: the series runs through the end of that local day
            day = datetime.strptime(value, "%Y%m%d").date()
            local = datetime.combine(day, time(23, 59, 59), tzinfo=zone(tz))
    except ValueError as exc:
        raise RecurrenceError(
            f"{text!r}: UNTIL {value!r} is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSSZ)"
        ) from exc
    return local.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _rule(start: datetime, rule: str, tz: str) -> tuple[rrule, rruleset]:
    """The rule, and the recurrence set it makes with DTSTART: RFC 5545 §3.3.10 counts DTSTART
    as the first instance even when the rule would not produce it (dateutil does not)."""
    local = start.astimezone(zone(tz))
    r: rrule = rrulestr(normalise_rule(rule, tz), dtstart=local)  # type: ignore[assignment]
    instances = rruleset()
    instances.rrule(r)
    instances.rdate(local)
    return r, instances


def instance_end(
    instance_start: datetime, start: datetime, end: datetime, all_day: bool, tz: ZoneInfo
) -> datetime:
    """The end of an instance starting at ``instance_start`` of a series whose first instance
    runs from ``start`` to ``end``."""
    if all_day:
        days = (end.astimezone(tz).date() - start.astimezone(tz).date()).days
        local_day = instance_start.astimezone(tz).date() + timedelta(days=max(days, 1))
        return datetime.combine(local_day, time(0), tzinfo=tz)
    exact = end.astimezone(UTC) - start.astimezone(UTC)  # same-zone subtraction is wall-clock
    return (instance_start.astimezone(UTC) + exact).astimezone(tz)


def series_end(
    start: datetime, end: datetime, rule: str, tz: str, all_day: bool = False
) -> datetime | None:
    """When the last instance ends (UTC), or None for a series without COUNT or UNTIL."""
    if not rule:
        return end.astimezone(UTC)
    r, instances = _rule(start, rule, tz)
    if r._count is None and r._until is None:  # noqa: SLF001 (dateutil exposes no accessor)
        return None
    last = None
    for n, last in enumerate(instances):  # noqa: B007
        if n >= MAX_INSTANCES:
            raise RecurrenceError(f"{rule!r}: more than {MAX_INSTANCES} instances")
    if last is None:
        return start.astimezone(UTC)
    return instance_end(last, start, end, all_day, zone(tz)).astimezone(UTC)


def expand(
    start: datetime,
    end: datetime,
    rule: str,
    tz: str,
    window_start: datetime,
    window_end: datetime,
    changes: tuple[Change, ...] | list[Change] = (),
    all_day: bool = False,
) -> list[Instance]:
    """The instances overlapping [window_start, window_end), in start order.

    ``start``/``end`` are the first instance's (aware); ``rule`` an RRULE value ("" for a single
    event); ``changes`` the series' exceptions. A changed instance appears where it was moved
    to: a change that moves an instance into the window includes it, one that moves it out
    drops it."""
    if start.tzinfo is None or end.tzinfo is None:
        raise RecurrenceError("event start and end must be time-zone aware")
    tzinfo = zone(tz)
    by_key = {c.original_start.astimezone(UTC): c for c in changes}
    if not rule:
        originals = [start.astimezone(tzinfo)]
        valid = originals
    else:
        _r, r = _rule(start, rule, tz)
        lo = (
            window_start
            - max(end.astimezone(UTC) - start.astimezone(UTC), timedelta(0))
            - timedelta(days=1)
        )
        originals = []
        for n, occ in enumerate(r.xafter(lo, inc=True)):
            if occ >= window_end or n >= MAX_INSTANCES:
                break
            originals.append(occ)
        valid = list(originals)
        moved_in = [
            c.original_start.astimezone(tzinfo)
            for c in changes
            if not c.skip and c.start is not None and window_start <= c.start < window_end
        ]
        for original in moved_in:
            if original not in originals and r.between(original, original, inc=True):
                valid.append(original)
    instances = []
    for original in valid:
        change = by_key.get(original.astimezone(UTC)) if rule else None
        if change is not None and change.skip:
            continue
        s = change.start if change and change.start else original
        e = change.end if change and change.end else instance_end(s, start, end, all_day, tzinfo)
        if not _overlaps(s, e, window_start, window_end):
            continue
        instances.append(
            Instance(
                original_start=original.astimezone(UTC),
                start=s.astimezone(tzinfo),
                end=e.astimezone(tzinfo),
                status=change.status if change else None,
                attendance=change.attendance if change else None,
                changed=change is not None,
                note=change.note if change else "",
            )
        )
    instances.sort(key=lambda i: (i.start, i.original_start))
    return instances


def _overlaps(s: datetime, e: datetime, lo: datetime, hi: datetime) -> bool:
    if e <= s:  # an instant: inside the half-open window
        return lo <= s < hi
    return s < hi and e > lo


def local_day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    """[midnight, next midnight) of a local calendar day, aware."""
    tzinfo = zone(tz)
    return (
        datetime.combine(day, time(0), tzinfo=tzinfo),
        datetime.combine(day + timedelta(days=1), time(0), tzinfo=tzinfo),
    )
