"""Nearest-neighbour analysis to choose each factor's operationalisation (methods.md §1.3).

Clark & Evans (1954), "Distance to nearest neighbor as a measure of spatial relationships in
populations", *Ecology* 35(4): observed mean nearest-neighbour distance ``OMD`` against the mean
expected under complete spatial randomness with density ``ρ = n/A``:
``r_E = 0.5 / sqrt(ρ)``, ``SE = 0.26136 / sqrt(n ρ)``, ``R = OMD / r_E``, ``z = (OMD − r_E) / SE``.
No edge correction (as in ArcGIS "Average Nearest Neighbor", which RTMDx users run).

RTMDx Appendix B rule `[RTMDX-APPX]`: use proximity when the points are not significantly
clustered or OMD exceeds the maximum spatial influence; use density when they are significantly
clustered or OMD is within it; when both hold, use both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.spatial import cKDTree
from scipy.stats import norm

Chosen = Literal["proximity", "density", "both"]


@dataclass(frozen=True)
class NearestNeighbour:
    """Clark–Evans statistics of one point pattern in an area (two-sided z-test)."""

    n: int
    area: float
    observed_mean: float
    expected_mean: float
    ratio: float
    z: float
    p_value: float
    alpha: float

    @property
    def clustered(self) -> bool:
        """Significantly clustered: R < 1 with two-sided p < alpha."""
        return self.ratio < 1 and self.p_value < self.alpha

    @property
    def dispersed(self) -> bool:
        return self.ratio > 1 and self.p_value < self.alpha


def clark_evans(xy: np.ndarray, area: float, alpha: float = 0.05) -> NearestNeighbour:
    """Clark–Evans nearest-neighbour index of ``xy`` (projected) in a study area of ``area``."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    n = len(xy)
    if n < 2 or not area > 0:
        nan = float("nan")
        return NearestNeighbour(n, float(area), nan, nan, nan, nan, nan, alpha)
    dist, _ = cKDTree(xy).query(xy, k=2)
    omd = float(dist[:, 1].mean())
    density = n / area
    expected = 0.5 / math.sqrt(density)
    se = 0.26136 / math.sqrt(n * density)
    z = (omd - expected) / se
    return NearestNeighbour(
        n=n,
        area=float(area),
        observed_mean=omd,
        expected_mean=expected,
        ratio=omd / expected,
        z=z,
        p_value=float(2 * norm.sf(abs(z))),
        alpha=alpha,
    )


def choose_operationalisation(nn: NearestNeighbour, max_influence: float) -> tuple[Chosen, str]:
    """Apply the RTMDx Appendix B rule; returns the choice and a one-line reason."""
    if nn.n < 2 or math.isnan(nn.ratio):
        return "proximity", f"{nn.n} feature(s): too few for a nearest-neighbour test"
    proximity_ok = (not nn.clustered) or nn.observed_mean > max_influence
    density_ok = nn.clustered or nn.observed_mean <= max_influence
    state = "clustered" if nn.clustered else "not significantly clustered"
    reason = (
        f"{state} (R={nn.ratio:.2f}, z={nn.z:.2f}, p={nn.p_value:.3g}); "
        f"mean nearest-neighbour distance {nn.observed_mean:.0f} "
        f"{'>' if nn.observed_mean > max_influence else '≤'} max spatial influence "
        f"{max_influence:.0f}"
    )
    if proximity_ok and density_ok:
        return "both", reason
    return ("proximity" if proximity_ok else "density"), reason
