"""Maximum-likelihood Poisson, NB1 and NB2 count models with frequency weights (methods.md §1.4).

Stage 2 refits small models many times, so cells are collapsed to unique (covariate row, count)
pairs and each pair carries its number of cells as a frequency weight; the log-likelihood is the
weighted sum, which is exact.

Parametrisations (Cameron & Trivedi 2013, *Regression Analysis of Count Data*, §3.3; statsmodels
``NegativeBinomial(loglike_method=...)``), with ``μ = exp(xβ)``:

- Poisson: ``ℓ = y log μ − μ − log y!``;
- NB2: Var = μ + αμ²:
  ``ℓ = Σ_{k<y} log(1 + kα) + y log μ − (y + 1/α) log(1 + αμ) − log y!``;
- NB1: Var = μ(1 + α) (gamlss ``NBII``, methods.md §1.4 note):
  ``ℓ = Σ_{k<y} log(μ + kα) − (y + μ/α) log(1 + α) − log y!``.

Both NB forms are the textbook ones rewritten with ``log Γ(y+r) − log Γ(r) = Σ_{k<y} log(r+k)``
(y is a count) so they stay exact as α → 0, where they tend to the Poisson. α is fitted on the log
scale, bounded to [e⁻²⁵, e⁸]: at the lower bound the NB fit equals the Poisson one and BIC, which
charges the NB one more parameter, then prefers the Poisson.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln

FAMILIES = ("poisson", "nb1", "nb2")
_LOG_ALPHA_BOUNDS = (-25.0, 8.0)


@dataclass(frozen=True, eq=False)
class CountFit:
    """A fitted count model: ``params`` = intercept then slopes; ``alpha`` the NB dispersion."""

    family: str
    params: np.ndarray
    alpha: float | None
    loglik: float
    n_obs: float
    converged: bool
    cov: np.ndarray | None = None

    @property
    def k(self) -> int:
        """Number of estimated parameters (intercept, slopes, dispersion)."""
        return len(self.params) + (0 if self.alpha is None else 1)

    @property
    def bic(self) -> float:
        """``−2ℓ + k ln n`` with n the number of cells (methods.md §1.4 step 3)."""
        return -2.0 * self.loglik + self.k * np.log(self.n_obs)

    @property
    def se(self) -> np.ndarray | None:
        """Standard errors of ``params`` from the inverse observed information."""
        if self.cov is None:
            return None
        return np.sqrt(np.clip(np.diag(self.cov)[: len(self.params)], 0, None))


def _sum_k(y: np.ndarray, fn) -> np.ndarray:
    """``Σ_{k<y} fn(k)`` row by row, for small integer counts y."""
    out = np.zeros(len(y))
    for k in range(int(y.max()) if len(y) else 0):
        rows = y > k
        out[rows] += fn(k, rows)
    return out


def _h(t: np.ndarray) -> np.ndarray:
    """``(t/(1+t) − log(1+t)) / t²``, with its series near 0 to avoid cancellation."""
    t = np.asarray(t, dtype=float)
    small = t < 1e-3
    ts = np.where(small, 1.0, t)
    exact = (ts / (1 + ts) - np.log1p(ts)) / ts**2
    return np.where(small, -0.5 + 2 * t / 3 - 0.75 * t**2, exact)


def loglik_terms(family: str, y: np.ndarray, eta: np.ndarray, alpha: float | None):
    """Per-row log-likelihood, its derivative in η and (NB) in α."""
    mu = np.exp(eta)
    lfy = gammaln(y + 1)
    if family == "poisson":
        return y * eta - mu - lfy, y - mu, None
    a = float(alpha)
    if family == "nb2":
        l1p = np.log1p(a * mu)
        ll = _sum_k(y, lambda k, r: np.log1p(k * a)) + y * eta - (y + 1 / a) * l1p - lfy
        d_eta = (y - mu) / (1 + a * mu)
        d_alpha = (
            _sum_k(y, lambda k, r: k / (1 + k * a)) - y * mu / (1 + a * mu) - mu**2 * _h(a * mu)
        )
        return ll, d_eta, d_alpha
    if family == "nb1":
        l1p = np.log1p(a)
        ll = _sum_k(y, lambda k, r: np.log(mu[r] + k * a)) - (y + mu / a) * l1p - lfy
        d_mu = _sum_k(y, lambda k, r: 1 / (mu[r] + k * a)) - l1p / a
        d_alpha = (
            _sum_k(y, lambda k, r: k / (mu[r] + k * a)) - y / (1 + a) - mu * _h(np.full_like(mu, a))
        )
        return ll, mu * d_mu, d_alpha
    raise ValueError(f"unknown family {family!r}; expected one of {FAMILIES}")


def fit_count_model(
    X: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None = None,
    family: str = "poisson",
    with_cov: bool = False,
) -> CountFit:
    """Maximum-likelihood fit of ``y ~ 1 + X`` (an intercept is added) with frequency weights."""
    X = np.asarray(X, dtype=float).reshape(len(y), -1)
    y = np.asarray(y, dtype=float)
    f = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    D = np.column_stack([np.ones(len(y)), X])
    beta, ok = _poisson_newton(D, y, f)
    if family == "poisson":
        ll = float(f @ loglik_terms("poisson", y, D @ beta, None)[0])
        cov = np.linalg.pinv((D * (f * np.exp(D @ beta))[:, None]).T @ D) if with_cov else None
        return CountFit("poisson", beta, None, ll, float(f.sum()), ok, cov)
    N = f.sum()

    def negll(theta: np.ndarray) -> tuple[float, np.ndarray]:
        b, la = theta[:-1], theta[-1]
        ll, d_eta, d_alpha = loglik_terms(family, y, D @ b, np.exp(la))
        grad = np.concatenate([D.T @ (f * d_eta), [np.exp(la) * (f @ d_alpha)]])
        return -float(f @ ll) / N, -grad / N

    mu = np.exp(D @ beta)
    excess = (f @ ((y - mu) ** 2 - y)) / (f @ (mu**2 if family == "nb2" else mu))
    start = np.concatenate([beta, [np.log(np.clip(excess, 1e-4, 1e2))]])
    bounds = [(None, None)] * len(beta) + [_LOG_ALPHA_BOUNDS]
    res = minimize(
        negll,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-10},
    )
    theta = res.x
    cov = _numeric_cov(negll, theta, N) if with_cov else None
    return CountFit(
        family, theta[:-1], float(np.exp(theta[-1])), -res.fun * N, float(N), bool(res.success), cov
    )


def _poisson_newton(D: np.ndarray, y: np.ndarray, f: np.ndarray, max_iter: int = 100):
    """Newton–Raphson for the weighted Poisson MLE (with step halving)."""
    beta = np.zeros(D.shape[1])
    beta[0] = np.log(max(f @ y, 1e-12) / f.sum())

    def ll(b: np.ndarray) -> float:
        eta = D @ b
        return float(f @ (y * eta - np.exp(eta)))

    current = ll(beta)
    for _ in range(max_iter):
        mu = np.exp(D @ beta)
        grad = D.T @ (f * (y - mu))
        hess = (D * (f * mu)[:, None]).T @ D
        step = np.linalg.lstsq(hess, grad, rcond=None)[0]
        t = 1.0
        while True:
            new = ll(beta + t * step)
            if new >= current - 1e-12 * abs(current) or t < 1e-8:
                break
            t /= 2
        beta = beta + t * step
        done = abs(new - current) < 1e-12 * (abs(current) + 1)
        current = new
        if done and np.max(np.abs(t * step)) < 1e-8:
            return beta, True
    return beta, False


def _numeric_cov(negll, theta: np.ndarray, N: float) -> np.ndarray:
    """Inverse observed information from central differences of the analytic gradient."""
    k = len(theta)
    hess = np.empty((k, k))
    for i in range(k):
        h = 1e-5 * max(1.0, abs(theta[i]))
        up, down = theta.copy(), theta.copy()
        up[i] += h
        down[i] -= h
        hess[:, i] = (negll(up)[1] - negll(down)[1]) * N / (2 * h)
    hess = (hess + hess.T) / 2
    return np.linalg.pinv(hess)
