"""Tests of the RTM grid (methods.md §1.2): centroid rule, point counting, tiles, block length."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from civicstat.safety.errors import SafetyInputError
from civicstat.safety.risk_terrain.grid import make_grid, mean_block_length
from civicstat.safety.spatial import Layer


def _l_shape():
    return shapely.Polygon([(0, 0), (1000, 0), (1000, 400), (400, 400), (400, 1000), (0, 1000)])


def test_cells_are_those_whose_centroid_is_inside():
    boundary = _l_shape()
    grid = make_grid(boundary, 100.0, "EPSG:32617")
    expected = [
        (c, r)
        for r in range(10)
        for c in range(10)
        if boundary.contains(shapely.Point(c * 100 + 50, r * 100 + 50))
    ]
    assert grid.n_cells == len(expected) == 64  # 10x10 minus the 6x6 notch
    assert sorted(zip(grid.col.tolist(), grid.row.tolist(), strict=True)) == sorted(expected)
    np.testing.assert_allclose(grid.x, grid.col * 100 + 50)
    assert grid.cell_area == 10_000
    assert grid.area.sum() == pytest.approx(boundary.area)


def test_centroid_rule_on_a_boundary_that_cuts_cells():
    circle = shapely.Point(0, 0).buffer(500, quad_segs=64)
    grid = make_grid(circle, 70.0, "EPSG:32617")
    minx, miny = circle.bounds[:2]
    cx = minx + (np.arange(20) + 0.5) * 70
    cy = miny + (np.arange(20) + 0.5) * 70
    gx, gy = np.meshgrid(cx, cy)
    inside = np.hypot(gx, gy) < 500  # the polygon is inscribed: a hair inside the true circle
    assert abs(grid.n_cells - int(inside.sum())) <= 4
    assert np.all(circle.contains(shapely.points(grid.xy)))


def test_counting_points_into_cells_and_outside():
    grid = make_grid(_l_shape(), 100.0, "EPSG:32617")
    pts = np.array([[50, 50], [99.9, 99.9], [150, 50], [950, 350], [700, 700], [-5, 5], [1000, 0]])
    idx = grid.cell_of(pts)
    assert idx[0] == idx[1] != -1  # both in cell (0, 0)
    assert (grid.col[idx[2]], grid.row[idx[2]]) == (1, 0)
    assert (grid.col[idx[3]], grid.row[idx[3]]) == (9, 3)
    assert idx[4] == -1  # in the notch
    assert idx[5] == -1 and idx[6] == -1  # left of the grid; on its right edge (half-open cells)
    counts, outside = grid.count(pts)
    assert counts.sum() == 4 and outside == 3
    assert counts[idx[0]] == 2


def test_polygons_and_tiles():
    grid = make_grid(shapely.box(0, 0, 1000, 1000), 100.0, "EPSG:32617")
    polys = grid.polygons(np.array([0, 11]))
    assert polys[0].equals(shapely.box(0, 0, 100, 100))
    assert polys[1].equals(shapely.box(100, 100, 200, 200))
    tiles = grid.tiles(5)
    assert len(np.unique(tiles)) == 4
    for t in np.unique(tiles):
        members = tiles == t
        assert members.sum() == 25
        assert np.ptp(grid.col[members]) == 4 and np.ptp(grid.row[members]) == 4


def test_grid_errors():
    with pytest.raises(SafetyInputError, match="positive"):
        make_grid(shapely.box(0, 0, 10, 10), 0, "EPSG:32617")
    with pytest.raises(SafetyInputError, match="metres"):
        make_grid(shapely.box(0, 0, 100_000, 100_000), 0.01, "EPSG:32617")
    with pytest.raises(SafetyInputError, match="no area"):
        make_grid(shapely.Polygon(), 10, "EPSG:32617")


def test_mean_block_length_is_the_mean_segment_length():
    streets = np.array(
        [
            shapely.LineString([(0, 0), (100, 0)]),
            shapely.MultiLineString([[(0, 0), (0, 60)], [(5, 5), (5, 185)]]),
        ],
        dtype=object,
    )
    layer = Layer(streets, pd.DataFrame(index=range(2)), "EPSG:32617", "streets")
    assert mean_block_length(layer) == pytest.approx((100 + 60 + 180) / 3)
    pts = Layer(
        np.array([shapely.Point(0, 0)], dtype=object),
        pd.DataFrame(index=range(1)),
        "EPSG:32617",
        "pts.geojson",
    )
    with pytest.raises(SafetyInputError, match="pts.geojson.*street lines"):
        mean_block_length(pts)
