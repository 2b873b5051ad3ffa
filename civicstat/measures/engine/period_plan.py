"""The concrete periods one compile covers, and the Ibis expressions that cut rows into them.

A row's period is found from its UTC instant alone: ``local_us = utc_us + offset(utc_us)`` (the
zone's offset, a CASE over the DST transitions in range: see timezones.py), then integer
arithmetic gives the local day, and from the day the period ordinal (periods.py). No
session-time-zone-dependent function is involved, so the machine's and the database's time zone
never matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import ibis
import ibis.expr.types as ir

from civicstat.measures.engine.dialect import Dialect
from civicstat.measures.engine.errors import CompileError
from civicstat.measures.engine.periods import (
    Grain,
    Period,
    fiscal_shift,
    ordinal_of,
    ordinal_of_month_index,
    period_at,
)
from civicstat.measures.engine.spec import MeasureSpec, Reset
from civicstat.measures.engine.timezones import (
    OffsetSegment,
    local_midnight_utc,
    offset_segments,
    today_in,
)

US_PER_DAY = 86_400_000_000

# The most periods of a grain that can share one (fiscal) year: bounds a cumulative window.
_MAX_PER_YEAR = {
    Grain.DAY: 366,
    Grain.WEEK: 54,
    Grain.MONTH: 12,
    Grain.QUARTER: 4,
    Grain.FISCAL_QUARTER: 4,
    Grain.FISCAL_YEAR: 1,
    Grain.YEAR: 1,
}


@dataclass(frozen=True)
class PeriodPlan:
    """Periods ``first``..``last`` (ordinals) of ``grain``; rows are pre-filtered to the UTC
    instants ``[lo_utc, hi_utc)`` (local midnight at the start of ``first`` and at the end of
    ``last``)."""

    grain: Grain
    fiscal_year_start: int
    timezone: str
    first: int
    last: int
    as_of: date
    lo_utc: datetime
    hi_utc: datetime
    segments: tuple[OffsetSegment, ...]

    @classmethod
    def for_spec(cls, spec: MeasureSpec, as_of: date | None = None) -> PeriodPlan:
        as_of = as_of or today_in(spec.timezone)
        end = spec.periods.end or as_of
        if end < spec.periods.start:
            raise CompileError(
                "periods.start",
                f"{spec.periods.start} is after the last date to report ({end}, the refresh "
                "date when periods.end is not set)",
                dataset=spec.dataset,
            )
        first = ordinal_of(spec.periods.start, spec.grain, spec.fiscal_year_start)
        last = ordinal_of(end, spec.grain, spec.fiscal_year_start)
        p_first = period_at(first, spec.grain, spec.fiscal_year_start)
        p_last = period_at(last, spec.grain, spec.fiscal_year_start)
        lo = local_midnight_utc(p_first.start, spec.timezone)
        hi = local_midnight_utc(p_last.end, spec.timezone)
        segments = offset_segments(spec.timezone, lo - timedelta(days=1), hi + timedelta(days=1))
        return cls(
            spec.grain,
            spec.fiscal_year_start,
            spec.timezone,
            first,
            last,
            as_of,
            lo,
            hi,
            segments,
        )

    @property
    def bounds_are_exact(self) -> bool:
        """Whether ``[lo_utc, hi_utc)`` holds exactly the instants whose local date is in the
        range. True unless the zone turns its clocks back across midnight somewhere in range
        (then an instant just after local midnight can fall on the previous day, and rows are
        also filtered by their period ordinal)."""
        for before, after in zip(self.segments, self.segments[1:], strict=False):
            assert after.start_us is not None
            t = after.start_us
            if (t + after.offset_us) // US_PER_DAY < (t - 1 + before.offset_us) // US_PER_DAY:
                return False
        return True

    def periods(self) -> list[Period]:
        return [period_at(o, self.grain, self.fiscal_year_start) for o in self.ordinals()]

    def ordinals(self) -> range:
        return range(self.first, self.last + 1)

    def reset_key(self, ordinal: int, reset: Reset) -> int:
        """Python twin of :func:`reset_key_expr` (the year a cumulative window restarts in)."""
        start = period_at(ordinal, self.grain, self.fiscal_year_start).start
        mi = start.year * 12 + start.month - 1
        if reset is Reset.FISCAL_YEAR:
            return (mi + fiscal_shift(self.fiscal_year_start)) // 12
        if reset is Reset.YEAR:
            return mi // 12
        return 0

    def max_window(self, reset: Reset) -> int:
        """How many periods a cumulative window can span."""
        span = self.last - self.first + 1
        return span if reset is Reset.NONE else min(span, _MAX_PER_YEAR[self.grain])


def time_bounds(col: ir.Column, plan: PeriodPlan) -> ir.BooleanValue:
    """``lo <= col < hi`` with literals of the column's own type, so the backend can prune."""
    dtype = col.type()
    if dtype.is_date():
        lo = period_at(plan.first, plan.grain, plan.fiscal_year_start).start
        hi = period_at(plan.last, plan.grain, plan.fiscal_year_start).end
        return (col >= ibis.literal(lo)) & (col < ibis.literal(hi))
    if dtype.timezone is None:  # naive timestamps are stored UTC (dataset contracts)
        lo_lit = ibis.literal(plan.lo_utc.replace(tzinfo=None), type=dtype)
        hi_lit = ibis.literal(plan.hi_utc.replace(tzinfo=None), type=dtype)
    else:
        lo_lit = ibis.literal(plan.lo_utc.astimezone(UTC), type=dtype)
        hi_lit = ibis.literal(plan.hi_utc.astimezone(UTC), type=dtype)
    return (col >= lo_lit) & (col < hi_lit)


def local_us_expr(utc_us: ir.IntegerValue, plan: PeriodPlan, is_date: bool) -> ir.IntegerValue:
    """Local wall-clock microseconds since 1970-01-01 00:00 (local) of each row's instant."""
    if is_date:  # a date column is already a local calendar date
        return utc_us
    segs = plan.segments
    if len(segs) == 1:
        offset: ir.Value = ibis.literal(segs[0].offset_us)
    else:
        branches = [
            (utc_us < nxt.start_us, ibis.literal(cur.offset_us))
            for cur, nxt in zip(segs, segs[1:], strict=False)
        ]
        offset = ibis.cases(*branches, else_=ibis.literal(segs[-1].offset_us))
    return utc_us + offset


def month_index_of_day(day: ir.IntegerValue) -> ir.IntegerValue:
    """year*12 + month-1 of the day ``day`` days after 1970-01-01, in integer arithmetic only
    (H. Hinnant, "chrono-compatible low-level date algorithms", civil_from_days): no date
    functions, so it is fast and compiles the same on every backend."""
    z = day + 719_468  # days since 0000-03-01
    era = z // 146_097  # 400-year eras
    doe = z - era * 146_097  # day of era [0, 146096]
    yoe = (doe - doe // 1_460 + doe // 36_524 - doe // 146_096) // 365  # year of era
    doy = doe - (yoe * 365 + yoe // 4 - yoe // 100)  # day of the March-based year
    mp = (doy * 5 + 2) // 153  # month, 0 = March
    return (era * 400 + yoe) * 12 + mp + 2


def ordinal_expr(
    local_us: ir.IntegerValue, grain: Grain, fiscal_year_start: int, dialect: Dialect
) -> ir.IntegerValue:
    """Period ordinal of a local wall-clock instant (the Ibis twin of periods.ordinal_of)."""
    if grain is Grain.DAY:
        return local_us // US_PER_DAY
    if grain is Grain.WEEK:
        return (local_us // US_PER_DAY + 3) // 7
    return ordinal_of_month_index(dialect.month_index(local_us), grain, fiscal_year_start)


def _start_month_index(ordinal: ir.IntegerValue, grain: Grain, fy_start: int) -> ir.IntegerValue:
    shift = fiscal_shift(fy_start)
    match grain:
        case Grain.DAY:
            return month_index_of_day(ordinal)
        case Grain.WEEK:
            return month_index_of_day(ordinal * 7 - 3)
        case Grain.MONTH:
            return ordinal
        case Grain.QUARTER:
            return ordinal * 3
        case Grain.FISCAL_QUARTER:
            return ordinal * 3 - shift
        case Grain.FISCAL_YEAR:
            return ordinal * 12 - shift
        case Grain.YEAR:
            return ordinal * 12
    raise ValueError(grain)  # pragma: no cover


def reset_key_expr(ordinal: ir.IntegerValue, plan: PeriodPlan, reset: Reset) -> ir.IntegerValue:
    """The (fiscal) year whose start a cumulative window restarts at, for the period with this
    ordinal: the year containing the period's first day."""
    mi = _start_month_index(ordinal, plan.grain, plan.fiscal_year_start)
    if reset is Reset.FISCAL_YEAR:
        return (mi + fiscal_shift(plan.fiscal_year_start)) // 12
    return mi // 12
