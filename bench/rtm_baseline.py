"""A straightforward RTM in plain shapely, pandas and statsmodels: the benchmark's baseline.

This is how the computation reads when written directly from methods.md §1: loop over cells and
ask shapely for distances, keep the candidates in a float DataFrame, fit statsmodels' elastic net
at every α for the full data and every fold, refit statsmodels count models for every stepwise
move, compute the KDE hot-spot surface cell by cell and rank cells with pandas.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely
import statsmodels.api as sm
from statsmodels.discrete.discrete_model import NegativeBinomial, Poisson

from civicstat.safety.risk_terrain.operationalise import FactorLayer, density_points


def _quartic(d: np.ndarray, h: float) -> np.ndarray:
    return np.where(d < h, 3 / (np.pi * h**2) * (1 - (d / h) ** 2) ** 2, 0.0)


def operationalise(
    cells_xy: np.ndarray, factors: Sequence[FactorLayer], bands: np.ndarray, density_sd: float = 2.0
) -> pd.DataFrame:
    """Proximity and density band indicators, one shapely distance query per cell and factor."""
    dens_geoms = [
        shapely.points(density_points(f.geometries, f.kind, bands[0] / 2)) for f in factors
    ]
    rows = []
    for x, y in cells_xy:
        cell = shapely.Point(x, y)
        row = {}
        for f, pts in zip(factors, dens_geoms, strict=True):
            nearest = shapely.distance(f.geometries, cell).min()
            d = shapely.distance(pts, cell)
            for b in bands:
                row[f"{f.name}_proximity_{b:g}"] = float(nearest <= b)
                row[f"{f.name}_density_{b:g}"] = _quartic(d, b).sum()
        rows.append(row)
    frame = pd.DataFrame(rows)
    for col in [c for c in frame.columns if "_density_" in c]:
        v = frame[col]
        frame[col] = ((v >= v.mean() + density_sd * v.std(ddof=0)) & (v > 0)).astype(float)
    return frame


def elastic_net_seconds_per_fit(
    X: pd.DataFrame, y: np.ndarray, alphas: Sequence[float], l1_ratio: float = 0.5
) -> float:
    """Mean time of one statsmodels elastic-net Poisson fit (glmnet-style standardised penalty)."""
    keep = X.columns[X.std(ddof=0) > 0]
    scale = X[keep].std(ddof=0).to_numpy()
    model = sm.GLM(y, sm.add_constant(X[keep], has_constant="add"), family=sm.families.Poisson())
    times = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels warns when its iteration cap is reached
        for a in alphas:
            t = time.perf_counter()
            model.fit_regularized(method="elastic_net", alpha=np.r_[0.0, a * scale], L1_wt=l1_ratio)
            times.append(time.perf_counter() - t)
    return float(np.mean(times))


def count_model_seconds_per_fit(
    X: pd.DataFrame, y: np.ndarray, column_sets: Sequence[Sequence[str]]
) -> float:
    """Mean time of one statsmodels Poisson/NB1/NB2 fit over the given models (one per move)."""
    times = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. NB dispersion at its boundary on Poisson data
        for cols in column_sets:
            exog = sm.add_constant(X[list(cols)], has_constant="add")
            for family in ("poisson", "nb1", "nb2"):
                t = time.perf_counter()
                if family == "poisson":
                    Poisson(y, exog).fit(disp=0)
                else:
                    NegativeBinomial(y, exog, loglike_method=family).fit(disp=0, maxiter=200)
                times.append(time.perf_counter() - t)
    return float(np.mean(times))


def kde(cells_xy: np.ndarray, events_xy: np.ndarray, bandwidth: float) -> np.ndarray:
    """Quartic KDE of the events at each cell centroid, one distance query per cell."""
    events = shapely.points(events_xy)
    return np.array(
        [
            _quartic(shapely.distance(events, shapely.Point(x, y)), bandwidth).sum()
            for x, y in cells_xy
        ]
    )


def pai_table(
    scores: dict[str, np.ndarray], observed: np.ndarray, coverages: Sequence[float]
) -> pd.DataFrame:
    """Hit rate and PAI per method and coverage with pandas (ties broken by sort order)."""
    out = []
    n = len(observed)
    for name, score in scores.items():
        frame = pd.DataFrame({"score": score, "obs": observed}).sort_values(
            "score", ascending=False, kind="stable"
        )
        frame["cum"] = frame["obs"].cumsum()
        best = np.sort(observed)[::-1].cumsum()
        for c in coverages:
            k = max(1, int(round(c * n)))
            hit = frame["cum"].iloc[k - 1] / observed.sum()
            out.append(
                {
                    "method": name,
                    "coverage": c,
                    "hit_rate": hit,
                    "pai": hit / (k / n),
                    "pei": frame["cum"].iloc[k - 1] / best[k - 1],
                }
            )
    return pd.DataFrame(out)
