"""A synthetic RTM world with a known answer, written as real GeoJSON files (used by the RTM tests
and the benchmark's quick mode).

A square study area of ``side`` metres in UTM zone 17N is covered by cells of ``block/2``. A
"planted" point factor raises the Poisson rate of every cell whose centroid lies within
``planted_distance`` of one of its points by ``rrv``; a "noise" point factor has no effect.
Event counts are drawn per cell for the training and test windows and placed uniformly inside
their cell, so the proximity indicator used to generate them is exactly the candidate variable
``planted_proximity_<planted_distance>``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from civicstat.safety.spatial import project_xy

CRS = "EPSG:32617"
ORIGIN = (680_000.0, 3_980_000.0)  # near Durham, NC


@dataclass(frozen=True)
class World:
    """The files written and the truth they were generated from."""

    config: dict
    root: Path
    planted_cells: np.ndarray
    rrv: float
    base_rate: float


def _lonlat(xy: np.ndarray) -> np.ndarray:
    return project_xy(xy, CRS, "EPSG:4326")


def _points_geojson(xy: np.ndarray, props: list[dict]) -> dict:
    ll = _lonlat(xy)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(a), float(b)]},
                "properties": p,
            }
            for (a, b), p in zip(ll, props, strict=True)
        ],
    }


def write_world(
    root: Path,
    seed: int = 7,
    side: float = 3000.0,
    block: float = 100.0,
    rrv: float = 4.0,
    base_rate: float = 0.15,
    planted_distance: float = 100.0,
    n_planted: int = 25,
    n_noise: int = 25,
    dispersion: float = 0.0,
) -> World:
    """Write boundary, outcome and factor files under ``root``; return the config mapping.

    ``dispersion > 0`` draws NB2 counts (Var = μ + dispersion·μ²) instead of Poisson ones.
    """
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    x0, y0 = ORIGIN
    square = np.array(
        [[x0, y0], [x0 + side, y0], [x0 + side, y0 + side], [x0, y0 + side], [x0, y0]]
    )
    boundary = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "Polygon", "coordinates": [_lonlat(square).tolist()]},
            }
        ],
    }
    (root / "boundary.geojson").write_text(json.dumps(boundary))

    margin = 150.0
    planted = rng.uniform(
        [x0 + margin, y0 + margin], [x0 + side - margin, y0 + side - margin], size=(n_planted, 2)
    )
    noise = rng.uniform(
        [x0 + margin, y0 + margin], [x0 + side - margin, y0 + side - margin], size=(n_noise, 2)
    )
    (root / "planted.geojson").write_text(
        json.dumps(_points_geojson(planted, [{"id": i} for i in range(n_planted)]))
    )
    (root / "noise.geojson").write_text(
        json.dumps(_points_geojson(noise, [{"id": i} for i in range(n_noise)]))
    )

    # Cells as run_rtm will build them: projecting the lon/lat square back gives (almost) the
    # same square, and the grid starts at its lower-left corner.
    cell = block / 2
    n = int(round(side / cell))
    cols, rows = np.meshgrid(np.arange(n), np.arange(n))
    cx = x0 + (cols.ravel() + 0.5) * cell
    cy = y0 + (rows.ravel() + 0.5) * cell
    dist, _ = cKDTree(planted).query(np.column_stack([cx, cy]))
    on = dist <= planted_distance
    rate = base_rate * np.where(on, rrv, 1.0)

    events, props = [], []
    for window, (start, days) in {
        "train": ("2020-01-01", 240),
        "test": ("2020-09-01", 120),
    }.items():
        lam = rate * days / 240
        if dispersion > 0:
            shape = 1 / dispersion
            lam = rng.gamma(shape, lam / shape)
        counts = rng.poisson(lam)
        idx = np.repeat(np.arange(len(counts)), counts)
        jitter = rng.uniform(0.05 * cell, 0.95 * cell, size=(len(idx), 2))
        events.append(np.column_stack([cx[idx] - cell / 2, cy[idx] - cell / 2]) + jitter)
        day = np.datetime64(start) + rng.integers(0, days, size=len(idx)).astype("timedelta64[D]")
        props += [{"kind": "robbery", "date": str(d), "window": window} for d in day]
    xy = np.vstack(events)
    (root / "events.geojson").write_text(json.dumps(_points_geojson(xy, props)))

    config = {
        "name": "synthetic",
        "title": "Synthetic planted-factor world",
        "seed": seed,
        "crs": CRS,
        "study_area": {"path": "boundary.geojson"},
        "grid": {"block_length": block},
        "outcome": {
            "label": "robbery",
            "path": "events.geojson",
            "filter": 'kind == "robbery"',
            "date_column": "date",
            "date_format": "%Y-%m-%d",
            "timezone": "America/New_York",
        },
        "windows": {"train": ["2020-01-01", "2020-08-28"], "test": ["2020-09-01", "2020-12-30"]},
        "factors": [
            {"name": "planted", "path": "planted.geojson", "operationalisation": "proximity"},
            {"name": "noise", "path": "noise.geojson", "operationalisation": "proximity"},
        ],
        "model": {"cv_folds": 5, "n_alphas": 30},
    }
    return World(config, root, np.flatnonzero(on), rrv, base_rate)
