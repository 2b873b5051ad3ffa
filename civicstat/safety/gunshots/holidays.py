"""Holiday exclusion windows of the vendor service levels (methods.md §2.1, `[SS-REDWOOD-SLA]`,
`[GOVTECH-SS]`).

The vendor's detection and location guarantee excludes New Year's Eve and Independence Day and
the 48 hours before and after each (fireworks). Definition used here [I]:

* New Year's Eve of year Y is the local calendar day Dec 31 Y, ``[Dec 31 00:00, Jan 1 00:00)``;
  its window is ``[Dec 29 Y 00:00, Jan 3 Y+1 00:00)`` local time, which also covers New Year's
  Day (Durham's reported figures exclude NYE, NYD and July 4, `[TNH-SS]`).
* Independence Day of year Y is July 4 Y; its window is ``[Jul 2 00:00, Jul 7 00:00)`` local.

Windows are half-open: a time exactly at the window's end is outside it. ``hours`` (48) is
configurable.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from civicstat.safety.gunshots.frames import LOCAL_TZ

HOLIDAY_HOURS = 48.0
"""Hours excluded before and after each holiday (methods.md §2.1)."""

_HOLIDAYS = (("new_years_eve", 12, 31), ("independence_day", 7, 4))


def holiday_windows(
    first_year: int, last_year: int, *, tz: str = LOCAL_TZ, hours: float = HOLIDAY_HOURS
) -> pd.DataFrame:
    """The exclusion windows of every holiday in ``first_year..last_year``.

    Columns: ``holiday``, ``year``, ``starts_at``, ``ends_at`` (tz-aware UTC; half-open).
    """
    pad = pd.Timedelta(hours=hours)
    rows = []
    for year in range(first_year, last_year + 1):
        for name, month, day in _HOLIDAYS:
            day_start = pd.Timestamp(dt.date(year, month, day)).tz_localize(tz)
            day_end = (pd.Timestamp(dt.date(year, month, day)) + pd.Timedelta(days=1)).tz_localize(
                tz
            )
            rows.append(
                {
                    "holiday": name,
                    "year": year,
                    "starts_at": (day_start - pad).tz_convert("UTC"),
                    "ends_at": (day_end + pad).tz_convert("UTC"),
                }
            )
    frame = pd.DataFrame(rows, columns=["holiday", "year", "starts_at", "ends_at"])
    return frame.sort_values("starts_at", ignore_index=True)


def in_holiday_window(
    times: pd.Series, *, tz: str = LOCAL_TZ, hours: float = HOLIDAY_HOURS
) -> pd.Series:
    """True where a tz-aware time falls in a holiday exclusion window; False for missing times."""
    result = pd.Series(False, index=times.index)
    valid = times.dropna()
    if valid.empty:
        return result
    local = valid.dt.tz_convert(tz)
    windows = holiday_windows(
        int(local.dt.year.min()) - 1, int(local.dt.year.max()), tz=tz, hours=hours
    )
    values = valid.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    inside = np.zeros(len(valid), dtype=bool)
    for start, end in zip(windows["starts_at"], windows["ends_at"], strict=True):
        lo, hi = start.tz_localize(None).to_datetime64(), end.tz_localize(None).to_datetime64()
        inside |= (values >= lo) & (values < hi)
    result.loc[valid.index] = inside
    return result
