"""A seeded synthetic city for the RTM benchmark.

A square study area of ``side × side`` cells (cell = half a 100 m block), ``n_factors`` risk-factor
layers — uniform and clustered point layers and a few street-like line layers, all
operationalised as proximity and density (6 half-block bands each, so 12 candidates per factor) —
and ``n_points`` outcome events drawn from a Poisson model in which three factors matter.
Two thirds of the expected events fall in the 240-day training window, one third in the 120-day
test window.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from civicstat.safety.risk_terrain.config import LayerSpec, ModelSpec, RTMConfig, Window
from civicstat.safety.risk_terrain.grid import Grid, make_grid
from civicstat.safety.risk_terrain.kde import kernel_density
from civicstat.safety.risk_terrain.operationalise import (
    FactorLayer,
    band_distances,
    density_points,
    nearest_distance,
)

BLOCK = 100.0
CRS = "EPSG:32617"


@dataclass(frozen=True, eq=False)
class BenchWorld:
    config: RTMConfig
    grid: Grid
    factors: list[FactorLayer]
    train_xy: np.ndarray
    test_xy: np.ndarray
    bands: np.ndarray


def _points(rng: np.random.Generator, n: int, side_m: float, clustered: bool) -> np.ndarray:
    if not clustered:
        return rng.uniform(0, side_m, size=(n, 2))
    parents = rng.uniform(0, side_m, size=(max(3, n // 25), 2))
    pick = parents[rng.integers(0, len(parents), n)]
    return np.clip(pick + rng.normal(0, 120.0, size=(n, 2)), 0, side_m)


def _lines(rng: np.random.Generator, n: int, side_m: float) -> np.ndarray:
    start = rng.uniform(0, side_m, size=(n, 2))
    angle = rng.uniform(0, np.pi, n)
    length = rng.uniform(200, 1500, n)
    end = start + np.column_stack([np.cos(angle), np.sin(angle)]) * length[:, None]
    return shapely.linestrings(np.stack([start, np.clip(end, 0, side_m)], axis=1))


def generate(side: int, n_factors: int, n_points: int, seed: int = 2024) -> BenchWorld:
    """The world for ``side × side`` cells (side 317 gives 100,489 cells)."""
    rng = np.random.default_rng(seed)
    cell = BLOCK / 2
    side_m = side * cell
    grid = make_grid(shapely.box(0, 0, side_m, side_m), cell, CRS)
    sizes = [40, 80, 150, 300, 600, 1200]
    factors: list[FactorLayer] = []
    for i in range(n_factors):
        if i % 10 == 9:
            geoms = _lines(rng, 150, side_m)
            kind = "line"
        else:
            xy = _points(rng, sizes[i % len(sizes)] * max(1, side // 100), side_m, i % 3 == 2)
            geoms, kind = shapely.points(xy), "point"
        factors.append(FactorLayer(f"f{i:02d}", np.asarray(geoms, dtype=object), kind, "both"))

    bands = band_distances(BLOCK, 3, "half")
    # three planted effects: proximity to f00 within 100 m, density of f02 at 200 m, proximity to
    # the first line layer within 50 m
    log_rate = np.zeros(grid.n_cells)
    near = nearest_distance(grid.xy, factors[0].geometries, "point", 100.0) <= 100.0
    log_rate += np.log(3.0) * near
    dens = kernel_density(grid.xy, density_points(factors[2].geometries, "point", 25.0), 200.0)
    log_rate += np.log(2.0) * (dens >= dens.mean() + 2 * dens.std())
    line = next((f for f in factors if f.kind == "line"), None)
    if line is not None:
        log_rate += np.log(1.5) * (nearest_distance(grid.xy, line.geometries, "line", 50) <= 50)
    rate = np.exp(log_rate)
    rate *= n_points / rate.sum()

    events = []
    for share in (2 / 3, 1 / 3):
        counts = rng.poisson(rate * share)
        idx = np.repeat(np.arange(grid.n_cells), counts)
        corner = np.column_stack([grid.x[idx], grid.y[idx]]) - cell / 2
        events.append(corner + rng.uniform(0, cell, size=(len(idx), 2)))

    nowhere = LayerSpec(Path("synthetic"), date_column="date")
    config = RTMConfig(
        name="bench",
        study_area=nowhere,
        outcome=nowhere,
        train=Window(dt.date(2020, 1, 1), dt.date(2020, 8, 28)),
        test=Window(dt.date(2020, 8, 28), dt.date(2020, 12, 26)),
        factors=(),
        seed=seed,
        crs=CRS,
        block_length=BLOCK,
        model=ModelSpec(),
    )
    return BenchWorld(config, grid, factors, events[0], events[1], bands)
