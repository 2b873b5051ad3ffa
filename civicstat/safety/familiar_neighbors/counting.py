"""The one step that touches person ids, inside the backend: responses per person in a window,
then people per count. Only that count distribution comes back (methods.md §5.5); the
table-in functions below derive every statistic from it (:mod:`.statistics`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
import pandas as pd

from civicstat.safety._expr import LOCAL_TIMEZONE, local_time, require_columns
from civicstat.safety.errors import SafetyInputError
from civicstat.safety.familiar_neighbors.results import (
    BandCounts,
    Concentration,
    CountDistribution,
    Gini,
    LorenzCurve,
    Window,
)
from civicstat.safety.familiar_neighbors.statistics import (
    DURHAM_BANDS,
    DURHAM_SHARES,
    bands_of,
    concentration_of,
    gini_of,
    lorenz_of,
)

DATASET = "crisis_responses"
COUNT_UNITS = ("response", "call", "unique_day")
DEFAULT_PROGRAMS = ("community_response_team", "co_response", "crisis_call_diversion")

Moment = dt.date | dt.datetime | pd.Timestamp | str


def _instant(value: Moment, tz: str, what: str) -> pd.Timestamp:
    """``value`` as a UTC instant; a date or naive time is wall-clock time in ``tz``."""
    try:
        ts = pd.Timestamp(value)
        if pd.isna(ts):
            raise ValueError("empty")
        if ts.tzinfo is None:
            ts = ts.tz_localize(tz, ambiguous="raise", nonexistent="raise")
    except (TypeError, ValueError) as exc:
        raise SafetyInputError(
            DATASET, f"{what} must be a date or an unambiguous time, not {value!r} ({exc})"
        ) from exc
    return ts.tz_convert("UTC")


def count_distribution(
    crisis: ir.Table,
    window_start: Moment,
    window_end: Moment,
    count_unit: str = "response",
    programs: Sequence[str] | None = DEFAULT_PROGRAMS,
    tz: str = LOCAL_TIMEZONE,
) -> CountDistribution:
    """People per count in ``[window_start, window_end)`` (dates/naive times are local in ``tz``).

    Runs two aggregations in the backend; only the count histogram and two totals come back.
    """
    if count_unit not in COUNT_UNITS:
        raise SafetyInputError(
            DATASET, f"count_unit must be one of {list(COUNT_UNITS)}, not {count_unit!r}"
        )
    require_columns(crisis, ("person_id", "received_at", "program"), DATASET, "familiar neighbors")
    start = _instant(window_start, tz, "window_start")
    end = _instant(window_end, tz, "window_end")
    if end <= start:
        raise SafetyInputError(DATASET, f"window_end {end} is not after window_start {start}")
    window = Window(start, end, count_unit, tuple(programs) if programs is not None else None)

    c = crisis
    keep = (c.received_at >= ibis.literal(start.to_pydatetime())) & (
        c.received_at < ibis.literal(end.to_pydatetime())
    )
    if programs is not None:
        keep &= c.program.isin(list(programs))
    rows = c.filter(keep)
    identified = rows.filter(rows.person_id.notnull())
    if count_unit == "response":
        unit = None
    elif count_unit == "call":
        require_columns(crisis, ("call_id", "response_id"), DATASET, "count_unit='call'")
        unit = identified.call_id.fill_null("response:" + identified.response_id)
    else:
        unit = local_time(identified.received_at, tz).date()
    per_person = identified.group_by("person_id").agg(
        n=identified.count() if unit is None else unit.nunique()
    )
    histogram = per_person.group_by("n").agg(people=per_person.count()).order_by("n").to_pandas()
    totals = rows.aggregate(
        responses=rows.count(), unidentified=rows.count(where=rows.person_id.isnull())
    ).to_pandas()
    pairs = tuple(
        (int(n), int(p)) for n, p in zip(histogram["n"], histogram["people"], strict=True)
    )
    return CountDistribution(
        window=window,
        histogram=pairs,
        responses=int(totals["responses"].iloc[0]),
        unidentified=int(totals["unidentified"].iloc[0]),
    )


def band_counts(
    crisis: ir.Table,
    window_start: Moment,
    window_end: Moment,
    bands: Sequence[int] = DURHAM_BANDS,
    count_unit: str = "response",
    programs: Sequence[str] | None = DEFAULT_PROGRAMS,
    tz: str = LOCAL_TIMEZONE,
) -> BandCounts:
    """People with 5+, 10+, 20+, 40+ responses in the window (internal: not suppressed)."""
    dist = count_distribution(crisis, window_start, window_end, count_unit, programs, tz)
    return bands_of(dist, bands)


def concentration(
    crisis: ir.Table,
    window_start: Moment,
    window_end: Moment,
    shares: Sequence[float] = DURHAM_SHARES,
    count_unit: str = "response",
    programs: Sequence[str] | None = DEFAULT_PROGRAMS,
    tz: str = LOCAL_TIMEZONE,
) -> Concentration:
    """For each share p: the top p of neighbors served make up y(p) of responses (§5.3)."""
    dist = count_distribution(crisis, window_start, window_end, count_unit, programs, tz)
    return concentration_of(dist, shares)


def lorenz(
    crisis: ir.Table,
    window_start: Moment,
    window_end: Moment,
    points: int = 100,
    count_unit: str = "response",
    programs: Sequence[str] | None = DEFAULT_PROGRAMS,
    tz: str = LOCAL_TIMEZONE,
) -> LorenzCurve:
    """The Lorenz curve of responses over neighbors served (§5.4), on a ≥ 11-people grid."""
    dist = count_distribution(crisis, window_start, window_end, count_unit, programs, tz)
    return lorenz_of(dist, points)


def gini(
    crisis: ir.Table,
    window_start: Moment,
    window_end: Moment,
    count_unit: str = "response",
    programs: Sequence[str] | None = DEFAULT_PROGRAMS,
    tz: str = LOCAL_TIMEZONE,
) -> Gini:
    """The Gini coefficient of responses over neighbors served, biased and unbiased (§5.4)."""
    dist = count_distribution(crisis, window_start, window_end, count_unit, programs, tz)
    return gini_of(dist)
