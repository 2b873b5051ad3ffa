"""Proximal Newton steps for the elastic-net Poisson fit on the active columns (stage 1).

Each step minimises the penalised quadratic model of the loss around the current fit
(``quadratic.solve``) and line-searches on the true objective. Forming the Hessian
``DᵀWD`` (D = [1, active columns], W the IRLS weights μ/N) is the one cost that grows with
(cells × active columns²), so it is kept between steps and along the α path — a lagged Hessian
only changes how fast the iteration converges, not where to: convergence is judged on the
exact gradient's KKT conditions. It is rebuilt when a step had to be shortened or after
``max_age`` steps; when the active set grows, only the new rows and columns are computed, with the
weights the rest was built with, so the matrix stays an exact Gram matrix (positive
semi-definite).
"""

from __future__ import annotations

import numpy as np

from civicstat.safety.risk_terrain import quadratic


class ActiveSetHessian:
    """The lagged Hessian of one α path, addressed by active column numbers."""

    def __init__(self, max_age: int = 16) -> None:
        self.max_age = max_age
        self.cols: np.ndarray | None = None
        self.w: np.ndarray | None = None
        self.H: np.ndarray | None = None
        self.age = 0

    def get(self, cols: np.ndarray, XA: np.ndarray, w_now: np.ndarray) -> np.ndarray:
        """The Hessian for the active columns ``cols`` (data ``XA``)."""
        if self.H is None or self.age >= self.max_age:
            self.H, self.cols, self.w, self.age = gram(XA, w_now), cols.copy(), w_now, 0
        elif not np.array_equal(cols, self.cols):
            self.H = self._reshape(cols, XA)
            self.cols = cols.copy()
        self.age += 1
        return self.H

    def expire(self) -> None:
        self.H = None

    def _reshape(self, cols: np.ndarray, XA: np.ndarray) -> np.ndarray:
        old = {int(c): i + 1 for i, c in enumerate(self.cols)}
        pos = np.array([0] + [old.get(int(c), -1) for c in cols])
        kept = np.flatnonzero(pos >= 0)
        new = np.flatnonzero(pos < 0)
        H = np.empty((len(pos), len(pos)))
        H[np.ix_(kept, kept)] = self.H[np.ix_(pos[kept], pos[kept])]
        if len(new):
            Xn = XA[:, new - 1]
            wXn = Xn * self.w[:, None]
            cross = np.empty((len(pos), len(new)))
            cross[0] = self.w @ Xn
            cross[1:] = XA.T @ wXn
            H[:, new] = cross
            H[new, :] = cross.T
        return H


def gram(XA: np.ndarray, w: np.ndarray, rows: int = 16384) -> np.ndarray:
    """``DᵀWD`` for ``D = [1, XA]``, accumulated over row blocks in float32 (it only shapes the
    Newton step; the gradient and the objective stay in float64)."""
    m = XA.shape[1] + 1
    H = np.zeros((m, m))
    sw = np.sqrt(w)
    for start in range(0, len(w), rows):
        block = np.empty((min(rows, len(w) - start), m), dtype=np.float32)
        block[:, 0] = sw[start : start + rows]
        block[:, 1:] = XA[start : start + rows] * sw[start : start + rows, None]
        H += (block.T @ block).astype(np.float64)
    return H


def objective(ysum, n, N, eta, beta, l1, l2) -> float:
    """``−ℓ/N`` plus the elastic-net penalty."""
    return float(-(ysum @ eta - n @ np.exp(eta)) / N + l1 @ np.abs(beta) + 0.5 * l2 @ beta**2)


def kkt_violation(grad, theta, l1, l2) -> float:
    """Largest violation of the elastic-net optimality conditions (``grad`` of the smooth loss)."""
    g = grad + l2 * theta
    nonzero = (theta != 0) | (l1 == 0)
    at_zero = np.maximum(np.abs(g) - l1, 0.0)
    moving = np.abs(g + l1 * np.sign(theta))
    return float(np.max(np.where(nonzero, moving, at_zero))) if len(g) else 0.0


def proximal_newton(XA, cols, ysum, n, b0, beta, l1, l2, kkt_tol, max_iter, hessian):
    """Fit on the active columns ``cols`` (data ``XA``); returns intercept, slopes, linear
    predictor and the number of steps."""
    N = n.sum()
    theta = np.concatenate([[b0], beta])
    pen1 = np.concatenate([[0.0], l1])
    pen2 = np.concatenate([[0.0], l2])
    eta = b0 + XA @ beta
    obj = objective(ysum, n, N, eta, beta, l1, l2)
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is returned
        mu = np.exp(eta)
        resid = ysum - n * mu
        grad = -np.concatenate([[resid.sum()], XA.T @ resid]) / N
        if kkt_violation(grad, theta, pen1, pen2) <= kkt_tol:
            break
        H = hessian.get(cols, XA, n * mu / N)
        proposal = quadratic.solve(H, H @ theta - grad, theta, pen1, pen2)
        step = 1.0
        while True:
            cand = theta + step * (proposal - theta)
            cand_eta = cand[0] + XA @ cand[1:]
            cand_obj = objective(ysum, n, N, cand_eta, cand[1:], l1, l2)
            if cand_obj <= obj or step < 1e-6:
                break
            step /= 2
        if step < 1.0:
            hessian.expire()
        if cand_obj > obj:
            break  # no descent even on a tiny step: converged to rounding
        theta, eta, obj = cand, cand_eta, cand_obj
    return float(theta[0]), theta[1:], eta, iterations
