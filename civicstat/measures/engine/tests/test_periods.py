"""Period ordinals, dates and labels against pandas' own period arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from civicstat.measures.engine.periods import (
    Grain,
    fiscal_year_of,
    ordinal_of,
    period_at,
    period_containing,
    periods_between,
)
from civicstat.measures.engine.tests.reference import pandas_freq

DAYS = [date(2019, 12, 20) + timedelta(days=i) for i in range(0, 6 * 365, 3)]


def expected_label(p: pd.Period, grain: str, d: date) -> str:
    if grain == "day":
        return d.isoformat()
    if grain == "week":
        iso = d.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if grain == "month":
        return f"{p.year}-{p.month:02d}"
    if grain == "quarter":
        return f"{p.year} Q{p.quarter}"
    if grain == "fiscal_quarter":
        return f"FY{p.qyear} Q{p.quarter}"
    if grain == "fiscal_year":
        return f"FY{p.year}"
    return str(p.year)


@pytest.mark.parametrize("fy_start", [7, 1, 10])
@pytest.mark.parametrize("grain", [g.value for g in Grain])
def test_period_containing_matches_pandas(grain, fy_start):
    freq = pandas_freq(grain, fy_start)
    for d in DAYS:
        got = period_containing(d, Grain(grain), fy_start)
        p = pd.Period(d, freq)
        assert got.start == p.start_time.date(), (grain, d)
        assert got.end == (p + 1).start_time.date(), (grain, d)
        assert got.label == expected_label(p, grain, d), (grain, d)
        assert got.start <= d < got.end


@pytest.mark.parametrize("grain", list(Grain))
def test_ordinals_are_consecutive_periods(grain):
    first = ordinal_of(date(2020, 1, 1), grain)
    prev = period_at(first, grain)
    for o in range(first + 1, first + 60):
        cur = period_at(o, grain)
        assert cur.start == prev.end
        assert ordinal_of(cur.start, grain) == o
        assert ordinal_of(cur.end - timedelta(days=1), grain) == o
        prev = cur


def test_durham_fiscal_year_is_named_by_its_ending_year():
    fy = period_containing(date(2023, 7, 1), Grain.FISCAL_YEAR)
    assert (fy.label, fy.start, fy.end) == ("FY2024", date(2023, 7, 1), date(2024, 7, 1))
    assert period_containing(date(2023, 6, 30), Grain.FISCAL_YEAR).label == "FY2023"
    assert period_containing(date(2023, 7, 1), Grain.FISCAL_QUARTER).label == "FY2024 Q1"
    assert period_containing(date(2024, 6, 30), Grain.FISCAL_QUARTER).label == "FY2024 Q4"
    assert fiscal_year_of(date(2023, 7, 1)) == 2024
    assert fiscal_year_of(date(2023, 7, 1), fiscal_year_start=1) == 2023
    assert fiscal_year_of(date(2023, 10, 1), fiscal_year_start=10) == 2024


def test_weeks_start_on_monday():
    w = period_containing(date(2023, 7, 2), Grain.WEEK)  # a Sunday
    assert w.start == date(2023, 6, 26) and w.start.weekday() == 0
    assert w.label == "2023-W26"
    assert period_containing(date(2023, 7, 3), Grain.WEEK).start == date(2023, 7, 3)
    # ISO week 1 of 2021 starts on 4 January 2021; 3 January belongs to 2020-W53.
    assert period_containing(date(2021, 1, 3), Grain.WEEK).label == "2020-W53"


def test_periods_between_covers_both_ends():
    ps = periods_between(date(2023, 1, 15), date(2023, 4, 1), Grain.MONTH)
    assert [p.label for p in ps] == ["2023-01", "2023-02", "2023-03", "2023-04"]
