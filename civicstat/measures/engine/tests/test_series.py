"""run() end to end: provenance fields, and small-cell suppression of counts of people."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from civicstat.measures.engine import ExecutionError, MeasureSpec, resolver_for, run
from civicstat.measures.engine.tests.support import connect

PRIMARY = "suppressed: fewer than 11"


@pytest.fixture(scope="module")
def people_con():
    """Crisis responses: pseudonymous people, a few per district per month, some flagged."""
    rng = np.random.default_rng(11)
    n = 1500
    at = pd.Timestamp("2023-01-01", tz="UTC") + pd.to_timedelta(
        rng.integers(0, 180 * 86400, n), unit="s"
    )
    district = rng.choice(["D1", "D2", "D3", "D4"], n, p=[0.55, 0.3, 0.1, 0.05])
    person = [f"p{k}" for k in rng.integers(0, 900, n)]
    reason = pd.Series(rng.choice(["test record", "duplicate"], n)).where(rng.random(n) < 0.06)
    df = pd.DataFrame(
        {"received_at": at.as_unit("us"), "district": district, "person_id": person, "why": reason}
    )
    return connect(crisis=df)


PEOPLE = {
    "dataset": "crisis",
    "time_column": "received_at",
    "periods": {"start": "2023-01-01", "end": "2023-06-30"},
    "aggregate": "count_distinct",
    "value": "person_id",
    "breakdown": "district",
    "exclude_by": "why",
    "counts_people": True,
}


def test_counts_of_people_are_suppressed_with_complements(people_con):
    spec = MeasureSpec.from_dict(PEOPLE)
    raw = run(spec, resolver_for(people_con), as_of=date(2023, 8, 1), suppress=False).frame
    pub = run(spec, resolver_for(people_con), as_of=date(2023, 8, 1)).frame
    assert raw["suppression"].eq("").all()
    true = raw.set_index(["period_start", "breakdown"])["value"].astype(int)
    shown = pub.set_index(["period_start", "breakdown"])
    assert (shown["suppression"] == PRIMARY).any()
    for key, v in true.items():
        reason = shown.loc[key, "suppression"]
        assert (reason == PRIMARY) == (1 <= v <= 10)
        if reason:
            assert pd.isna(shown.loc[key, "value"]) and pd.isna(shown.loc[key, "n_used"])
        else:
            assert shown.loc[key, "value"] == v
    # each month's total is published wherever the measure is shown without its breakdown:
    # within a month, suppressed cells are never alone and never sum to 1..10
    for _, month in shown.groupby(level="period_start"):
        hidden = month["suppression"] != ""
        hidden_true = true.loc[month.index[hidden]]
        assert hidden.sum() != 1
        assert not 1 <= hidden_true.sum() <= 10


def test_exclusion_counts_of_people_are_suppressed(people_con):
    spec = MeasureSpec.from_dict(PEOPLE)
    raw = run(spec, resolver_for(people_con), as_of=date(2023, 8, 1), suppress=False)
    pub = run(spec, resolver_for(people_con), as_of=date(2023, 8, 1))
    assert len(raw.exclusions) == len(pub.exclusions) > 0
    shown = pub.exclusions["n"]
    assert not shown.dropna().between(1, 10).any()
    small = raw.exclusions["n"].between(1, 10).to_numpy()
    assert (pub.exclusions["suppression"].to_numpy()[small] == PRIMARY).all()
    n_excluded = pub.frame["n_excluded"].dropna()
    assert not n_excluded.between(1, 10).any()


def test_series_carries_provenance(people_con):
    spec = MeasureSpec.from_dict({**PEOPLE, "aggregate": "count", "value": None})
    series = run(spec, resolver_for(people_con), as_of=date(2023, 8, 1))
    assert series.spec_hash == spec.spec_hash()
    assert series.dialect == "duckdb"
    assert series.percentile_method is None
    assert series.as_of == date(2023, 8, 1)
    assert "EPOCH_US" in series.sql.upper() and '"crisis"' in series.sql
    assert list(series.frame.columns) == [
        "period_start",
        "period_end",
        "period_label",
        "breakdown",
        "value",
        "n_used",
        "n_excluded",
        "complete",
        "below_min_n",
        "suppression",
    ]
    assert list(series.exclusions.columns) == [
        "period_start",
        "period_label",
        "breakdown",
        "reason",
        "n",
        "suppression",
    ]
    assert str(series.frame["value"].dtype) == "Float64"
    assert str(series.frame["n_used"].dtype) == "Int64"


def test_missing_table_is_an_execution_error(people_con):
    spec = MeasureSpec.from_dict({**PEOPLE, "dataset": "crisis"})

    def resolve(name: str):
        table = people_con.table(name)
        people_con.raw_sql(f'ALTER TABLE "{name}" RENAME TO gone')
        return table

    try:
        with pytest.raises(ExecutionError, match="dataset 'crisis': running the measure failed"):
            run(spec, resolve, as_of=date(2023, 8, 1))
    finally:
        people_con.raw_sql('ALTER TABLE gone RENAME TO "crisis"')
