"""Spatial helpers shared by the safety analytics (pure: numpy, shapely 2, pyproj; no geopandas).

- reading GeoJSON (points, lines, polygons) and CSV points into a :class:`Layer`;
- projecting lon/lat to a metric CRS (the local UTM zone, or any EPSG code);
- assigning points to polygons (e.g. the police beat of an alert);
- coarsening coordinates for public maps, so no exact location is shown (:func:`coarsen_to_grid`,
  :func:`coarsen_to_polygons`).

Coordinates are always handled in (x, y) = (easting, northing) or (lon, lat) order, whatever axis
order a CRS declares (pyproj ``always_xy=True``); GeoJSON is lon/lat (RFC 7946 §4).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from civicstat.safety.errors import SafetyInputError

GeometryKind = Literal["point", "line", "polygon", "mixed", "empty"]
WGS84 = "EPSG:4326"

_KIND_OF_TYPE = {
    "Point": "point",
    "MultiPoint": "point",
    "LineString": "line",
    "MultiLineString": "line",
    "LinearRing": "line",
    "Polygon": "polygon",
    "MultiPolygon": "polygon",
}


@dataclass(frozen=True, eq=False)
class Layer:
    """Geometries with one attribute row each, as read from one file.

    ``dropped`` counts the features that were not read, by reason (nothing is dropped silently).
    """

    geometries: np.ndarray
    attributes: pd.DataFrame
    crs: str
    source: str
    dropped: tuple[tuple[str, int], ...] = ()

    def __len__(self) -> int:
        return len(self.geometries)

    @property
    def kind(self) -> GeometryKind:
        """``point``, ``line`` or ``polygon`` when every geometry is of that family."""
        if len(self.geometries) == 0:
            return "empty"
        kinds = {_KIND_OF_TYPE.get(t, "mixed") for t in pd.unique(_type_names(self.geometries))}
        return kinds.pop() if len(kinds) == 1 else "mixed"  # type: ignore[return-value]

    def xy(self) -> np.ndarray:
        """``(n, 2)`` float array of point coordinates; the layer must hold single points."""
        types = set(pd.unique(_type_names(self.geometries)))
        if types - {"Point"}:
            raise SafetyInputError(
                self.source, f"expected single points, found geometry types {sorted(types)}"
            )
        return shapely.get_coordinates(self.geometries).reshape(-1, 2)

    def subset(self, mask: np.ndarray, reason: str | None = None) -> Layer:
        """The features where ``mask`` is true; the others are counted under ``reason``."""
        mask = np.asarray(mask, dtype=bool)
        dropped = self.dropped
        if reason is not None and int((~mask).sum()):
            dropped = (*dropped, (reason, int((~mask).sum())))
        return Layer(
            self.geometries[mask],
            self.attributes.loc[mask].reset_index(drop=True),
            self.crs,
            self.source,
            dropped,
        )

    def query(self, expression: str) -> Layer:
        """The features whose attributes satisfy a pandas ``DataFrame.query`` expression,
        e.g. ``title == "Robbery"``; column names with dots or spaces go in backticks."""
        try:
            mask = self.attributes.eval(expression, engine="python")
        except Exception as exc:  # pandas raises many types for a bad expression
            raise SafetyInputError(
                self.source,
                f"filter {expression!r} cannot be evaluated on columns "
                f"{list(self.attributes.columns)} ({exc})",
            ) from exc
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != (len(self),):
            raise SafetyInputError(
                self.source, f"filter {expression!r} must give one true/false value per feature"
            )
        return self.subset(mask, reason=f"not matching filter {expression}")

    def to_crs(self, crs: str) -> Layer:
        """The same features in another CRS."""
        if _same_crs(self.crs, crs):
            return self
        geoms = project_geometries(self.geometries, self.crs, crs)
        return Layer(geoms, self.attributes, crs, self.source, self.dropped)


def _type_names(geoms: np.ndarray) -> np.ndarray:
    names = np.array(
        ["Point", "LineString", "LinearRing", "Polygon", "MultiPoint"]
        + ["MultiLineString", "MultiPolygon", "GeometryCollection"]
    )
    ids = shapely.get_type_id(geoms)
    return np.where(ids >= 0, names[np.clip(ids, 0, 7)], "None")


# --- reading -----------------------------------------------------------------------------------


def read_layer(path: str | Path, **kwargs: object) -> Layer:
    """Read a ``.geojson``/``.json`` file with :func:`read_geojson` or a ``.csv`` file with
    :func:`read_csv_points` (keyword arguments are passed on)."""
    suffix = Path(path).suffix.lower()
    if suffix in {".geojson", ".json"}:
        return read_geojson(path)
    if suffix == ".csv":
        return read_csv_points(path, **kwargs)  # type: ignore[arg-type]
    raise SafetyInputError(path, "expected a .geojson, .json or .csv file")


def read_geojson(path: str | Path) -> Layer:
    """Read a GeoJSON FeatureCollection (or one Feature) into a :class:`Layer`.

    Nested properties are flattened with dots (``address.city``). Features without a geometry are
    counted in ``Layer.dropped``. A legacy ``crs`` member (GeoJSON 2008) is honoured; otherwise
    the coordinates are WGS84 lon/lat (RFC 7946).
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SafetyInputError(path, f"cannot be read as GeoJSON ({exc})") from exc
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        features = [doc]
    elif isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        features = doc.get("features") or []
    else:
        raise SafetyInputError(path, "expected a GeoJSON FeatureCollection or Feature")
    keep = [i for i, f in enumerate(features) if isinstance(f, dict) and f.get("geometry")]
    dropped = (("no geometry", len(features) - len(keep)),) if len(keep) < len(features) else ()
    geo = [features[i]["geometry"] for i in keep]
    if geo and all(g.get("type") == "Point" for g in geo):
        try:
            coords = np.array([g["coordinates"][:2] for g in geo], dtype=float)
        except (TypeError, ValueError, KeyError) as exc:
            raise SafetyInputError(path, f"point coordinates are not numbers ({exc})") from exc
        geoms = shapely.points(coords)
    else:
        geoms = np.empty(len(geo), dtype=object)
        for j, g in enumerate(geo):
            try:
                geoms[j] = shapely.geometry.shape(g)
            except Exception as exc:  # shapely raises several types for bad input
                raise SafetyInputError(
                    path, f"geometry is not valid GeoJSON ({exc})", where=f"feature {keep[j]}"
                ) from exc
    props = [features[i].get("properties") or {} for i in keep]
    attributes = pd.json_normalize(props, sep=".") if props else pd.DataFrame(index=range(0))
    return Layer(
        np.asarray(geoms, dtype=object), attributes, _geojson_crs(doc, path), str(path), dropped
    )


def _geojson_crs(doc: dict, path: Path) -> str:
    name = ((doc.get("crs") or {}).get("properties") or {}).get("name")
    if not name or name.endswith("CRS84") or name.endswith("CRS:84"):
        return WGS84
    try:
        code = pyproj.CRS.from_user_input(name).to_epsg()
    except pyproj.exceptions.CRSError as exc:
        raise SafetyInputError(path, f"unknown crs {name!r}", where="crs") from exc
    return f"EPSG:{code}" if code else name


def read_csv_points(
    path: str | Path,
    x: str = "longitude",
    y: str = "latitude",
    crs: str = WGS84,
    **read_csv_kwargs: object,
) -> Layer:
    """Read points from two coordinate columns of a CSV file.

    Rows whose coordinates are empty or not numbers are counted in ``Layer.dropped``.
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path, **read_csv_kwargs)  # type: ignore[arg-type]
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise SafetyInputError(path, f"cannot be read as CSV ({exc})") from exc
    missing = [c for c in (x, y) if c not in frame.columns]
    if missing:
        raise SafetyInputError(
            path, f"expected coordinate columns {x!r} and {y!r}; missing {missing}"
        )
    xs = pd.to_numeric(frame[x], errors="coerce").to_numpy(dtype=float)
    ys = pd.to_numeric(frame[y], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(xs) & np.isfinite(ys)
    dropped = (("coordinates empty or not numbers", int((~ok).sum())),) if (~ok).any() else ()
    attributes = frame.loc[ok].drop(columns=[x, y]).reset_index(drop=True)
    geoms = shapely.points(np.column_stack([xs[ok], ys[ok]]))
    return Layer(np.asarray(geoms, dtype=object), attributes, crs, str(path), dropped)


# --- projection --------------------------------------------------------------------------------


def _same_crs(a: str, b: str) -> bool:
    return a == b or pyproj.CRS.from_user_input(a) == pyproj.CRS.from_user_input(b)


@lru_cache(maxsize=32)
def transformer(src: str, dst: str) -> pyproj.Transformer:
    """A cached pyproj transformer in (x, y) = (lon, lat) order."""
    return pyproj.Transformer.from_crs(src, dst, always_xy=True)


def utm_crs(lon: float, lat: float) -> str:
    """The WGS84 UTM zone holding (lon, lat), as ``EPSG:326zz`` (north) or ``EPSG:327zz``."""
    zone = min(60, max(1, int(math.floor((lon + 180.0) / 6.0)) + 1))
    return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"


def metric_crs(spec: str, lonlat_bounds: Sequence[float]) -> str:
    """``spec`` if it names a projected CRS in metres; ``"auto"`` gives the UTM zone of the
    centre of ``lonlat_bounds`` (minx, miny, maxx, maxy)."""
    if spec == "auto":
        minx, miny, maxx, maxy = lonlat_bounds
        return utm_crs((minx + maxx) / 2, (miny + maxy) / 2)
    crs = pyproj.CRS.from_user_input(spec)
    units = {axis.unit_name for axis in crs.axis_info}
    if not crs.is_projected or units - {"metre"}:
        raise SafetyInputError(spec, f"expected a projected CRS in metres, found units {units}")
    return spec


def project_xy(xy: np.ndarray, src: str, dst: str) -> np.ndarray:
    """``(n, 2)`` coordinates from ``src`` to ``dst``."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if _same_crs(src, dst):
        return xy.copy()
    x, y = transformer(src, dst).transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def project_geometries(geoms: np.ndarray, src: str, dst: str) -> np.ndarray:
    """Shapely geometries from ``src`` to ``dst`` (vectorised over all coordinates)."""
    return shapely.transform(np.asarray(geoms, dtype=object), lambda xy: project_xy(xy, src, dst))


def union_polygons(layer: Layer) -> BaseGeometry:
    """The union of a polygon layer's geometries (invalid rings repaired first)."""
    if layer.kind != "polygon":
        raise SafetyInputError(layer.source, f"expected polygons, found {layer.kind} geometries")
    return shapely.union_all(shapely.make_valid(layer.geometries))


# --- points and polygons -------------------------------------------------------------------------


def assign_to_polygons(xy: np.ndarray, polygons: Sequence[BaseGeometry] | np.ndarray) -> np.ndarray:
    """Index of the polygon holding each point, or -1 for points in none.

    A point on a boundary shared by several polygons goes to the one listed first, so every point
    gets exactly one polygon.
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    tree = shapely.STRtree(np.asarray(polygons, dtype=object))
    point_idx, poly_idx = tree.query(shapely.points(xy), predicate="intersects")
    out = np.full(len(xy), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(out, point_idx, poly_idx)
    out[out == np.iinfo(np.int64).max] = -1
    return out


# --- coarsening for public maps ------------------------------------------------------------------

_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0


@dataclass(frozen=True, eq=False)
class CoarsenedPoints:
    """Points replaced by the centre of their grid cell (``xy``), with the cell indices.

    Every point of a cell gets the same centre, so the published location says only which cell
    of side ``cell_size`` (anchored at ``origin``) the event was in.
    """

    xy: np.ndarray
    col: np.ndarray
    row: np.ndarray
    cell_size: float
    origin: tuple[float, float]


def coarsen_to_grid(
    xy: np.ndarray, cell_size: float, origin: tuple[float, float] | None = None
) -> CoarsenedPoints:
    """Snap projected points to the centres of square cells of side ``cell_size``.

    Each coordinate moves by at most ``cell_size / 2``. The default origin sits at an irrational
    fraction (the golden ratio) of a cell, so cell centres never fall on round coordinates; if a
    point still lies exactly on its cell centre, the whole grid is shifted (deterministically) until
    no point does, so a published centre never equals a true location.
    """
    if not cell_size > 0:
        raise SafetyInputError("coarsen_to_grid", f"cell_size must be positive, got {cell_size}")
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    ox, oy = origin if origin is not None else (_GOLDEN * cell_size, _GOLDEN * cell_size)
    for attempt in range(64):
        shift = (attempt * _GOLDEN / 7.0 % 1.0) * cell_size
        x0, y0 = ox + shift, oy + shift
        col = np.floor((xy[:, 0] - x0) / cell_size).astype(np.int64)
        row = np.floor((xy[:, 1] - y0) / cell_size).astype(np.int64)
        centre = np.column_stack([x0 + (col + 0.5) * cell_size, y0 + (row + 0.5) * cell_size])
        if not np.any(np.all(centre == xy, axis=1)):
            return CoarsenedPoints(centre, col, row, float(cell_size), (x0, y0))
    raise SafetyInputError("coarsen_to_grid", "could not place a grid with no point on a centre")


def coarsen_lonlat(
    lon: np.ndarray, lat: np.ndarray, cell_size_m: float, crs: str = "auto"
) -> tuple[np.ndarray, np.ndarray]:
    """Coarsen WGS84 points to the centres of ``cell_size_m`` metre cells of a metric CRS
    (the local UTM zone by default) and return the centres as lon/lat."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if len(lon) == 0:
        return lon.copy(), lat.copy()
    target = metric_crs(crs, (lon.min(), lat.min(), lon.max(), lat.max()))
    snapped = coarsen_to_grid(project_xy(np.column_stack([lon, lat]), WGS84, target), cell_size_m)
    back = project_xy(snapped.xy, target, WGS84)
    return back[:, 0], back[:, 1]


def coarsen_to_polygons(
    xy: np.ndarray, polygons: Sequence[BaseGeometry] | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Replace each point by a representative point of the polygon holding it (e.g. its beat).

    Returns the polygon index per point (-1 outside all) and the ``(n, 2)`` representative points
    (NaN outside all). The representative point is shapely's ``point_on_surface``, which lies
    inside the polygon, unlike a centroid.
    """
    idx = assign_to_polygons(xy, polygons)
    reps = shapely.get_coordinates(shapely.point_on_surface(np.asarray(polygons, dtype=object)))
    out = np.full((len(idx), 2), np.nan)
    out[idx >= 0] = reps[idx[idx >= 0]]
    return idx, out
