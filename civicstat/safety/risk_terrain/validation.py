"""Hold-out validation of a risk ranking (methods.md §1.6).

Cells are ranked by predicted risk (descending); for a target coverage c of the area the top
cells give, with ``n_t`` the test-window events in them, ``N`` all test events, ``a_t`` their area
and ``A`` the total area:

- hit rate ``HR = n_t / N`` `[OPENCP]`;
- ``PAI = (n_t/N) / (a_t/A)`` (Chainey, Tompson & Uhlig 2008) `[PTOOLS]`;
- ``PEI = PAI / PAI*``, PAI* of the oracle ranking the test counts themselves for the same area
  `[PTOOLS]`; for the same area this is ``n_t / n*``;
- ``RRI = Σ_top predicted / Σ_top observed`` (Levine 2008) `[PTOOLS]`.

Ties: cells with the same score cannot be ordered. ``ties="together"`` takes whole tie blocks
(coverage rounded up to include every cell of the same score, as ``open_cp`` does for inverse hit
rates); ``ties="fractional"`` (default) takes the needed fraction of the boundary tie block and
counts its events pro rata — the expected result of breaking ties at random, deterministic, and at
exactly the target coverage. The oracle is computed the same way. PAI, PEI and RRI are suppressed
(NaN, ``suppressed=True``) when N is below ``min_events`` (methods.md §1.6, [I] default 30).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

COLUMNS = [
    "method",
    "cut",
    "coverage_target",
    "coverage",
    "cells",
    "n_t",
    "N",
    "hit_rate",
    "pai",
    "pei",
    "rri",
    "suppressed",
]


def _cumulative_blocks(score: np.ndarray, columns: Sequence[np.ndarray]):
    """Order by score descending; cumulative sums of ``columns`` at the end of each tie block."""
    order = np.argsort(-score, kind="stable")
    s = score[order]
    starts = np.r_[True, s[1:] != s[:-1]] if len(s) else np.zeros(0, bool)
    block = np.cumsum(starts) - 1
    n_blocks = int(block[-1]) + 1 if len(block) else 0
    return [np.cumsum(np.bincount(block, weights=c[order], minlength=n_blocks)) for c in columns]


def _at_area(cum_area: np.ndarray, cum_values: Sequence[np.ndarray], target: float, together: bool):
    """Cumulative values when the ranking reaches ``target`` area; returns (area, values)."""
    b = int(np.searchsorted(cum_area, target * (1 - 1e-12)))
    b = min(b, len(cum_area) - 1)
    if together:
        return float(cum_area[b]), [float(v[b]) for v in cum_values]
    prev_area = cum_area[b - 1] if b > 0 else 0.0
    span = cum_area[b] - prev_area
    phi = 1.0 if span <= 0 else min(1.0, max(0.0, (target - prev_area) / span))
    out = []
    for v in cum_values:
        prev = v[b - 1] if b > 0 else 0.0
        out.append(float(prev + phi * (v[b] - prev)))
    return float(target), out


def coverage_table(
    score: np.ndarray,
    observed: np.ndarray,
    coverages: Sequence[float],
    area: np.ndarray | None = None,
    predicted: np.ndarray | None = None,
    ties: str = "fractional",
    min_events: int = 30,
    method: str = "",
    cuts: Sequence[str] | None = None,
) -> pd.DataFrame:
    """HR, PAI, PEI and RRI of ranking cells by ``score`` at each target area coverage."""
    score = np.asarray(score, dtype=float)
    observed = np.asarray(observed, dtype=float)
    area = np.ones(len(score)) if area is None else np.asarray(area, dtype=float)
    pred = np.zeros(len(score)) if predicted is None else np.asarray(predicted, dtype=float)
    together = ties == "together"
    if ties not in ("together", "fractional"):
        raise ValueError(f"ties must be 'together' or 'fractional', got {ties!r}")
    total_area, n_total = float(area.sum()), float(observed.sum())
    cum_a, cum_o, cum_p, cum_c = _cumulative_blocks(
        score, [area, observed, pred, np.ones(len(score))]
    )
    # the oracle ranks by observed density; its own ties never change its sums
    o_a, o_o = _cumulative_blocks(observed / area, [area, observed])
    rows = []
    for i, c in enumerate(coverages):
        a_t, (n_t, p_t, cells) = _at_area(cum_a, [cum_o, cum_p, cum_c], c * total_area, together)
        _, (n_star,) = _at_area(o_a, [o_o], a_t, together=False)
        share = a_t / total_area
        hit = n_t / n_total if n_total > 0 else np.nan
        suppressed = n_total < min_events
        pai = hit / share if share > 0 else np.nan
        pei = n_t / n_star if n_star > 0 else np.nan
        rri = p_t / n_t if (predicted is not None and n_t > 0) else np.nan
        if suppressed:
            pai = pei = rri = np.nan
        rows.append(
            {
                "method": method,
                "cut": cuts[i] if cuts else f"{c:.0%}",
                "coverage_target": float(c),
                "coverage": share,
                "cells": cells,
                "n_t": n_t,
                "N": n_total,
                "hit_rate": hit,
                "pai": pai,
                "pei": pei,
                "rri": rri,
                "suppressed": bool(suppressed),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def validation_table(
    rankings: dict[str, tuple[np.ndarray, np.ndarray | None]],
    observed: np.ndarray,
    coverages: Sequence[float],
    class_coverages: dict[str, float] | None = None,
    area: np.ndarray | None = None,
    ties: str = "fractional",
    min_events: int = 30,
) -> pd.DataFrame:
    """One table for several rankings (e.g. rtm, kde, prior_counts) on the same test counts, at the
    fixed coverages and at the area share of each risk class and above (``class_coverages``)."""
    frames = []
    extra = dict(class_coverages or {})
    labels = [f"{c:.0%}" for c in coverages] + [f"class ≥ {k}" for k in extra]
    targets = [*coverages, *extra.values()]
    for name, (score, predicted) in rankings.items():
        frames.append(
            coverage_table(
                score,
                observed,
                targets,
                area,
                predicted,
                ties,
                min_events,
                method=name,
                cuts=labels,
            )
        )
    return pd.concat(frames, ignore_index=True)
