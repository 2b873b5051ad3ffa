"""HEART program analyses (civicstat/dashboards/producers/heart.py) on hand-built responses,
against an independent pandas computation: responses, averages, medians and 90th percentiles of
the times, the rates with their numerators, the exclusions by reason, the distribution charts
and the reporting window."""

from __future__ import annotations

import datetime as dt

import ibis
import numpy as np
import pandas as pd
import pytest

from civicstat.dashboards.producers import heart
from civicstat.dashboards.producers._safety_common import Window, data_window, minutes, percent
from civicstat.dashboards.tests.safety_helpers import (
    as_dict,
    charts,
    figures,
    pct,
    table_starting,
)
from civicstat.safety.tests.canonical import load_crisis

NY = "America/New_York"
JAN = pd.Timestamp("2023-01-10 14:00", tz=NY)


def _responses(seed: int = 4) -> list[dict]:
    """40 CRT and 25 co-response responses in January and February 2023, with defects; 10 phone
    calls; 6 care-navigation follow-ups; and rows outside the window that must not count."""
    rng = np.random.default_rng(seed)
    rows = []

    def add(rid, program, received, to_scene=None, on_scene=None, in_person=True, **extra):
        dispatched = received + pd.Timedelta(minutes=2) if in_person else None
        onscene = (
            dispatched + pd.Timedelta(seconds=round(to_scene * 60))
            if to_scene is not None
            else None
        )
        cleared = (
            onscene + pd.Timedelta(seconds=round(on_scene * 60))
            if onscene is not None and on_scene is not None
            else None
        )
        row = {
            "response_id": rid,
            "program": program,
            "call_id": f"c-{rid}",
            "person_id": f"P-{rid}",
            "received_at": received,
            "dispatched_at": dispatched,
            "onscene_at": onscene,
            "cleared_at": cleared,
            "in_person": in_person,
        }
        if in_person:
            row.update(
                transport_needed=bool(rng.random() < 0.2),
                police_backup_requested=bool(rng.random() < 0.1),
                ems_support_requested=bool(rng.random() < 0.15),
            )
        row.update(extra)
        rows.append(row)

    for i in range(40):
        received = JAN + pd.Timedelta(days=int(i * 1.2), hours=int(rng.integers(0, 10)))
        add(
            f"crt{i}",
            "community_response_team",
            received,
            to_scene=round(float(rng.lognormal(2.3, 0.5)), 2),
            on_scene=round(float(rng.lognormal(3.4, 0.5)), 2),
            followed_up_within_48h=[True, False, None][i % 3],
        )
    for i in range(25):
        received = JAN + pd.Timedelta(days=i * 2, hours=3)
        add(
            f"cor{i}",
            "co_response",
            received,
            to_scene=round(float(rng.lognormal(2.4, 0.4)), 2),
            on_scene=round(float(rng.lognormal(3.8, 0.4)), 2),
        )
    for i in range(10):
        add(
            f"ccd{i}",
            "crisis_call_diversion",
            JAN + pd.Timedelta(days=i * 4),
            in_person=False,
            followed_up_within_48h=True if i < 4 else None,
        )
    for i in range(6):
        add(
            f"care{i}",
            "care_navigation",
            JAN + pd.Timedelta(days=i * 5, hours=20),
            in_person=i % 2 == 0,
            dispatched_at=None,
        )
    # Defects: missing arrival, arrival before dispatch, 5-hour trip (over the 4-hour cap),
    # transport not recorded.
    rows[3]["onscene_at"] = None
    rows[5]["onscene_at"] = rows[5]["dispatched_at"] - pd.Timedelta(minutes=1)
    rows[7]["onscene_at"] = rows[7]["dispatched_at"] + pd.Timedelta(hours=5)
    rows[7]["cleared_at"] = rows[7]["onscene_at"] + pd.Timedelta(minutes=20)
    rows[9]["transport_needed"] = None
    # Outside the window (March 2023, local time): must not count anywhere.
    add(
        "late",
        "community_response_team",
        pd.Timestamp("2023-03-01 00:30", tz=NY),
        to_scene=500.0,
        on_scene=1.0,
    )
    return rows


@pytest.fixture
def built():
    rows = _responses()
    con = ibis.duckdb.connect()
    crisis = load_crisis(con, rows)
    window = Window(dt.date(2023, 1, 1), dt.date(2023, 3, 1))
    return {a.key: a for a in heart.build(crisis, window)}, pd.DataFrame(rows)


def _usable(df: pd.DataFrame, start: str, end: str, cap: float) -> pd.Series:
    span = pd.to_datetime(df[end], utc=True) - pd.to_datetime(df[start], utc=True)
    m = span.dt.total_seconds() / 60.0
    return m[df["in_person"] & m.notna() & (m >= 0) & (m <= cap)]


def _in_window(df):
    at = pd.to_datetime(df["received_at"], utc=True)
    return df[(at >= pd.Timestamp("2023-01-01", tz=NY)) & (at < pd.Timestamp("2023-03-01", tz=NY))]


@pytest.mark.parametrize("program", ["community_response_team", "co_response"])
def test_program_figures_match_pandas(built, program):
    analyses, frame = built
    got = figures(analyses[f"heart/{program}"])
    df = _in_window(frame)
    df = df[df["program"] == program]
    assert got["Responses"].value == f"{len(df):,}"
    to_scene = _usable(df, "dispatched_at", "onscene_at", 240)
    on_scene = _usable(df, "onscene_at", "cleared_at", 720)
    total = _usable(df, "dispatched_at", "cleared_at", 960)
    assert got["Average minutes to scene"].value == minutes(to_scene.mean())
    assert got["Average minutes on scene"].value == minutes(on_scene.mean())
    assert got["Average total minutes"].value == minutes(total.mean())
    assert got["Median minutes to scene"].value == minutes(pct(to_scene, 50))
    assert got["90th percentile minutes to scene"].value == minutes(pct(to_scene, 90))
    assert got["Median minutes on scene"].value == minutes(pct(on_scene, 50))
    assert got["Average minutes to scene"].note.startswith(f"{len(to_scene):,} responses")
    for label, flag in [
        ("Needed transport", "transport_needed"),
        ("Needed police backup", "police_backup_requested"),
        ("Needed EMS support", "ems_support_requested"),
    ]:
        recorded = df[df["in_person"] & df[flag].notna()]
        yes = int(recorded[flag].astype(bool).sum())
        assert got[label].value == percent(yes * 100.0 / len(recorded)), label
        assert got[label].note.startswith(f"{yes} of {len(recorded)} "), label


def test_exclusions_by_reason_and_distribution(built):
    analyses, frame = built
    crt = analyses["heart/community_response_team"]
    reasons = as_dict(table_starting(crt, "Responses left out of each time"))
    # Row 3 has no arrival; row 5 arrives before dispatch; row 7 took 5 hours (over the cap).
    assert reasons["Minutes to scene"]["Missing time stamp"] == "1"
    assert reasons["Minutes to scene"]["Negative interval"] == "1"
    assert reasons["Minutes to scene"]["Over the cap"] == "1"
    assert reasons["Minutes to scene"]["Total"] == "3"
    assert reasons["Minutes on scene"]["Missing time stamp"] == "1"  # row 3 again
    assert reasons["Minutes on scene"]["Negative interval"] == "0"
    df = _in_window(frame)
    df = df[df["program"] == "community_response_team"]
    usable = _usable(df, "dispatched_at", "onscene_at", 240)
    chart = next(c for c in charts(crt) if c.chart_id.endswith("to_scene-distribution"))
    expected = np.bincount(np.minimum((usable // 5).astype(int), 12), minlength=13)
    assert [int(r[1]) for r in chart.table.rows] == list(expected)
    assert chart.table.rows[0][0] == "0 to 5" and chart.table.rows[-1][0] == "60 or more"
    assert f"Of {len(usable)} responses" in chart.summary and chart.svg.startswith("<svg")


def test_all_programs_and_special_programs(built):
    analyses, frame = built
    df = _in_window(frame)
    everyone = figures(analyses["heart/all"])
    responding = df[df["program"] != "care_navigation"]
    assert everyone["Responses by the three responding programs"].value == str(len(responding))
    assert everyone["Care navigation follow-ups"].value == "6"
    by_program = as_dict(table_starting(analyses["heart/all"], "Figures by program"))
    assert by_program["Crisis Call Diversion"]["Average minutes to scene"] == "—"
    assert by_program["Community Response Teams"]["Responses"] == "40"
    # Follow-up within 48 h: referred = flag recorded; CRT 14 yes of 27 referred, CCD 4 of 4.
    referred = df[df["followed_up_within_48h"].notna()]
    yes = int(referred["followed_up_within_48h"].astype(bool).sum())
    assert everyone["Referrals followed up within 48 hours"].value == percent(
        yes * 100 / len(referred)
    )
    diversion = figures(analyses["heart/crisis_call_diversion"])
    assert diversion["Calls handled by phone"].value == "10"
    assert "Average minutes to scene" not in diversion  # no scene, no time
    care = figures(analyses["heart/care_navigation"])
    assert care["Follow-ups"].value == "6"
    assert care["Follow-ups made in person"].value == percent(50.0)
    referrals = as_dict(table_starting(analyses["heart/care_navigation"], "Referrals to care"))
    assert referrals["Crisis Call Diversion"]["Referrals"] == "4"
    for analysis in analyses.values():
        assert analysis.period_label == "January to February 2023"
        assert "P-" not in str(analysis.content())  # no person id anywhere


def test_small_program_withholds_p90(built):
    con = ibis.duckdb.connect()
    rows = [r for r in _responses() if r["program"] == "co_response"][:8]
    crisis = load_crisis(con, rows)
    window = Window(dt.date(2023, 1, 1), dt.date(2023, 2, 1))
    got = {a.key: a for a in heart.build(crisis, window)}
    co = figures(got["heart/co_response"])
    assert co["90th percentile minutes to scene"].value == "—"
    assert co["90th percentile minutes to scene"].note.startswith("withheld")
    assert (
        got["heart/community_response_team"].sections[0].blocks[0].text.startswith("No responses")
    )


def test_reporting_window_is_the_last_twelve_whole_months():
    con = ibis.duckdb.connect()
    crisis = load_crisis(
        con,
        [
            {
                "response_id": "a",
                "program": "community_response_team",
                "received_at": pd.Timestamp("2022-03-05 10:00", tz=NY),
            },
            {
                "response_id": "b",
                "program": "community_response_team",
                "received_at": pd.Timestamp("2023-12-31 23:30", tz=NY),
            },  # 1 January 2024 in UTC
            {
                "response_id": "c",
                "program": "care_navigation",
                "received_at": pd.Timestamp("2024-01-02 09:00", tz=NY),
            },
        ],
    )
    window = heart.heart_window(crisis, dt.date(2026, 12, 2))
    assert (window.start, window.end) == (dt.date(2023, 1, 1), dt.date(2024, 1, 1))
    assert window.label == "January to December 2023"
    # Data to mid-month: the unfinished month is left out.
    mid = data_window(crisis, dt.date(2024, 1, 15))
    assert (mid.start, mid.end) == (dt.date(2023, 1, 1), dt.date(2024, 1, 1))
    # Nothing before the refresh date: no window.
    assert data_window(crisis, dt.date(2020, 1, 1)) is None
    assert heart.build(crisis, None)[0].sections[0].blocks[0].text.startswith("No crisis")
