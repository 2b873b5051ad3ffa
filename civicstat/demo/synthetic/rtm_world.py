"""A synthetic risk terrain modelling input set for the demo (PURE, seeded).

Used by ``make demo`` when the real Durham files (../shared/data) are not on the machine, so the
"Risk terrain modeling of robbery" page always has a model to show. EVERYTHING here is
synthetic: the places, the stores, the schools and the robberies are invented, and the page says
so in its title.

The world: a 4 km square over central Durham (centre lon -78.90, lat 35.99, UTM zone 17N),
an average block of 200 m (so cells of 100 m), and two point layers:

* ``convenience_stores`` (30 points): the planted factor. A cell whose centre is within 100 m
  of a store has ``PLANTED_RRV`` (4) times the robbery rate of other cells;
* ``schools`` (20 points): noise, with no effect on the rate.

Robberies are drawn per cell from a Poisson law (base rate ``BASE_RATE`` a cell over the
240-day training window, scaled to the 91-day test window) and placed uniformly inside their
cell. The configuration uses the same windows and model settings as the Durham example
(civicstat/safety/risk_terrain/examples/durham_robbery_2013.yaml); the model should find the
stores (RRV near 4) and leave the schools out.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import yaml
from scipy.spatial import cKDTree

from civicstat.safety.spatial import WGS84, project_xy

CRS = "EPSG:32617"
CENTRE = (-78.90, 35.99)
SIDE_M = 4000.0
BLOCK_M = 200.0
PLANTED_RRV = 4.0
PLANTED_DISTANCE_M = 100.0
BASE_RATE = 0.12
N_STORES, N_SCHOOLS = 30, 20
SEED = 2013
TRAIN = (dt.date(2013, 1, 1), dt.date(2013, 9, 1))
TEST = (dt.date(2013, 9, 1), dt.date(2013, 12, 1))
CONFIG_NAME = "synthetic_robbery"


def _points(xy: np.ndarray, props: list[dict]) -> dict:
    ll = project_xy(xy, CRS, WGS84)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": p,
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(float(a), 7), round(float(b), 7)],
                },
            }
            for (a, b), p in zip(ll, props, strict=True)
        ],
    }


def config(name: str = CONFIG_NAME) -> dict:
    """The run configuration (paths relative to the folder the files are written in)."""
    return {
        "name": name,
        "title": "Robbery risk terrain, SYNTHETIC demonstration data (not Durham's)",
        "seed": SEED,
        "crs": CRS,
        "study_area": {"path": "study_area.geojson"},
        "grid": {"block_length": BLOCK_M},
        "outcome": {
            "label": "robbery",
            "path": "robberies.geojson",
            "date_column": "date",
            "date_format": "%Y-%m-%d",
            "timezone": "America/New_York",
        },
        "windows": {
            "train": [TRAIN[0].isoformat(), TRAIN[1].isoformat()],
            "test": [TEST[0].isoformat(), TEST[1].isoformat()],
        },
        "factors": [
            {"name": "convenience_stores", "path": "convenience_stores.geojson"},
            {"name": "schools", "path": "schools.geojson"},
        ],
        "model": {"cv_folds": 5, "n_alphas": 30},
        "zones": {"min_class": "highest"},
    }


def write_world(out_dir: str | Path, seed: int = SEED) -> Path:
    """Write the layers and ``config.yaml`` into ``out_dir``; returns the configuration's path.
    The same seed writes the same bytes."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    cx, cy = project_xy(np.array([CENTRE]), WGS84, CRS)[0]
    x0, y0 = round(cx - SIDE_M / 2), round(cy - SIDE_M / 2)
    square = np.array(
        [[x0, y0], [x0 + SIDE_M, y0], [x0 + SIDE_M, y0 + SIDE_M], [x0, y0 + SIDE_M], [x0, y0]],
        dtype=float,
    )
    ring = [[round(float(a), 7), round(float(b), 7)] for a, b in project_xy(square, CRS, WGS84)]
    area = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "synthetic study area"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }
    margin = 150.0
    low, high = [x0 + margin, y0 + margin], [x0 + SIDE_M - margin, y0 + SIDE_M - margin]
    stores = rng.uniform(low, high, size=(N_STORES, 2))
    schools = rng.uniform(low, high, size=(N_SCHOOLS, 2))

    cell = BLOCK_M / 2
    n = int(round(SIDE_M / cell))
    cols, rows = np.meshgrid(np.arange(n), np.arange(n))
    centres = np.column_stack([x0 + (cols.ravel() + 0.5) * cell, y0 + (rows.ravel() + 0.5) * cell])
    near, _ = cKDTree(stores).query(centres)
    rate = BASE_RATE * np.where(near <= PLANTED_DISTANCE_M, PLANTED_RRV, 1.0)
    events, props = [], []
    train_days = (TRAIN[1] - TRAIN[0]).days
    for start, end in (TRAIN, TEST):
        days = (end - start).days
        counts = rng.poisson(rate * days / train_days)
        idx = np.repeat(np.arange(len(counts)), counts)
        jitter = rng.uniform(0.05 * cell, 0.95 * cell, size=(len(idx), 2))
        events.append(centres[idx] - cell / 2 + jitter)
        offsets = rng.integers(0, days, size=len(idx))
        props += [
            {"kind": "robbery", "date": (start + dt.timedelta(days=int(d))).isoformat()}
            for d in offsets
        ]
    files = {
        "study_area.geojson": area,
        "convenience_stores.geojson": _points(stores, [{"id": i} for i in range(N_STORES)]),
        "schools.geojson": _points(schools, [{"id": i} for i in range(N_SCHOOLS)]),
        "robberies.geojson": _points(np.vstack(events), props),
    }
    for name, doc in files.items():
        (out / name).write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")
    path = out / "config.yaml"
    header = "# Synthetic RTM input set (civicstat/demo/synthetic/rtm_world.py): not real data.\n"
    path.write_text(header + yaml.safe_dump(config(), sort_keys=False), encoding="utf-8")
    return path
