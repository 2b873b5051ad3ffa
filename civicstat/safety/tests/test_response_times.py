"""Response-time segments on hand-built calls (methods.md §3.2–3.4), summaries against numpy."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest

from civicstat.safety.errors import SafetyConfigError, SafetyInputError
from civicstat.safety.response_times import (
    SEGMENT_COLUMNS,
    SegmentRules,
    get_standard,
    load_standards,
    scope,
    scope_counts,
    segments,
    summary,
    thresholds,
)
from civicstat.safety.tests.canonical import load_calls

NY = "America/New_York"


def at(local: str, offset_s: float = 0.0) -> pd.Timestamp:
    """A wall-clock time in New York (unambiguous input) plus ``offset_s`` seconds of real time."""
    return pd.Timestamp(local, tz=NY) + pd.Timedelta(seconds=offset_s)


def unit(
    call_id,
    unit_id,
    t0,
    *,
    answered=10,
    created=40,
    dispatched=70,
    enroute=100,
    onscene=400,
    cleared=1600,
    **extra,
):
    """One unit row; stamps are seconds after ``t0`` (None = missing)."""

    def stamp(s):
        return None if s is None else t0 + pd.Timedelta(seconds=s)

    row = {
        "call_id": call_id,
        "unit_id": unit_id,
        "received_at": t0,
        "answered_at": stamp(answered),
        "created_at": stamp(created),
        "dispatched_at": stamp(dispatched),
        "enroute_at": stamp(enroute),
        "onscene_at": stamp(onscene),
        "cleared_at": stamp(cleared),
        "priority": "1",
        "call_type": "Welfare Check",
        "source": "911",
        "self_initiated": False,
        "cancelled": False,
        "agency": "police",
        "unit_type": "PATROL",
        "district": "D1",
        "beat": "111",
    }
    row.update(extra)
    return row


@pytest.fixture()
def con():
    return ibis.duckdb.connect()


def seg_rows(view) -> dict[tuple[str, str], dict]:
    df = view.to_pandas()
    assert list(df.columns) == list(SEGMENT_COLUMNS)
    return {(r.call_id, r.segment): r._asdict() for r in df.itertuples(index=False)}


T = at("2023-06-01 12:00:00")


def test_plain_call_all_segments(con):
    calls = load_calls(con, [unit("C1", "U1", T)])
    rows = seg_rows(segments(calls))
    expected = {  # hand-computed from the stamps above
        "answer": 10,
        "processing": 60,
        "turnout": 30,
        "travel": 300,
        "response": 400,
        "on_scene": 1200,
        "total": 1600,
    }
    assert {seg for (_, seg) in rows} == set(expected)
    for seg, seconds in expected.items():
        row = rows[("C1", seg)]
        assert row["seconds"] == seconds, seg
        assert row["excluded_reason"] is None or pd.isna(row["excluded_reason"])
    assert rows[("C1", "processing")]["start_field"] == "answered_at"
    assert rows[("C1", "travel")]["unit_id"] == "U1"
    assert pd.isna(rows[("C1", "answer")]["unit_id"])  # call-level segment


def test_first_arriving_unit_not_first_dispatched(con):
    calls = load_calls(
        con,
        [
            # U1 dispatched first but arrives later; U2 dispatched later arrives first.
            unit("C2", "U1", T, dispatched=60, enroute=80, onscene=700),
            unit("C2", "U2", T, dispatched=90, enroute=120, onscene=500),
        ],
    )
    rows = seg_rows(segments(calls))
    assert rows[("C2", "processing")]["seconds"] == 60 - 10  # earliest dispatch of any unit
    assert rows[("C2", "turnout")]["seconds"] == 120 - 90  # U2's own stamps
    assert rows[("C2", "travel")]["seconds"] == 500 - 120
    assert rows[("C2", "response")]["seconds"] == 500
    assert rows[("C2", "travel")]["unit_id"] == "U2"
    assert rows[("C2", "on_scene")]["seconds"] == 1600 - 500


def test_tie_on_arrival_goes_to_earlier_dispatch_and_ignored_unit_types(con):
    rows = [
        unit("C3", "B", T, dispatched=80, enroute=90, onscene=300),
        unit("C3", "A", T, dispatched=70, enroute=95, onscene=300),
        unit("C4", "CHIEF1", T, dispatched=70, enroute=80, onscene=200, unit_type="CHIEF"),
        unit("C4", "E1", T, dispatched=75, enroute=100, onscene=350, unit_type="ENGINE"),
    ]
    calls = load_calls(con, rows)
    got = seg_rows(segments(calls))
    assert got[("C3", "turnout")]["unit_id"] == "A"
    assert got[("C3", "turnout")]["seconds"] == 25
    assert got[("C4", "travel")]["unit_id"] == "CHIEF1"  # no unit type ignored by default
    rules = SegmentRules.from_dict(
        {"first_arriving": {"ignore_unit_types": ["chief"]}, "segments": {"travel": {}}}
    )
    got = seg_rows(segments(calls, rules))
    assert got[("C4", "travel")]["unit_id"] == "E1"
    assert got[("C4", "travel")]["seconds"] == 250
    assert {seg for (_, seg) in got} == {"travel"}


def test_dst_fall_back_interval_is_measured_in_utc(con):
    # 2023-11-05: 01:50 EDT (05:50Z) → on scene 01:05 EST (06:05Z): 15 real minutes, although
    # the naive wall-clock difference is −45 minutes.
    received = pd.Timestamp("2023-11-05 05:50:00", tz="UTC").tz_convert(NY)
    onscene = pd.Timestamp("2023-11-05 06:05:00", tz="UTC").tz_convert(NY)
    assert onscene.tz_localize(None) < received.tz_localize(None)  # the trap is real
    calls = load_calls(con, [unit("D1", "U1", received, onscene=(onscene - received).seconds)])
    got = seg_rows(segments(calls))
    assert got[("D1", "response")]["seconds"] == 900
    assert pd.isna(got[("D1", "response")]["excluded_reason"])


def test_dst_spring_forward_interval_is_measured_in_utc(con):
    # 2023-03-12: 01:55 EST (06:55Z) → 03:05 EDT (07:05Z) is 10 real minutes, not 70.
    received = pd.Timestamp("2023-03-12 01:55:00", tz=NY)
    onscene = pd.Timestamp("2023-03-12 03:05:00", tz=NY)
    calls = load_calls(
        con,
        [unit("D2", "U1", received, onscene=None, cleared=None) | {"onscene_at": onscene}],
    )
    got = seg_rows(segments(calls))
    assert got[("D2", "response")]["seconds"] == 600


def test_missing_stamps_fallback_and_segmentwise_counting(con):
    calls = load_calls(
        con,
        [
            unit("M1", "U1", T, answered=None),  # answer missing → processing falls back
            unit("M2", "U1", T, enroute=None),  # turnout and travel missing, response fine
        ],
    )
    got = seg_rows(segments(calls))
    assert got[("M1", "answer")]["excluded_reason"] == "missing_timestamp"
    assert pd.isna(got[("M1", "answer")]["seconds"])
    assert got[("M1", "processing")]["seconds"] == 70 - 40
    assert got[("M1", "processing")]["start_field"] == "created_at"
    assert got[("M2", "turnout")]["excluded_reason"] == "missing_timestamp"
    assert got[("M2", "travel")]["excluded_reason"] == "missing_timestamp"
    assert got[("M2", "response")]["seconds"] == 400
    assert pd.isna(got[("M2", "response")]["excluded_reason"])


def test_negative_zero_and_over_cap_are_excluded_not_clipped(con):
    calls = load_calls(
        con,
        [
            unit("N1", "U1", T, enroute=500, onscene=400),  # on scene before en route
            unit("Z1", "U1", T, enroute=70),  # en route == dispatched (status button)
            unit("Z2", "U1", T, enroute=100, onscene=100, cleared=200),  # on scene == en route
            unit("O1", "U1", T, enroute=100, onscene=4200, cleared=5000),  # travel 4100 s
        ],
    )
    got = seg_rows(segments(calls))
    assert got[("N1", "travel")]["excluded_reason"] == "negative_interval"
    assert got[("N1", "travel")]["seconds"] == -100  # raw value kept, never clipped
    assert pd.isna(got[("N1", "response")]["excluded_reason"])
    assert got[("Z1", "turnout")]["excluded_reason"] == "zero_artefact"
    assert pd.isna(got[("Z1", "response")]["excluded_reason"])  # kept for total response
    assert got[("Z2", "travel")]["excluded_reason"] == "zero_artefact"
    assert got[("O1", "travel")]["excluded_reason"] == "over_cap"
    assert got[("O1", "travel")]["seconds"] == 4100
    assert got[("O1", "response")]["excluded_reason"] == "over_cap"  # 4200 > 1800
    assert pd.isna(got[("O1", "on_scene")]["excluded_reason"])
    # The sensitivity line without caps keeps them.
    got = seg_rows(segments(calls, SegmentRules.default().without_caps()))
    assert pd.isna(got[("O1", "travel")]["excluded_reason"])


def test_cancelled_self_initiated_and_no_arrival(con):
    calls = load_calls(
        con,
        [
            unit("X1", "U1", T, cancelled=True, onscene=None, cleared=None),
            unit("X1", "U2", T, cancelled=True, onscene=None, cleared=None),
            unit("S1", "U1", T, self_initiated=True, source="officer-initiated"),
            # Only one unit's response cancelled: the call stays in scope.
            unit("P1", "U1", T, cancelled=True, onscene=None, cleared=None),
            unit("P1", "U2", T, dispatched=80, enroute=100, onscene=300),
            # No unit arrived, call not cancelled.
            unit("NA", "U1", T, onscene=None, cleared=None),
        ],
    )
    got = seg_rows(segments(calls))
    assert {c for (c, _) in got} == {"P1", "NA"}
    assert got[("P1", "travel")]["unit_id"] == "U2"
    for seg in ("turnout", "travel", "response", "on_scene", "total"):
        assert got[("NA", seg)]["excluded_reason"] == "no_arrival"
    assert got[("NA", "processing")]["seconds"] == 60

    reasons = scope(calls).to_pandas().set_index("call_id")["scope_reason"]
    assert reasons["X1"] == "cancelled"
    assert reasons["S1"] == "self_initiated"
    assert pd.isna(reasons["P1"]) and pd.isna(reasons["NA"])
    counts = scope_counts(calls).to_pandas().set_index("scope")["calls"].to_dict()
    assert counts == {"cancelled": 1, "in_scope": 2, "self_initiated": 1}

    keep_all = SegmentRules.from_dict(
        {
            "scope": {"exclude_self_initiated": False, "exclude_cancelled": False},
            "segments": {"processing": {}},
        }
    )
    assert {c for (c, _) in seg_rows(segments(calls, keep_all))} == {"X1", "S1", "P1", "NA"}


def test_excluded_sources_and_dispositions(con):
    calls = load_calls(
        con,
        [
            unit("A1", "U1", T, source="Mutual Aid"),
            unit("A2", "U1", T, disposition="DUPLICATE"),
            unit("A3", "U1", T),
        ],
    )
    rules = SegmentRules.from_dict(
        {
            "scope": {"exclude_sources": ["mutual aid"], "exclude_dispositions": ["duplicate"]},
            "segments": {"response": {}},
        }
    )
    reasons = scope(calls, rules).to_pandas().set_index("call_id")["scope_reason"]
    assert reasons["A1"] == "excluded_source"
    assert reasons["A2"] == "excluded_disposition"
    assert pd.isna(reasons["A3"])


def test_summary_matches_numpy_inverted_cdf(con):
    rng = np.random.default_rng(7)
    rows = []
    for i in range(300):
        t0 = T + pd.Timedelta(minutes=i)
        priority = ["1", "2", "3"][i % 3]
        travel = int(rng.lognormal(5.5, 0.6))
        rows.append(
            unit(
                f"R{i}",
                "U1",
                t0,
                onscene=100 + travel,
                cleared=2000 + travel,
                priority=priority,
                call_type="Assault" if i % 2 else "Welfare Check",
            )
        )
    rows.append(unit("R-neg", "U1", T, enroute=500, onscene=300, priority="1"))
    calls = load_calls(con, rows)
    view = segments(calls)
    out = summary(view, by=("priority",), thresholds={"travel": 240.0, "response": 400.0})

    df = view.to_pandas()
    for (segment, priority), group in df.groupby(["segment", "priority"]):
        got = out[(out.segment == segment) & (out.priority == priority)].iloc[0]
        usable = group.loc[group.excluded_reason.isna(), "seconds"].to_numpy()
        assert got.n_used == len(usable)
        assert got.n_excluded == len(group) - len(usable)
        assert got.median_seconds == np.percentile(usable, 50, method="inverted_cdf")
        assert got.p90_seconds == np.percentile(usable, 90, method="inverted_cdf")
        assert got.mean_seconds == pytest.approx(usable.mean())
        if segment in ("travel", "response"):
            limit = 240.0 if segment == "travel" else 400.0
            assert got.pct_within == pytest.approx((usable <= limit).mean() * 100)
        else:
            assert pd.isna(got.pct_within)
    travel_p1 = out[(out.segment == "travel") & (out.priority == "1")].iloc[0]
    assert travel_p1.excluded_negative_interval == 1
    assert set(out.percentile_method) == {"inverted_cdf"}


def test_summary_suppresses_p90_below_20(con):
    rows = [unit(f"S{i}", "U1", T, onscene=300 + i) for i in range(19)]
    out = summary(segments(load_calls(con, rows)), by=())
    travel = out[out.segment == "travel"].iloc[0]
    assert travel.n_used == 19
    assert pd.isna(travel.p90_seconds)
    assert travel.median_seconds == np.percentile(
        [300 + i - 100 for i in range(19)], 50, method="inverted_cdf"
    )


def test_standards_are_data_with_sources():
    standards = load_standards()
    nena = get_standard("nena_answer_15s", standards)
    assert (nena.segment, nena.threshold_seconds, nena.target) == ("answer", 15.0, 90.0)
    assert nena.sources == ("NENA-STA-020",)
    assert nena.direction == "higher_is_better" and nena.is_met(91.0)
    p1 = get_standard("durham_p1_average_348s", standards)
    assert p1.statistic == "mean" and p1.target == 5 * 60 + 48
    assert p1.direction == "lower_is_better" and not p1.is_met(366.0)
    turnout = get_standard("nfpa1710_turnout_ems_60s", standards)
    assert turnout.applies_to == {"agency": ("ems",)}
    assert thresholds(["nena_answer_15s", "nfpa1710_turnout_fire_80s"]) == {
        "answer": 15.0,
        "turnout": 80.0,
    }
    with pytest.raises(SafetyConfigError, match="already has a threshold"):
        thresholds(["nena_answer_15s", "nena_answer_20s"])
    assert all(s.sources for s in standards)
    # Usable as measure targets: the engine's status rule judges a computed value.
    from civicstat.measures.engine.status import StatusKey, evaluate

    rule = nena.status_rule()
    assert evaluate(rule, 91.0).key == StatusKey.ON_TARGET
    assert evaluate(rule, 88.5).key == StatusKey.CLOSE_TO_TARGET  # within 2 points
    assert evaluate(rule, 80.0).key == StatusKey.NEEDS_IMPROVEMENT
    assert evaluate(p1.status_rule(), 366.0).key == StatusKey.CLOSE_TO_TARGET  # 6:06 vs 5:48


def test_rules_errors_name_the_key():
    with pytest.raises(SafetyConfigError, match=r"segments\.travel\.cap_seconds"):
        SegmentRules.from_dict({"segments": {"travel": {"cap_seconds": "soon"}}})
    with pytest.raises(SafetyConfigError, match=r"segments\.warp"):
        SegmentRules.from_dict({"segments": {"warp": {}}})


def test_missing_required_column_is_named(con):
    table = ibis.memtable(pd.DataFrame({"call_id": ["a"]}))
    with pytest.raises(SafetyInputError, match="unit_id"):
        segments(table)


# --- the real SF Fire file, ingested through its mapping -----------------------------------------

SF_FORMAT = "%m/%d/%Y %I:%M:%S %p"


def _pandas_segments(path) -> dict[str, np.ndarray]:
    """Usable seconds per segment, computed directly from the raw SF file with pandas (an
    independent reading of methods.md §3.2–3.3 with the default rules)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)

    def ts(column):
        parsed = pd.to_datetime(raw[column].replace("", None), format=SF_FORMAT)
        return parsed.dt.tz_localize("America/Los_Angeles").dt.tz_convert("UTC")

    df = pd.DataFrame(
        {
            "call": raw["Call Number"],
            "unit": raw["Unit ID"],
            "received": ts("Received DtTm"),
            "entry": ts("Entry DtTm"),
            "dispatch": ts("Dispatch DtTm"),
            "response": ts("Response DtTm"),
            "onscene": ts("On Scene DtTm"),
            "available": ts("Available DtTm"),
            "cancelled": raw["Call Final Disposition"] == "Cancelled",
        }
    )
    all_cancelled = df.groupby("call")["cancelled"].transform("all")
    df = df[~all_cancelled]
    df = df.sort_values(["call", "onscene", "dispatch", "unit"], na_position="last")
    first = df.groupby("call", sort=False).head(1).set_index("call")
    calls = df.groupby("call").agg(
        received=("received", "min"), entry=("entry", "min"), first_dispatch=("dispatch", "min")
    )
    calls = calls.join(first[["dispatch", "response", "onscene", "available"]])
    arrived = calls["onscene"].notna()

    def usable(start, end, cap=None, zero=False, needs_arrival=True):
        s = (end - start).dt.total_seconds()
        ok = s.notna() & (s >= 0)
        if needs_arrival:
            ok &= arrived
        if zero:
            ok &= s != 0
        if cap is not None:
            ok &= s <= cap
        return s[ok].to_numpy()

    c = calls
    return {
        "processing": usable(c.entry, c.first_dispatch, 3600, needs_arrival=False),
        "turnout": usable(c.dispatch, c.response, zero=True),
        "travel": usable(c.response, c.onscene, 3600, zero=True),
        "response": usable(c.received, c.onscene, 1800),
        "on_scene": usable(c.onscene, c.available),
        "total": usable(c.received, c.available),
    }


@pytest.mark.shared_data
@pytest.mark.parametrize(
    "name", ["sf_fire_calls_2020-04_extract.csv", "sf_fire_calls_2016-12_extract.csv"]
)
def test_sf_fire_medians_match_pandas(shared_data, name):
    from civicstat.warehouse import Registry, connect, dataset_table, ingest

    path = shared_data / "sf-fire-calls" / name
    con = connect(None)
    registry = Registry()
    report = ingest(
        con, registry.contract("calls_for_service"), [path], registry.mapping("sf-fire-calls")
    )
    assert report.files[0].loaded > 7000
    calls = dataset_table(con, "calls_for_service")
    out = summary(segments(calls), by=()).set_index("segment")
    expected = _pandas_segments(path)
    for segment, values in expected.items():
        got = out.loc[segment]
        assert got.n_used == len(values), segment
        assert got.median_seconds == np.percentile(values, 50, method="inverted_cdf"), segment
        assert got.p90_seconds == np.percentile(values, 90, method="inverted_cdf"), segment
        assert got.mean_seconds == pytest.approx(values.mean()), segment
    assert out.loc["answer", "n_used"] == 0  # SF publishes no PSAP answer time
    assert out.loc["answer", "excluded_missing_timestamp"] == out.loc["answer", "n_rows"]
    assert out.loc["turnout", "excluded_zero_artefact"] > 0


def test_sources_without_optional_columns(con):
    """A call-only public export (no unit, answer or flag columns) still gets its segments."""
    df = pd.DataFrame(
        {
            "call_id": ["K1", "K2"],
            "unit_id": ["", ""],
            "received_at": [T, T],
            "onscene_at": [T + pd.Timedelta(seconds=420), pd.NaT],
        }
    )
    con.create_table(
        "public_calls",
        schema=ibis.schema(
            {
                "call_id": "string",
                "unit_id": "string",
                "received_at": "timestamp('UTC')",
                "onscene_at": "timestamp('UTC')",
            }
        ),
    )
    con.insert("public_calls", df)
    got = seg_rows(segments(con.table("public_calls")))
    assert got[("K1", "response")]["seconds"] == 420
    assert got[("K1", "answer")]["excluded_reason"] == "missing_timestamp"
    assert got[("K2", "response")]["excluded_reason"] == "no_arrival"
    assert got[("K1", "turnout")]["excluded_reason"] == "missing_timestamp"
