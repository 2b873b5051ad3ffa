"""Risk terrain zones in the warehouse, so measures can break counts down by zone
(docs/risk-terrain.md, "Zones as a breakdown").

``civicstat rtm run ... --publish KEY`` writes two datasets through ingest (contracts
``rtm_zone_sets`` and ``rtm_zone_cells``): the model's raster and every study-area cell with its
class and zone membership. A point's cell is found by the derived view ``crime_incidents_rtm``
with plain arithmetic: easting and northing are a cubic polynomial in longitude and latitude,
fitted here to the exact projection over the study area's box (under a millimetre over a city;
the largest error found is stored with the zone set, and a fit worse than
``MAX_FIT_ERROR_M`` is refused). So every backend can run it, without a spatial extension, and a
crime loaded after the model ran is placed like any other.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from civicstat.safety.errors import SafetyInputError
from civicstat.safety.risk_terrain import RTMResult, high_risk_zones
from civicstat.safety.spatial import WGS84, project_xy
from civicstat.warehouse import Registry, identity_mapping, ingest
from civicstat.warehouse.store import LOADS, q

SETS, CELLS = "rtm_zone_sets", "rtm_zone_cells"
MAX_FIT_ERROR_M = 0.05
BOX_MARGIN_DEG = 0.002


@dataclass(frozen=True)
class LonLatPolynomial:
    """Easting and northing as cubic polynomials of ``u = lon - lon0``, ``v = lat - lat0``."""

    lon0: float
    lat0: float
    x: tuple[float, ...]
    y: tuple[float, ...]
    box: tuple[float, float, float, float]  # lon_min, lat_min, lon_max, lat_max
    max_error_m: float

    def apply(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        terms = _terms(np.asarray(lon, float) - self.lon0, np.asarray(lat, float) - self.lat0)
        return np.column_stack([terms @ np.array(self.x), terms @ np.array(self.y)])


def _terms(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return np.column_stack(
        [np.ones_like(u), u, v, u * u, u * v, v * v, u**3, u * u * v, u * v * v, v**3]
    )


def fit_polynomial(crs: str, box: tuple[float, float, float, float]) -> LonLatPolynomial:
    """Least-squares fit on a 41 × 41 lattice over ``box`` (lon/lat); the error is measured on a
    second, finer and shifted lattice."""
    lon_min, lat_min, lon_max, lat_max = box
    lon0, lat0 = (lon_min + lon_max) / 2, (lat_min + lat_max) / 2

    def lattice(n: int, shift: float) -> tuple[np.ndarray, np.ndarray]:
        a = lon_min + (np.arange(n) + shift) / (n - 1 + 2 * shift) * (lon_max - lon_min)
        b = lat_min + (np.arange(n) + shift) / (n - 1 + 2 * shift) * (lat_max - lat_min)
        lon, lat = np.meshgrid(a, b)
        return lon.ravel(), lat.ravel()

    lon, lat = lattice(41, 0.0)
    xy = project_xy(np.column_stack([lon, lat]), WGS84, crs)
    terms = _terms(lon - lon0, lat - lat0)
    cx = np.linalg.lstsq(terms, xy[:, 0], rcond=None)[0]
    cy = np.linalg.lstsq(terms, xy[:, 1], rcond=None)[0]
    clon, clat = lattice(97, 0.37)
    exact = project_xy(np.column_stack([clon, clat]), WGS84, crs)
    fitted = _terms(clon - lon0, clat - lat0)
    error = float(np.max(np.hypot(fitted @ cx - exact[:, 0], fitted @ cy - exact[:, 1])))
    if error > MAX_FIT_ERROR_M:
        raise SafetyInputError(
            crs,
            f"the study area is too large to place points by polynomial: the fit is off by "
            f"{error:.3f} m (more than {MAX_FIT_ERROR_M} m); split the study area",
        )
    return LonLatPolynomial(lon0, lat0, tuple(map(float, cx)), tuple(map(float, cy)), box, error)


def raster_box(result: RTMResult) -> tuple[float, float, float, float]:
    """The lon/lat box around the model's raster, with a small margin."""
    g = result.grid
    x0, y0 = g.origin
    x1, y1 = x0 + g.n_cols * g.cell_size, y0 + g.n_rows * g.cell_size
    xs = np.linspace(x0, x1, 9)
    ys = np.linspace(y0, y1, 9)
    edge = np.vstack(
        [
            np.column_stack([xs, np.full(9, y0)]),
            np.column_stack([xs, np.full(9, y1)]),
            np.column_stack([np.full(9, x0), ys]),
            np.column_stack([np.full(9, x1), ys]),
        ]
    )
    ll = project_xy(edge, g.crs, WGS84)
    m = BOX_MARGIN_DEG
    return (
        float(ll[:, 0].min() - m),
        float(ll[:, 1].min() - m),
        float(ll[:, 0].max() + m),
        float(ll[:, 1].max() + m),
    )


@dataclass(frozen=True, eq=False)
class ZoneTables:
    zone_set: dict
    cells: list[dict]
    polynomial: LonLatPolynomial


def zone_tables(result: RTMResult, zone_set: str, computed_at: dt.datetime) -> ZoneTables:
    """The rows ``--publish`` writes for one zone set."""
    zones = high_risk_zones(result)
    poly = fit_polynomial(result.grid.crs, raster_box(result))
    cfg, g = result.config, result.grid
    lon_min, lat_min, lon_max, lat_max = poly.box
    rank = result.class_labels.index(zones.min_class)
    row = {
        "zone_set": zone_set,
        "title": cfg.title or cfg.name,
        "outcome_label": cfg.outcome_label,
        "min_class": zones.min_class,
        "crs": g.crs,
        "cell_size": g.cell_size,
        "origin_x": g.origin[0],
        "origin_y": g.origin[1],
        "n_cols": g.n_cols,
        "n_rows": g.n_rows,
        "zone_cells": zones.n_cells,
        "study_cells": g.n_cells,
        "lon0": poly.lon0,
        "lat0": poly.lat0,
        "lon_min": lon_min,
        "lon_max": lon_max,
        "lat_min": lat_min,
        "lat_max": lat_max,
        "fit_max_error_m": poly.max_error_m,
        "train_start": cfg.train.start,
        "train_end": cfg.train.end,
        "test_start": cfg.test.start,
        "test_end": cfg.test.end,
        "computed_at": computed_at,
    }
    row.update({f"x_c{i}": c for i, c in enumerate(poly.x)})
    row.update({f"y_c{i}": c for i, c in enumerate(poly.y)})
    cells = result.cells
    rows = [
        {
            "zone_set": zone_set,
            "cell_id": int(c.cell_id),
            "col": int(c.col),
            "row": int(c.row),
            "rrs": float(c.rrs),
            "risk_class": str(c.risk_class),
            "class_rank": int(c.class_rank),
            "in_zone": bool(c.class_rank >= rank),
            "computed_at": computed_at,
        }
        for c in cells.itertuples(index=False)
    ]
    return ZoneTables(row, rows, poly)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _write_csv(path: Path, columns: tuple[str, ...], rows: Iterator[dict] | list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])


@dataclass(frozen=True)
class ZoneLoad:
    dataset: str
    load_id: int
    rows: int
    quarantined: int
    removed: int


def write_zone_tables(con, tables: ZoneTables, registry: Registry | None = None) -> list[ZoneLoad]:
    """Load the zone set's rows through ingest (contracts, load log) and remove the rows an
    earlier run wrote for the same zone set and no longer has. Other zone sets are untouched.
    A quarantined row (which would mean a bug here) is an error: nothing is half-written."""
    registry = registry or Registry()
    key = tables.zone_set["zone_set"]
    out = []
    with tempfile.TemporaryDirectory(prefix="civicstat-rtm-") as tmp:
        for dataset, rows in ((SETS, [tables.zone_set]), (CELLS, tables.cells)):
            contract = registry.contract(dataset)
            path = Path(tmp) / f"{dataset}.csv"
            _write_csv(path, contract.column_names, rows)
            report = ingest(
                con, contract, [path], identity_mapping(contract), progress=False, force=True
            )
            loaded = report.files[0]
            if loaded.quarantined:
                raise SafetyInputError(
                    dataset,
                    f"{loaded.quarantined} zone rows were quarantined "
                    f"(load {loaded.load_id}); see `civicstat ingest` logs",
                )
            out.append(
                ZoneLoad(
                    dataset,
                    loaded.load_id,
                    len(rows),
                    loaded.quarantined,
                    _remove_stale(con, dataset, key, loaded.load_id),
                )
            )
    return out


def _remove_stale(con, dataset: str, zone_set: str, load_id: int) -> int:
    raw = con.con
    table = q(dataset)
    where = "zone_set = ? AND _load_id <> ?"
    removed = int(
        raw.execute(f"SELECT count(*) FROM {table} WHERE {where}", [zone_set, load_id]).fetchall()[
            0
        ][0]
    )
    if removed:
        raw.execute(f"DELETE FROM {table} WHERE {where}", [zone_set, load_id])
        note = f"replaced zone set {zone_set}: {removed} rows of earlier runs removed"
        raw.execute(
            f"UPDATE {LOADS} SET message = CASE WHEN coalesce(message, '') = '' THEN ? "
            "ELSE message || '; ' || ? END WHERE load_id = ?",
            [note, note, load_id],
        )
    return removed
