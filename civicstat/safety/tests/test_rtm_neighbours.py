"""Tests of the Clark–Evans nearest-neighbour index and the RTMDx operationalisation rule."""

from __future__ import annotations

import math

import numpy as np
import pytest

from civicstat.safety.risk_terrain.neighbours import (
    NearestNeighbour,
    choose_operationalisation,
    clark_evans,
)


def test_clark_evans_by_hand_on_four_corners():
    nn = clark_evans(np.array([[0, 0], [1, 0], [0, 1], [1, 1]]), area=4.0)
    # rho = 1, r_E = 0.5, SE = 0.26136 / sqrt(4 * 1), OMD = 1
    assert nn.observed_mean == pytest.approx(1.0)
    assert nn.expected_mean == pytest.approx(0.5)
    assert nn.ratio == pytest.approx(2.0)
    assert nn.z == pytest.approx(0.5 / (0.26136 / 2))


def test_regular_lattice_is_dispersed_and_clusters_are_clustered():
    g = np.arange(0, 200, 10.0) + 5
    lattice = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    reg = clark_evans(lattice, area=200.0 * 200.0)
    assert reg.ratio == pytest.approx(2.0)  # every NN distance is the spacing, r_E half of it
    assert reg.dispersed and not reg.clustered

    rng = np.random.default_rng(0)
    centres = rng.uniform(100, 900, size=(5, 2))
    clusters = np.vstack([c + rng.normal(0, 2.0, size=(40, 2)) for c in centres])
    cl = clark_evans(clusters, area=1000.0 * 1000.0)
    assert cl.ratio < 0.2
    assert cl.clustered and cl.p_value < 1e-10


def test_random_pattern_is_mostly_not_significant():
    rng = np.random.default_rng(3)
    flagged = 0
    for _ in range(40):
        pts = rng.uniform(0, 1000, size=(200, 2))
        flagged += clark_evans(pts, 1000.0**2, alpha=0.01).clustered
    # edge effects bias R upwards (no correction), so CSR is almost never called clustered
    assert flagged <= 2


def test_too_few_points_gives_nan_and_proximity():
    nn = clark_evans(np.array([[0.0, 0.0]]), 100.0)
    assert math.isnan(nn.ratio)
    assert choose_operationalisation(nn, 600)[0] == "proximity"


def _nn(clustered: bool, omd: float) -> NearestNeighbour:
    return NearestNeighbour(
        50,
        1e6,
        omd,
        100.0,
        0.5 if clustered else 1.1,
        -5 if clustered else 1,
        1e-6 if clustered else 0.3,
        0.05,
    )


@pytest.mark.parametrize(
    ("clustered", "omd", "expected"),
    [
        (False, 900.0, "proximity"),  # not clustered, far apart
        (True, 300.0, "density"),  # clustered, within the max spatial influence
        (True, 900.0, "both"),  # clustered but far apart
        (False, 300.0, "both"),  # not clustered but close together
    ],
)
def test_rtmdx_appendix_b_rule(clustered, omd, expected):
    choice, reason = choose_operationalisation(_nn(clustered, omd), max_influence=600.0)
    assert choice == expected
    assert ("not significantly" in reason) is (not clustered)
