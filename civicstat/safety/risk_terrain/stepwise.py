"""Stage 2 of factor selection: bidirectional stepwise BIC from the null model (methods.md §1.4).

For each family (Poisson, NB1, NB2) separately: start from the intercept-only model; at each step
try every admissible move — add a variable, drop one, or swap a variable for another band of the
same factor × operationalisation — and take the move with the lowest BIC; stop when no move lowers
BIC. A model may hold at most one band per factor × operationalisation (methods.md §1.4 step 3,
[I]); the swap move lets the search pick the BIC-best band. Unless negative factors are allowed,
a move is admissible only if every slope of the resulting model is positive (RTM models
risk-increasing factors, methods.md §1.4 step 2).

The family with the lowest final BIC is chosen (step 4); all three are reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from civicstat.safety.risk_terrain.count_models import CountFit, fit_count_model


@dataclass(frozen=True)
class Step:
    """One accepted move: ``move`` is start/add/drop/swap; ``variables`` the model after it."""

    step: int
    move: str
    variable: str
    replaced: str
    bic: float
    variables: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class StepwiseResult:
    """The final model of one family: ``columns`` index the candidate matrix passed in."""

    family: str
    columns: tuple[int, ...]
    fit: CountFit
    steps: tuple[Step, ...]
    n_fits: int


class _Collapser:
    """Unique (row of chosen columns, count) pairs with their number of cells, cached by column
    set and shared by the families."""

    def __init__(self, X: np.ndarray, y: np.ndarray) -> None:
        self.X = X
        self.y = np.asarray(y, dtype=np.int64)
        self.base = int(self.y.max()) + 1 if len(self.y) else 1
        self.cache: dict[tuple[int, ...], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def __call__(self, columns: tuple[int, ...]):
        if columns not in self.cache:
            if len(columns) <= 55:
                code = np.zeros(len(self.y), dtype=np.int64)
                for bit, j in enumerate(columns):
                    code |= self.X[:, j].astype(np.int64) << bit
                key = code * self.base + self.y
                _, first, counts = np.unique(key, return_index=True, return_counts=True)
            else:
                rows = np.column_stack([self.X[:, list(columns)], self.y])
                _, first, counts = np.unique(rows, axis=0, return_index=True, return_counts=True)
            Xg = self.X[np.ix_(first, list(columns))].astype(float)
            self.cache[columns] = (Xg, self.y[first].astype(float), counts.astype(float))
        return self.cache[columns]


def stepwise_bic(
    X: np.ndarray,
    y: np.ndarray,
    names: Sequence[str],
    groups: Sequence[str],
    family: str,
    allow_negative: bool = False,
    collapser: _Collapser | None = None,
    max_steps: int = 200,
) -> StepwiseResult:
    """Bidirectional stepwise BIC over the columns of the binary matrix ``X``.

    ``groups[j]`` names the factor × operationalisation of column j: a model holds at most one
    column per group.
    """
    collapse = collapser or _Collapser(X, y)
    model: tuple[int, ...] = ()
    fit = _fit(collapse, model, family)
    steps = [Step(0, "start", "", "", fit.bic, ())]
    n_fits = 1
    for step in range(1, max_steps + 1):
        best: tuple[float, str, int, int, tuple[int, ...], CountFit] | None = None
        for move, added, removed, cols in _moves(model, len(names), groups):
            candidate = _fit(collapse, cols, family)
            n_fits += 1
            if not allow_negative and np.any(candidate.params[1:] <= 0):
                continue
            if not np.isfinite(candidate.bic):
                continue
            if best is None or candidate.bic < best[0] - 1e-9:
                best = (candidate.bic, move, added, removed, cols, candidate)
        if best is None or best[0] >= fit.bic - 1e-9:
            break
        bic, move, added, removed, model, fit = best
        steps.append(
            Step(
                step,
                move,
                names[added] if added >= 0 else "",
                names[removed] if removed >= 0 else "",
                bic,
                tuple(names[j] for j in model),
            )
        )
    final = _fit(collapse, model, family, with_cov=True)
    return StepwiseResult(family, model, final, tuple(steps), n_fits)


def _moves(model: tuple[int, ...], p: int, groups: Sequence[str]):
    """Admissible (move, added, removed, columns) from ``model``; columns kept sorted."""
    used = {groups[j]: j for j in model}
    for j in range(p):
        if j in model:
            continue
        if groups[j] in used:
            old = used[groups[j]]
            yield "swap", j, old, tuple(sorted((set(model) - {old}) | {j}))
        else:
            yield "add", j, -1, tuple(sorted((*model, j)))
    for j in model:
        yield "drop", -1, j, tuple(c for c in model if c != j)


def _fit(
    collapse: _Collapser, columns: tuple[int, ...], family: str, with_cov: bool = False
) -> CountFit:
    Xg, yg, fg = collapse(columns)
    return fit_count_model(Xg, yg, fg, family, with_cov=with_cov)


def select_family(
    X: np.ndarray,
    y: np.ndarray,
    names: Sequence[str],
    groups: Sequence[str],
    families: Sequence[str] = ("poisson", "nb1", "nb2"),
    allow_negative: bool = False,
) -> tuple[StepwiseResult, tuple[StepwiseResult, ...]]:
    """Run the stepwise search for every family; return the lowest-BIC one and all of them.

    The fits are tiny (collapsed rows, a few parameters), so BLAS runs single-threaded here:
    OpenBLAS threads spinning on such calls slow them down a hundredfold on a busy machine.
    """
    collapser = _Collapser(np.asarray(X), y)
    with threadpool_limits(limits=1, user_api="blas"):
        results = tuple(
            stepwise_bic(X, y, names, groups, fam, allow_negative, collapser) for fam in families
        )
    best = min(results, key=lambda r: r.fit.bic)
    return best, results
