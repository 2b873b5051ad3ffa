"""Familiar-neighbor bands, concentration, Lorenz and Gini on a hand-counted example (methods.md
§5.3–5.5), suppression of the public outputs, and no person id in any output."""

from __future__ import annotations

import dataclasses
import itertools

import ibis
import numpy as np
import pandas as pd
import pytest

from civicstat.safety import familiar_neighbors as fn
from civicstat.safety.errors import SafetyInputError
from civicstat.safety.privacy import suppress_nested_counts
from civicstat.safety.tests.canonical import load_crisis

NY = "America/New_York"
START, END = "2022-12-06", "2023-12-06"  # Durham's published window (local dates)
SECRET = "SECRET-PERSON-"

# Hand-counted example: 30 people; C = 45 + 22 + 12 + 12 + 6 + 6 + 6 + 23 × 1 = 132.
COUNTS = {"A": 45, "B": 22, "C": 12, "D": 12, "E": 6, "F": 6, "G": 6}
COUNTS |= {f"one{i:02d}": 1 for i in range(23)}


def build_rows():
    rows = []
    serial = itertools.count()
    base = pd.Timestamp("2023-03-01 09:00", tz=NY)
    for person, n in COUNTS.items():
        for j in range(n):
            # A's 45 responses fall on 15 local days (three a day); everyone else one per day.
            day = j // 3 if person == "A" else j
            rows.append(
                {
                    "response_id": f"r{next(serial)}",
                    "program": "community_response_team",
                    "call_id": f"c-{person}-{day}" if person == "A" else f"c{next(serial)}",
                    "person_id": SECRET + person,
                    "received_at": base + pd.Timedelta(days=day, hours=j % 3),
                }
            )
    for i in range(10):  # no person identified
        rows.append({"response_id": f"anon{i}", "program": "co_response", "received_at": base})
    # Not counted by default: a care-navigation follow-up, and responses outside the window.
    rows.append(
        {
            "response_id": "cn",
            "program": "care_navigation",
            "person_id": SECRET + "A",
            "received_at": base,
        }
    )
    rows.append(
        {
            "response_id": "old",
            "program": "community_response_team",
            "person_id": SECRET + "B",
            "received_at": pd.Timestamp("2022-12-06 04:59", tz="UTC"),
        }  # 23:59 local, Dec 5
    )
    rows.append(
        {
            "response_id": "edge",
            "program": "community_response_team",
            "person_id": SECRET + "Z",
            "received_at": pd.Timestamp("2023-12-06 05:00", tz="UTC"),
        }  # local midnight: excluded
    )
    return rows


@pytest.fixture()
def crisis():
    con = ibis.duckdb.connect()
    return load_crisis(con, build_rows())


def test_bands_hand_counted(crisis):
    counts = fn.band_counts(crisis, START, END)
    assert counts.people == 30 and counts.total == 132
    assert counts.responses == 142 and counts.unidentified == 10
    assert counts.unidentified_share == pytest.approx(10 / 142)
    assert [(b.min_count, b.people, b.count) for b in counts.bands] == [
        (5, 7, 109),
        (10, 4, 91),
        (20, 2, 67),
        (40, 1, 45),
    ]
    with_followups = fn.band_counts(crisis, START, END, programs=None)
    assert with_followups.bands[-1].count == 46  # A's care-navigation follow-up now counts


def test_count_units(crisis):
    by_day = fn.band_counts(crisis, START, END, count_unit="unique_day")
    assert [(b.min_count, b.people) for b in by_day.bands] == [(5, 7), (10, 4), (20, 1), (40, 0)]
    assert by_day.total == 132 - 45 + 15
    by_call = fn.band_counts(crisis, START, END, count_unit="call")
    assert by_call.total == 132 - 45 + 15  # A's three responses a day share one call
    with pytest.raises(SafetyInputError, match="count_unit"):
        fn.band_counts(crisis, START, END, count_unit="visits")


def test_concentration_with_ties(crisis):
    dist = fn.count_distribution(crisis, START, END)
    loose = fn.concentration_of(dist, shares=(0.05, 0.10, 0.20, 0.50), min_people=1)
    points = {p.requested_share: p for p in loose.points}
    # 5 %: k = ceil(1.5) = 2 → A, B.
    assert points[0.05].people == 2 and points[0.05].count_share == pytest.approx(67 / 132)
    # 10 %: k = 3 lands inside the tie group of two 12s → both taken, realised 4/30.
    assert points[0.10].people == 4
    assert points[0.10].realised_share == pytest.approx(4 / 30)
    assert points[0.10].count_share == pytest.approx(91 / 132)
    # 20 %: k = 6 lands inside the three 6s → 7 people.
    assert points[0.20].people == 7 and points[0.20].count_share == pytest.approx(109 / 132)
    # 50 %: k = 15 lands in the 23 ones → everybody.
    assert points[0.50].people == 30 and points[0.50].count_share == pytest.approx(1.0)

    strict = fn.concentration_of(dist, shares=(0.10, 0.50))  # ≥ 11 people rule
    assert strict.points[0].count_share is None and not strict.points[0].publishable
    assert strict.points[1].publishable
    assert strict.headline is strict.points[1]


def test_gini_both_versions(crisis):
    result = fn.gini(crisis, START, END)
    # Hand computation, counts ascending: Σ i·c_(i) = (1+…+23) + 6·(24+25+26) + 12·(27+28)
    # + 22·29 + 45·30 = 276 + 450 + 660 + 638 + 1350 = 3374.
    biased = 2 * 3374 / (30 * 132) - 31 / 30
    assert result.biased == pytest.approx(biased)
    assert result.unbiased == pytest.approx(biased * 30 / 29)
    # Independent formula: mean absolute difference / (2 · mean).
    x = np.array(list(COUNTS.values()), dtype=float)
    mad = np.abs(x[:, None] - x[None, :]).sum() / (len(x) ** 2)
    assert result.biased == pytest.approx(mad / (2 * x.mean()))


def test_lorenz_grid_respects_group_size(crisis):
    curve = fn.lorenz(crisis, START, END)
    # P = 30 → steps of at least 11 people → 2 steps: 0, 0.5, 1.
    assert curve.population_share == (0.0, 0.5, 1.0)
    assert curve.count_share == pytest.approx((0.0, 15 / 132, 1.0))
    dist = fn.count_distribution(crisis, START, END)
    fine = fn.lorenz_of(dist, points=30, min_people=1)
    x = np.sort(np.array(list(COUNTS.values())))
    assert fine.count_share == pytest.approx(tuple(np.concatenate([[0], np.cumsum(x)]) / x.sum()))


def test_public_bands_suppression():
    window = fn.Window(
        pd.Timestamp("2023-01-01", tz="UTC"), pd.Timestamp("2024-01-01", tz="UTC"), "response", None
    )
    counts = fn.BandCounts(
        window=window,
        people=200,
        total=900,
        responses=1000,
        unidentified=100,
        bands=(fn.Band(5, 40, 400), fn.Band(10, 32, 350), fn.Band(20, 12, 200), fn.Band(40, 0, 0)),
    )
    public = fn.public_bands(counts)
    shown = [(b.min_count, b.people, b.display) for b in public.bands]
    # 10+ (32) is not small, but 40 − 32 = 8 people with 5–9 responses would be derivable.
    assert shown == [(5, 40, "40"), (10, None, "suppressed"), (20, 12, "12"), (40, 0, "0")]
    assert public.people == 200
    durham_like = fn.BandCounts(
        window=window,
        people=2300,
        total=4100,
        responses=9000,
        unidentified=4900,
        bands=(fn.Band(5, 74, 0), fn.Band(10, 19, 0), fn.Band(20, 8, 0), fn.Band(40, 4, 0)),
    )
    shown = [b.display for b in fn.public_bands(durham_like).bands]
    assert shown == ["74", "19", "<11", "<11"]  # methods.md §5.5 rule 2's example


def test_nested_suppression_never_leaves_small_differences():
    rng = np.random.default_rng(11)
    for _ in range(300):
        chain = sorted(rng.integers(0, 60, size=5).tolist(), reverse=True)
        cells = suppress_nested_counts(chain)
        kept = [c.value for c in cells if c.value is not None]
        for value in kept:
            assert not 0 < value < 11
        for a, b in itertools.combinations(kept, 2):
            assert not 0 < a - b < 11


def _walk(value, seen=None):
    """Every leaf inside dataclasses, tuples, dicts and frames, as text."""
    if dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from _walk(getattr(value, f.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _walk(v)
    elif isinstance(value, pd.DataFrame):
        yield value.to_csv()
    else:
        yield repr(value)


def test_no_output_contains_a_person_id(crisis):
    outputs = [
        fn.count_distribution(crisis, START, END),
        fn.band_counts(crisis, START, END),
        fn.band_counts(crisis, START, END, count_unit="unique_day"),
        fn.concentration(crisis, START, END),
        fn.lorenz(crisis, START, END),
        fn.gini(crisis, START, END),
        fn.public_bands(fn.band_counts(crisis, START, END)),
    ]
    texts = list(_walk(outputs))
    assert texts  # the walk reached the leaves
    assert not [t for t in texts if SECRET in t or "one0" in t]
