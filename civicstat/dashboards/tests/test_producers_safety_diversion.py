"""Diversion analysis (civicstat/dashboards/producers/diversion.py) on seeded hand-built calls,
against the eligibility rules applied independently in pandas: each call's deciding rule, who
answered the eligible calls, the monthly table, the hour × weekday grid and the what-if."""

from __future__ import annotations

import datetime as dt

import ibis
import numpy as np
import pandas as pd
import pytest

from civicstat.dashboards.producers import diversion
from civicstat.dashboards.producers._safety_common import Window, percent
from civicstat.dashboards.tests.safety_helpers import as_dict, charts, figures, table_starting
from civicstat.safety.tests.canonical import load_calls, load_crisis

NY = "America/New_York"
NINE = [
    "Assist Person",
    "Mental Health Crisis",
    "Follow Up",
    "Indecency",
    "Intoxicated Person",
    "Panhandling/Solicitation",
    "Suicide Threat",
    "Trespass or Unwanted",
    "Welfare Check",
]
OTHER = ["Larceny", "Alarm - Burglary", "Disturbance"]
FLAGS = ("weapon_involved", "risk_to_others", "medical_need")


def _data(seed: int = 11):
    rng = np.random.default_rng(seed)
    calls, crisis = [], []
    base = pd.Timestamp("2023-01-01 00:00", tz=NY)
    for i in range(400):
        received = base + pd.Timedelta(minutes=int(rng.integers(0, 90 * 24 * 60)))
        kind = NINE[i % 9] if rng.random() < 0.7 else OTHER[i % 3]
        row = {
            "call_id": f"K{i}",
            "unit_id": "U1",
            "received_at": received,
            "call_type": kind,
            "priority": str(rng.choice(["P", "1", "2", "3"], p=[0.05, 0.25, 0.4, 0.3])),
            "self_initiated": bool(rng.random() < 0.08),
            **{f: bool(rng.random() < 0.06) for f in FLAGS},
        }
        calls.append(row)
        if rng.random() < 0.2:  # a second unit, which may carry a flag the first did not
            calls.append({**row, "unit_id": "U2", "weapon_involved": bool(rng.random() < 0.3)})
        r = rng.random()
        if r < 0.35:
            crisis.append(
                {
                    "response_id": f"H{i}",
                    "program": "community_response_team",
                    "call_id": row["call_id"],
                    "received_at": received,
                }
            )
        elif r < 0.40:
            crisis.append(
                {
                    "response_id": f"H{i}",
                    "program": "co_response",
                    "call_id": row["call_id"],
                    "received_at": received,
                }
            )
        elif r < 0.43:  # both: HEART ranks first
            for program in ("co_response", "crisis_call_diversion"):
                crisis.append(
                    {
                        "response_id": f"H{i}-{program}",
                        "program": program,
                        "call_id": row["call_id"],
                        "received_at": received,
                    }
                )
    # March 31, 23:30 local is April in UTC: in the window (local months).
    calls.append(
        {
            "call_id": "EDGE",
            "unit_id": "U1",
            "call_type": "Welfare Check",
            "priority": "2",
            "received_at": pd.Timestamp("2023-03-31 23:30", tz=NY),
        }
    )
    # Outside the window: never counted.
    calls.append(
        {
            "call_id": "LATE",
            "unit_id": "U1",
            "call_type": "Welfare Check",
            "priority": "2",
            "received_at": pd.Timestamp("2023-04-01 00:30", tz=NY),
        }
    )
    return calls, crisis


def _pandas_decisions(calls: pd.DataFrame, skip: str | None = None) -> pd.Series:
    """Each call's deciding rule, in the rule file's order (independent reading of the rules)."""
    c = calls.copy()
    for f in (*FLAGS, "self_initiated"):
        c[f] = c[f].fillna(False).astype(bool)
    per = c.groupby("call_id").agg(
        call_type=("call_type", "min"),
        priority=("priority", "min"),
        self_initiated=("self_initiated", "any"),
        **{f: (f, "any") for f in FLAGS},
    )

    def rule(r):
        if r.self_initiated:
            return "self_initiated"
        if r.call_type not in NINE:
            return "call_type_not_eligible"
        for name in ("weapon_involved", "risk_to_others", "medical_need"):
            if r[name] and name != skip:
                return name
        if r.priority == "P" and skip != "highest_priority":
            return "highest_priority"
        return "eligible_call_type"

    return per.apply(rule, axis=1)


@pytest.fixture(scope="module")
def built():
    calls, crisis = _data()
    con = ibis.duckdb.connect()
    window = Window(dt.date(2023, 1, 1), dt.date(2023, 4, 1))
    analysis = diversion.build(load_calls(con, calls), load_crisis(con, crisis), window)
    frame = pd.DataFrame(calls)
    frame = frame[frame["call_id"] != "LATE"]
    return analysis, frame, pd.DataFrame(crisis)


def test_each_rule_counts_the_calls_it_decided(built):
    analysis, calls, _ = built
    expected = _pandas_decisions(calls).value_counts()
    got = as_dict(table_starting(analysis, "Calls by the rule that decided them"))
    labels = {
        "Officer-initiated call": "self_initiated",
        "Call type not on the eligible list": "call_type_not_eligible",
        "A weapon is present": "weapon_involved",
        "Physical violence or imminent risk of hurting others": "risk_to_others",
        "Intoxication or a condition needing medical intervention (e.g. overdose)": "medical_need",
        "Highest-priority call with a potential immediate threat to life (Priority P)": "highest_priority",
        "Eligible call type, no exclusion applies": "eligible_call_type",
    }
    assert set(got) == set(labels)
    for label, name in labels.items():
        assert int(got[label]["Calls"]) == int(expected.get(name, 0)), label
    assert sum(int(r["Calls"]) for r in got.values()) == calls["call_id"].nunique()


def _answered(calls, crisis) -> pd.DataFrame:
    decided = _pandas_decisions(calls)
    eligible = decided[decided == "eligible_call_type"].index
    first = calls.drop_duplicates("call_id").set_index("call_id").loc[eligible]
    heart = set(
        crisis.loc[
            crisis["program"].isin(["community_response_team", "crisis_call_diversion"]), "call_id"
        ]
    )
    co = set(crisis.loc[crisis["program"] == "co_response", "call_id"])
    first["who"] = [
        "heart" if c in heart else "co_response" if c in co else "police" for c in first.index
    ]
    local = pd.to_datetime(first["received_at"], utc=True).dt.tz_convert(NY)
    first["month"], first["hour"] = local.dt.month, local.dt.hour
    first["weekday"] = local.dt.day_of_week
    return first


def test_headline_and_months_match_pandas(built):
    analysis, calls, crisis = built
    first = _answered(calls, crisis)
    got = figures(analysis)
    assert got["Eligible for a civilian response"].value == f"{len(first):,}"
    for label, who in [
        ("Answered by HEART", "heart"),
        ("Answered by co-response", "co_response"),
        ("Left to police", "police"),
    ]:
        n = int((first["who"] == who).sum())
        assert got[label].value == percent(n * 100 / len(first), 1), label
        assert got[label].note.startswith(f"{n} of {len(first)}"), label
    months = as_dict(table_starting(analysis, "Eligible calls per month"))
    assert list(months) == ["Jan 2023", "Feb 2023", "Mar 2023"]  # EDGE counts in March
    for month, label in zip((1, 2, 3), months, strict=True):
        part = first[first["month"] == month]
        assert months[label]["Eligible calls"] == str(len(part))
        assert months[label]["HEART"] == str(int((part["who"] == "heart").sum()))
        assert months[label]["Police"] == str(int((part["who"] == "police").sum()))


def test_hour_by_weekday_grid_matches_pandas(built):
    analysis, calls, crisis = built
    first = _answered(calls, crisis)
    police = first[first["who"] == "police"]
    chart = next(c for c in charts(analysis) if c.chart_id == "diversion-left-to-police")
    rows = as_dict([chart.table.headers, *chart.table.rows])
    assert len(rows) == 24 and list(rows)[0] == "00:00"
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    for hour in range(24):
        for d, day in enumerate(days):
            n = int(((police["hour"] == hour) & (police["weekday"] == d)).sum())
            assert rows[f"{hour:02d}:00"][day] == str(n), (hour, day)
    assert chart.summary.startswith(f"{len(police)} eligible calls were left to police")


def test_what_if_matches_pandas(built):
    analysis, calls, _ = built
    now = int((_pandas_decisions(calls) == "eligible_call_type").sum())
    overview = as_dict(table_starting(analysis, "Eligible calls if one exclusion were dropped"))
    for rule, reason in [
        ("weapon_involved", "a weapon is present"),
        (
            "medical_need",
            "intoxication or a condition needing medical intervention (e.g. overdose)",
        ),
        (
            "highest_priority",
            "highest-priority call with a potential immediate threat to life (Priority P)",
        ),
    ]:
        then = int((_pandas_decisions(calls, skip=rule) == "eligible_call_type").sum())
        row = overview[f"Without: {reason}"]
        assert (row["Eligible now"], row["Eligible then"]) == (str(now), str(then)), rule
        assert row["Change"] == f"{then - now:+,}"
    assert overview["Without: a weapon is present"]["Exclusion documented by Durham"] == "yes"
    detail = table_starting(analysis, "Calls by deciding rule, now and without")
    assert sum(int(r[1]) for r in detail[1:]) == sum(int(r[2]) for r in detail[1:])


def test_a_city_rule_file_replaces_durhams(settings, tmp_path):
    """CIVICSTAT_ELIGIBILITY_RULES points the registered producer (and the call_eligibility
    view) at a city's own rule file: here Welfare Check only, with no exclusions."""
    from civicstat.dashboards.analysis import AnalysisContext
    from civicstat.measures.derived import derived

    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "name: my_city\nversion: 1\neligible_call_types:\n  values: [Welfare Check]\n"
        "scope: {exclude_self_initiated: true}\nexclusions: []\n",
        encoding="utf-8",
    )
    settings.CIVICSTAT_ELIGIBILITY_RULES = str(rules)
    calls, crisis = _data()
    con = ibis.duckdb.connect()
    tables = {
        "calls_for_service": load_calls(con, calls),
        "crisis_responses": load_crisis(con, crisis),
    }
    # Refreshed mid-April: the window ends with March (LATE, 1 April, is not in it).
    [analysis] = diversion.diversion(AnalysisContext(tables.__getitem__, dt.date(2023, 4, 15)))
    assert analysis.parameters["ruleset"] == "my_city"
    frame = pd.DataFrame(calls)
    frame = frame[frame["call_id"] != "LATE"]
    first = frame.groupby("call_id").agg(
        call_type=("call_type", "min"), self_initiated=("self_initiated", "any")
    )
    expected = int(
        (
            (first["call_type"] == "Welfare Check")
            & ~first["self_initiated"].fillna(False).astype(bool)
        ).sum()
    )
    assert figures(analysis)["Eligible for a civilian response"].value == str(expected)
    view = derived("call_eligibility").build(tables.__getitem__)
    assert int(view.eligible.sum().execute()) == expected + 1  # + the April call outside
