"""Hand-computed checks of HR, PAI, PEI, RRI (methods.md §1.6), RRS and risk classes (§1.5), and
the WDD test against the published example of Wheeler & Ratcliffe (2018)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from civicstat.safety.risk_terrain.scoring import (
    class_labels,
    relative_risk_score,
    relative_risk_values,
    risk_class_thresholds,
    risk_classes,
)
from civicstat.safety.risk_terrain.validation import coverage_table, validation_table
from civicstat.safety.risk_terrain.wdd import weighted_displacement_difference

# ten equal cells, already in score order; tie blocks {0} {1,2} {3,4,5} {6} {7} {8,9}
SCORE = np.array([9, 7, 7, 5, 5, 5, 3, 2, 1, 1], dtype=float)
OBSERVED = np.array([3, 0, 2, 1, 0, 4, 0, 1, 0, 1], dtype=float)  # N = 12
PREDICTED = np.array([2, 1, 1, 1, 1, 1, 0.5, 0.5, 0.2, 0.2])


def _row(table, coverage):
    return table[np.isclose(table["coverage_target"], coverage)].iloc[0]


def test_fractional_ties_by_hand():
    t = coverage_table(SCORE, OBSERVED, [0.1, 0.2, 0.5], predicted=PREDICTED, min_events=10)
    r = _row(t, 0.1)  # exactly the first block: 3 events in 1 of 10 cells
    assert (r.n_t, r.hit_rate, r.pai) == pytest.approx((3, 3 / 12, (3 / 12) / 0.1))
    assert r.pei == pytest.approx(3 / 4)  # the oracle's best single cell holds 4
    assert r.rri == pytest.approx(2 / 3)
    r = _row(t, 0.2)  # block 0 plus half of block {1,2}: 3 + (0+2)/2 events
    assert r.n_t == pytest.approx(4.0) and r.cells == pytest.approx(2.0)
    assert r.pai == pytest.approx((4 / 12) / 0.2)
    assert r.pei == pytest.approx(4 / 7)  # oracle: 4 + 3
    assert r.rri == pytest.approx((2 + 1) / 4)
    r = _row(t, 0.5)  # blocks 0-1 (5 events) plus 2/3 of block {3,4,5} (5 events)
    assert r.n_t == pytest.approx(5 + 2 / 3 * 5)
    assert r.hit_rate == pytest.approx((5 + 10 / 3) / 12)
    assert r.pai == pytest.approx(((5 + 10 / 3) / 12) / 0.5)
    assert r.pei == pytest.approx((5 + 10 / 3) / 11)  # oracle: 4+3+2+1+1
    assert r.rri == pytest.approx((4 + 2 / 3 * 3) / (5 + 10 / 3))
    assert not t["suppressed"].any()


def test_whole_tie_blocks_by_hand():
    t = coverage_table(
        SCORE, OBSERVED, [0.2, 0.5], predicted=PREDICTED, ties="together", min_events=10
    )
    r = _row(t, 0.2)  # rounded up to blocks 0-1: 3 cells
    assert (r.coverage, r.cells, r.n_t) == pytest.approx((0.3, 3, 5))
    assert r.pai == pytest.approx((5 / 12) / 0.3)
    assert r.pei == pytest.approx(5 / 9)  # oracle over 3 cells: 4+3+2
    assert r.rri == pytest.approx(4 / 5)
    r = _row(t, 0.5)  # rounded up to 6 cells
    assert (r.coverage, r.n_t) == pytest.approx((0.6, 10))
    assert r.pei == pytest.approx(10 / 12) and r.rri == pytest.approx(7 / 10)


def test_unsorted_input_and_unequal_areas_give_the_same_by_hand_values():
    perm = np.random.default_rng(0).permutation(10)
    t = coverage_table(SCORE[perm], OBSERVED[perm], [0.1], predicted=PREDICTED[perm], min_events=10)
    assert _row(t, 0.1).n_t == pytest.approx(3)
    area = np.r_[2.0, np.ones(9)]  # the top cell is twice as big: 10 % of 11 is 1.1 of its 2
    t = coverage_table(SCORE, OBSERVED, [0.1], area=area, min_events=10)
    assert _row(t, 0.1).n_t == pytest.approx(3 * 1.1 / 2)


def test_small_n_suppresses_pai_pei_rri():
    t = coverage_table(SCORE, OBSERVED, [0.1], predicted=PREDICTED)  # N = 12 < 30
    r = _row(t, 0.1)
    assert r.suppressed and math.isnan(r.pai) and math.isnan(r.pei) and math.isnan(r.rri)
    assert r.hit_rate == pytest.approx(0.25)  # the hit rate and counts are still shown


def test_validation_table_stacks_methods_and_class_cuts():
    table = validation_table(
        {"a": (SCORE, None), "b": (-SCORE, None)},
        OBSERVED,
        [0.1],
        class_coverages={"top": 0.3},
        min_events=10,
    )
    assert list(table["method"]) == ["a", "a", "b", "b"]
    assert list(table["cut"]) == ["10%", "class ≥ top"] * 2
    assert table.iloc[1].n_t == pytest.approx(5)
    assert table.iloc[3].n_t == pytest.approx(1 + 1)  # b ranks {8,9} (1 event), then 7 (1)


def test_rrv_and_min_normalised_rrs():
    slopes = np.array([np.log(3.0), -np.log(2.0)])
    np.testing.assert_allclose(relative_risk_values(slopes), [3.0, 0.5])
    X = np.array([[0, 0], [1, 0], [0, 1], [1, 1]])
    # raw products 1, 3, 0.5, 1.5; divided by the minimum 0.5
    np.testing.assert_allclose(relative_risk_score(X, slopes), [2, 6, 1, 3])
    # Leeds: RRS range 1 -> 21.36 x 8.65 = 184.8
    leeds = relative_risk_score(np.array([[0, 0], [1, 1]]), np.array([3.0617, 2.1578]))
    assert leeds[1] == pytest.approx(184.8, abs=0.1)
    assert relative_risk_score(np.zeros((3, 0)), np.zeros(0)).tolist() == [1.0, 1.0, 1.0]


def test_sd_classes_by_hand():
    rrs = np.array([1, 1, 1, 1, 2, 2, 4, 8], dtype=float)
    mean, sd = 2.5, math.sqrt(92 / 8 - 2.5**2)
    np.testing.assert_allclose(
        risk_class_thresholds(rrs, "sd", (0, 1, 2)), [mean, mean + sd, mean + 2 * sd]
    )
    assert risk_classes(rrs, "sd", (0, 1, 2)).tolist() == [0, 0, 0, 0, 0, 0, 1, 3]
    assert class_labels("sd", (0, 1, 2)) == ("low", "above_average", "moderately_high", "highest")
    assert risk_classes(np.ones(5), "sd", (0, 1, 2)).tolist() == [0] * 5


def test_quantile_classes_by_hand():
    rrs = np.array([1, 1, 1, 1, 2, 2, 4, 8], dtype=float)
    # inverted_cdf: the 50 % quantile is 1 (4th of 8), the 75 % quantile is 2 (6th of 8)
    np.testing.assert_allclose(risk_class_thresholds(rrs, "quantile", (0.5, 0.75)), [1, 2])
    assert risk_classes(rrs, "quantile", (0.5, 0.75)).tolist() == [0, 0, 0, 0, 1, 1, 2, 2]
    assert class_labels("quantile", (0.9, 0.99)) == ("rest", "top_10pct", "top_1pct")


def test_wdd_reproduces_the_published_example():
    # Wheeler & Ratcliffe (2018) example, as in ptools' tests: control (308, 318),
    # treated (207, 110), displacement control (150, 140), displacement (178, 157)
    res = weighted_displacement_difference(
        treated=(207, 110),
        control=(308, 318),
        displacement=(178, 157),
        displacement_control=(150, 140),
    )
    assert res.local == -107 and res.displacement == -11 and res.total == -118
    assert res.se == pytest.approx(math.sqrt(1568))
    assert round(res.z, 2) == -2.98
    assert (round(res.ci_low), round(res.ci_high)) == (-196, -40)
    simple = weighted_displacement_difference(treated=(20, 10), control=(20, 20))
    assert simple.local == -10 and simple.total == -10
