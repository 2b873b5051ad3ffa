"""Engine results against an independent pandas computation, for every aggregate × grain,
with and without a breakdown, windows, exclusions and missing values."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from civicstat.measures.engine import MeasureSpec, resolver_for, run
from civicstat.measures.engine.tests.reference import reference, reference_exclusions
from civicstat.measures.engine.tests.support import assert_matches, connect, make_calls

AS_OF = date(2024, 1, 15)

DERIVE = {"response_seconds": {"seconds_between": ["received_at", "onscene_at"]}}

AGGREGATES: dict[str, dict] = {
    "count": {"aggregate": "count"},
    "count_distinct": {"aggregate": "count_distinct", "value": "person"},
    "sum": {"aggregate": "sum", "value": "x"},
    "mean": {"aggregate": "mean", "value": "x"},
    "median": {"aggregate": "median", "value": "response_seconds", "derive": DERIVE},
    "percentile": {"aggregate": {"kind": "percentile", "p": 0.9}, "value": "x"},
    "share": {
        "aggregate": {"kind": "share", "condition": {"le": ["response_seconds", 300]}},
        "value": "response_seconds",
        "derive": DERIVE,
    },
    "rate": {
        "aggregate": {
            "kind": "rate",
            "numerator": {"eq": ["cancelled", True]},
            "denominator": {"in": ["priority", ["1", "2"]]},
            "scale": 100,
        }
    },
}

# Ranges per grain keep the reference quick; each spans the edges the grain cares about.
GRAINS: dict[str, dict] = {
    "day": {"start": "2023-03-05", "end": "2023-03-20"},  # spring-forward
    "week": {"start": "2023-05-01", "end": "2023-11-30"},
    "month": {"start": "2021-07-01", "end": "2023-12-31"},
    "quarter": {"start": "2021-07-01", "end": "2023-12-31"},
    "fiscal_quarter": {"start": "2021-07-01", "end": "2023-12-31"},
    "fiscal_year": {"start": "2021-07-01", "end": "2023-12-31"},
    "year": {"start": "2021-01-01", "end": "2023-12-31"},
}


@pytest.fixture(scope="module")
def calls() -> pd.DataFrame:
    return make_calls()


@pytest.fixture(scope="module")
def con(calls):
    return connect(calls=calls)


def spec_dict(agg: str, grain: str, **extra) -> dict:
    base = {
        "dataset": "calls",
        "time_column": "received_at",
        "grain": grain,
        "periods": GRAINS[grain],
        "exclude_by": "why",
    }
    return {**base, **AGGREGATES[agg], **extra}


def check(con, calls, d: dict, dialect: str | None = None) -> None:
    spec = MeasureSpec.from_dict(d)
    series = run(spec, resolver_for(con), as_of=AS_OF, dialect=dialect)
    assert_matches(series.frame, reference(calls, d, AS_OF))


@pytest.mark.parametrize("grain", list(GRAINS))
@pytest.mark.parametrize("agg", list(AGGREGATES))
@pytest.mark.parametrize("breakdown", [None, "district"])
def test_every_aggregate_and_grain_matches_pandas(con, calls, agg, grain, breakdown):
    extra = {"breakdown": breakdown} if breakdown else {}
    check(con, calls, spec_dict(agg, grain, **extra))


@pytest.mark.parametrize("agg", list(AGGREGATES))
@pytest.mark.parametrize(
    "window",
    [
        {"kind": "rolling", "periods": 3},
        {"kind": "cumulative"},
        {"kind": "cumulative", "reset": "fiscal_year"},
        {"kind": "cumulative", "reset": "year"},
    ],
    ids=["rolling3", "cumulative", "cumulative_fy", "cumulative_year"],
)
def test_windows_recompute_over_the_window_rows(con, calls, agg, window):
    check(con, calls, spec_dict(agg, "month", breakdown="district", window=window))


@pytest.mark.parametrize("grain", ["week", "quarter", "fiscal_quarter"])
@pytest.mark.parametrize("agg", ["median", "count", "share"])
def test_fiscal_year_cumulative_at_other_grains(con, calls, grain, agg):
    window = {"kind": "cumulative", "reset": "fiscal_year"}
    check(con, calls, spec_dict(agg, grain, window=window))


@pytest.mark.parametrize("agg", ["median", "percentile", "count_distinct", "mean"])
@pytest.mark.parametrize("window", [{"kind": "none"}, {"kind": "rolling", "periods": 2}])
def test_portable_dialect_matches_pandas(con, calls, agg, window):
    """The portable strategies (rank percentiles, epoch_seconds) give the same numbers."""
    check(con, calls, spec_dict(agg, "quarter", breakdown="district", window=window), "portable")


def test_filters_and_exclusions_by_reason(con, calls):
    d = spec_dict(
        "median",
        "month",
        breakdown="district",
        filter={"and": [{"ne": ["priority", "3"]}, {"not": {"eq": ["cancelled", True]}}]},
        exclude_when=[
            {"reason": "negative interval", "when": {"lt": ["response_seconds", 0]}},
            {"reason": "over one hour", "when": {"gt": ["response_seconds", 1200]}},
        ],
    )
    spec = MeasureSpec.from_dict(d)
    series = run(spec, resolver_for(con), as_of=AS_OF)
    assert_matches(series.frame, reference(calls, d, AS_OF))
    got = {
        (r.period_start, r.breakdown, r.reason): int(r.n) for r in series.exclusions.itertuples()
    }
    want = reference_exclusions(calls, d, AS_OF)
    assert got == want
    reasons = {k[2] for k in got}
    assert {"negative interval", "missing response_seconds", "test call"} <= reasons
    # n_excluded is the sum of the reasons.
    per_cell = series.exclusions.groupby(["period_start", "breakdown"])["n"].sum()
    f = series.frame.set_index(["period_start", "breakdown"])
    assert (f.loc[per_cell.index, "n_excluded"] == per_cell).all()


def test_min_n_withholds_values(con, calls):
    d = spec_dict("percentile", "month", breakdown="district", min_n=20)
    spec = MeasureSpec.from_dict(d)
    frame = run(spec, resolver_for(con), as_of=AS_OF).frame
    assert_matches(frame, reference(calls, d, AS_OF))
    low = frame["n_used"] < 20
    assert low.any() and frame.loc[low, "value"].isna().all()
    assert frame["below_min_n"].equals(low.astype(bool))
