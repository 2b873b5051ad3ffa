"""Risk terrain modelling: the civicstat pipeline against a straightforward shapely/pandas/statsmodels
implementation of the same computation.

Full size: 100,489 cells (317 × 317 cells of 50 m), 20 risk factors operationalised as proximity
and density over 6 half-block bands (240 candidate variables), 50,000 outcome points; quick mode:
3,600 cells, 6 factors, 4,000 points. The pipeline (``model_terrain``: operationalisation,
elastic-net screen with 10-fold spatial CV over 50 α, stepwise BIC for Poisson/NB1/NB2, RRS and
classes, validation beside KDE and prior counts) runs once at full size.

The baseline would take days at full size, so each of its stages runs on a seeded random
subsample of cells and is scaled linearly to the full grid (all of its per-cell and statsmodels
costs grow linearly with the number of cells):

- operationalisation and KDE: a shapely distance query per cell and factor on ``sub_cells``
  cells, × n_cells / sub_cells;
- stage 1: statsmodels ``GLM.fit_regularized`` elastic-net fits on ``stage1_cells`` cells at a few
  α spread over the pipeline's grid; mean time per fit × (α values × (folds + 1)) × n/m;
- stage 2: statsmodels Poisson/NB1/NB2 fits on ``stage2_cells`` cells of a sample of the models
  the pipeline's stepwise search visited; mean time per fit × models it fitted × n/m;
- ranking and PAI with pandas: run at full size.

Its peak memory is measured at full size on what it must hold: the candidate variables as a float
DataFrame and a statsmodels GLM built on it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm

from bench import rtm_baseline as baseline
from bench.harness import Result, measure, print_table
from bench.rtm_data import generate
from civicstat.safety.risk_terrain.pipeline import model_terrain

BENCH = "rtm"
FULL = {
    "side": 317,
    "factors": 20,
    "points": 50_000,
    "sub_cells": 1_000,
    "stage1_cells": 1_000,
    "stage1_alphas": 3,
    "stage2_cells": 10_000,
    "stage2_models": 6,
}
QUICK = {
    "side": 60,
    "factors": 6,
    "points": 4_000,
    "sub_cells": 200,
    "stage1_cells": 300,
    "stage1_alphas": 2,
    "stage2_cells": 1_000,
    "stage2_models": 3,
}


def main(quick: bool) -> list[Result]:
    size = QUICK if quick else FULL
    world = generate(size["side"], size["factors"], size["points"])
    grid = world.grid
    n = grid.n_cells
    ours, result = measure(
        BENCH,
        "civicstat model_terrain",
        lambda: model_terrain(
            world.config, grid, world.factors, world.train_xy, world.test_xy, 100.0
        ),
    )
    stage = dict(result.timings)
    matrix = _candidate_matrix(result, world)

    rng = np.random.default_rng(7)
    sub = np.sort(rng.choice(n, size=min(size["sub_cells"], n), replace=False))
    y_train = result.cells["train_count"].to_numpy()
    y_test = result.cells["test_count"].to_numpy()

    op, frame = measure(
        BENCH,
        "baseline operationalise",
        lambda: baseline.operationalise(grid.xy[sub], world.factors, world.bands),
    )
    names = list(result.candidates["name"])
    ours_cols = result.candidates.set_index("name")
    prox = [c for c in frame.columns if "_proximity_" in c and c in ours_cols.index]
    from_ours = pd.DataFrame(matrix[sub][:, [names.index(c) for c in prox]], columns=prox).astype(
        float
    )
    agree = bool((frame[prox].to_numpy() == from_ours.to_numpy()).all())

    m1 = sub[: size["stage1_cells"]]
    alphas = result.screening.alphas
    pick = np.unique(np.linspace(0, len(alphas) - 1, size["stage1_alphas"]).round().astype(int))
    s1, per_fit1 = measure(
        BENCH,
        "baseline stage 1 sample",
        lambda: baseline.elastic_net_seconds_per_fit(
            frame.iloc[: len(m1)].reset_index(drop=True), y_train[m1], alphas[pick]
        ),
    )
    folds = result.screening.n_folds

    m2 = np.sort(rng.choice(n, size=min(size["stage2_cells"], n), replace=False))
    X2 = pd.DataFrame(matrix[m2], columns=names).astype(float)
    survivors = list(result.candidates.loc[result.candidates["stage1"], "name"])
    final = [s.variable for s in result.selected]
    models = [[v] for v in survivors[: size["stage2_models"]]] + ([final] if final else [])
    s2, per_fit2 = measure(
        BENCH,
        "baseline stage 2 sample",
        lambda: baseline.count_model_seconds_per_fit(X2, y_train[m2], models),
    )
    fitted = int(result.families["models_fitted"].sum())

    kde_run, _ = measure(
        BENCH,
        "baseline KDE",
        lambda: baseline.kde(
            grid.xy[sub], world.train_xy, result.config.validation.kde_bandwidth_blocks * 100.0
        ),
    )
    rank, _ = measure(
        BENCH,
        "baseline ranking + PAI",
        lambda: baseline.pai_table(
            {
                "rtm": result.cells["rrs"].to_numpy(),
                "kde": result.cells["kde"].to_numpy(),
                "prior": y_train.astype(float),
            },
            y_test,
            result.config.validation.coverages,
        ),
    )
    memory, _ = measure(
        BENCH, "baseline memory probe", lambda: _design_and_glm(matrix, names, y_train)
    )

    scale = n / len(sub)
    parts = {
        "operationalise": op.seconds * scale,
        "stage 1 elastic net": per_fit1 * len(alphas) * (folds + 1) * n / len(m1),
        "stage 2 stepwise BIC": per_fit2 * fitted * n / len(m2),
        "scores and validation": kde_run.seconds * scale + rank.seconds,
    }
    total = Result(
        BENCH,
        "baseline (scaled)",
        sum(parts.values()),
        memory.peak_bytes,
        note=f"scaled from {len(sub)}/{len(m1)}/{len(m2)}-cell samples; memory at full size",
    )
    results = [ours, total]
    print(
        f"{n:,} cells, {len(world.factors)} factors, {len(names)} candidate variables "
        f"({len(result.dropped_candidates)} dropped), "
        f"{len(world.train_xy) + len(world.test_xy):,} points; stage 1 kept "
        f"{len(survivors)}, stage 2 chose {len(final)} ({result.model.family}); "
        f"{fitted} stepwise models fitted; {len(alphas)} α × {folds + 1} fits."
    )
    print(f"baseline proximity columns equal ours on the sampled cells: {agree}")
    print_table(results, baseline="baseline (scaled)")
    print(f"{'stage':<24} {'civicstat s':>12} {'baseline s (scaled)':>20} {'speed-up':>9}")
    for name, secs in parts.items():
        print(
            f"{name:<24} {stage.get(name, float('nan')):>12.2f} {secs:>20.1f} "
            f"{secs / stage.get(name, float('nan')):>9.0f}"
        )
    print(
        f"baseline samples as measured: operationalise {op.seconds:.1f}s on {len(sub)} cells, "
        f"{per_fit1:.2f}s per elastic-net fit on {len(m1)} cells, {per_fit2:.3f}s per count "
        f"model on {len(m2)} cells, KDE {kde_run.seconds:.1f}s on {len(sub)} cells.\n"
    )
    return results


def _candidate_matrix(result, world) -> np.ndarray:
    """The pipeline's candidate matrix, rebuilt (the result keeps only the chosen columns)."""
    from civicstat.safety.risk_terrain.operationalise import build_candidates

    cand = build_candidates(
        world.grid.xy, world.factors, world.bands, world.grid.n_cells * world.grid.cell_area
    )
    assert list(cand.variables["name"]) == list(result.candidates["name"])
    return cand.matrix


def _design_and_glm(matrix: np.ndarray, names: list[str], y: np.ndarray) -> int:
    frame = pd.DataFrame(matrix, columns=names).astype(float)
    model = sm.GLM(y, sm.add_constant(frame, has_constant="add"), family=sm.families.Poisson())
    return model.exog.shape[1]
