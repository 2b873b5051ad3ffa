"""Crisis-response program measures (methods.md §4.3) against hand counts and pandas."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest

from civicstat.safety.crisis_response import (
    RESPONSE_COLUMNS,
    CrisisTimeRules,
    program_summary,
    responses,
)
from civicstat.safety.errors import SafetyConfigError
from civicstat.safety.tests.canonical import load_crisis

T0 = pd.Timestamp("2023-11-05 05:40:00", tz="UTC").tz_convert("America/New_York")  # 01:40 EDT


def response(rid, program, dispatch=2.0, onscene=12.0, cleared=45.0, **extra):
    """A response; times are minutes after T0 (None = missing)."""

    def stamp(m):
        return None if m is None else T0 + pd.Timedelta(seconds=round(m * 60))

    row = {
        "response_id": rid,
        "program": program,
        "call_id": f"call-{rid}",
        "person_id": f"p-{rid}",
        "received_at": T0,
        "dispatched_at": stamp(dispatch),
        "onscene_at": stamp(onscene),
        "cleared_at": stamp(cleared),
        "in_person": True,
        "transport_needed": False,
        "police_backup_requested": False,
        "ems_support_requested": False,
    }
    row.update(extra)
    return row


@pytest.fixture()
def con():
    return ibis.duckdb.connect()


def test_response_times_and_reasons(con):
    crisis = load_crisis(
        con,
        [
            response("a", "community_response_team"),  # 10 to scene, 33 on scene, 43 total
            response("b", "community_response_team", onscene=None),
            response("c", "community_response_team", onscene=1.0),  # before dispatch
            response("d", "crisis_call_diversion", dispatch=None, onscene=None, in_person=False),
            response("e", "co_response", cleared=2000.0),  # on scene over the 12 h cap
        ],
    )
    df = responses(crisis).to_pandas().set_index("response_id")
    assert tuple(df.reset_index().columns) == RESPONSE_COLUMNS
    assert "person_id" not in df.columns
    # The stamps straddle the DST fall-back (01:40 EDT + 45 min = 01:25 EST): minutes are real.
    assert df.loc["a", "minutes_to_scene"] == 10.0
    assert df.loc["a", "minutes_on_scene"] == 33.0
    assert df.loc["a", "minutes_total"] == 43.0
    assert df.loc["b", "to_scene_excluded_reason"] == "missing_timestamp"
    assert pd.isna(df.loc["b", "total_excluded_reason"])
    assert df.loc["c", "to_scene_excluded_reason"] == "negative_interval"
    assert df.loc["c", "minutes_to_scene"] == -1.0
    assert df.loc["d", "to_scene_excluded_reason"] == "not_in_person"
    assert df.loc["e", "on_scene_excluded_reason"] == "over_cap"
    assert pd.isna(df.loc["e", "to_scene_excluded_reason"])

    from_receipt = responses(crisis, CrisisTimeRules(to_scene_start="received_at")).to_pandas()
    assert from_receipt.set_index("response_id").loc["a", "minutes_to_scene"] == 12.0
    with pytest.raises(SafetyConfigError, match="to_scene_start"):
        CrisisTimeRules(to_scene_start="answered_at")


def test_program_summary_against_pandas(con):
    rng = np.random.default_rng(3)
    rows = []
    for i in range(240):
        program = ["community_response_team", "co_response", "crisis_call_diversion"][i % 3]
        phone = program == "crisis_call_diversion"
        to_scene = round(rng.lognormal(2.3, 0.5) * 60) / 60
        on_scene = round(rng.lognormal(3.4, 0.5) * 60) / 60
        rows.append(
            response(
                f"r{i}",
                program,
                dispatch=None if phone else 3.0,
                onscene=None if phone else 3.0 + to_scene,
                cleared=30.0 if phone else 3.0 + to_scene + on_scene,
                in_person=not phone,
                transport_needed=None if phone else bool(rng.random() < 0.1),
                police_backup_requested=None if phone else bool(rng.random() < 0.05),
                ems_support_requested=None
                if phone
                else (None if i % 17 == 0 else rng.random() < 0.2),
                followed_up_within_48h=None if i % 4 else bool(rng.random() < 0.7),
            )
        )
    rows.append(response("miss", "community_response_team", onscene=None))
    crisis = load_crisis(con, rows)
    out = program_summary(crisis).set_index("program")
    assert list(out.index) == [
        "community_response_team",
        "co_response",
        "crisis_call_diversion",
        "all",
    ]

    df = pd.DataFrame(rows)
    df["to_scene"] = (df.onscene_at - df.dispatched_at).dt.total_seconds() / 60
    for program, group in [*df.groupby("program"), ("all", df)]:
        got = out.loc[program]
        assert got.responses == len(group)
        usable = group.to_scene[group.in_person & group.to_scene.notna()].to_numpy()
        assert got.to_scene_n_used == len(usable)
        if len(usable):
            assert got.to_scene_mean == pytest.approx(usable.mean())
            assert got.to_scene_median == pytest.approx(
                np.percentile(usable, 50, method="inverted_cdf")
            )
            assert got.to_scene_p90 == pytest.approx(
                np.percentile(usable, 90, method="inverted_cdf")
            )
        in_person = group[group.in_person]
        for name, flag in [
            ("transport", "transport_needed"),
            ("police_backup", "police_backup_requested"),
            ("ems_support", "ems_support_requested"),
        ]:
            recorded = in_person[flag].dropna()
            assert got[f"{name}_denominator"] == len(recorded)
            assert got[f"{name}_numerator"] == int(recorded.astype(bool).sum())
            if len(recorded):
                assert got[f"{name}_pct"] == pytest.approx(recorded.astype(bool).mean() * 100)
            else:
                assert pd.isna(got[f"{name}_pct"])
        follow = group.followed_up_within_48h.dropna()
        assert got.follow_up_denominator == len(follow)
        assert got.follow_up_numerator == int(follow.astype(bool).sum())
    diversion = out.loc["crisis_call_diversion"]
    assert diversion.to_scene_excluded_not_in_person == 80
    assert diversion.to_scene_n_used == 0 and pd.isna(diversion.to_scene_mean)
    assert out.loc["community_response_team", "to_scene_excluded_missing_timestamp"] == 1


def test_program_filter_and_small_groups(con):
    crisis = load_crisis(con, [response(f"x{i}", "co_response") for i in range(5)])
    out = program_summary(crisis, programs=["co_response"]).set_index("program")
    assert list(out.index) == ["co_response", "all"]
    assert out.loc["co_response", "to_scene_median"] == 10.0
    assert pd.isna(out.loc["co_response", "to_scene_p90"])  # n < 20
