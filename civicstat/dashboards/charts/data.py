"""Published values, checked and arranged for charting: `ChartData`.

The input frame has one row per period × breakdown (``""`` is the overall series) with the columns
in ``COLUMNS``; ``period_end`` is exclusive. A suppressed row never shows its value, even if one
was left in the frame by mistake.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from civicstat.dashboards.charts.errors import ChartError
from civicstat.dashboards.charts.formatting import Formatter

COLUMNS = (
    "period_start",
    "period_end",
    "period_label",
    "breakdown",
    "value",
    "suppressed",
    "status",
    "target",
)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive
    label: str  # as published: 2024-06, 2024 Q3, FY2025
    name: str  # as read: June 2024
    short: str  # on an axis: Jun 2024

    @property
    def midpoint(self) -> datetime:
        start = datetime(self.start.year, self.start.month, self.start.day)
        return start + (datetime(self.end.year, self.end.month, self.end.day) - start) / 2


@dataclass(frozen=True)
class Point:
    period: Period
    value: float | None  # None when there is no value or it is suppressed
    suppressed: bool = False
    status: str = ""
    target: float | None = None

    @property
    def available(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class SeriesData:
    """One series (the overall one, or one breakdown category) over every period of the chart."""

    name: str  # "" for the overall series
    points: tuple[Point, ...]

    @property
    def available(self) -> tuple[Point, ...]:
        return tuple(p for p in self.points if p.available)

    @property
    def suppressed(self) -> tuple[Point, ...]:
        return tuple(p for p in self.points if p.suppressed)


@dataclass(frozen=True)
class ChartData:
    periods: tuple[Period, ...]
    overall: SeriesData | None  # None when the frame has no overall rows
    breakdowns: tuple[SeriesData, ...]

    @property
    def is_empty(self) -> bool:
        return not self.periods

    @property
    def series(self) -> tuple[SeriesData, ...]:
        return ((self.overall,) if self.overall else ()) + self.breakdowns

    @property
    def primary(self) -> SeriesData | None:
        """The series the summary tells about: the overall one (or a lone breakdown)."""
        if self.overall is not None:
            return self.overall
        return self.breakdowns[0] if len(self.breakdowns) == 1 else None


def prepare(values: pd.DataFrame, formatter: Formatter) -> ChartData:
    """Check the published values and arrange them by series and period.

    Raises ``ChartError`` naming the column or row (0-based position in the frame) at fault.
    """
    missing = [c for c in COLUMNS if c not in values.columns]
    if missing:
        raise ChartError(
            f"published values: missing column(s) {', '.join(missing)} "
            f"(expected {', '.join(COLUMNS)})"
        )
    periods: dict[date, Period] = {}
    cells: dict[tuple[str, date], Point] = {}
    for position, row in enumerate(values[list(COLUMNS)].itertuples(index=False)):
        where = f"published values row {position}"
        start = _date(row.period_start, where, "period_start")
        end = _date(row.period_end, where, "period_end")
        label = _text(row.period_label, where, "period_label")
        breakdown = _text(row.breakdown, where, "breakdown")
        if end <= start:
            raise ChartError(
                f"{where} ({label}): period_end {end} is not after period_start {start} "
                "(period_end is the first day after the period)"
            )
        period = periods.get(start)
        if period is None:
            period = Period(
                start,
                end,
                label,
                formatter.period(start, end, label),
                formatter.period_short(start, end, label),
            )
            periods[start] = period
        elif (period.end, period.label) != (end, label):
            raise ChartError(
                f"{where}: period starting {start} is ({end}, {label!r}) here but "
                f"({period.end}, {period.label!r}) in an earlier row"
            )
        if (breakdown, start) in cells:
            raise ChartError(
                f"{where}: a second value for period {label} and breakdown {breakdown!r} "
                "(expected one row per period and breakdown)"
            )
        suppressed = _flag(row.suppressed, where)
        value = None if suppressed else _number(row.value, where, "value")
        cells[(breakdown, start)] = Point(
            period,
            value,
            suppressed,
            _text(row.status, where, "status"),
            _number(row.target, where, "target"),
        )
    ordered = tuple(periods[s] for s in sorted(periods))
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.end > after.start:
            raise ChartError(
                f"published values: periods {before.label} ({before.start} to {before.end}) "
                f"and {after.label} (from {after.start}) overlap (expected one grain)"
            )
    names = sorted({name for name, _ in cells}, key=natural_key)

    def series(name: str) -> SeriesData:
        return SeriesData(name, tuple(cells.get((name, p.start), Point(p, None)) for p in ordered))

    overall = series("") if "" in names else None
    return ChartData(ordered, overall, tuple(series(n) for n in names if n))


def natural_key(text: str) -> list:
    """Category order as a reader expects it: "5 or more" before "10 or more"."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text)]


def _date(raw: object, where: str, column: str) -> date:
    if raw is None or raw is pd.NaT or (isinstance(raw, float) and math.isnan(raw)):
        raise ChartError(f"{where}: {column} is empty (expected a date)")
    if isinstance(raw, pd.Timestamp):
        return raw.date()
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise ChartError(f"{where}: {column} is {raw!r} (expected a date)")


def _text(raw: object, where: str, column: str) -> str:
    if raw is None or raw is pd.NA or (isinstance(raw, float) and math.isnan(raw)):
        return ""
    if not isinstance(raw, str):
        raise ChartError(f"{where}: {column} is {raw!r} (expected text)")
    return raw


def _number(raw: object, where: str, column: str) -> float | None:
    if raw is None or raw is pd.NA:
        return None
    if isinstance(raw, bool | str) or type(raw).__name__ == "bool_":
        raise ChartError(f"{where}: {column} is {raw!r} (expected a number)")
    try:
        value = float(raw)  # also numpy scalars and Decimal
    except (TypeError, ValueError):
        raise ChartError(f"{where}: {column} is {raw!r} (expected a number)") from None
    if math.isnan(value):
        return None
    if math.isinf(value):
        raise ChartError(f"{where}: {column} is {value} (expected a finite number)")
    return value


def _flag(raw: object, where: str) -> bool:
    if raw is None or raw is pd.NA or (isinstance(raw, float) and math.isnan(raw)):
        raise ChartError(f"{where}: suppressed is empty (expected true or false)")
    if isinstance(raw, bool) or type(raw).__name__ == "bool_":
        return bool(raw)
    raise ChartError(f"{where}: suppressed is {raw!r} (expected true or false)")
