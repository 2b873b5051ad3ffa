"""Tests of the Poisson/NB1/NB2 maximum-likelihood fits and the stepwise BIC search (§1.4)."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from statsmodels.discrete.discrete_model import NegativeBinomial, Poisson

from civicstat.safety.risk_terrain.count_models import fit_count_model, loglik_terms
from civicstat.safety.risk_terrain.stepwise import select_family, stepwise_bic


def _nb_data(seed=3, n=3000, alpha=0.8):
    rng = np.random.default_rng(seed)
    X = (rng.random((n, 2)) < 0.3).astype(float)
    mu = np.exp(-0.5 + X @ [1.0, 0.4])
    y = rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu))
    return X, y


@pytest.mark.parametrize("family", ["poisson", "nb1", "nb2"])
def test_fits_agree_with_statsmodels(family):
    X, y = _nb_data()
    ours = fit_count_model(X, y, family=family, with_cov=True)
    if family == "poisson":
        ref = Poisson(y, sm.add_constant(X)).fit(disp=0)
        ref_params, ref_se = ref.params, ref.bse
    else:
        ref = NegativeBinomial(y, sm.add_constant(X), loglike_method=family).fit(
            disp=0, method="bfgs", maxiter=1000
        )
        ref_params, ref_se = ref.params[:-1], ref.bse[:-1]
        assert ours.alpha == pytest.approx(ref.params[-1], rel=1e-3)
    assert ours.loglik == pytest.approx(ref.llf, abs=1e-5)
    np.testing.assert_allclose(ours.params, ref_params, atol=2e-4)
    np.testing.assert_allclose(ours.se, ref_se, rtol=1e-3)
    assert ours.bic == pytest.approx(ref.bic, abs=1e-4)  # both count the dispersion parameter


@pytest.mark.parametrize("family", ["poisson", "nb1", "nb2"])
def test_frequency_weights_equal_expanded_rows(family):
    X, y = _nb_data(seed=9, n=1500)
    rows = np.column_stack([X, y])
    uniq, counts = np.unique(rows, axis=0, return_counts=True)
    grouped = fit_count_model(uniq[:, :2], uniq[:, 2], counts, family)
    full = fit_count_model(X, y, family=family)
    assert grouped.loglik == pytest.approx(full.loglik, abs=1e-6)
    np.testing.assert_allclose(grouped.params, full.params, atol=1e-5)
    assert grouped.n_obs == 1500


@pytest.mark.parametrize("family", ["nb1", "nb2"])
@pytest.mark.parametrize("alpha", [1e-6, 0.3, 4.0])
def test_analytic_gradients_match_finite_differences(family, alpha):
    y = np.array([0, 1, 2, 5, 9, 0, 3], dtype=float)
    eta = np.log(np.array([0.2, 1.0, 1.5, 4.0, 6.0, 0.05, 2.5]))
    ll, d_eta, d_alpha = loglik_terms(family, y, eta, alpha)
    h = 1e-6
    num_eta = (
        loglik_terms(family, y, eta + h, alpha)[0] - loglik_terms(family, y, eta - h, alpha)[0]
    ) / (2 * h)
    ha = max(alpha * 1e-5, 1e-7)  # an absolute floor keeps rounding noise out near 0
    num_alpha = (
        loglik_terms(family, y, eta, alpha + ha)[0] - loglik_terms(family, y, eta, alpha - ha)[0]
    ) / (2 * ha)
    np.testing.assert_allclose(d_eta, num_eta, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(d_alpha, num_alpha, rtol=1e-4, atol=1e-6)


def test_nb_loglik_tends_to_poisson_and_matches_textbook_form():
    from scipy.special import gammaln

    y = np.array([0, 1, 3, 7], dtype=float)
    mu = np.array([0.5, 1.2, 2.0, 5.0])
    pois = y * np.log(mu) - mu - gammaln(y + 1)
    for fam in ("nb1", "nb2"):
        np.testing.assert_allclose(loglik_terms(fam, y, np.log(mu), 1e-9)[0], pois, atol=1e-7)
    a = 0.7  # textbook NB2 with theta = 1/a
    th = 1 / a
    nb2 = (
        gammaln(y + th)
        - gammaln(th)
        - gammaln(y + 1)
        + th * np.log(th / (th + mu))
        + y * np.log(mu / (th + mu))
    )
    np.testing.assert_allclose(loglik_terms("nb2", y, np.log(mu), a)[0], nb2, rtol=1e-12)
    r = mu / a  # textbook NB1: size mu/a, p = 1/(1+a)
    nb1 = (
        gammaln(y + r)
        - gammaln(r)
        - gammaln(y + 1)
        + r * np.log(1 / (1 + a))
        + y * np.log(a / (1 + a))
    )
    np.testing.assert_allclose(loglik_terms("nb1", y, np.log(mu), a)[0], nb1, rtol=1e-12)


def _design(seed, n=6000, dispersion=0.0):
    """Two factors with three nested bands each; the truth is factor A band 2 (RRV 3)."""
    rng = np.random.default_rng(seed)
    dA = rng.exponential(300, n)
    dB = rng.exponential(300, n)
    bands = [100, 200, 300]
    X = np.column_stack([dA <= b for b in bands] + [dB <= b for b in bands]).astype(np.uint8)
    mu = 0.1 * np.where(X[:, 1] == 1, 3.0, 1.0)
    if dispersion:
        mu = rng.gamma(1 / dispersion, mu * dispersion)
    y = rng.poisson(mu)
    names = [f"A_{b}" for b in bands] + [f"B_{b}" for b in bands]
    groups = ["A:proximity"] * 3 + ["B:proximity"] * 3
    return X, y, names, groups


def test_stepwise_picks_the_true_band_only():
    X, y, names, groups = _design(seed=1)
    res = stepwise_bic(X, y, names, groups, "poisson")
    assert [names[j] for j in res.columns] == ["A_200"]
    assert np.exp(res.fit.params[1]) == pytest.approx(3.0, rel=0.2)
    assert res.steps[0].move == "start" and res.steps[-1].bic == pytest.approx(res.fit.bic)
    bics = [s.bic for s in res.steps]
    assert bics == sorted(bics, reverse=True)  # every accepted move lowers BIC
    # independent check of the final BIC: statsmodels Poisson on the chosen column
    ref = Poisson(y, sm.add_constant(X[:, 1].astype(float))).fit(disp=0)
    assert res.fit.bic == pytest.approx(-2 * ref.llf + 2 * np.log(len(y)), abs=1e-6)


def test_one_band_per_factor_and_swap_moves():
    X, y, names, groups = _design(seed=2)
    # start the search from a wrong band: only the swap move can reach the right one
    res = stepwise_bic(X[:, [0, 1, 2]], y, names[:3], groups[:3], "poisson")
    assert len(res.columns) == 1
    for fam in ("poisson", "nb2"):
        res = stepwise_bic(X, y, names, groups, fam)
        chosen_groups = [groups[j] for j in res.columns]
        assert len(chosen_groups) == len(set(chosen_groups))


def test_negative_binomial_chosen_when_overdispersed_poisson_when_not():
    X, y, names, groups = _design(seed=3)
    best, all_fits = select_family(X, y, names, groups)
    assert best.family == "poisson"
    assert {r.family for r in all_fits} == {"poisson", "nb1", "nb2"}
    X, y, names, groups = _design(seed=3, dispersion=2.0)
    best, all_fits = select_family(X, y, names, groups)
    assert best.family in ("nb1", "nb2")
    pois = next(r for r in all_fits if r.family == "poisson")
    assert best.fit.bic < pois.fit.bic - 10
    # the BIC comparison itself, independently with statsmodels on the chosen column(s)
    cols = [int(c) for c in best.columns]
    ref = NegativeBinomial(
        y, sm.add_constant(X[:, cols].astype(float)), loglike_method=best.family
    ).fit(disp=0, method="bfgs", maxiter=1000)
    assert best.fit.bic == pytest.approx(ref.bic, abs=1e-3)


def test_negative_slopes_are_refused_unless_allowed():
    rng = np.random.default_rng(4)
    n = 5000
    X = (rng.random((n, 2)) < 0.3).astype(np.uint8)
    y = rng.poisson(0.3 * np.exp(1.0 * X[:, 0] - 1.2 * X[:, 1]))
    names, groups = ["risk", "protective"], ["r:p", "p:p"]
    assert [names[j] for j in stepwise_bic(X, y, names, groups, "poisson").columns] == ["risk"]
    allowed = stepwise_bic(X, y, names, groups, "poisson", allow_negative=True)
    assert sorted(names[j] for j in allowed.columns) == ["protective", "risk"]
