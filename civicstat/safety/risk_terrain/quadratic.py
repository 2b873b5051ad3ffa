"""The inner problem of the elastic-net IRLS loop: a small penalised quadratic.

``minimise f(θ) = ½ θᵀHθ − cᵀθ + Σ_j l1_j |θ_j| + ½ Σ_j l2_j θ_j²`` with H positive
semi-definite, ``(a+1) × (a+1)`` for ``a`` active columns (coordinates with ``l1_j = 0``, such as
the intercept, are unpenalised).

Warm-started from the previous solution, the feature-sign search of Lee, Battle, Raina & Ng
(2007), "Efficient sparse coding algorithms", *NIPS 19*, §2, solves the problem exactly:
guess the signs, solve the linear system on the non-zero set, line-search over the points where a
coefficient crosses zero, and add the zero coefficient that violates optimality most — each step
lowers f, so it ends after finitely many small linear solves. Cyclic coordinate descent with
covariance updates (Friedman, Hastie & Tibshirani 2010, §2.2) is the fallback; alone it crawls
when the band columns of one factor are strongly correlated, which the exact search does not.
"""

from __future__ import annotations

import numpy as np


def solve(
    H: np.ndarray,
    c: np.ndarray,
    theta: np.ndarray,
    l1: np.ndarray,
    l2: np.ndarray,
    tol: float = 1e-12,
) -> np.ndarray:
    """The minimiser of f, warm-started at ``theta``."""
    Q = H + np.diag(l2)
    x = theta.astype(float).copy()
    exact = feature_sign(Q, c, x, l1, tol)
    if exact is not None:
        return exact
    return _sweeps(Q, c, x, l1, n_sweeps=100_000, tol=tol * max(1.0, float(np.abs(c).max())))


def objective(Q: np.ndarray, c: np.ndarray, x: np.ndarray, l1: np.ndarray) -> float:
    """``½xᵀQx − cᵀx + Σ l1|x|`` with ``Q = H + diag(l2)``."""
    return float(0.5 * x @ Q @ x - c @ x + l1 @ np.abs(x))


def _sweeps(Q, c, x, l1, n_sweeps, tol=0.0):
    """Cyclic coordinate descent, keeping ``c − Qx`` up to date."""
    g = c - Q @ x
    d = np.diag(Q).tolist()
    lam = [float(v) for v in l1]
    for _ in range(n_sweeps):
        biggest = 0.0
        for j in range(len(x)):
            if d[j] <= 0:
                continue
            old = float(x[j])
            u = float(g[j]) + d[j] * old
            if lam[j] > 0:
                u = u - lam[j] if u > lam[j] else u + lam[j] if u < -lam[j] else 0.0
            delta = u / d[j] - old
            if delta != 0.0:
                g -= Q[:, j] * delta
                x[j] = old + delta
                biggest = max(biggest, d[j] * delta * delta)
        if biggest <= tol:
            break
    return x


def feature_sign(Q, c, x, l1, tol=1e-12, max_steps=None):
    """Feature-sign search from ``x``; None if it does not finish (then the caller falls back to
    coordinate descent)."""
    m = len(x)
    x = x.copy()
    free = l1 <= 0
    sign = np.where(free, 0.0, np.sign(x))
    max_steps = max_steps or 20 * m + 50
    scale = max(1.0, float(np.abs(c).max()))
    for _ in range(max_steps):
        active = free | (sign != 0)
        A = np.flatnonzero(active)
        try:
            target = np.linalg.solve(Q[np.ix_(A, A)], c[A] - l1[A] * sign[A])
        except np.linalg.LinAlgError:
            return None
        step = _line_search(Q, c, l1, x, A, target, sign)
        if step is None:
            return None
        x, consistent = step
        sign = np.where(free, 0.0, np.sign(x))
        if not consistent:
            continue
        grad = Q @ x - c
        zero = ~free & (x == 0)
        excess = np.where(zero, np.abs(grad) - l1, -np.inf)
        j = int(np.argmax(excess))
        if excess[j] <= tol * scale:
            return x
        sign[j] = -np.sign(grad[j])
    return None


def _line_search(Q, c, l1, x, A, target, sign):
    """Best point on the segment from ``x`` to ``target`` (on the active set ``A``) among the
    end point and the points where a penalised coefficient reaches zero. Returns the new x and
    whether the end point, with signs as guessed, was reached."""
    current = x[A]
    pen = sign[A] != 0
    wrong = pen & (np.sign(target) != sign[A])
    if not wrong.any():
        out = x.copy()
        out[A] = target
        return out, True
    ts = [1.0]
    hits = np.flatnonzero(wrong & (current != 0))
    for k in hits:
        ts.append(float(current[k] / (current[k] - target[k])))
    best, best_f = None, objective(Q, c, x, l1)
    for t in ts:
        if not 0 < t <= 1:
            continue
        cand = x.copy()
        cand[A] = current + t * (target - current)
        if t < 1:
            crossing = hits[np.isclose(current[hits] / (current[hits] - target[hits]), t)]
            cand[A[crossing]] = 0.0
        f = objective(Q, c, cand, l1)
        if f < best_f:
            best, best_f = cand, f
    if best is None:
        return None
    return best, False
