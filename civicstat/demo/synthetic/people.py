"""Pseudonymous people for the synthetic crisis responses, heavy-tailed (PURE, seeded).

Responses per identified person follow a survival curve ``S(x) = P(count ≥ x)`` given at a few
points and interpolated log-linearly in log x (Pareto pieces) — see ``people`` in
``params/durham_heart.yaml``. Counts are drawn by *stratified* inverse-CDF sampling (person i of
P takes the quantile at ``(i + U_i)/P``), so the rare heavy users, on whom the familiar-neighbor
figures rest, appear in about the right numbers at any seed instead of by luck.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def survival_table(points: Sequence[tuple[float, float]], max_count: int) -> np.ndarray:
    """``S(x)`` for x = 1 … max_count (index x − 1), from the given points; 0 beyond the last."""
    xs = np.arange(1, max_count + 1, dtype=float)
    px = np.log([c for c, _ in points])
    ps = np.log([s for _, s in points])
    log_s = np.interp(np.log(xs), px, ps, right=-np.inf)
    return np.exp(log_s)


def mean_count(points: Sequence[tuple[float, float]], max_count: int) -> float:
    """E[count] = Σ_x S(x)."""
    return float(survival_table(points, max_count).sum())


def person_counts(
    rng: np.random.Generator,
    total: int,
    points: Sequence[tuple[float, float]],
    max_count: int,
) -> np.ndarray:
    """Responses per person, summing to exactly ``total``, descending.

    The number of people is ``round(total / E[count])``; after the stratified draw the sum is
    matched to ``total`` by adding or removing people with a single response.
    """
    if total <= 0:
        return np.zeros(0, dtype=int)
    table = survival_table(points, max_count)
    people = max(1, round(total / table.sum()))
    level = 1.0 - (np.arange(people) + rng.random(people)) / people  # survival level in (0, 1]
    counts = np.searchsorted(-table, -level, side="right")  # largest x with S(x) ≥ level
    counts = np.clip(counts, 1, max_count)
    counts = np.sort(counts)[::-1]
    excess = int(counts.sum()) - total
    if excess > 0:
        ones = np.flatnonzero(counts == 1)
        drop = ones[-min(excess, len(ones)) :]
        counts = np.delete(counts, drop)
        excess = int(counts.sum()) - total
        while excess > 0:  # only if there were not enough single-response people
            counts[np.argmax(counts)] -= 1
            excess -= 1
    elif excess < 0:
        counts = np.concatenate([counts, np.ones(-excess, dtype=counts.dtype)])
    return counts


def pseudonyms(rng: np.random.Generator, n: int, prefix: str) -> np.ndarray:
    """``n`` distinct ids ``prefix`` + 10 hex digits (random: they encode nothing)."""
    values: set[int] = set()
    while len(values) < n:
        values.update(int(v) for v in rng.integers(0, 16**10, n - len(values)))
    ordered = rng.permutation(np.array(sorted(values), dtype=np.int64))
    return np.asarray([f"{prefix}{v:010x}" for v in ordered], dtype=object)
