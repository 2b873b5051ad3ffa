"""UTC offsets of an IANA time zone as a piecewise-constant function of the UTC instant.

Periods are cut in local time (methods.md §0): a call at 2023-07-01 03:30 UTC is 23:30 on
30 June in New York and belongs to June and to FY2023. The engine turns each stored UTC instant
into local wall-clock microseconds with ``utc_us + offset(utc_us)``, where ``offset`` is a short
CASE over the daylight-saving transitions inside the measured range. That is plain integer
arithmetic, so it is DST-correct, does not depend on the database session's or the machine's
time zone, and compiles on any SQL backend.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_STEP = timedelta(hours=6)
_US = 1_000_000


@dataclass(frozen=True)
class OffsetSegment:
    """From ``start_us`` (UTC microseconds since the epoch; None = open start) the zone is
    ``offset_us`` ahead of UTC (negative west of Greenwich)."""

    start_us: int | None
    offset_us: int


def is_known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _offset_us(zone: ZoneInfo, instant: datetime) -> int:
    offset = instant.astimezone(zone).utcoffset()
    assert offset is not None
    return int(offset.total_seconds() * _US)


def _epoch_us(instant: datetime) -> int:
    return int((instant - datetime(1970, 1, 1, tzinfo=UTC)) / timedelta(microseconds=1))


@functools.lru_cache(maxsize=256)
def offset_segments(zone_name: str, lo: datetime, hi: datetime) -> tuple[OffsetSegment, ...]:
    """The zone's UTC offsets between the UTC instants ``lo`` and ``hi``.

    The first segment is open at the start; each later one starts at a transition (found by
    scanning every 6 hours and bisecting to the second, so zones whose transitions fall on any
    second are handled).
    """
    zone = ZoneInfo(zone_name)
    segments = [OffsetSegment(None, _offset_us(zone, lo))]
    t = lo
    while t < hi:
        nxt = min(t + _STEP, hi)
        before, after = _offset_us(zone, t), _offset_us(zone, nxt)
        if before != after:
            a, b = t, nxt  # offset(a) == before, offset(b) != before
            while b - a > timedelta(seconds=1):
                mid = a + (b - a) / 2
                mid = mid.replace(microsecond=0)
                if mid <= a:
                    mid = a + timedelta(seconds=1)
                if _offset_us(zone, mid) == before:
                    a = mid
                else:
                    b = mid
            segments.append(OffsetSegment(_epoch_us(b), after))
        t = nxt
    return tuple(segments)


def local_midnight_utc(d: date, zone_name: str) -> datetime:
    """The UTC instant of local midnight starting ``d`` (first instant of the day where
    midnight does not exist because of a DST jump)."""
    zone = ZoneInfo(zone_name)
    naive = datetime(d.year, d.month, d.day)
    for minutes in range(0, 24 * 60, 15):
        local = (naive + timedelta(minutes=minutes)).replace(tzinfo=zone)
        roundtrip = local.astimezone(UTC).astimezone(zone)
        if roundtrip.replace(tzinfo=None) == local.replace(tzinfo=None):
            return local.astimezone(UTC)
    raise ValueError(f"no local time exists on {d} in {zone_name}")  # pragma: no cover


def today_in(zone_name: str) -> date:
    """Today's date in the given zone (never the machine's zone)."""
    return datetime.now(ZoneInfo(zone_name)).date()
