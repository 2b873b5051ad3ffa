"""UTC-offset segments against pandas' time-zone conversion."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

from civicstat.measures.engine.timezones import local_midnight_utc, offset_segments

LO = datetime(2021, 1, 1, tzinfo=UTC)
HI = datetime(2025, 1, 1, tzinfo=UTC)


def offset_at(segments, utc_us: int) -> int:
    current = segments[0].offset_us
    for s in segments[1:]:
        if utc_us >= s.start_us:
            current = s.offset_us
    return current


@pytest.mark.parametrize(
    "zone",
    ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"],
)
def test_segments_give_the_zone_offset_everywhere(zone):
    segments = offset_segments(zone, LO, HI)
    rng = np.random.default_rng(1)
    us = rng.integers(int(LO.timestamp() * 1e6), int(HI.timestamp() * 1e6), 4000)
    # and every second around each transition
    for s in segments[1:]:
        us = np.append(us, [s.start_us - 1_000_000, s.start_us - 1, s.start_us, s.start_us + 1])
    ts = pd.to_datetime(us, unit="us", utc=True)
    local = ts.tz_convert(zone)
    want = ((local.tz_localize(None) - ts.tz_localize(None)).total_seconds() * 1e6).astype(int)
    got = [offset_at(segments, int(u)) for u in us]
    assert list(want) == got


def test_new_york_2023_transitions():
    segments = offset_segments("America/New_York", LO, HI)
    starts = {datetime.fromtimestamp(s.start_us / 1e6, UTC) for s in segments[1:]}
    assert datetime(2023, 3, 12, 7, 0, tzinfo=UTC) in starts  # 02:00 EST -> 03:00 EDT
    assert datetime(2023, 11, 5, 6, 0, tzinfo=UTC) in starts  # 02:00 EDT -> 01:00 EST
    assert len(segments) == 1 + 2 * 4


def test_local_midnight():
    assert local_midnight_utc(date(2023, 7, 1), "America/New_York") == datetime(
        2023, 7, 1, 4, tzinfo=UTC
    )
    assert local_midnight_utc(date(2023, 1, 1), "America/New_York") == datetime(
        2023, 1, 1, 5, tzinfo=UTC
    )
    # Brazil began DST at midnight on 4 Nov 2018: the day started at 01:00 local (03:00 UTC).
    assert local_midnight_utc(date(2018, 11, 4), "America/Sao_Paulo") == datetime(
        2018, 11, 4, 3, tzinfo=UTC
    )
