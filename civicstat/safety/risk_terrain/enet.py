"""Stage 1 of factor selection: elastic-net penalised Poisson regression (methods.md §1.4 step 2).

Objective (statsmodels ``GLM.fit_regularized`` form `[SM-GLM-REG]`, intercept unpenalised):
``−ℓ_Poisson(β)/N + α Σ_j [(1−L1)·(s_j β_j)²/2 + L1·|s_j β_j|]`` where ``s_j`` is 1, or the
column's standard deviation when predictors are standardised (glmnet's default, Friedman, Hastie &
Tibshirani 2010, *J. Stat. Softw.* 33(1)).

Solver: the glmnet algorithm of that paper — an outer IRLS (Newton) loop whose penalised weighted
least-squares problem is solved on the active set (coordinate descent with covariance updates,
finished exactly by a feature-sign search, see ``quadratic``); warm starts along a decreasing α
path; sequential strong rules (Tibshirani et al. 2012, *JRSS-B*
74(2)) to guess the active set, checked against the KKT conditions on every column; step halving
when a Newton step raises the objective.

Cells with identical covariate rows are collapsed first: the Poisson likelihood depends on a
group only through its cell count and event total, so this is exact and makes Durham-sized
problems tiny.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from civicstat.safety.risk_terrain.newton import ActiveSetHessian, proximal_newton


@dataclass(frozen=True, eq=False)
class Groups:
    """Cells collapsed to unique (covariate row, fold) groups.

    ``X`` ``(G, p)`` float32; ``n`` cells, ``y_sum`` events and ``ylogy`` Σ y·log y per group.
    """

    X: np.ndarray
    n: np.ndarray
    y_sum: np.ndarray
    ylogy: np.ndarray
    fold: np.ndarray

    def take(self, mask: np.ndarray) -> Groups:
        """The groups where ``mask`` is true (column by column, so no row-major copy is made)."""
        X = np.empty((int(mask.sum()), self.X.shape[1]), dtype=self.X.dtype, order="F")
        for j in range(self.X.shape[1]):
            X[:, j] = self.X[mask, j]
        return Groups(X, self.n[mask], self.y_sum[mask], self.ylogy[mask], self.fold[mask])


def collapse(X: np.ndarray, y: np.ndarray, fold: np.ndarray | None = None) -> Groups:
    """Group cells with the same binary row (and fold); exact for the Poisson likelihood."""
    X = np.asarray(X)
    y = np.asarray(y, dtype=float)
    fold = np.zeros(len(y), dtype=np.int64) if fold is None else np.asarray(fold, dtype=np.int64)
    packed = np.packbits(X.astype(bool), axis=1)
    key = np.concatenate([packed, fold.astype(">i8").view(np.uint8).reshape(-1, 8)], axis=1)
    key = np.ascontiguousarray(key).view(np.dtype((np.void, key.shape[1]))).ravel()
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    g = len(first)
    ylogy = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0)
    return Groups(
        X=np.asfortranarray(X[first].astype(np.float32)),
        n=np.bincount(inverse, minlength=g).astype(float),
        y_sum=np.bincount(inverse, weights=y, minlength=g),
        ylogy=np.bincount(inverse, weights=ylogy, minlength=g),
        fold=fold[first],
    )


@dataclass(frozen=True, eq=False)
class Path:
    """Coefficients along a decreasing α path: ``intercept[k]``, ``coef[k, j]``."""

    alphas: np.ndarray
    intercept: np.ndarray
    coef: np.ndarray
    n_iter: np.ndarray


def _weighted_column_sums(X: np.ndarray, w: np.ndarray, square: bool = False) -> np.ndarray:
    """``Σ_i w_i x_ij`` (or ``x_ij²``) in float64, 32 columns at a time to bound memory."""
    out = np.empty(X.shape[1])
    for start in range(0, X.shape[1], 32):
        block = X[:, start : start + 32].astype(np.float64)
        if square:
            block *= block
        out[start : start + 32] = block.T @ w
    return out


def penalty_scale(groups: Groups, standardize: bool) -> np.ndarray:
    """``s_j``: the weighted standard deviation of each column (1/N), or ones."""
    p = groups.X.shape[1]
    if not standardize:
        return np.ones(p)
    N = groups.n.sum()
    mean = _weighted_column_sums(groups.X, groups.n) / N
    sq = _weighted_column_sums(groups.X, groups.n, square=True) / N
    return np.sqrt(np.maximum(sq - mean**2, 0.0))


def alpha_max(groups: Groups, l1_ratio: float, scale: np.ndarray) -> float:
    """Smallest α at which every slope is zero: ``max_j |∂ℓ/∂β_j| / (N·L1·s_j)`` at the
    intercept-only fit."""
    N = groups.n.sum()
    mu = groups.y_sum.sum() / N
    grad = _weighted_column_sums(groups.X, groups.y_sum - groups.n * mu) / N
    ok = scale > 0
    if not ok.any():
        return 0.0
    return float(np.max(np.abs(grad[ok]) / (l1_ratio * scale[ok])))


def fit_path(
    groups: Groups,
    alphas: np.ndarray,
    l1_ratio: float,
    scale: np.ndarray,
    tol: float = 1e-7,
    max_newton: int = 200,
    stop_early: bool = True,
) -> Path:
    """Elastic-net Poisson fits along a decreasing α grid (warm starts).

    With ``stop_early`` the path ends, as glmnet's does (``glmnet.control``: ``fdev = 1e-5``,
    ``devmax = 0.999``, at least 5 values), once the fraction of deviance explained grows by
    less than 1e-5 of itself or exceeds 0.999: the returned ``alphas`` are then a prefix of the
    grid. A fit is converged when its KKT conditions hold to ``tol`` times the mean count.
    """
    X, ysum, n = groups.X, groups.y_sum, groups.n
    G, p = X.shape
    N = n.sum()
    fixed_zero = ~(scale > 0)
    b0 = float(np.log(ysum.sum() / N))
    beta = np.zeros(p)
    eta = np.full(G, b0)
    dev_null = _deviance(groups, eta)
    kkt_tol = tol * ysum.sum() / N
    out_b0 = np.empty(len(alphas))
    out_beta = np.zeros((len(alphas), p))
    n_iter = np.zeros(len(alphas), dtype=np.int64)
    prev_alpha = alphas[0] if len(alphas) else 0.0
    prev_ratio = 0.0
    cached: tuple[tuple[int, ...], np.ndarray] | None = None
    hessian = ActiveSetHessian()
    end = len(alphas)
    for k, alpha in enumerate(alphas):
        l1 = alpha * l1_ratio * scale
        l2 = alpha * (1 - l1_ratio) * scale**2
        grad = _score(X, ysum, n, eta, N)
        strong = np.abs(grad) >= l1_ratio * scale * (2 * alpha - prev_alpha)
        active = np.flatnonzero((strong | (beta != 0)) & ~fixed_zero)
        while True:
            key = tuple(active.tolist())
            if cached is None or cached[0] != key:
                cached = (key, X[:, active].astype(np.float64))
            b0, beta_a, eta, it = proximal_newton(
                cached[1],
                active,
                ysum,
                n,
                b0,
                beta[active],
                l1[active],
                l2[active],
                kkt_tol,
                max_newton,
                hessian,
            )
            n_iter[k] += it
            beta[:] = 0.0
            beta[active] = beta_a
            grad = _score(X, ysum, n, eta, N)
            violators = (np.abs(grad) > l1 * (1 + 1e-6) + kkt_tol) & ~fixed_zero
            violators[active] = False
            if not violators.any():
                break
            active = np.union1d(active, np.flatnonzero(violators))
        out_b0[k], out_beta[k] = b0, beta
        prev_alpha = alpha
        ratio = 1.0 - _deviance(groups, eta) / dev_null if dev_null > 0 else 1.0
        if stop_early and k >= 4 and (ratio - prev_ratio < 1e-5 * ratio or ratio > 0.999):
            end = k + 1
            break
        prev_ratio = ratio
    return Path(np.asarray(alphas[:end], float), out_b0[:end], out_beta[:end], n_iter[:end])


def _deviance(groups: Groups, eta: np.ndarray) -> float:
    """Poisson deviance of the fit ``eta`` on the groups."""
    return float(
        2 * (groups.ylogy.sum() - groups.y_sum @ eta - groups.y_sum.sum() + groups.n @ np.exp(eta))
    )


def _score(X: np.ndarray, ysum: np.ndarray, n: np.ndarray, eta: np.ndarray, N: float) -> np.ndarray:
    """``∂(ℓ/N)/∂β`` for every column (float32 products: used to screen columns)."""
    resid = (ysum - n * np.exp(eta)).astype(X.dtype)
    return (X.T @ resid).astype(np.float64) / N


def heldout_deviance(groups: Groups, intercept: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """Mean Poisson deviance per cell of each path fit on ``groups``:
    ``2 Σ [y log(y/μ) − (y − μ)] / Σ n``, summed exactly from the group totals."""
    eta = intercept[None, :] + (groups.X.astype(np.float64) @ coef.T)
    mu = np.exp(eta)
    dev = 2 * (
        groups.ylogy[:, None]
        - groups.y_sum[:, None] * eta
        - groups.y_sum[:, None]
        + groups.n[:, None] * mu
    )
    return dev.sum(axis=0) / groups.n.sum()


def log_alpha_grid(a_max: float, n_alphas: int, min_ratio: float) -> np.ndarray:
    """``n_alphas`` log-spaced values from ``a_max`` down to ``a_max·min_ratio`` (methods.md §1.4)."""
    if a_max <= 0:
        return np.zeros(1)
    return np.geomspace(a_max, a_max * min_ratio, n_alphas)


def fit_enet_poisson(
    X: np.ndarray, y: np.ndarray, alpha: float, l1_ratio: float = 0.5, standardize: bool = False
) -> tuple[float, np.ndarray]:
    """One elastic-net Poisson fit at ``alpha`` (reached by a warm-started path); returns the
    intercept and slopes. X may be any real matrix here (it is not collapsed)."""
    X = np.asfortranarray(np.asarray(X, dtype=float))
    y = np.asarray(y, dtype=float)
    ylogy = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0)
    groups = Groups(X, np.ones(len(y)), y, ylogy, np.zeros(len(y), dtype=np.int64))
    scale = penalty_scale(groups, standardize)
    a_max = alpha_max(groups, l1_ratio, scale)
    alphas = np.unique(np.concatenate([np.geomspace(max(a_max, alpha), alpha, 20), [alpha]]))[::-1]
    path = fit_path(groups, alphas, l1_ratio, scale, tol=1e-11, stop_early=False)
    return float(path.intercept[-1]), path.coef[-1]
