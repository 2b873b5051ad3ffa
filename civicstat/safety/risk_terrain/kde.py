"""Kernel density at cell centroids (methods.md §1.3 density operationalisation, §1.6 KDE baseline).

The kernel is the quartic (biweight) kernel of Silverman (1986, *Density Estimation*, eq. 4.5),
the one ArcGIS "Kernel Density" and most crime-mapping hot-spot maps use:
``K(r) = 3 / (π h²) · (1 − r²/h²)²`` for ``r < h``, 0 beyond; ``h`` is the search radius.
Densities are events per unit area.

Pairs (cell, feature) within the largest radius are found once with a KD-tree and reused for every
smaller radius, so several bands cost one neighbour search.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree


@dataclass(frozen=True, eq=False)
class Pairs:
    """All (query, point) pairs closer than ``max_distance``: indices and distances."""

    query: np.ndarray
    point: np.ndarray
    distance: np.ndarray
    n_query: int
    max_distance: float


def pairs_within(query_xy: np.ndarray, points_xy: np.ndarray, max_distance: float) -> Pairs:
    """Every pair of a query location and a point at most ``max_distance`` apart."""
    query_xy = np.asarray(query_xy, dtype=float).reshape(-1, 2)
    points_xy = np.asarray(points_xy, dtype=float).reshape(-1, 2)
    if len(points_xy) == 0 or len(query_xy) == 0:
        empty = np.empty(0, dtype=np.int64)
        return Pairs(empty, empty, np.empty(0), len(query_xy), max_distance)
    found = cKDTree(query_xy).sparse_distance_matrix(
        cKDTree(points_xy), max_distance, output_type="ndarray"
    )
    query = found["i"].astype(np.int64)
    point = found["j"].astype(np.int64)
    distance = found["v"].astype(float)
    return Pairs(query, point, distance, len(query_xy), float(max_distance))


def quartic_density(
    pairs: Pairs, bandwidth: float, weights: np.ndarray | None = None
) -> np.ndarray:
    """Quartic-kernel density at each query location for one bandwidth ``h ≤ max_distance``."""
    if bandwidth > pairs.max_distance * (1 + 1e-12):
        raise ValueError(f"bandwidth {bandwidth} exceeds the pair search radius")
    near = pairs.distance < bandwidth
    u2 = (pairs.distance[near] / bandwidth) ** 2
    k = 3.0 / (np.pi * bandwidth**2) * (1.0 - u2) ** 2
    if weights is not None:
        k = k * np.asarray(weights, dtype=float)[pairs.point[near]]
    return np.bincount(pairs.query[near], weights=k, minlength=pairs.n_query)


def kernel_density(query_xy: np.ndarray, points_xy: np.ndarray, bandwidth: float) -> np.ndarray:
    """Quartic-kernel density of ``points_xy`` evaluated at ``query_xy``."""
    return quartic_density(pairs_within(query_xy, points_xy, bandwidth), bandwidth)
