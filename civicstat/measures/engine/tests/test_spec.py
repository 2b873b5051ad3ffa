"""MeasureSpec dict/YAML round trip, hashing and validation messages."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest
import yaml

from civicstat.measures.engine import (
    Aggregate,
    AggregateKind,
    CompileError,
    MeasureSpec,
    PeriodRange,
    SpecError,
    compile,
)
from civicstat.measures.engine.tests.support import connect, make_calls

FULL = {
    "dataset": "calls",
    "time_column": "received_at",
    "timezone": "America/New_York",
    "grain": "month",
    "fiscal_year_start": 7,
    "periods": {"start": "2021-07-01", "end": "2023-06-30"},
    "derive": {"response_seconds": {"seconds_between": ["received_at", "onscene_at"]}},
    "filter": {"and": [{"eq": ["priority", "1"]}, {"not": {"eq": ["cancelled", True]}}]},
    "exclude_by": "why",
    "exclude_when": [{"reason": "negative interval", "when": {"lt": ["response_seconds", 0]}}],
    "aggregate": {"kind": "percentile", "p": 0.9},
    "value": "response_seconds",
    "breakdown": "district",
    "window": {"kind": "rolling", "periods": 3},
    "min_n": 20,
    "counts_people": False,
}

YAML_TEXT = """
dataset: calls
time_column: received_at
grain: fiscal_year
periods: {start: 2021-07-01}
aggregate: count
window: {kind: cumulative, reset: fiscal_year}
"""


def test_dict_round_trip_is_exact():
    spec = MeasureSpec.from_dict(FULL)
    assert spec.to_dict() == FULL
    assert MeasureSpec.from_dict(spec.to_dict()) == spec
    json.dumps(spec.to_dict())  # JSON-serialisable for the Django JSONField


def test_yaml_with_shorthands_round_trips_through_canonical_form():
    spec = MeasureSpec.from_dict(yaml.safe_load(YAML_TEXT))
    assert spec.aggregate.kind is AggregateKind.COUNT
    assert spec.periods == PeriodRange(date(2021, 7, 1), None)
    canonical = spec.to_dict()
    assert canonical["aggregate"] == {"kind": "count"}
    assert canonical["window"] == {"kind": "cumulative", "reset": "fiscal_year"}
    again = MeasureSpec.from_dict(yaml.safe_load(yaml.safe_dump(canonical)))
    assert again == spec and again.spec_hash() == spec.spec_hash()


def test_hash_is_stable_and_sensitive():
    a = MeasureSpec.from_dict(FULL)
    reordered = dict(reversed(list(FULL.items())))
    assert MeasureSpec.from_dict(reordered).spec_hash() == a.spec_hash()
    assert len(a.spec_hash()) == 64
    changed = copy.deepcopy(FULL)
    changed["aggregate"]["p"] = 0.95
    assert MeasureSpec.from_dict(changed).spec_hash() != a.spec_hash()
    changed = copy.deepcopy(FULL)
    changed["filter"]["and"][0]["eq"][1] = "2"
    assert MeasureSpec.from_dict(changed).spec_hash() != a.spec_hash()


def _issues(d: dict) -> list[str]:
    with pytest.raises(SpecError) as err:
        MeasureSpec.from_dict(d)
    return [str(i) for i in err.value.issues]


def with_(**changes) -> dict:
    d = copy.deepcopy(FULL)
    d.update(changes)
    return d


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"aggregate": {"kind": "percentile", "p": 1.5}}, "aggregate.p: must be between 0 and 1"),
        ({"aggregate": {"kind": "percentile"}}, "aggregate.p: required for a percentile"),
        ({"aggregate": {"kind": "median", "p": 0.5}}, "aggregate.p: only a percentile takes p"),
        ({"aggregate": {"kind": "share"}}, "aggregate.condition: required for a share"),
        ({"aggregate": {"kind": "rate"}}, "aggregate.numerator: required for a rate"),
        ({"aggregate": {"kind": "avg"}}, "aggregate.kind: must be one of count"),
        ({"aggregate": {"kind": "count", "scale": 100}}, "aggregate.scale: only a share"),
        ({"grian": "month"}, "grian: unknown field; did you mean 'grain'?"),
        ({"grain": "fortnight"}, "grain: must be one of day, week, month"),
        ({"timezone": "Mars/Olympus"}, "timezone: not a known IANA time zone"),
        ({"fiscal_year_start": 13}, "fiscal_year_start: must be a month number from 1 to 12"),
        ({"periods": {"start": "2023-07-01", "end": "2023-01-01"}}, "periods.end: is before"),
        ({"periods": {"start": "July 2023"}}, "periods.start: must be a date written YYYY-MM-DD"),
        ({"periods": None}, "periods: required"),
        ({"window": {"kind": "rolling"}}, "window.periods: a rolling window needs periods >= 1"),
        ({"window": {"kind": "cumulative", "periods": 3}}, "window.periods: only a rolling"),
        ({"window": {"kind": "rolling", "periods": 3, "reset": "year"}}, "window.reset: only"),
        ({"value": None}, "value: required: the column a percentile aggregates"),
        (
            {"filter": {"and": [{"eq": ["a", 1]}, {"in": ["b", []]}]}},
            "filter.and[1].in: the list of values is empty",
        ),
        ({"filter": {"like": ["a", "x%"]}}, "filter: unknown operator 'like'"),
        ({"filter": {"between": ["x", 10, 1]}}, "filter.between: low (10) is greater than high"),
        ({"derive": {"r": {"minutes_between": ["a", "b"]}}}, "derive.r: expected"),
        ({"exclude_when": [{"when": {"is_null": "x"}}]}, "exclude_when[0].reason: required"),
        ({"counts_people": True}, "counts_people: only count and count_distinct"),
        ({"dataset": None}, "dataset: required"),
    ],
)
def test_validation_names_the_field(changes, message):
    issues = _issues(with_(**changes))
    assert any(i.startswith(message) for i in issues), issues


def test_every_problem_is_reported_at_once():
    issues = _issues(with_(grain="fortnight", aggregate={"kind": "percentile", "p": 2}))
    assert any(i.startswith("grain:") for i in issues)
    assert any(i.startswith("aggregate.p:") for i in issues)


def test_counts_people_refuses_windows():
    d = with_(
        aggregate="count",
        value=None,
        counts_people=True,
        window={"kind": "cumulative"},
    )
    assert any("reveals each period's count" in i for i in _issues(d))


def test_specs_built_in_python_are_validated_too():
    with pytest.raises(SpecError, match=r"aggregate.p: must be between 0 and 1"):
        MeasureSpec(
            dataset="calls",
            time_column="received_at",
            aggregate=Aggregate(AggregateKind.PERCENTILE, p=-0.1),
            periods=PeriodRange(date(2023, 1, 1)),
            value="x",
        )


@pytest.fixture(scope="module")
def table():
    return connect(calls=make_calls(200)).table("calls")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"value": "respnse_seconds"}, "value: no column 'respnse_seconds'; the dataset has"),
        (
            {"filter": {"eq": ["priority", 1]}},
            "filter.eq: column 'priority' has type string, so the value 1 must be a string",
        ),
        (
            {"filter": {"or": [{"eq": ["cancelled", True]}, {"gt": ["district", 3]}]}},
            "filter.or[1].gt: column 'district' has type string",
        ),
        ({"time_column": "priority"}, "time_column: 'priority' is string"),
        ({"breakdown": "beat"}, "breakdown: no column 'beat'"),
        ({"filter": {"lt": ["received_at", 3]}}, "filter.lt: column 'received_at' has type"),
        ({"value": "district"}, "value: a percentile needs a number column"),
    ],
)
def test_compile_errors_name_dataset_field_and_column(table, changes, message):
    spec = MeasureSpec.from_dict(with_(**changes))
    with pytest.raises(CompileError) as err:
        compile(spec, table, as_of=date(2024, 1, 1))
    assert str(err.value).startswith(f"dataset 'calls': {message}"), str(err.value)
