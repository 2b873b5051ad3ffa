"""Reporting periods: grains, their integer ordinals, dates and labels.

Every period of a grain has an integer *ordinal* so that periods can be compared, stepped and
cut in SQL with integer arithmetic (no time-zone-dependent date functions):

==============  ===================================================  =================
grain           ordinal                                              label
==============  ===================================================  =================
day             days since 1970-01-01                                ``2023-07-01``
week            ISO weeks (Monday start) since Mon 1969-12-29        ``2023-W26``
month           year*12 + month-1                                    ``2023-07``
quarter         calendar quarters, month_index // 3                  ``2023 Q3``
fiscal_quarter  (month_index + shift) // 3                           ``FY2024 Q1``
fiscal_year     (month_index + shift) // 12 = the fiscal year's name ``FY2024``
year            month_index // 12                                    ``2023``
==============  ===================================================  =================

``shift = (13 - fiscal_year_start) % 12``: with the fiscal year starting on 1 July (Durham, the
default) July 2023 + 6 months falls in 2024, so July 2023–June 2024 is FY2024, named by the
calendar year in which it ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

EPOCH = date(1970, 1, 1)


class Grain(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    FISCAL_QUARTER = "fiscal_quarter"
    FISCAL_YEAR = "fiscal_year"
    YEAR = "year"

    @property
    def month_based(self) -> bool:
        return self not in (Grain.DAY, Grain.WEEK)


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period: ``start`` inclusive, ``end`` exclusive (both local calendar dates)."""

    ordinal: int
    start: date
    end: date
    label: str


def fiscal_shift(fiscal_year_start: int) -> int:
    """Months to add to a date so that its calendar year is its fiscal year's name."""
    return (13 - fiscal_year_start) % 12


def month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def ordinal_of(d: date, grain: Grain, fiscal_year_start: int = 7) -> int:
    """The ordinal of the period of ``grain`` that contains the local date ``d``."""
    days = (d - EPOCH).days
    if grain is Grain.DAY:
        return days
    if grain is Grain.WEEK:
        return (days + 3) // 7
    return ordinal_of_month_index(month_index(d), grain, fiscal_year_start)


def ordinal_of_month_index(mi: int, grain: Grain, fiscal_year_start: int = 7) -> int:
    shift = fiscal_shift(fiscal_year_start)
    match grain:
        case Grain.MONTH:
            return mi
        case Grain.QUARTER:
            return mi // 3
        case Grain.FISCAL_QUARTER:
            return (mi + shift) // 3
        case Grain.FISCAL_YEAR:
            return (mi + shift) // 12
        case Grain.YEAR:
            return mi // 12
    raise ValueError(f"{grain} is not a month-based grain")


def period_at(ordinal: int, grain: Grain, fiscal_year_start: int = 7) -> Period:
    """The period with this ordinal."""
    shift = fiscal_shift(fiscal_year_start)
    if grain is Grain.DAY:
        start = EPOCH + timedelta(days=ordinal)
        return Period(ordinal, start, start + timedelta(days=1), start.isoformat())
    if grain is Grain.WEEK:
        start = EPOCH + timedelta(days=7 * ordinal - 3)
        iso = start.isocalendar()
        return Period(ordinal, start, start + timedelta(days=7), f"{iso.year}-W{iso.week:02d}")
    match grain:
        case Grain.MONTH:
            first, months, label = ordinal, 1, _month_start(ordinal).strftime("%Y-%m")
        case Grain.QUARTER:
            first, months, label = ordinal * 3, 3, f"{ordinal // 4} Q{ordinal % 4 + 1}"
        case Grain.FISCAL_QUARTER:
            first, months = ordinal * 3 - shift, 3
            label = f"FY{ordinal // 4} Q{ordinal % 4 + 1}"
        case Grain.FISCAL_YEAR:
            first, months, label = ordinal * 12 - shift, 12, f"FY{ordinal}"
        case Grain.YEAR:
            first, months, label = ordinal * 12, 12, str(ordinal)
        case _:  # pragma: no cover - exhaustive
            raise ValueError(grain)
    return Period(ordinal, _month_start(first), _month_start(first + months), label)


def period_containing(d: date, grain: Grain, fiscal_year_start: int = 7) -> Period:
    return period_at(ordinal_of(d, grain, fiscal_year_start), grain, fiscal_year_start)


def periods_between(
    first: date, last: date, grain: Grain, fiscal_year_start: int = 7
) -> list[Period]:
    """Every period from the one containing ``first`` to the one containing ``last``."""
    lo = ordinal_of(first, grain, fiscal_year_start)
    hi = ordinal_of(last, grain, fiscal_year_start)
    return [period_at(o, grain, fiscal_year_start) for o in range(lo, hi + 1)]


def fiscal_year_of(d: date, fiscal_year_start: int = 7) -> int:
    """The name of the fiscal year containing ``d`` (2024 for 1 July 2023 with a July start)."""
    return (month_index(d) + fiscal_shift(fiscal_year_start)) // 12
