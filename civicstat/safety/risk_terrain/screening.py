"""Stage 1 with cross-validation: choose α and keep the risk-increasing variables
(methods.md §1.4 step 2).

Folds are spatially blocked: tiles of ``fold_tile_cells × fold_tile_cells`` cells are dealt to the
K folds in a seeded random order, so neighbouring cells, which share risk factors, are held out
together (limits spatial leakage, [I]). Every fold is fitted on the same α grid (from the full
data, as ``cv.glmnet`` does); α is chosen by the smallest mean held-out Poisson deviance, or by the
one-standard-error rule.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from civicstat.safety.errors import SafetyModelError
from civicstat.safety.risk_terrain.enet import (
    alpha_max,
    collapse,
    fit_path,
    heldout_deviance,
    log_alpha_grid,
    penalty_scale,
)


@dataclass(frozen=True, eq=False)
class Screening:
    """Cross-validated elastic-net path and the variables it keeps.

    ``cv_mean[k]``/``cv_se[k]``: mean held-out deviance per cell at ``alphas[k]`` over folds and its
    standard error; ``coef`` the full-data slopes at the chosen α; ``selected`` the column indices
    kept for stage 2 (β > 0, or β ≠ 0 when negative factors are allowed).
    """

    alphas: np.ndarray
    cv_mean: np.ndarray
    cv_se: np.ndarray
    fold_deviance: np.ndarray
    alpha_index: int
    rule: str
    intercept: float
    coef: np.ndarray
    selected: np.ndarray
    n_groups: int
    n_folds: int

    @property
    def alpha(self) -> float:
        return float(self.alphas[self.alpha_index])


def spatial_folds(tiles: np.ndarray, n_folds: int, seed: int) -> np.ndarray:
    """Fold number of every cell: whole tiles dealt to folds in a seeded random order."""
    unique = np.unique(tiles)
    k = min(n_folds, len(unique))
    order = np.random.default_rng(seed).permutation(len(unique))
    fold_of_tile = np.empty(len(unique), dtype=np.int64)
    fold_of_tile[order] = np.arange(len(unique)) % k
    return fold_of_tile[np.searchsorted(unique, tiles)]


def screen(
    X: np.ndarray,
    y: np.ndarray,
    fold: np.ndarray,
    l1_ratio: float = 0.5,
    n_alphas: int = 50,
    alpha_min_ratio: float = 1e-3,
    standardize: bool = True,
    rule: str = "min",
    allow_negative: bool = False,
    n_jobs: int = 2,
) -> Screening:
    """Fit the path on all cells and on each fold's complement; choose α; keep variables."""
    y = np.asarray(y, dtype=float)
    if y.sum() <= 0:
        raise SafetyModelError("no outcome event falls in the study area in the training window")
    groups = collapse(X, y, fold)
    # BLAS runs single-threaded: the many small solves of the inner problem slow down a
    # hundredfold when OpenBLAS threads contend for shared cores, and one thread keeps the
    # floating-point summation order, hence the result, identical from run to run.
    with threadpool_limits(limits=1, user_api="blas"):
        return _screen(
            groups, l1_ratio, n_alphas, alpha_min_ratio, standardize, rule, allow_negative, n_jobs
        )


def _screen(groups, l1_ratio, n_alphas, alpha_min_ratio, standardize, rule, allow_negative, n_jobs):
    scale = penalty_scale(groups, standardize)
    alphas = log_alpha_grid(alpha_max(groups, l1_ratio, scale), n_alphas, alpha_min_ratio)
    full = fit_path(groups, alphas, l1_ratio, scale)
    alphas = full.alphas  # the path may end early (glmnet's rule); folds use the same values
    folds = np.unique(groups.fold)

    def fold_deviance(f: int) -> np.ndarray:
        train = groups.take(groups.fold != f)
        if train.y_sum.sum() <= 0:
            return np.full(len(alphas), np.nan)
        path = fit_path(train, alphas, l1_ratio, penalty_scale(train, standardize))
        # a fold path that stopped sooner keeps its last fit for the remaining α (as cv.glmnet)
        pick = np.minimum(np.arange(len(alphas)), len(path.alphas) - 1)
        return heldout_deviance(
            groups.take(groups.fold == f), path.intercept[pick], path.coef[pick]
        )

    # folds are independent: n_jobs > 1 fits them on threads (numpy releases the GIL in its
    # loops); each thread holds its own copy of the training rows
    with ThreadPoolExecutor(max_workers=max(1, min(n_jobs, len(folds)))) as pool:
        fold_dev = np.vstack(list(pool.map(fold_deviance, folds)))
    valid = ~np.isnan(fold_dev).any(axis=1)
    if valid.sum() == 0:
        raise SafetyModelError("no cross-validation fold has training events")
    cv_mean = fold_dev[valid].mean(axis=0)
    cv_se = (
        fold_dev[valid].std(axis=0, ddof=1) / np.sqrt(valid.sum())
        if valid.sum() > 1
        else np.zeros(len(alphas))
    )
    best = int(np.argmin(cv_mean))
    index = best
    if rule == "one_se":
        index = int(np.flatnonzero(cv_mean <= cv_mean[best] + cv_se[best])[0])
    coef = full.coef[index]
    keep = coef != 0 if allow_negative else coef > 0
    return Screening(
        alphas=alphas,
        cv_mean=cv_mean,
        cv_se=cv_se,
        fold_deviance=fold_dev,
        alpha_index=index,
        rule=rule,
        intercept=float(full.intercept[index]),
        coef=coef,
        selected=np.flatnonzero(keep),
        n_groups=len(groups.n),
        n_folds=int(valid.sum()),
    )
