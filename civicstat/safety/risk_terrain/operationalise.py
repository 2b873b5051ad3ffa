"""Operationalise risk factors into binary candidate variables (methods.md §1.3).

For factor *f*, operationalisation *o* and band distance ``d_k = k · increment · B``:

- proximity: ``x = 1`` when the distance from the cell centroid to the nearest feature is ≤ d_k
  (distance to a line or polygon is to its nearest edge; 0 inside a polygon);
- density: ``x = 1`` when the quartic kernel density with radius d_k at the centroid is ≥
  mean + ``density_sd``·SD of the cell densities (and above zero).

Identical columns (e.g. two bands that reach the same cells) and constant columns are dropped
before selection, each with its reason, so the model is identifiable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from civicstat.safety.errors import SafetyConfigError
from civicstat.safety.risk_terrain.kde import pairs_within, quartic_density
from civicstat.safety.risk_terrain.neighbours import (
    NearestNeighbour,
    choose_operationalisation,
    clark_evans,
)

Kind = Literal["point", "line", "polygon"]


@dataclass(frozen=True, eq=False)
class FactorLayer:
    """One risk factor's projected features, ready to operationalise."""

    name: str
    geometries: np.ndarray
    kind: Kind
    operationalisation: Literal["auto", "proximity", "density", "both"] = "auto"


@dataclass(frozen=True)
class FactorSummary:
    """How a factor was operationalised, and why."""

    name: str
    kind: str
    n_features: int
    operationalisation: str
    reason: str
    nearest_neighbour: NearestNeighbour | None


@dataclass(frozen=True, eq=False)
class CandidateSet:
    """Binary candidate variables for every cell.

    ``matrix`` is ``(n_cells, p)`` uint8 in column-major order; ``variables`` describes its columns
    (name, factor, operationalisation, band, distance, cells); ``dropped`` lists generated variables
    left out, with the reason.
    """

    matrix: np.ndarray
    variables: pd.DataFrame
    dropped: pd.DataFrame
    factors: tuple[FactorSummary, ...]
    bands: np.ndarray

    @property
    def names(self) -> list[str]:
        return list(self.variables["name"])


def band_distances(
    block_length: float, max_blocks: float = 3.0, increment: str = "half"
) -> np.ndarray:
    """``d_k = k · inc · B`` for k = 1..max/inc (methods.md §1.2): 6 bands for 3 blocks by halves."""
    inc = {"half": 0.5, "whole": 1.0}[increment]
    n = int(round(max_blocks / inc))
    if n < 1 or abs(n * inc - max_blocks) > 1e-9:
        raise SafetyConfigError(
            "model",
            "max_spatial_influence_blocks",
            f"{max_blocks} blocks is not a whole number of {increment} blocks",
        )
    return np.arange(1, n + 1) * inc * block_length


def nearest_distance(
    cells_xy: np.ndarray, geometries: np.ndarray, kind: Kind, max_distance: float
) -> np.ndarray:
    """Distance from each cell centroid to the nearest feature; ``inf`` beyond ``max_distance``."""
    cells_xy = np.asarray(cells_xy, dtype=float)
    out = np.full(len(cells_xy), np.inf)
    if len(geometries) == 0:
        return out
    if kind == "point":
        pts = shapely.get_coordinates(geometries)
        dist, _ = cKDTree(pts).query(cells_xy, k=1, distance_upper_bound=max_distance * (1 + 1e-9))
        return dist
    tree = shapely.STRtree(geometries)
    (cell_idx, _), dist = tree.query_nearest(
        shapely.points(cells_xy), max_distance=max_distance, return_distance=True, all_matches=False
    )
    np.minimum.at(out, cell_idx, dist)
    return out


def density_points(geometries: np.ndarray, kind: Kind, spacing: float) -> np.ndarray:
    """Points whose kernel density stands for the factor: the points themselves; for lines,
    points every ``spacing`` along them (so density grows with line length); for polygons, one
    point on the surface of each."""
    if kind == "point":
        return shapely.get_coordinates(geometries)
    if kind == "polygon":
        return shapely.get_coordinates(shapely.point_on_surface(geometries))
    parts = shapely.get_parts(geometries)
    lengths = shapely.length(parts)
    counts = np.maximum(1, np.ceil(lengths / spacing).astype(np.int64))
    owner = np.repeat(np.arange(len(parts)), counts)
    start = np.repeat(np.cumsum(counts) - counts, counts)
    offsets = (np.arange(counts.sum()) - start + 0.5) * spacing
    offsets = np.minimum(offsets, lengths[owner])
    return shapely.get_coordinates(shapely.line_interpolate_point(parts[owner], offsets))


def build_candidates(
    cells_xy: np.ndarray,
    factors: Sequence[FactorLayer],
    bands: np.ndarray,
    area: float,
    density_sd: float = 2.0,
    nn_alpha: float = 0.05,
    line_spacing: float | None = None,
) -> CandidateSet:
    """Every factor × operationalisation × band as a binary variable (methods.md §1.3)."""
    max_d = float(bands[-1])
    spacing = line_spacing or float(bands[0]) / 2
    columns: list[np.ndarray] = []
    rows: list[dict] = []
    summaries: list[FactorSummary] = []
    for factor in factors:
        op, reason, nn = _resolve(factor, area, max_d, nn_alpha)
        summaries.append(
            FactorSummary(factor.name, factor.kind, len(factor.geometries), op, reason, nn)
        )
        if op in ("proximity", "both"):
            dist = nearest_distance(cells_xy, factor.geometries, factor.kind, max_d)
            for k, d in enumerate(bands, start=1):
                columns.append(dist <= d * (1 + 1e-12))
                rows.append(_row(factor.name, "proximity", k, d))
        if op in ("density", "both"):
            pts = density_points(factor.geometries, factor.kind, spacing)
            pairs = pairs_within(cells_xy, pts, max_d)
            for k, d in enumerate(bands, start=1):
                dens = quartic_density(pairs, float(d))
                cut = dens.mean() + density_sd * dens.std()
                columns.append((dens >= cut) & (dens > 0))
                rows.append(_row(factor.name, "density", k, d))
    return _assemble(columns, rows, tuple(summaries), bands, len(cells_xy))


def _resolve(
    factor: FactorLayer, area: float, max_d: float, alpha: float
) -> tuple[str, str, NearestNeighbour | None]:
    if factor.kind != "point":
        if factor.operationalisation == "auto":
            return "proximity", f"{factor.kind} layer: proximity to the nearest edge", None
        return factor.operationalisation, "set in the configuration", None
    nn = clark_evans(shapely.get_coordinates(factor.geometries), area, alpha)
    if factor.operationalisation != "auto":
        return factor.operationalisation, "set in the configuration", nn
    op, reason = choose_operationalisation(nn, max_d)
    return op, reason, nn


def _row(factor: str, op: str, band: int, distance: float) -> dict:
    return {
        "name": f"{factor}_{op}_{distance:g}",
        "factor": factor,
        "operationalisation": op,
        "band": band,
        "distance": float(distance),
    }


def _assemble(
    columns: list[np.ndarray],
    rows: list[dict],
    summaries: tuple[FactorSummary, ...],
    bands: np.ndarray,
    n_cells: int,
) -> CandidateSet:
    keep: list[int] = []
    dropped: list[dict] = []
    seen: dict[bytes, str] = {}
    for j, col in enumerate(columns):
        on = int(col.sum())
        rows[j]["cells"] = on
        key = np.packbits(col).tobytes()
        if on == 0:
            dropped.append({**rows[j], "reason": "no cell qualifies"})
        elif on == n_cells:
            dropped.append({**rows[j], "reason": "every cell qualifies"})
        elif key in seen:
            dropped.append({**rows[j], "reason": f"same cells as {seen[key]}"})
        else:
            seen[key] = rows[j]["name"]
            keep.append(j)
    matrix = np.zeros((n_cells, len(keep)), dtype=np.uint8, order="F")
    for out, j in enumerate(keep):
        matrix[:, out] = columns[j]
    variables = pd.DataFrame(
        [rows[j] for j in keep],
        columns=["name", "factor", "operationalisation", "band", "distance", "cells"],
    )
    dropped_frame = pd.DataFrame(dropped, columns=[*variables.columns, "reason"])
    return CandidateSet(matrix, variables, dropped_frame, summaries, np.asarray(bands, float))
