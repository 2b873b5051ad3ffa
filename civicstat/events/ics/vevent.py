"""One VEVENT to a ParsedEvent (or a ParsedChange, or Unreadable), tolerating real exports'
quirks and noting each one (see civicstat.events.ics.reader)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import icalendar

from civicstat.events.ics.records import ParsedChange, ParsedEvent, Unreadable
from civicstat.events.recurrence import RecurrenceError, normalise_rule, zone

CANCEL_MARKER = re.compile(
    r"^\s*(ENTFÄLLT|ENTFAELLT|ABGESAGT|CANCELL?ED|CANCELADO|ANNULÉ)\b\s*[-:–—]?\s*",
    re.IGNORECASE,
)
CIVICPLUS_LOCATION = re.compile(r"^\s*-\s+")


@dataclass
class Block:
    """The lines of one VEVENT and the file line it starts on."""

    line: int
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class VeventParser:
    """Parses VEVENT blocks of one calendar (its source, zone for floating times, base URL for
    relative links, VTIMEZONE text and TZIDs)."""

    source: str
    floating_tz: str
    base_url: str
    vtimezones: str
    tzids: frozenset[str] = frozenset()

    def parse(self, block: Block):
        text = "\r\n".join(block.lines)
        uid_guess = _peek(block.lines, "UID")
        title_guess = _peek(block.lines, "SUMMARY")
        if block.lines[-1].strip().upper() != "END:VEVENT":
            return Unreadable(
                block.line, uid_guess, title_guess, "the event is not closed (no END:VEVENT)"
            )
        try:
            cal = icalendar.Calendar.from_ical(
                "BEGIN:VCALENDAR\r\n"
                + (self.vtimezones + "\r\n" if self.vtimezones else "")
                + text
                + "\r\nEND:VCALENDAR\r\n"
            )
            (ev,) = cal.walk("VEVENT")
        except (ValueError, KeyError, IndexError) as exc:
            return Unreadable(block.line, uid_guess, title_guess, f"cannot be parsed ({exc})")
        try:
            return self._event(ev, block)
        except _Skip as exc:
            return Unreadable(block.line, uid_guess, title_guess, str(exc))

    def _event(self, ev: icalendar.Event, block: Block):
        notes: list[str] = [f"{name}: {err}" for name, err in getattr(ev, "errors", [])]
        title = str(ev.get("SUMMARY", "")).strip()
        if not title:
            title = "(untitled)"
            notes.append("no SUMMARY; titled “(untitled)”")
        cancelled = str(ev.get("STATUS", "")).upper() == "CANCELLED"
        marker = CANCEL_MARKER.match(title)
        if marker and marker.end() < len(title):
            notes.append(
                f"the title starts with {marker.group(1)!r}: marked cancelled and the "
                "word removed from the title"
            )
            title = title[marker.end() :].strip()
            cancelled = True
        uid = str(ev.get("UID", "")).strip()
        if "DTSTART" not in ev:
            raise _Skip("no DTSTART: the event cannot be placed on a calendar")
        start, all_day, tz, start_notes = self._when(ev["DTSTART"], "DTSTART")
        notes += start_notes
        if not uid:
            digest = hashlib.sha256(f"{self.source}|{title}|{start.isoformat()}".encode())
            uid = f"{digest.hexdigest()[:24]}@import.civicstat"
            notes.append(
                f"no UID; given {uid} (made from the title and start, so a re-import "
                "finds it again)"
            )
        elif "@" not in uid:
            notes.append(
                "the UID has no domain part, so it is only unique within its source "
                "calendar (RFC 5545 §3.8.4.7 recommends one)"
            )
        if str(ev.get("X-MICROSOFT-CDO-ALLDAYEVENT", "")).upper() == "TRUE" and not all_day:
            all_day = True
            notes.append("X-MICROSOFT-CDO-ALLDAYEVENT:TRUE: imported as an all-day event")
        end = self._end(ev, start, all_day, tz, notes)
        if "RECURRENCE-ID" in ev:
            original, *_ = self._when(ev["RECURRENCE-ID"], "RECURRENCE-ID")
            return uid, ParsedChange(original, start, end, cancelled), title
        stamp = ev.get("DTSTAMP")
        if stamp is None:
            notes.append("no DTSTAMP (required by RFC 5545 §3.6.1)")
        elif "TZID" in getattr(stamp, "params", {}) or (
            isinstance(stamp.dt, datetime) and stamp.dt.utcoffset() not in (timedelta(0), None)
        ):
            notes.append("DTSTAMP is not in UTC (RFC 5545 §3.8.7.2); not used")
        location = str(ev.get("LOCATION", "")).strip()
        if CIVICPLUS_LOCATION.match(str(ev.get("LOCATION", ""))):
            location = CIVICPLUS_LOCATION.sub("", str(ev.get("LOCATION", ""))).strip()
            notes.append(
                "the location started with “ - ” (a CivicPlus export without a venue name); removed"
            )
        url = str(ev.get("URL", "")).strip()
        if url and not urlsplit(url).scheme:
            if self.base_url:
                url = urljoin(self.base_url, url)
                notes.append(f"relative URL resolved against {self.base_url}")
            else:
                notes.append(
                    f"relative URL {url!r} ignored (give the calendar's web address "
                    "with --base-url to keep it)"
                )
                url = ""
        rrule = ""
        if "RRULE" in ev:
            raw = ev["RRULE"]
            raw = raw[0] if isinstance(raw, list) else raw
            text = raw.to_ical().decode() if hasattr(raw, "to_ical") else str(raw)
            try:
                rrule = normalise_rule(text, tz)
            except RecurrenceError as exc:
                notes.append(f"RRULE cannot be used ({exc}); imported as a single event")
        exdates: list[datetime] = []
        for item in _as_list(ev.get("EXDATE")):
            for value in getattr(item, "dts", []):
                exdates.append(self._aware(value.dt, tz, all_day))
        categories: list[str] = []
        for item in _as_list(ev.get("CATEGORIES")):
            categories += [str(c) for c in getattr(item, "cats", [item])]
        geo = ev.get("GEO")
        lat = getattr(geo, "latitude", None)
        lon = getattr(geo, "longitude", None)
        private = str(ev.get("CLASS", "PUBLIC")).upper() in ("PRIVATE", "CONFIDENTIAL")
        return ParsedEvent(
            line=block.line, uid=uid, title=title[:200], start=start, end=end, all_day=all_day,
            timezone=tz, description=str(ev.get("DESCRIPTION", "")).strip(),
            location=location[:255], url=url[:200], rrule=rrule, cancelled=cancelled,
            private=private, categories=tuple(categories),
            latitude=float(lat) if lat is not None else None,
            longitude=float(lon) if lon is not None else None,
            exdates=tuple(exdates), notes=tuple(notes),
        )  # fmt: skip

    def _when(self, prop, name: str) -> tuple[datetime, bool, str, list[str]]:
        value = prop.dt
        tzid = str(prop.params.get("TZID", "")) if hasattr(prop, "params") else ""
        notes = []
        if isinstance(value, date) and not isinstance(value, datetime):
            tz = self.floating_tz
            return datetime.combine(value, time(0), tzinfo=zone(tz)), True, tz, notes
        if value.tzinfo is None:
            tz = self.floating_tz
            if tzid:
                notes.append(f"{name}: time zone {tzid!r} is unknown; read in {tz}")
            else:
                notes.append(f"{name}: floating time (no zone); read in {tz}")
            return value.replace(tzinfo=zone(tz)), False, tz, notes
        if isinstance(value.tzinfo, ZoneInfo) and value.tzinfo.key:
            tz = value.tzinfo.key
            if tz == "UTC" or tz == "Etc/UTC":
                tz = self.floating_tz
            elif tzid and tzid not in self.tzids:
                notes.append(
                    f"{name}: TZID {tzid} has no VTIMEZONE in the file (RFC 5545 "
                    "§3.6.5 requires one); used the IANA zone of that name"
                )
            return value, False, tz, notes
        if value.utcoffset() == timedelta(0):
            return value.astimezone(UTC), False, self.floating_tz, notes
        tz = self.floating_tz
        notes.append(
            f"{name}: time zone {tzid or value.tzname()!r} is not an IANA zone name; "
            f"the time is kept and shown in {tz}"
        )
        return value.astimezone(zone(tz)), False, tz, notes

    def _aware(self, value, tz: str, all_day: bool) -> datetime:
        if isinstance(value, date) and not isinstance(value, datetime):
            return datetime.combine(value, time(0), tzinfo=zone(tz))
        if value.tzinfo is None:
            return value.replace(tzinfo=zone(tz))
        return value

    def _end(self, ev, start: datetime, all_day: bool, tz: str, notes: list[str]) -> datetime:
        if "DTEND" in ev:
            end = self._aware(ev["DTEND"].dt, tz, all_day)
        elif "DURATION" in ev:
            end = start + ev["DURATION"].dt
        elif all_day:
            return start + timedelta(days=1)
        else:
            notes.append("no DTEND or DURATION: the event is an instant at its start time")
            return start
        if end < start:
            notes.append("DTEND is before DTSTART; the end was set to the start")
            return start
        return end


class _Skip(Exception):
    pass


def _peek(lines: list[str], name: str) -> str:
    for line in lines:
        head, _, value = line.partition(":")
        if head.split(";")[0].strip().upper() == name:
            return value.strip()
    return ""


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
