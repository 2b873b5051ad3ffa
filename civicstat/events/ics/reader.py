"""Reading a department's existing calendar (an .ics file) into plain event records.

No Django here: :func:`read_calendar` returns a :class:`ParsedCalendar` that the importer maps
onto events. Each VEVENT is parsed on its own, so one broken event is reported (with its line)
and the others still load. Real exports bend RFC 5545; what this reader tolerates, and reports
as a note on the event or the calendar:

* a VTIMEZONE without STANDARD/DAYLIGHT rules (ALLRIS exports): the IANA zone of the same name;
* a TZID with no VTIMEZONE at all (CivicPlus exports): the IANA zone of that name;
* floating times: read in X-WR-TIMEZONE, else the default zone;
* DTSTAMP with a TZID instead of UTC, missing DTSTAMP, blank lines inside components;
* titles starting with a cancellation word (``ENTFÄLLT - Sportausschuss``): marked cancelled;
* CivicPlus locations starting with `` - `` and relative URLs (resolved against a base URL);
* X-MICROSOFT-CDO-ALLDAYEVENT:TRUE on date-times: an all-day event;
* an unreadable RRULE: imported as a single event.

Events that cannot be placed on a calendar at all (no DTSTART, unparseable) are returned in
``unreadable`` with the reason.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

import icalendar

from civicstat.events.ics.records import (
    IcsError,
    ParsedCalendar,
    ParsedChange,
    ParsedEvent,
    Unreadable,
)
from civicstat.events.ics.vevent import Block, VeventParser
from civicstat.events.recurrence import RecurrenceError, zone

__all__ = [
    "IcsError",
    "ParsedCalendar",
    "ParsedChange",
    "ParsedEvent",
    "Unreadable",
    "decode",
    "read_calendar",
    "split_blocks",
]


def decode(data: bytes, source: str) -> tuple[str, list[str]]:
    notes = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        notes.append("the file is not UTF-8 (RFC 5545 §3.1.4); read as Windows-1252")
    if "BEGIN:VCALENDAR" not in text.upper():
        raise IcsError(f"{source}: not an iCalendar file (expected a line BEGIN:VCALENDAR)")
    return text, notes


def split_blocks(text: str) -> tuple[list[str], list[Block], int]:
    """Header lines (calendar properties and VTIMEZONEs), VEVENT blocks with their first line
    number, and how many blank lines were dropped. Folded lines stay attached."""
    header: list[str] = []
    blocks: list[Block] = []
    current: Block | None = None
    blank = 0
    depth = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            blank += 1
            continue
        upper = raw.strip().upper()
        if current is None and upper == "BEGIN:VEVENT":
            current = Block(number, [raw])
            depth = 1
            continue
        if current is not None:
            current.lines.append(raw)
            if upper.startswith("BEGIN:"):
                depth += 1
            elif upper.startswith("END:"):
                depth -= 1
                if depth == 0:
                    blocks.append(current)
                    current = None
            continue
        if upper not in ("BEGIN:VCALENDAR", "END:VCALENDAR"):
            header.append(raw)
    if current is not None:
        blocks.append(current)  # unterminated: parsed and reported below
    return header, blocks, blank


def read_calendar(
    data: bytes, source: str, default_tz: str = "America/New_York", base_url: str = ""
) -> ParsedCalendar:
    text, notes = decode(data, source)
    header, blocks, blank = split_blocks(text)
    if blank:
        notes.append(f"{blank} blank lines inside the calendar were ignored (RFC 5545 allows none)")
    try:
        head = icalendar.Calendar.from_ical(
            "BEGIN:VCALENDAR\r\n" + "\r\n".join(header) + "\r\nEND:VCALENDAR\r\n"
        )
    except ValueError as exc:
        raise IcsError(f"{source}: the calendar's own properties cannot be read ({exc})") from exc
    name = str(head.get("X-WR-CALNAME", "")) or ""
    wr_tz = str(head.get("X-WR-TIMEZONE", "") or "")
    floating_tz = default_tz
    if wr_tz:
        try:
            zone(wr_tz)
            floating_tz = wr_tz
        except RecurrenceError:
            notes.append(f"X-WR-TIMEZONE {wr_tz!r} is not a known zone; ignored")
    notes += _timezone_notes(head)
    if not base_url and urlsplit(source).scheme in ("http", "https"):
        parts = urlsplit(source)
        base_url = f"{parts.scheme}://{parts.netloc}/"
    vtimezones = [
        ln
        for ln in header
        if not ln.upper().startswith(("X-WR", "PRODID", "VERSION", "CALSCALE", "METHOD"))
    ]
    tzids = frozenset(str(tz.get("TZID", "")) for tz in head.walk("VTIMEZONE"))
    ctx = VeventParser(source, floating_tz, base_url, "\r\n".join(vtimezones), tzids)
    masters: list[tuple[ParsedEvent, list[ParsedChange]]] = []
    overrides: dict[str, list[tuple[int, ParsedChange, str]]] = {}
    unreadable: list[Unreadable] = []
    for block in blocks:
        result = ctx.parse(block)
        if isinstance(result, Unreadable):
            unreadable.append(result)
        elif isinstance(result, tuple):
            uid, change, title = result
            overrides.setdefault(uid, []).append((block.line, change, title))
        else:
            masters.append((result, []))
    events = []
    seen: dict[str, int] = {}
    for event, _ in masters:
        if event.uid in seen:
            unreadable.append(
                Unreadable(
                    event.line,
                    event.uid,
                    event.title,
                    f"UID {event.uid!r} appears again (first on line {seen[event.uid]}); this copy "
                    "was skipped",
                )
            )
            continue
        seen[event.uid] = event.line
        changes = tuple(c for _, c, _ in overrides.pop(event.uid, []))
        if changes and not event.rrule:
            event = _with(
                event,
                notes=(
                    *event.notes,
                    "changed dates given for an event that does not repeat; ignored",
                ),
            )
            changes = ()
        events.append(_with(event, changes=changes))
    for uid, items in overrides.items():
        for line, _, title in items:
            unreadable.append(
                Unreadable(
                    line,
                    uid,
                    title,
                    "a changed date (RECURRENCE-ID) of a "
                    "series whose main event is not in the file",
                )
            )
    unreadable.sort(key=lambda u: u.line)
    return ParsedCalendar(source, name, tuple(events), tuple(unreadable), tuple(notes))


def _with(event: ParsedEvent, **changes) -> ParsedEvent:
    return replace(event, **changes)


def _timezone_notes(head: icalendar.Calendar) -> list[str]:
    notes = []
    for tz in head.walk("VTIMEZONE"):
        tzid = str(tz.get("TZID", ""))
        rules = [c for c in tz.subcomponents if c.name in ("STANDARD", "DAYLIGHT")]
        if rules:
            continue
        try:
            zone(tzid)
            what = "used the IANA zone of that name"
        except RecurrenceError:
            what = "times in it are read as floating times"
        notes.append(
            f"VTIMEZONE {tzid!r} has no STANDARD or DAYLIGHT rules (malformed, "
            f"RFC 5545 §3.6.5); {what}"
        )
    return notes
