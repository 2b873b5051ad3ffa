"""Tests of civicstat.safety.spatial: reading, projecting, point-in-polygon, coarsening."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

from civicstat.safety.errors import SafetyInputError
from civicstat.safety.spatial import (
    assign_to_polygons,
    coarsen_lonlat,
    coarsen_to_grid,
    coarsen_to_polygons,
    metric_crs,
    project_xy,
    read_csv_points,
    read_geojson,
    read_layer,
    union_polygons,
    utm_crs,
)


def _write(path, doc):
    path.write_text(json.dumps(doc))
    return path


def test_read_geojson_flattens_properties_and_counts_missing_geometry(tmp_path):
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [-78.9, 35.99]},
                "properties": {"title": "A", "address": {"city": "Durham", "zip": "27701"}},
            },
            {"type": "Feature", "geometry": None, "properties": {"title": "B"}},
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [-78.8, 36.0, 12.0]},
                "properties": {"title": "C", "address": {"city": "Durham"}},
            },
        ],
    }
    layer = read_geojson(_write(tmp_path / "p.geojson", doc))
    assert len(layer) == 2
    assert layer.kind == "point"
    assert layer.crs == "EPSG:4326"
    assert list(layer.attributes["title"]) == ["A", "C"]
    assert list(layer.attributes["address.city"]) == ["Durham", "Durham"]
    assert layer.dropped == (("no geometry", 1),)
    np.testing.assert_allclose(layer.xy(), [[-78.9, 35.99], [-78.8, 36.0]])


def test_read_geojson_lines_polygons_and_legacy_crs(tmp_path):
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32617"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"k": 1},
                "geometry": {"type": "LineString", "coordinates": [[0, 0], [3, 4]]},
            },
            {
                "type": "Feature",
                "properties": {"k": 2},
                "geometry": {"type": "MultiLineString", "coordinates": [[[0, 0], [1, 0]]]},
            },
        ],
    }
    layer = read_geojson(_write(tmp_path / "l.geojson", doc))
    assert layer.kind == "line"
    assert layer.crs == "EPSG:32617"
    assert shapely.length(layer.geometries).tolist() == [5.0, 1.0]
    poly = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 0]]]},
    }
    assert read_geojson(_write(tmp_path / "one.geojson", poly)).kind == "polygon"
    mixed = {"type": "FeatureCollection", "features": [doc["features"][0], poly]}
    assert read_geojson(_write(tmp_path / "m.geojson", mixed)).kind == "mixed"


def test_read_geojson_errors_name_the_file(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json")
    with pytest.raises(SafetyInputError, match="bad.geojson"):
        read_geojson(bad)
    wrong = _write(tmp_path / "wrong.geojson", {"type": "Topology"})
    with pytest.raises(SafetyInputError, match="wrong.geojson.*FeatureCollection"):
        read_geojson(wrong)
    broken = _write(
        tmp_path / "broken.geojson",
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {"type": "Polygon", "coordinates": 5},
                },
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {"type": "Point", "coordinates": [0, 0]},
                },
            ],
        },
    )
    with pytest.raises(SafetyInputError, match="broken.geojson: feature 0"):
        read_geojson(broken)
    with pytest.raises(SafetyInputError, match=r"\.shp"):
        read_layer(tmp_path / "x.shp")


def test_read_csv_points_counts_bad_coordinates(tmp_path):
    path = tmp_path / "alerts.csv"
    path.write_text(
        "id,lat,lon,rounds\n1,35.99,-78.90,3\n2,,-78.91,1\n3,abc,-78.9,2\n4,36.0,-78.8,5\n"
    )
    layer = read_csv_points(path, x="lon", y="lat")
    assert len(layer) == 2
    assert layer.dropped == (("coordinates empty or not numbers", 2),)
    assert list(layer.attributes["id"]) == [1, 4]
    assert "lat" not in layer.attributes.columns
    with pytest.raises(SafetyInputError, match="alerts.csv.*'longitude'"):
        read_csv_points(path)


def test_filter_query_and_bad_filter(tmp_path):
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [i, i]},
                "properties": {"title": t},
            }
            for i, t in enumerate(["Robbery", "Assault", "Robbery"])
        ],
    }
    layer = read_geojson(_write(tmp_path / "c.geojson", doc))
    robberies = layer.query('title == "Robbery"')
    assert len(robberies) == 2
    assert robberies.dropped == (('not matching filter title == "Robbery"', 1),)
    with pytest.raises(SafetyInputError, match="c.geojson.*nosuchcolumn"):
        layer.query("nosuchcolumn == 1")


def test_utm_zone_and_metric_crs():
    assert utm_crs(-78.9, 35.99) == "EPSG:32617"  # Durham
    assert utm_crs(151.2, -33.9) == "EPSG:32756"  # Sydney
    assert utm_crs(-180.0, 10.0) == "EPSG:32601"
    assert metric_crs("auto", (-79.0, 35.9, -78.8, 36.1)) == "EPSG:32617"
    with pytest.raises(SafetyInputError, match="metres"):
        metric_crs("EPSG:2264", (0, 0, 0, 0))  # NC State Plane in US feet
    with pytest.raises(SafetyInputError, match="metres"):
        metric_crs("EPSG:4326", (0, 0, 0, 0))


def test_projection_preserves_distances_against_geodesic():
    lonlat = np.array([[-78.90, 35.99], [-78.85, 36.02], [-78.95, 35.95]])
    xy = project_xy(lonlat, "EPSG:4326", "EPSG:32617")
    geod = pyproj.Geod(ellps="WGS84")
    for i, j in [(0, 1), (0, 2), (1, 2)]:
        _, _, true = geod.inv(*lonlat[i], *lonlat[j])
        planar = float(np.hypot(*(xy[i] - xy[j])))
        assert abs(planar - true) / true < 1e-3  # UTM scale error is < 0.1 % near the meridian
    back = project_xy(xy, "EPSG:32617", "EPSG:4326")
    np.testing.assert_allclose(back, lonlat, atol=1e-9)


def test_layer_to_crs_projects_every_vertex(tmp_path):
    doc = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "LineString", "coordinates": [[-78.9, 35.99], [-78.8, 36.0]]},
    }
    layer = read_geojson(_write(tmp_path / "l.geojson", doc)).to_crs("EPSG:32617")
    coords = shapely.get_coordinates(layer.geometries)
    np.testing.assert_allclose(
        coords, project_xy(np.array([[-78.9, 35.99], [-78.8, 36.0]]), "EPSG:4326", "EPSG:32617")
    )
    assert layer.crs == "EPSG:32617"


def test_assign_to_polygons_against_brute_force():
    left = shapely.box(0, 0, 10, 10)
    right = shapely.box(10, 0, 20, 10)
    ring = shapely.box(30, 0, 40, 10).difference(shapely.box(33, 3, 37, 7))
    polys = [left, right, ring]
    rng = np.random.default_rng(0)
    xy = np.vstack([rng.uniform(-2, 42, size=(300, 2)), [[10, 5], [35, 5], [50, 50]]])
    got = assign_to_polygons(xy, polys)
    for (x, y), g in zip(xy, got, strict=True):
        holders = [i for i, p in enumerate(polys) if p.intersects(shapely.Point(x, y))]
        assert g == (holders[0] if holders else -1)
    assert got[-3] == 0  # on the shared edge: the first polygon listed
    assert got[-2] == -1  # in the ring's hole
    assert got[-1] == -1


def test_union_polygons_requires_polygons(tmp_path):
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]],
                },
            },
            {
                "type": "Feature",
                "properties": {},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[1, 0], [3, 0], [3, 2], [1, 2], [1, 0]]],
                },
            },
        ],
    }
    union = union_polygons(read_geojson(_write(tmp_path / "a.geojson", doc)))
    assert union.area == pytest.approx(6.0)
    pts = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Point", "coordinates": [0, 0]},
    }
    with pytest.raises(SafetyInputError, match="expected polygons"):
        union_polygons(read_geojson(_write(tmp_path / "p.geojson", pts)))


@pytest.mark.parametrize("cell", [50.0, 100.0, 250.0])
def test_coarsen_to_grid_never_exact_and_within_half_a_cell(cell):
    rng = np.random.default_rng(1)
    random_pts = rng.uniform(680_000, 690_000, size=(2000, 2))
    lattice = np.stack(np.meshgrid(np.arange(0, 1000, 25.0), np.arange(0, 1000, 25.0)), -1)
    lattice = lattice.reshape(-1, 2) + 680_000  # round coordinates, the likeliest to collide
    xy = np.vstack([random_pts, lattice])
    out = coarsen_to_grid(xy, cell)
    assert not np.any(np.all(out.xy == xy, axis=1))
    assert np.all(np.abs(out.xy - xy) <= cell / 2 + 1e-9)
    # independent: every point's centre is the centre of the floor cell of the reported origin
    ox, oy = out.origin
    cx = ox + (np.floor((xy[:, 0] - ox) / cell) + 0.5) * cell
    cy = oy + (np.floor((xy[:, 1] - oy) / cell) + 0.5) * cell
    np.testing.assert_allclose(out.xy, np.column_stack([cx, cy]))
    # all points of one cell share one published location
    frame = pd.DataFrame({"c": out.col, "r": out.row, "x": out.xy[:, 0], "y": out.xy[:, 1]})
    assert (frame.groupby(["c", "r"])[["x", "y"]].nunique() == 1).all().all()


def test_coarsen_to_grid_shifts_when_a_point_sits_on_a_centre():
    cell = 100.0
    first = coarsen_to_grid(np.array([[5.0, 5.0]]), cell)
    centre = first.xy.copy()  # a point exactly on a centre of the default grid
    out = coarsen_to_grid(np.vstack([centre, [[1234.5, 987.6]]]), cell)
    assert out.origin != first.origin
    assert not np.any(np.all(out.xy == np.vstack([centre, [[1234.5, 987.6]]]), axis=1))
    assert np.all(np.abs(out.xy[0] - centre[0]) <= cell / 2)
    with pytest.raises(SafetyInputError):
        coarsen_to_grid(centre, 0.0)


def test_coarsen_lonlat_moves_at_most_half_a_cell_diagonal():
    rng = np.random.default_rng(2)
    lon = rng.uniform(-78.95, -78.85, 500)
    lat = rng.uniform(35.95, 36.05, 500)
    clon, clat = coarsen_lonlat(lon, lat, 200.0)
    assert not np.any((clon == lon) & (clat == lat))
    _, _, dist = pyproj.Geod(ellps="WGS84").inv(lon, lat, clon, clat)
    assert np.all(dist <= 200.0 * np.sqrt(2) / 2 * 1.001)
    assert len(set(zip(clon.round(9), clat.round(9), strict=True))) < len(lon)


def test_coarsen_to_polygons_gives_a_point_inside_the_polygon():
    c_shape = shapely.Polygon(
        [(0, 0), (10, 0), (10, 2), (2, 2), (2, 8), (10, 8), (10, 10), (0, 10)]
    )
    square = shapely.box(20, 0, 30, 10)
    idx, reps = coarsen_to_polygons(np.array([[1, 1], [25, 5], [50, 50]]), [c_shape, square])
    assert idx.tolist() == [0, 1, -1]
    assert c_shape.contains(shapely.Point(reps[0]))
    assert square.contains(shapely.Point(reps[1]))
    assert np.isnan(reps[2]).all()


@pytest.mark.shared_data
def test_durham_beats_and_crime_points(shared_data):
    beats = read_geojson(shared_data / "durham-geo-layers/durham_police_beats_converted.geojson")
    assert len(beats) == 119
    assert beats.kind == "polygon"
    crimes = read_geojson(shared_data / "durham-crime-2013/durham_all_crimes_2013.geojson")
    assert len(crimes) == 12192
    assert crimes.attributes["title"].value_counts()["Robbery"] == 531
    sample = crimes.subset(np.arange(len(crimes)) % 60 == 0)
    polys = shapely.make_valid(beats.geometries)
    got = assign_to_polygons(sample.xy(), polys)
    for (x, y), g in zip(sample.xy(), got, strict=True):
        holders = [i for i, p in enumerate(polys) if p.intersects(shapely.Point(x, y))]
        assert g == (holders[0] if holders else -1)
    assert (got >= 0).mean() > 0.9
