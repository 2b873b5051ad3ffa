"""Tests of factor operationalisation (methods.md §1.3) against brute-force shapely/numpy."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from civicstat.safety.errors import SafetyConfigError
from civicstat.safety.risk_terrain.kde import kernel_density, pairs_within
from civicstat.safety.risk_terrain.operationalise import (
    FactorLayer,
    band_distances,
    build_candidates,
    density_points,
    nearest_distance,
)


def _cells(n=30, size=50.0):
    g = (np.arange(n) + 0.5) * size
    return np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)


def test_band_distances_follow_d_k_equals_k_inc_b():
    np.testing.assert_allclose(band_distances(200, 3, "half"), [100, 200, 300, 400, 500, 600])
    np.testing.assert_allclose(band_distances(500, 3, "whole"), [500, 1000, 1500])  # Leeds
    with pytest.raises(SafetyConfigError, match="whole number"):
        band_distances(200, 2.75, "half")


def test_nearest_distance_points_lines_polygons_against_shapely():
    cells = _cells(12, 50.0)
    rng = np.random.default_rng(0)
    pts = shapely.points(rng.uniform(0, 600, size=(7, 2)))
    lines = np.array(
        [shapely.LineString([(0, 100), (600, 130)]), shapely.LineString([(300, 0), (310, 600)])],
        dtype=object,
    )
    polys = np.array([shapely.box(100, 400, 220, 520)], dtype=object)
    for geoms, kind in [(pts, "point"), (lines, "line"), (polys, "polygon")]:
        got = nearest_distance(cells, geoms, kind, 150.0)
        brute = np.array([min(shapely.Point(c).distance(g) for g in geoms) for c in cells])
        within = brute <= 150.0
        np.testing.assert_allclose(got[within], brute[within], atol=1e-9)
        assert np.all(np.isinf(got[~within]))
    inside = nearest_distance(np.array([[150.0, 450.0]]), polys, "polygon", 100.0)
    assert inside[0] == 0.0


def test_quartic_density_against_explicit_sum():
    rng = np.random.default_rng(1)
    cells = _cells(10, 40.0)
    pts = rng.uniform(0, 400, size=(60, 2))
    h = 90.0
    got = kernel_density(cells, pts, h)
    r = np.hypot(cells[:, None, 0] - pts[None, :, 0], cells[:, None, 1] - pts[None, :, 1])
    k = np.where(r < h, 3 / (np.pi * h**2) * (1 - (r / h) ** 2) ** 2, 0.0)
    np.testing.assert_allclose(got, k.sum(axis=1), rtol=1e-12)
    # the quartic kernel integrates to one: a lone point's density sums to ~1 over fine cells
    fine = _cells(100, 4.0)
    assert kernel_density(fine, np.array([[200.0, 200.0]]), h).sum() * 16 == pytest.approx(
        1, abs=2e-3
    )


def test_pairs_within_includes_zero_distances():
    pairs = pairs_within(np.array([[0.0, 0.0], [10.0, 0.0]]), np.array([[0.0, 0.0]]), 5.0)
    assert pairs.query.tolist() == [0] and pairs.distance.tolist() == [0.0]


def test_density_points_for_lines_are_spaced_along_them():
    line = np.array([shapely.LineString([(0, 0), (100, 0)])], dtype=object)
    pts = density_points(line, "line", 10.0)
    np.testing.assert_allclose(pts[:, 0], np.arange(5, 100, 10))
    poly = np.array([shapely.box(0, 0, 10, 10)], dtype=object)
    assert shapely.box(0, 0, 10, 10).contains(shapely.Point(density_points(poly, "polygon", 1)[0]))


def test_build_candidates_proximity_and_density_columns():
    cells = _cells(30, 50.0)  # 1.5 km square
    rng = np.random.default_rng(2)
    sparse = shapely.points(rng.uniform(100, 1400, size=(6, 2)))
    clustered = shapely.points(
        np.vstack([c + rng.normal(0, 15, size=(30, 2)) for c in ([400, 400], [1100, 1000])])
    )
    bands = band_distances(100, 3, "half")
    cand = build_candidates(
        cells,
        [
            FactorLayer("sparse", sparse, "point", "proximity"),
            FactorLayer("clus", clustered, "point", "density"),
        ],
        bands,
        area=1500.0**2,
        density_sd=2.0,
    )
    names = cand.names
    # proximity columns equal brute force
    d = np.array([min(shapely.Point(c).distance(p) for p in sparse) for c in cells])
    for dist in bands:
        name = f"sparse_proximity_{dist:g}"
        if name in names:
            np.testing.assert_array_equal(cand.matrix[:, names.index(name)], d <= dist)
    # density columns: KDE >= mean + 2 SD, computed independently
    for dist in bands:
        name = f"clus_density_{dist:g}"
        pts = shapely.get_coordinates(clustered)
        r = np.hypot(cells[:, None, 0] - pts[None, :, 0], cells[:, None, 1] - pts[None, :, 1])
        dens = np.where(r < dist, 3 / (np.pi * dist**2) * (1 - (r / dist) ** 2) ** 2, 0).sum(1)
        expect = (dens >= dens.mean() + 2 * dens.std()) & (dens > 0)
        if name in names:
            np.testing.assert_array_equal(cand.matrix[:, names.index(name)], expect)
        else:
            assert name in set(cand.dropped["name"])
    assert cand.matrix.dtype == np.uint8 and cand.matrix.flags.f_contiguous
    assert {f.operationalisation for f in cand.factors} == {"proximity", "density"}
    assert cand.variables["cells"].tolist() == cand.matrix.sum(axis=0).tolist()


def test_identical_and_constant_columns_are_dropped_with_reasons():
    cells = _cells(10, 50.0)  # 500 m square
    far = shapely.points(np.array([[5000.0, 5000.0]]))  # no cell within 600 m
    one = shapely.points(np.array([[25.0, 25.0]]))
    bands = np.array([10.0, 20.0, 100.0])
    cand = build_candidates(
        cells,
        [
            FactorLayer("far", far, "point", "proximity"),
            FactorLayer("one", one, "point", "proximity"),
        ],
        bands,
        250_000,
    )
    reasons = dict(zip(cand.dropped["name"], cand.dropped["reason"], strict=True))
    assert reasons["far_proximity_10"] == "no cell qualifies"
    assert reasons["one_proximity_20"] == "same cells as one_proximity_10"
    assert cand.names == ["one_proximity_10", "one_proximity_100"]
    everywhere = build_candidates(
        cells,
        [FactorLayer("big", np.array([shapely.box(-10, -10, 600, 600)], dtype=object), "polygon")],
        bands,
        250_000,
    )
    assert set(everywhere.dropped["reason"]) == {"every cell qualifies"}
