"""Diversion eligibility decisions with their deciding rule, and the outputs built on them."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from civicstat.safety.diversion import (
    DECISION_COLUMNS,
    EligibilityRuleSet,
    decide,
    decision_counts,
    eligible_by_month,
    heart_vs_police_share,
    left_to_police_by_hour_weekday,
    what_if,
)
from civicstat.safety.errors import SafetyConfigError
from civicstat.safety.tests.canonical import load_calls, load_crisis

NY = "America/New_York"
SUMMER = pd.Timestamp("2023-06-14 15:20:00", tz=NY)  # a Wednesday


def call(call_id, call_type, received=SUMMER, unit_id="U1", **extra):
    row = {
        "call_id": call_id,
        "unit_id": unit_id,
        "received_at": received,
        "call_type": call_type,
        "priority": "2",
        "source": "911",
        "self_initiated": False,
        "weapon_involved": False,
        "medical_need": False,
        "risk_to_others": False,
        "district": "D2",
        "beat": "212",
    }
    row.update(extra)
    return row


# 2023-11-05 05:30Z is 01:30 EDT on Sunday (before the fall-back), 06:30Z is 01:30 EST.
FALL_EDT = pd.Timestamp("2023-11-05 05:30:00", tz="UTC")
FALL_EST = pd.Timestamp("2023-11-05 06:30:00", tz="UTC")
# 2023-02-01 04:30Z is 2023-01-31 23:30 EST: January locally, February in UTC.
MONTH_EDGE = pd.Timestamp("2023-02-01 04:30:00", tz="UTC")

CALLS = [
    call("E1", "Welfare Check"),
    call("E2", "  welfare CHECK "),
    call("E3", "Suicide Threat", weapon_involved=True),
    call("E4", "Mental Health Crisis", weapon_involved=True, risk_to_others=True),
    call("E5", "Intoxicated Person", medical_need=True),
    call("E6", "Trespass or Unwanted", priority="P"),
    call("E7", "Assault"),
    call("E8", "Welfare Check", self_initiated=True, source="officer-initiated"),
    call("E9", "Welfare Check", unit_id="U1"),
    call("E9", "Welfare Check", unit_id="U2", weapon_involved=True),
    call("E10", "Welfare Check", weapon_involved=None, medical_need=None, risk_to_others=None),
    call("E11", None),
    call("F1", "Assist Person", received=FALL_EDT),
    call("F2", "Assist Person", received=FALL_EST),
    call("F3", "Panhandling/Solicitation", received=MONTH_EDGE),
]
EXPECTED = {  # hand-decided from the Durham rule file's order
    "E1": "eligible_call_type",
    "E2": "eligible_call_type",
    "E3": "weapon_involved",
    "E4": "weapon_involved",
    "E5": "medical_need",
    "E6": "highest_priority",
    "E7": "call_type_not_eligible",
    "E8": "self_initiated",
    "E9": "weapon_involved",
    "E10": "eligible_call_type",
    "E11": "call_type_not_eligible",
    "F1": "eligible_call_type",
    "F2": "eligible_call_type",
    "F3": "eligible_call_type",
}


@pytest.fixture()
def con():
    return ibis.duckdb.connect()


@pytest.fixture()
def calls(con):
    return load_calls(con, CALLS)


@pytest.fixture()
def crisis(con):
    return load_crisis(
        con,
        [
            {
                "response_id": "h1",
                "program": "community_response_team",
                "call_id": "E1",
                "received_at": SUMMER,
            },
            {
                "response_id": "h1b",
                "program": "care_navigation",
                "call_id": "E1",
                "received_at": SUMMER,
            },
            {"response_id": "h2", "program": "co_response", "call_id": "E2", "received_at": SUMMER},
            {
                "response_id": "h3",
                "program": "crisis_call_diversion",
                "call_id": "F1",
                "received_at": FALL_EDT,
            },
            {
                "response_id": "h4",
                "program": "community_response_team",
                "call_id": "E7",
                "received_at": SUMMER,
            },
        ],
    )


def test_durham_rule_file_is_data_with_sources():
    rules = EligibilityRuleSet.durham()
    assert len(rules.eligible_call_types) == 9
    assert "Panhandling/Solicitation" in rules.eligible_call_types
    by_name = {e.name: e for e in rules.exclusions}
    assert set(by_name) == {"weapon_involved", "risk_to_others", "medical_need", "highest_priority"}
    assert (
        by_name["weapon_involved"].verified
        and "DURHAM-FAQ-766" in by_name["weapon_involved"].sources
    )
    assert not by_name["medical_need"].verified and not by_name["highest_priority"].verified
    assert by_name["highest_priority"].values == ("P",)
    assert rules.sources == ("DCSD-2021",)


def test_each_call_gets_its_deciding_rule(calls):
    rules = EligibilityRuleSet.durham()
    df = decide(calls, rules).to_pandas()
    assert list(df.columns) == list(DECISION_COLUMNS)
    got = df.set_index("call_id")
    assert len(got) == len(EXPECTED)  # one row per call, E9's two units collapsed
    assert got["decided_by"].to_dict() == EXPECTED
    assert got["eligible"].to_dict() == {k: v == "eligible_call_type" for k, v in EXPECTED.items()}
    counts = decision_counts(decide(calls, rules)).to_pandas().set_index("decided_by")["calls"]
    assert counts["weapon_involved"] == 3 and counts["eligible_call_type"] == 6
    assert rules.reason("weapon_involved") == "a weapon is present"


def test_rules_are_configurable(calls):
    rules = EligibilityRuleSet.durham()
    off = rules.without_exclusion("weapon_involved")
    got = decide(calls, off).to_pandas().set_index("call_id")["decided_by"]
    assert got["E3"] == "eligible_call_type"
    assert got["E4"] == "risk_to_others"  # the next rule in order now decides
    stricter = rules.with_exclusion("highest_priority", values=["P", "2"])
    got = decide(calls, stricter).to_pandas().set_index("call_id")["decided_by"]
    assert got["E1"] == "highest_priority"
    with pytest.raises(SafetyConfigError, match="no exclusion named"):
        rules.without_exclusion("astrology")
    with pytest.raises(SafetyConfigError, match=r"exclusions\[0\]\.reason"):
        EligibilityRuleSet.from_dict(
            {
                "name": "x",
                "eligible_call_types": {"values": ["A"]},
                "exclusions": [{"name": "w", "column": "weapon_involved"}],
            }
        )


def test_eligible_by_month_uses_local_months(calls):
    df = eligible_by_month(decide(calls)).to_pandas()
    got = {
        str(m)[:7]: (e, n) for m, e, n in zip(df.month, df.eligible_calls, df.calls, strict=True)
    }
    # F3 arrived 2023-01-31 23:30 local (February in UTC).
    assert got == {"2023-01": (1, 1), "2023-06": (3, 11), "2023-11": (2, 2)}


def test_heart_vs_police_share(calls, crisis):
    df = heart_vs_police_share(decide(calls), crisis).to_pandas()
    june = df[df.month.astype(str).str.startswith("2023-06")].set_index("answered_by")
    # June eligible: E1 (CRT → heart), E2 (co-response), E10 (no response → police).
    assert june["calls"].to_dict() == {"co_response": 1, "heart": 1, "police": 1}
    assert set(june["eligible_calls"]) == {3}
    assert june.loc["heart", "share_pct"] == pytest.approx(100 / 3)
    nov = df[df.month.astype(str).str.startswith("2023-11")].set_index("answered_by")
    assert nov["calls"].to_dict() == {"heart": 1, "police": 1}  # E7's CRT run is not eligible


def test_left_to_police_grid_is_local_and_complete(calls, crisis):
    df = left_to_police_by_hour_weekday(decide(calls), crisis).to_pandas()
    assert len(df) == 7 * 24
    assert df["calls"].sum() == 3  # E10, F2, F3 have no program response
    cell = df.set_index(["weekday", "hour"])
    # Wednesday 15:00 local: E10 left to police (E1 heart, E2 co-response).
    assert cell.loc[(2, 15), "calls"] == 1 and cell.loc[(2, 15), "eligible_calls"] == 3
    # Sunday 01:00 local holds both fall-back calls: F1 by HEART, F2 left to police.
    assert cell.loc[(6, 1), "calls"] == 1 and cell.loc[(6, 1), "eligible_calls"] == 2
    # Tuesday 23:00 local: F3 (in UTC it would be Wednesday 04:00).
    assert cell.loc[(1, 23), "calls"] == 1
    assert cell.loc[(2, 4), "calls"] == 0
    assert cell.loc[(0, 0), "calls"] == 0 and pd.isna(cell.loc[(0, 0), "police_pct"])


def test_what_if_changes_by_call_type_and_month(calls):
    a = EligibilityRuleSet.durham()
    b = a.without_exclusion("medical_need").with_call_types(add=["Assault"], remove=["Indecency"])
    result = what_if(calls, a, b)
    assert result.eligible_a == 6 and result.eligible_b == 8 and result.change == 2
    by_type = result.by_call_type.set_index("call_type")
    assert by_type.loc["Intoxicated Person", "change"] == 1
    assert by_type.loc["Assault", "change"] == 1
    assert by_type.loc["Welfare Check", "change"] == 0
    by_month = result.by_month
    assert by_month["change"].sum() == 2
    transitions = {
        (r.decided_by_a, r.decided_by_b): r.calls for r in result.transitions.itertuples()
    }
    assert transitions == {
        ("medical_need", "eligible_call_type"): 1,
        ("call_type_not_eligible", "eligible_call_type"): 1,
    }


def test_public_extract_without_flags(con):
    """Without exclusion flags (public CAD files) no exclusion fires: the upper bound."""
    df = pd.DataFrame(
        {
            "call_id": ["A", "B"],
            "unit_id": ["", ""],
            "received_at": [SUMMER, SUMMER],
            "call_type": ["Suicide Threat", "Robbery"],
        }
    )
    con.create_table(
        "public_calls",
        schema=ibis.schema(
            {
                "call_id": "string",
                "unit_id": "string",
                "received_at": "timestamp('UTC')",
                "call_type": "string",
            }
        ),
    )
    con.insert("public_calls", df)
    got = decide(con.table("public_calls")).to_pandas().set_index("call_id")["decided_by"]
    assert got.to_dict() == {"A": "eligible_call_type", "B": "call_type_not_eligible"}
