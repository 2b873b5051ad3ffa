"""Response-time analysis (civicstat/dashboards/producers/response_times.py) on seeded hand-built
calls, against the segment rules computed independently in pandas; and a Durham public CFS file
(call date and time only), whose segments must read as missing, never as zero."""

from __future__ import annotations

import datetime as dt
import re

import ibis
import numpy as np
import pandas as pd
import pytest

from civicstat.dashboards.producers import response_times
from civicstat.dashboards.producers._safety_common import Window, percent, seconds_as_minutes
from civicstat.dashboards.tests.safety_helpers import as_dict, figures, pct, table_starting
from civicstat.safety.tests.canonical import load_calls

NY = "America/New_York"
# segment: (start, fallback, end, needs arrival, zero excluded, cap seconds) — methods.md §3.3
RULES = {
    "answer": ("received", None, "answered", False, False, 600),
    "processing": ("answered", "created", "first_dispatch", False, False, 3600),
    "turnout": ("dispatched", None, "enroute", True, True, None),
    "travel": ("enroute", None, "onscene", True, True, 3600),
    "response": ("received", "answered", "onscene", True, False, 1800),
    "on_scene": ("onscene", None, "cleared", True, False, None),
    "total": ("received", "answered", "cleared", True, False, None),
}
LABELS = {
    "answer": "Call answering (ring to answer)",
    "processing": "Call processing (answer to first dispatch)",
    "turnout": "Turnout (dispatch to en route)",
    "travel": "Travel (en route to on scene)",
    "response": "Call received to first unit on scene",
    "on_scene": "On scene (arrival to clear)",
    "total": "Total (call received to clear)",
}
THRESHOLDS = {"answer": 15, "processing": 60, "response": 300}  # NENA, NFPA 1225, Durham P1


def _calls(seed: int = 8) -> list[dict]:
    rng = np.random.default_rng(seed)
    rows = []
    base = pd.Timestamp("2023-10-20 08:00", tz=NY)  # spans the 5 November fall-back
    for i in range(160):
        t0 = base + pd.Timedelta(minutes=int(rng.integers(0, 40 * 24 * 60)))
        priority = str(rng.choice(["P", "1", "2", "3"]))
        units = 1 + int(rng.random() < 0.3)
        for u in range(units):
            d = 30 + rng.integers(10, 400)
            e = d + rng.integers(0, 90)
            o = e + rng.integers(0, 900)
            stamps = {
                "answered_at": 2 + rng.integers(0, 25),
                "created_at": 25,
                "dispatched_at": d + 20 * u,
                "enroute_at": e + 20 * u,
                "onscene_at": o + (-200 if u else 0),
                "cleared_at": o + 1800,
            }
            row = {
                "call_id": f"C{i}",
                "unit_id": f"U{u}",
                "received_at": t0,
                "priority": priority,
                "call_type": ["Welfare Check", "Larceny"][i % 2],
                "agency": "police",
                "cancelled": False,
                "self_initiated": False,
            }
            row.update({k: t0 + pd.Timedelta(seconds=int(v)) for k, v in stamps.items()})
            rows.append(row)
    # Defects and scope: each goes to its own reason.
    rows[0]["answered_at"] = None  # processing falls back to created_at
    rows[1]["onscene_at"] = rows[1]["enroute_at"]  # zero travel (status button)
    rows[2]["enroute_at"] = rows[2]["dispatched_at"]  # zero turnout
    rows[3]["onscene_at"] = rows[3]["enroute_at"] - pd.Timedelta(seconds=30)  # negative travel
    rows[4]["onscene_at"] = rows[4]["received_at"] + pd.Timedelta(minutes=45)  # over 30 min
    for r in rows[5:7]:
        r["onscene_at"] = None  # no unit arrived (single-unit calls)
    rows[8]["self_initiated"] = True
    rows[9]["cancelled"] = True
    return rows


def _pandas_segments(rows: list[dict]) -> dict[str, pd.Series]:
    df = pd.DataFrame(rows)
    for c in (
        "received_at",
        "answered_at",
        "created_at",
        "dispatched_at",
        "enroute_at",
        "onscene_at",
        "cleared_at",
    ):
        df[c] = pd.to_datetime(df[c], utc=True)
    calls = df.groupby("call_id").agg(
        received=("received_at", "min"),
        answered=("answered_at", "min"),
        created=("created_at", "min"),
        first_dispatch=("dispatched_at", "min"),
        self_initiated=("self_initiated", "any"),
        cancelled=("cancelled", "all"),
    )
    first = (
        df.sort_values(["onscene_at", "dispatched_at", "unit_id"], na_position="last")
        .groupby("call_id")
        .head(1)
        .set_index("call_id")
    )
    calls = calls.join(
        first[["dispatched_at", "enroute_at", "onscene_at", "cleared_at"]].rename(
            columns=lambda c: c.removesuffix("_at").replace("dispatched", "dispatched")
        )
    )
    calls = calls[~calls["self_initiated"] & ~calls["cancelled"]]
    out = {}
    for name, (start, fallback, end, arrival, zero, cap) in RULES.items():
        begin = calls[start] if fallback is None else calls[start].fillna(calls[fallback])
        s = (calls[end] - begin).dt.total_seconds()
        ok = s.notna() & (s >= 0)
        if arrival:
            ok &= calls["onscene"].notna()
        if zero:
            ok &= s != 0
        if cap is not None:
            ok &= s <= cap
        out[name] = (s[ok], int((~ok).sum()), calls)
    return out


@pytest.fixture(scope="module")
def built():
    rows = _calls()
    con = ibis.duckdb.connect()
    window = Window(dt.date(2023, 10, 1), dt.date(2023, 12, 1))
    return response_times.build(load_calls(con, rows), window), rows


def test_segments_match_pandas(built):
    analysis, rows = built
    table = as_dict(table_starting(analysis, "Response-time segments, all calls in scope"))
    for name, (values, excluded, _) in _pandas_segments(rows).items():
        row = table[LABELS[name]]
        assert row["Calls used"] == f"{len(values):,}", name
        assert row["Left out"] == f"{excluded:,}", name
        assert row["Median"] == seconds_as_minutes(pct(values, 50)), name
        assert row["90th percentile"] == seconds_as_minutes(pct(values, 90)), name
        assert row["Average"] == seconds_as_minutes(values.mean()), name
        if name in THRESHOLDS:
            share = (values <= THRESHOLDS[name]).mean() * 100
            assert row["Within the threshold"] == (
                f"{percent(share, 1)} within {seconds_as_minutes(THRESHOLDS[name])}"
            ), name
        else:
            assert row["Within the threshold"] == "—", name


def _pandas_reasons(calls: pd.DataFrame, name: str) -> pd.Series:
    """The first reason each in-scope call's interval is left out of segment ``name``."""
    start, fallback, end, arrival, zero, cap = RULES[name]
    begin = calls[start] if fallback is None else calls[start].fillna(calls[fallback])
    s = (calls[end] - begin).dt.total_seconds()
    reason = pd.Series("", index=calls.index)
    checks = [
        (arrival and True, calls["onscene"].isna(), "No unit arrived"),
        (True, s.isna(), "Missing time stamp"),
        (True, s < 0, "Negative interval"),
        (zero, s == 0, "Zero from a status button"),
        (cap is not None, s > (cap or 0), "Over the cap"),
    ]
    for active, hit, label in checks:
        if active:
            reason = reason.mask((reason == "") & hit.fillna(False), label)
    return reason[reason != ""]


def test_reasons_scope_and_priority(built):
    analysis, rows = built
    reasons = as_dict(table_starting(analysis, "Intervals left out of each segment"))
    segs = _pandas_segments(rows)
    for name in RULES:
        expected = _pandas_reasons(segs[name][2], name).value_counts()
        row = reasons[LABELS[name]]
        for label in (
            "No unit arrived",
            "Missing time stamp",
            "Negative interval",
            "Zero from a status button",
            "Over the cap",
        ):
            assert row[label] == str(int(expected.get(label, 0))), (name, label)
    # The planted defects reach their reasons.
    assert reasons[LABELS["travel"]]["Zero from a status button"] == "1"
    assert reasons[LABELS["turnout"]]["Zero from a status button"] == "1"
    assert int(reasons[LABELS["travel"]]["Negative interval"]) >= 1
    assert int(reasons[LABELS["response"]]["No unit arrived"]) >= 1
    scope = as_dict(table_starting(analysis, "Calls by scope"))
    assert scope["Officer-initiated (out of scope)"]["Calls"] == "1"
    assert scope["Cancelled (out of scope)"]["Calls"] == "1"
    assert figures(analysis)["Calls in scope"].value == "158"
    by_priority = table_starting(analysis, "Response-time segments by priority")
    values, _excluded, calls = segs["response"]
    first_priority = pd.DataFrame(rows).drop_duplicates("call_id").set_index("call_id")
    for priority in ("P", "1", "2", "3"):
        ids = first_priority.index[first_priority["priority"] == priority]
        mine = values[values.index.isin(ids)]
        row = next(
            r
            for r in by_priority[1:]
            if r[0] == f"Priority {priority}" and r[1] == LABELS["response"]
        )
        assert row[2] == seconds_as_minutes(pct(mine, 50)), priority
        assert row[6] == str(len(mine)), priority


def test_standards_are_evaluated_as_defined(built):
    analysis, rows = built
    standards = as_dict(table_starting(analysis, "Response times against national"))
    values = _pandas_segments(rows)["answer"][0]
    nena = standards["911 calls answered within 15 seconds (NENA)"]
    assert nena["Observed"] == percent((values <= 15).mean() * 100, 1)
    assert nena["Met?"] == ("Met" if (values <= 15).mean() * 100 >= 90 else "Not met")
    response, _e, _c = _pandas_segments(rows)["response"]
    p1 = pd.DataFrame(rows).drop_duplicates("call_id").set_index("call_id")["priority"]
    mine = response[response.index.isin(p1.index[p1 == "1"])]
    durham = standards["Average Priority-1 police response time 5:48 (Durham target)"]
    assert durham["Observed"] == seconds_as_minutes(mine.mean())
    assert durham["Calls it applies to"] == "police; priority 1"
    headline = figures(analysis)
    assert headline["Priority-1 calls: average time to first unit on scene"].value == (
        seconds_as_minutes(mine.mean())
    )
    assert headline["Priority-1 calls reached within 5:00"].value == percent(
        (mine <= 300).mean() * 100, 1
    )
    # Fire and EMS standards do not apply to police calls.
    assert not any("NFPA 1710" in key for key in standards)


def test_durham_public_export_has_no_times_not_zero_times(tmp_path):
    """Durham's public CFS export (call date and time only) through its shipped mapping: the
    calls count, and every time is reported missing with its reason, never as 0:00."""
    from civicstat.warehouse import Registry, connect, dataset_table, ingest

    header = (
        "Event Number,Case Number,Call Date,Call Time,Source,Priority,Nature,Address,X,Y,"
        "District,Beat,Disposition,Cancelled"
    )
    lines = [header]
    for i in range(30):
        lines.append(
            f"E23-{i:03d},,2023-03-{1 + i % 28:02d},{i % 24:02d}:15:00,Phone Call,"
            f"{1 + i % 3},WELFARE CHECK,,,,D{1 + i % 5},{111 + i},NO ACTION,"
            f"{'Y' if i == 0 else 'N'}"
        )
    path = tmp_path / "dpd_cfs.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    con = connect(None)
    registry = Registry()
    report = ingest(
        con, registry.contract("calls_for_service"), [path], registry.mapping("durham-dpd-cfs")
    )
    assert report.files[0].loaded == 30
    analysis = response_times.build(
        dataset_table(con, "calls_for_service"), Window(dt.date(2023, 3, 1), dt.date(2023, 4, 1))
    )
    got = figures(analysis)
    assert got["Calls in scope"].value == "29"  # one cancelled
    assert got["Median time from call to first unit on scene"].value == "—"
    assert got["Median time from call to first unit on scene"].note.startswith("0 calls")
    table = as_dict(table_starting(analysis, "Response-time segments, all calls in scope"))
    assert all(row["Median"] == "—" and row["Calls used"] == "0" for row in table.values())
    reasons = as_dict(table_starting(analysis, "Intervals left out of each segment"))
    assert reasons[LABELS["response"]]["No unit arrived"] == "29"
    assert reasons[LABELS["answer"]]["Missing time stamp"] == "29"
    text = str(analysis.content())
    assert re.search(r"(?<![0-9:])0:00(?![0-9])", text) is None  # no zero time anywhere
    assert "publishes no arrival times" in text
