"""The synthetic Durham year of police calls and HEART responses (civicstat/demo/synthetic).

The published figures are checked on the *computed* results: the generated frames go into DuckDB
and through civicstat.safety's analytics, as the dashboard does after ingest. Tolerances (stated
here, for the default seed): volumes within 3 %, average minutes within 3 %, transport within
1 percentage point, EMS support within 0.5 pp, police backup within 0.15 pp; familiar-neighbor
bands 74 ± 10, 19 ± 4, 8 ± 3, 4 ± 2 and the 0.5 % callout 12 % ± 2 pp.
"""

from __future__ import annotations

import dataclasses

import ibis
import numpy as np
import pandas as pd
import pytest

from civicstat.demo.synthetic.cad_demo import write_demo_files
from civicstat.demo.synthetic.cad_params import load_calls_params, load_heart_params
from civicstat.demo.synthetic.calls import CALL_COLUMNS, generate_calls
from civicstat.demo.synthetic.heart import CRISIS_COLUMNS, generate_heart
from civicstat.demo.synthetic.people import person_counts
from civicstat.demo.synthetic.pilot_params import PARAMS_DIR, ParamsError
from civicstat.safety import familiar_neighbors as fn
from civicstat.safety.crisis_response import program_summary
from civicstat.safety.diversion import EligibilityRuleSet, decide
from civicstat.safety.response_times import segments, summary

NINE = {
    "Assist Person",
    "Mental Health Crisis",
    "Follow Up",
    "Indecency",
    "Intoxicated Person",
    "Panhandling/Solicitation",
    "Suicide Threat",
    "Trespass or Unwanted",
    "Welfare Check",
}


def _small_params():
    """The packaged parameters with a twentieth of the volume (fast determinism checks)."""
    params = load_calls_params()
    types = tuple(dataclasses.replace(t, calls=t.calls / 20) for t in params.call_types)
    return dataclasses.replace(params, call_types=types)


def _to_duckdb(con, frame: pd.DataFrame, name: str) -> ibis.Table:
    utc = frame.copy()
    for column in utc.columns:
        if isinstance(utc[column].dtype, pd.DatetimeTZDtype):
            utc[column] = utc[column].dt.tz_convert("UTC")
    con.con.register(f"{name}_frame", utc)
    con.raw_sql(f"CREATE TABLE {name} AS SELECT * FROM {name}_frame")
    return con.table(name)


def test_seeded_determinism():
    params = _small_params()
    a = generate_calls(params, seed=7)
    b = generate_calls(params, seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert not a["received_at"].equals(generate_calls(params, seed=8)["received_at"])
    ha = generate_heart(None, a, seed=7)
    pd.testing.assert_frame_equal(ha, generate_heart(None, b, seed=7))
    assert list(a.columns) == list(CALL_COLUMNS)
    assert list(ha.columns) == list(CRISIS_COLUMNS)


def test_call_structure_and_dst():
    calls = generate_calls(_small_params(), seed=3)
    assert not calls.duplicated(["call_id", "unit_id"]).any()
    assert calls.groupby("call_id").size().max() <= 3
    assert str(calls["received_at"].dtype) == "datetime64[us, America/New_York]"
    local = calls["received_at"]
    # The repeated hour of 2023-11-05 (01:00-01:59) carries both offsets over a big enough year.
    big = generate_calls(seed=3)["received_at"]
    repeated = big[(big.dt.date == pd.Timestamp("2023-11-05").date()) & (big.dt.hour == 1)]
    offsets = {t.utcoffset() for t in repeated}
    assert offsets == {pd.Timedelta(hours=-4), pd.Timedelta(hours=-5)}
    # Stamps run forward in real time except the deliberate defects.
    both = calls["onscene_at"].notna() & calls["enroute_at"].notna()
    ordered = calls.loc[both, "onscene_at"] >= calls.loc[both, "enroute_at"]
    assert 0.99 < ordered.mean() < 1.0
    assert local.min().year == 2023 and local.max().year == 2023
    params = load_calls_params()
    assert set(calls["beat"]) <= {b.beat for b in params.beats}
    assert set(calls["district"]) <= {"D1", "D2", "D3", "D4", "D5"}
    assert len(params.beats) == 35  # DPD's beats in D1-D5 (Police_Beats layer)


@pytest.fixture(scope="module")
def year():
    calls = generate_calls()
    crisis = generate_heart(load_heart_params(), calls)
    con = ibis.duckdb.connect()
    return calls, crisis, _to_duckdb(con, calls, "calls"), _to_duckdb(con, crisis, "crisis")


@pytest.mark.slow
def test_call_volumes(year):
    calls, _, _, _ = year
    per_call = calls.drop_duplicates("call_id")
    assert len(per_call) == pytest.approx(128_000, rel=0.03)
    assert per_call["call_type"].isin(NINE).sum() == pytest.approx(18_710, rel=0.03)
    assert per_call["call_type"].nunique() >= 40
    assert 0.08 < per_call["self_initiated"].mean() < 0.12
    assert 0.02 < per_call["cancelled"].mean() < 0.06


@pytest.mark.slow
def test_exclusion_rules_are_exercised(year):
    _, _, calls, _ = year
    out = summary(segments(calls), by=())
    for reason in (
        "no_arrival",
        "missing_timestamp",
        "negative_interval",
        "zero_artefact",
        "over_cap",
    ):
        assert out[f"excluded_{reason}"].sum() > 0, reason


@pytest.mark.slow
def test_computed_program_figures_land_near_durham(year):
    _, _, _, crisis = year
    out = program_summary(crisis).set_index("program")
    published = {  # seed deck (DCSD Neighborhood College 2024)
        "community_response_team": (7746, 11.26, 33.49, 44.74, 7.41, 0.05, 1.02),
        "co_response": (3488, 12.04, 47.57, 59.61, 8.31, 0.00, 0.63),
    }
    for program, (n, to_scene, on_scene, total, transport, backup, ems) in published.items():
        got = out.loc[program]
        assert got.responses == pytest.approx(n, rel=0.03), program
        assert got.to_scene_mean == pytest.approx(to_scene, rel=0.03), program
        assert got.on_scene_mean == pytest.approx(on_scene, rel=0.03), program
        assert got.total_mean == pytest.approx(total, rel=0.03), program
        assert got.transport_pct == pytest.approx(transport, abs=1.0), program
        assert got.police_backup_pct == pytest.approx(backup, abs=0.15), program
        assert got.ems_support_pct == pytest.approx(ems, abs=0.5), program
        assert got.to_scene_n_excluded > 0  # the defects reach the exclusion counts
    assert out.loc["care_navigation", "responses"] > 0
    assert 60 < out.loc["all", "follow_up_pct"] < 100


@pytest.mark.slow
def test_familiar_neighbors_land_near_durham(year):
    _, frame, _, crisis = year
    counts = fn.band_counts(crisis, "2023-01-01", "2024-01-01")
    got = [b.people for b in counts.bands]
    for value, target, tolerance in zip(got, (74, 19, 8, 4), (10, 4, 3, 2), strict=True):
        assert abs(value - target) <= tolerance, got
    headline = fn.concentration(crisis, "2023-01-01", "2024-01-01").points[0]
    assert headline.requested_share == 0.005 and headline.publishable
    assert headline.count_share == pytest.approx(0.12, abs=0.02)
    # Independent check of the band counts with pandas on the generated frame.
    responding = frame[frame["program"] != "care_navigation"]
    per_person = responding["person_id"].dropna().value_counts()
    assert got == [int((per_person >= b).sum()) for b in (5, 10, 20, 40)]


@pytest.mark.slow
def test_eligible_volume_and_coverage(year):
    _, frame, calls, _ = year
    decisions = decide(calls, EligibilityRuleSet.durham()).to_pandas()
    eligible = decisions[decisions["eligible"]]
    assert 15_000 < len(eligible) < 18_710
    crt_calls = set(frame.loc[frame["program"] == "community_response_team", "call_id"])
    share = np.mean([c in crt_calls for c in eligible["call_id"]])
    assert 0.35 < share < 0.55  # a CRT answers a large minority of eligible calls


@pytest.mark.slow
def test_demo_files_ingest_through_the_standard_mappings(tmp_path, year):
    """The CSVs load through the identity mappings without loss: the figures computed after
    ingest equal those computed on the generated frames."""
    from civicstat.warehouse import Registry, connect, dataset_table, ingest

    frame_calls, frame_crisis, _, direct_crisis = year
    paths = write_demo_files(tmp_path)
    assert [p.name for p in paths] == [
        "durham_calls_for_service.csv",
        "durham_crisis_responses.csv",
    ]
    registry = Registry()
    con = connect(None)
    for dataset, path, mapping in (
        ("calls_for_service", paths[0], "civicstat-standard-cfs"),
        ("crisis_responses", paths[1], "civicstat-standard-crisis"),
    ):
        report = ingest(con, registry.contract(dataset), [path], registry.mapping(mapping))
        assert report.files[0].quarantined == 0, dataset
    calls = dataset_table(con, "calls_for_service")
    assert calls.count().execute() == len(frame_calls)
    call_only = int((frame_calls["unit_id"] == "").sum())
    assert call_only > 0 and calls.filter(calls.unit_id == "").count().execute() == call_only
    crisis = dataset_table(con, "crisis_responses")
    assert crisis.count().execute() == len(frame_crisis)
    pd.testing.assert_frame_equal(program_summary(crisis), program_summary(direct_crisis))


def test_person_counts_are_heavy_tailed_and_exact():
    params = load_heart_params()
    rng = np.random.default_rng(5)
    counts = person_counts(rng, 4000, params.survival, params.max_count)
    assert counts.sum() == 4000 and counts.min() >= 1
    assert list(counts) == sorted(counts, reverse=True)
    # Stratified draws put the tail where the survival curve says: S(20) = 0.00348.
    people = len(counts)
    assert abs(int((counts >= 20).sum()) - 0.00348 * people) <= 2


def test_params_errors_name_the_key(tmp_path):
    path = tmp_path / "calls.yaml"
    text = (PARAMS_DIR / "durham_calls.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("share: 0.04", "share: lots"), encoding="utf-8")
    with pytest.raises(ParamsError, match=r"cancellation\.share"):
        load_calls_params(path)
