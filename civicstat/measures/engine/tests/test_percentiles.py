"""Published fractiles equal numpy.percentile(..., method="inverted_cdf") (methods.md §0), on
DuckDB's quantile_disc and on the portable rank strategy."""

from __future__ import annotations

import math
from datetime import date
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from civicstat.measures.engine import MeasureSpec, resolver_for, run
from civicstat.measures.engine.periods import Grain, period_at
from civicstat.measures.engine.tests.support import connect

SIZES = [*range(1, 41), 57, 99, 100, 101, 256, 1000]
STANDARD_P = [0.05, 0.1, 0.25, 0.5, 0.75, 0.8, 0.9, 0.95, 0.99]


@pytest.fixture(scope="module")
def groups():
    """One day per group size; integer-ish values with many ties, and fractions."""
    rng = np.random.default_rng(3)
    rows = []
    for i, n in enumerate(SIZES):
        day = period_at(19358 + i, Grain.DAY)  # consecutive days from 2023-01-01
        ts = pd.Timestamp(day.start.isoformat(), tz="America/New_York") + pd.Timedelta(hours=12)
        values = np.round(rng.gamma(2.0, 50.0, n), 0 if i % 2 else 3)
        rows += [(ts.tz_convert("UTC"), v) for v in values]
    df = pd.DataFrame(rows, columns=["at", "x"])
    df["at"] = df["at"].dt.as_unit("us")
    return df


@pytest.fixture(scope="module")
def con(groups):
    return connect(t=groups)


def fractiles(con, p: float, dialect: str | None) -> pd.Series:
    spec = MeasureSpec.from_dict(
        {
            "dataset": "t",
            "time_column": "at",
            "grain": "day",
            "periods": {"start": "2023-01-01", "end": f"2023-{1 + len(SIZES) // 31:02d}-28"},
            "aggregate": {"kind": "percentile", "p": p},
            "value": "x",
        }
    )
    series = run(spec, resolver_for(con), as_of=date(2024, 1, 1), dialect=dialect)
    assert series.percentile_method == "inverted_cdf"
    f = series.frame[series.frame["n_used"] > 0]
    return f.set_index("period_start")["value"].astype(float)


def local_day(ts: pd.Series) -> pd.Series:
    return ts.dt.tz_convert("America/New_York").dt.date


@pytest.mark.parametrize("dialect", [None, "portable"])
@pytest.mark.parametrize("p", STANDARD_P)
def test_equals_numpy_inverted_cdf(con, groups, p, dialect):
    got = fractiles(con, p, dialect)
    want = groups.groupby(local_day(groups["at"]))["x"].agg(
        lambda s: np.percentile(s.to_numpy(), p * 100, method="inverted_cdf")
    )
    assert len(got) == len(SIZES)
    pd.testing.assert_series_equal(got, want, check_names=False, check_index_type=False)


def exact_rank(values: np.ndarray, p: float) -> float:
    """The k-th smallest, k = max(1, ceil(n·p)) in exact rational arithmetic."""
    n = len(values)
    k = max(1, math.ceil(Fraction(str(p)) * n))
    return float(np.sort(values)[k - 1])


@pytest.mark.parametrize("dialect", [None, "portable"])
@pytest.mark.parametrize("p", [0.07, 0.14, 0.28, 0.0, 1.0, 0.333])
def test_unusual_p_use_exact_ranks(con, groups, p, dialect):
    got = fractiles(con, p, dialect)
    want = groups.groupby(local_day(groups["at"]))["x"].agg(lambda s: exact_rank(s.to_numpy(), p))
    pd.testing.assert_series_equal(got, want, check_names=False, check_index_type=False)


def test_numpy_float_rounding_differs_where_documented():
    """Why the exact rank matters: n·p = 100 × 0.07 is 7.000000000000001 in floating point, so
    numpy takes the 8th value; the inverted CDF at 0.07 of 100 values is the 7th."""
    values = np.arange(1.0, 101.0)
    assert np.percentile(values, 7, method="inverted_cdf") == 8.0
    assert exact_rank(values, 0.07) == 7.0


def test_duckdb_compiles_quantile_disc_not_cont(con):
    spec = MeasureSpec.from_dict(
        {
            "dataset": "t",
            "time_column": "at",
            "periods": {"start": "2023-01-01", "end": "2023-01-31"},
            "aggregate": "median",
            "value": "x",
        }
    )
    sql = run(spec, resolver_for(con), as_of=date(2024, 1, 1)).sql.upper()
    assert "QUANTILE_DISC" in sql and "PERCENTILE_CONT" not in sql and "QUANTILE_CONT" not in sql
