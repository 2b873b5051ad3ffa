"""Tests of the stage-1 elastic-net Poisson solver and its cross-validation (methods.md §1.4)."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy.optimize import minimize

from civicstat.safety.risk_terrain.enet import (
    alpha_max,
    collapse,
    fit_enet_poisson,
    fit_path,
    heldout_deviance,
    penalty_scale,
)
from civicstat.safety.risk_terrain.screening import screen, spatial_folds


def _data(seed=1, n=400, p=6):
    rng = np.random.default_rng(seed)
    X = (rng.random((n, p)) < 0.3).astype(float)
    beta = np.array([1.0, 0.5, 0.0, 0.0, -0.3, 0.2])[:p]
    y = rng.poisson(np.exp(-0.5 + X @ beta))
    return X, y


def _objective(theta, X, y, alpha, l1, scale):
    eta = theta[0] + X @ theta[1:]
    b = theta[1:] * scale
    return -(y @ eta - np.exp(eta).sum()) / len(y) + alpha * (
        (1 - l1) * (b**2).sum() / 2 + l1 * np.abs(b).sum()
    )


def _exact(X, y, alpha, l1, scale):
    """Independent optimum: split β = β⁺ − β⁻ ≥ 0 makes the objective smooth (L-BFGS-B)."""
    p = X.shape[1]

    def f(z):
        b0, bp, bm = z[0], z[1 : p + 1], z[p + 1 :]
        beta = bp - bm
        eta = b0 + X @ beta
        mu = np.exp(eta)
        n = len(y)
        val = -(y @ eta - mu.sum()) / n + alpha * (
            (1 - l1) * ((beta * scale) ** 2).sum() / 2 + l1 * (scale * (bp + bm)).sum()
        )
        g_eta = -(y - mu) / n
        g_beta = X.T @ g_eta + alpha * (1 - l1) * scale**2 * beta
        return val, np.concatenate(
            [[g_eta.sum()], g_beta + alpha * l1 * scale, -g_beta + alpha * l1 * scale]
        )

    z0 = np.zeros(2 * p + 1)
    res = minimize(
        f,
        z0,
        jac=True,
        method="L-BFGS-B",
        bounds=[(None, None)] + [(0, None)] * (2 * p),
        options={"ftol": 1e-16, "gtol": 1e-12, "maxiter": 20000},
    )
    return np.concatenate([[res.x[0]], res.x[1 : p + 1] - res.x[p + 1 :]])


@pytest.mark.parametrize("alpha", [0.002, 0.01, 0.05])
@pytest.mark.parametrize("standardize", [False, True])
def test_solver_reaches_the_exact_optimum(alpha, standardize):
    X, y = _data()
    b0, beta = fit_enet_poisson(X, y, alpha, 0.5, standardize=standardize)
    scale = X.std(axis=0) if standardize else np.ones(X.shape[1])
    exact = _exact(X, y, alpha, 0.5, scale)
    np.testing.assert_allclose(np.r_[b0, beta], exact, atol=2e-5)
    assert (
        _objective(np.r_[b0, beta], X, y, alpha, 0.5, scale)
        <= _objective(exact, X, y, alpha, 0.5, scale) + 1e-10
    )


@pytest.mark.parametrize("alpha", [0.001, 0.01, 0.05])
def test_solver_agrees_with_statsmodels_fit_regularized(alpha):
    X, y = _data()
    b0, beta = fit_enet_poisson(X, y, alpha, 0.5)
    res = sm.GLM(y, sm.add_constant(X), family=sm.families.Poisson()).fit_regularized(
        method="elastic_net",
        alpha=np.r_[0.0, [alpha] * X.shape[1]],
        L1_wt=0.5,
        cnvrg_tol=1e-12,
        maxiter=2000,
    )
    ones = np.ones(X.shape[1])
    ours = _objective(np.r_[b0, beta], X, y, alpha, 0.5, ones)
    theirs = _objective(res.params, X, y, alpha, 0.5, ones)
    assert ours <= theirs + 1e-12  # never worse than statsmodels' coordinate descent
    # statsmodels stops early on some problems; where it does not, the answers coincide
    np.testing.assert_allclose(np.r_[b0, beta], res.params, atol=0.05)
    if theirs - ours < 1e-9:
        np.testing.assert_allclose(np.r_[b0, beta], res.params, atol=1e-5)


def test_collapsing_identical_rows_is_exact():
    X, y = _data(seed=4, n=3000, p=5)
    groups = collapse(X.astype(np.uint8), y)
    assert len(groups.n) <= 2**5 and groups.n.sum() == 3000 and groups.y_sum.sum() == y.sum()
    scale = penalty_scale(groups, True)
    np.testing.assert_allclose(scale, X.std(axis=0), rtol=1e-6)
    alphas = np.geomspace(alpha_max(groups, 0.5, scale), 1e-3, 15)
    path = fit_path(groups, alphas, 0.5, scale)
    for k in (3, 9, 14):
        b0, beta = fit_enet_poisson(X, y, alphas[k], 0.5, standardize=True)
        np.testing.assert_allclose(
            np.r_[path.intercept[k], path.coef[k]], np.r_[b0, beta], atol=1e-5
        )


def test_alpha_max_is_the_smallest_all_zero_alpha():
    X, y = _data(seed=5)
    groups = collapse(X.astype(np.uint8), y)
    scale = np.ones(X.shape[1])
    a_max = alpha_max(groups, 0.5, scale)
    path = fit_path(groups, np.array([a_max * 1.0001, a_max * 0.95]), 0.5, scale)
    assert np.all(path.coef[0] == 0)
    assert np.count_nonzero(path.coef[1]) >= 1
    assert path.intercept[0] == pytest.approx(np.log(y.mean()))


def test_heldout_deviance_matches_cell_by_cell_formula():
    X, y = _data(seed=6, n=500, p=4)
    groups = collapse(X.astype(np.uint8), y)
    b0 = np.array([-0.4, 0.1])
    coef = np.array([[0.5, 0.0, 0.2, -0.1], [0.0, 0.3, 0.0, 0.0]])
    got = heldout_deviance(groups, b0, coef)
    for k in range(2):
        mu = np.exp(b0[k] + X @ coef[k])
        term = np.where(y > 0, y * np.log(np.where(y > 0, y, 1) / mu), 0.0) - (y - mu)
        assert got[k] == pytest.approx(2 * term.mean(), rel=1e-10)


def test_spatial_folds_deal_whole_tiles_reproducibly():
    tiles = np.repeat(np.arange(40), 25)
    folds = spatial_folds(tiles, 10, seed=3)
    for t in range(40):
        assert len(np.unique(folds[tiles == t])) == 1
    assert np.bincount(folds).tolist() == [100] * 10
    np.testing.assert_array_equal(folds, spatial_folds(tiles, 10, seed=3))
    assert not np.array_equal(folds, spatial_folds(tiles, 10, seed=4))
    assert len(np.unique(spatial_folds(np.arange(3), 10, 0))) == 3  # fewer tiles than folds


def test_screen_keeps_the_signal_and_is_deterministic():
    rng = np.random.default_rng(7)
    n = 4000
    X = (rng.random((n, 8)) < 0.2).astype(np.uint8)
    y = rng.poisson(0.2 * np.exp(1.2 * X[:, 0] + 0.8 * X[:, 1]))
    folds = spatial_folds(np.arange(n) // 20, 5, seed=1)
    a = screen(X, y, folds, n_alphas=25)
    b = screen(X, y, folds, n_alphas=25)
    assert {0, 1} <= set(a.selected.tolist())
    assert np.all(a.coef[a.selected] > 0)
    np.testing.assert_array_equal(a.coef, b.coef)
    assert a.alpha_index == int(np.argmin(a.cv_mean))
    one_se = screen(X, y, folds, n_alphas=25, rule="one_se")
    assert one_se.alpha >= a.alpha
    assert one_se.cv_mean[one_se.alpha_index] <= a.cv_mean.min() + a.cv_se[a.alpha_index] + 1e-12


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_feature_sign_search_solves_the_penalised_quadratic_exactly(seed):
    from civicstat.safety.risk_terrain import quadratic

    rng = np.random.default_rng(seed)
    m = 12
    base = rng.normal(size=(m, 3))
    A = base @ base.T + 0.05 * rng.normal(size=(m, m)) @ rng.normal(size=(m, m)).T / m
    H = A @ A.T / m + np.diag(np.full(m, 0.05))  # strongly correlated columns
    c = rng.normal(size=m)
    l1 = np.r_[0.0, np.full(m - 1, 0.3)]  # the first coordinate is unpenalised
    l2 = np.r_[0.0, np.full(m - 1, 0.01)]
    x = quadratic.solve(H, c, np.zeros(m), l1, l2)

    def f(z):
        xp, xm = z[:m], z[m:]
        v = xp - xm
        val = 0.5 * v @ (H + np.diag(l2)) @ v - c @ v + l1 @ (xp + xm)
        g = (H + np.diag(l2)) @ v - c
        return val, np.r_[g + l1, -g + l1]

    bounds = [(None, None)] + [(0, None)] * (m - 1) + [(0, 0)] + [(0, None)] * (m - 1)
    ref = minimize(
        f,
        np.zeros(2 * m),
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"ftol": 1e-16, "gtol": 1e-12, "maxiter": 50000},
    )
    exact = ref.x[:m] - ref.x[m:]
    Q = H + np.diag(l2)
    assert quadratic.objective(Q, c, x, l1) <= quadratic.objective(Q, c, exact, l1) + 1e-10
    np.testing.assert_allclose(x, exact, atol=1e-4)
    assert np.count_nonzero(x[1:]) < m - 1  # the L1 penalty zeroes some coordinates
    # optimality certificate (subgradient conditions), independent of any reference solver
    g = Q @ x - c
    on = x != 0
    assert abs(g[0]) < 1e-9
    assert np.all(np.abs(g[1:][on[1:]] + l1[1:][on[1:]] * np.sign(x[1:][on[1:]])) < 1e-9)
    assert np.all(np.abs(g[1:][~on[1:]]) <= l1[1:][~on[1:]] + 1e-12)
