"""``run_rtm``: one risk terrain modelling run from a configuration (methods.md §1).

Steps: project every layer to a metric CRS → grid over the study area → outcome counts per cell
in the training and test windows → operationalise factors into binary candidates → stage 1
elastic-net Poisson with spatially blocked CV → stage 2 stepwise BIC per family → RRV, RRS, risk
classes → validation on the test window beside a KDE hot-spot map and prior counts.
The only randomness (the CV fold deal) comes from ``config.seed``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from scipy.stats import norm

from civicstat.safety.errors import SafetyConfigError, SafetyInputError
from civicstat.safety.risk_terrain.config import RTMConfig, load_config
from civicstat.safety.risk_terrain.grid import Grid, make_grid, mean_block_length
from civicstat.safety.risk_terrain.inputs import InputSummary, in_window, load_layer, read_spec
from civicstat.safety.risk_terrain.kde import kernel_density
from civicstat.safety.risk_terrain.operationalise import (
    CandidateSet,
    FactorLayer,
    band_distances,
    build_candidates,
)
from civicstat.safety.risk_terrain.result import ModelSummary, RTMResult, SelectedFactor
from civicstat.safety.risk_terrain.scoring import (
    class_labels,
    relative_risk_score,
    risk_class_thresholds,
    risk_classes,
)
from civicstat.safety.risk_terrain.screening import screen, spatial_folds
from civicstat.safety.risk_terrain.stepwise import StepwiseResult, select_family
from civicstat.safety.risk_terrain.validation import validation_table
from civicstat.safety.spatial import WGS84, metric_crs, project_xy, union_polygons


def run_rtm(
    config: RTMConfig | str | Path | Mapping[str, Any], base_dir: str | Path | None = None
) -> RTMResult:
    """Run RTM as ``config`` (an :class:`RTMConfig`, a YAML path or a parsed mapping) describes.

    ``base_dir`` is the data root that relative paths in a YAML file or mapping resolve against.
    """
    cfg = config if isinstance(config, RTMConfig) else load_config(config, data_root=base_dir)
    if len(cfg.factors) > cfg.model.max_factors:
        raise SafetyConfigError(
            cfg.source,
            "factors",
            f"{len(cfg.factors)} factors exceed "
            f"model.max_factors = {cfg.model.max_factors} (RTMDx caps at 30)",
        )
    notes: list[str] = []
    crs = _choose_crs(cfg)
    windows = {"train": cfg.train, "test": cfg.test}
    study_area = load_layer(cfg.study_area, crs, "study area", "study_area", windows)
    boundary = union_polygons(study_area.layer)
    block = cfg.block_length
    inputs = [study_area.summary]
    if block is None:
        streets = load_layer(cfg.streets, crs, "streets", "streets", windows)  # type: ignore[arg-type]
        block = mean_block_length(streets.layer)
        inputs.append(streets.summary)
        notes.append(f"average block length {block:.1f} computed from {streets.layer.source}")
    grid = make_grid(boundary, cfg.cell_size or block / 2, crs)

    outcome = load_layer(cfg.outcome, crs, "outcome", "outcome", windows)
    inputs.append(outcome.summary)
    xy = outcome.layer.xy()
    tz = cfg.outcome.timezone
    train_xy = xy[in_window(outcome.times, cfg.train, tz)]
    test_xy = xy[in_window(outcome.times, cfg.test, tz)]
    bands = band_distances(block, cfg.model.max_spatial_influence_blocks, cfg.model.increment)
    reach = shapely.buffer(boundary, float(bands[-1]))
    factor_layers = []
    for spec in cfg.factors:
        loaded = load_layer(spec.layer, crs, "factor", spec.name, windows)
        inputs.append(loaded.summary)
        geoms = loaded.layer.geometries[shapely.intersects(loaded.layer.geometries, reach)]
        if len(geoms) == 0:
            notes.append(
                f"factor {spec.name!r} has no feature within reach of the study area; skipped"
            )
            continue
        factor_layers.append(
            FactorLayer(spec.name, geoms, loaded.layer.kind, spec.operationalisation)
        )
    return model_terrain(cfg, grid, factor_layers, train_xy, test_xy, block, inputs, notes)


def model_terrain(
    cfg: RTMConfig,
    grid: Grid,
    factor_layers: Sequence[FactorLayer],
    train_xy: np.ndarray,
    test_xy: np.ndarray,
    block_length: float,
    inputs: Sequence[InputSummary] = (),
    notes: Sequence[str] = (),
) -> RTMResult:
    """The modelling half of :func:`run_rtm`, on data already in memory and projected: factor
    features, training and test event coordinates in ``grid.crs``. Only ``cfg``'s model,
    classes, validation, windows (for their lengths), zones and seed settings are used."""
    notes = list(notes)
    block = block_length
    model = cfg.model
    cls = cfg.classes
    labels = class_labels(cls.scheme, cls.cuts)
    if cfg.zone_min_class not in labels:
        raise SafetyConfigError(
            cfg.source,
            "zones.min_class",
            f"{cfg.zone_min_class!r} is not a "
            f"class of the {cls.scheme} scheme; expected one of {labels[1:]}",
        )
    y_train, out_train = grid.count(train_xy)
    y_test, out_test = grid.count(test_xy)
    notes.append(
        f"{out_train} training and {out_test} test events fall outside the study-area "
        "cells and are not counted"
    )
    bands = band_distances(block, model.max_spatial_influence_blocks, model.increment)
    area = grid.n_cells * grid.cell_area
    clock = _Clock()
    candidates = build_candidates(
        grid.xy, factor_layers, bands, area, model.density_sd, model.nn_alpha
    )
    clock.lap("operationalise")

    folds = spatial_folds(grid.tiles(model.fold_tile_cells), model.cv_folds, cfg.seed)
    stage1 = screen(
        candidates.matrix,
        y_train,
        folds,
        model.l1_ratio,
        model.n_alphas,
        model.alpha_min_ratio,
        model.standardize,
        model.cv_rule,
        model.allow_negative,
        model.n_jobs,
    )
    clock.lap("stage 1 elastic net")
    survivors = stage1.selected
    variables = candidates.variables
    names = list(variables["name"].iloc[survivors])
    groups = list((variables["factor"] + ":" + variables["operationalisation"]).iloc[survivors])
    best, all_families = select_family(
        candidates.matrix[:, survivors],
        y_train,
        names,
        groups,
        model.families,
        model.allow_negative,
    )
    final_cols = survivors[list(best.columns)]
    clock.lap("stage 2 stepwise BIC")

    slopes = best.fit.params[1:]
    X_final = candidates.matrix[:, final_cols]
    rrs = relative_risk_score(X_final, slopes)
    rank = risk_classes(rrs, cls.scheme, cls.cuts)

    ratio = cfg.test.days / cfg.train.days
    expected = np.exp(best.fit.params[0] + X_final.astype(float) @ slopes) * ratio
    kde = kernel_density(
        grid.xy, train_xy[grid.cell_of(train_xy) >= 0], cfg.validation.kde_bandwidth_blocks * block
    )
    rankings = {
        "rtm": (rrs, expected),
        "kde": (kde, kde * grid.cell_area * ratio),
        "prior_counts": (y_train.astype(float), y_train * ratio),
    }
    class_cov = {
        labels[k]: float((rank >= k).mean()) for k in range(1, len(labels)) if (rank == k).any()
    }
    validation = validation_table(
        rankings,
        y_test,
        cfg.validation.coverages,
        class_cov,
        grid.area,
        cfg.validation.ties,
        cfg.validation.min_test_events,
    )
    if y_test.sum() < cfg.validation.min_test_events:
        notes.append(
            f"only {int(y_test.sum())} test events (< {cfg.validation.min_test_events}): "
            "PAI, PEI and RRI are suppressed"
        )

    cells = _cells_frame(grid, rrs, rank, labels, y_train, y_test, kde, expected)
    clock.lap("scores and validation")
    return RTMResult(
        config=cfg,
        crs=grid.crs,
        block_length=float(block),
        grid=grid,
        bands=bands,
        inputs=tuple(inputs),
        factors=candidates.factors,
        candidates=_candidates_frame(candidates, stage1.coef, survivors, final_cols),
        dropped_candidates=candidates.dropped,
        screening=stage1,
        families=_families_frame(all_families, best),
        steps=_steps_frame(all_families),
        model=ModelSummary(
            best.family,
            float(best.fit.params[0]),
            best.fit.alpha,
            float(best.fit.loglik),
            float(best.fit.bic),
            grid.n_cells,
            int(y_train.sum()),
        ),
        selected=_selected(best, candidates, final_cols, block),
        class_labels=labels,
        class_thresholds=risk_class_thresholds(rrs, cls.scheme, cls.cuts),
        cells=cells,
        class_summary=_class_summary(cells, labels),
        validation=validation,
        notes=tuple(notes),
        timings=tuple(clock.laps),
    )


class _Clock:
    """Seconds spent per step (``time.perf_counter`` laps)."""

    def __init__(self) -> None:
        self.laps: list[tuple[str, float]] = []
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps.append((name, now - self._last))
        self._last = now


def _choose_crs(cfg: RTMConfig) -> str:
    if cfg.crs != "auto":
        return metric_crs(cfg.crs, (0, 0, 0, 0))
    layer = read_spec(cfg.study_area)
    if len(layer) == 0:
        raise SafetyInputError(cfg.study_area.path, "the study-area file has no polygon")
    bounds = shapely.total_bounds(layer.geometries)
    corners = project_xy(np.array([bounds[:2], bounds[2:]]), layer.crs, WGS84)
    return metric_crs("auto", (*corners.min(axis=0), *corners.max(axis=0)))


def _cells_frame(grid: Grid, rrs, rank, labels, y_train, y_test, kde, expected) -> pd.DataFrame:
    lonlat = project_xy(grid.xy, grid.crs, WGS84)
    return pd.DataFrame(
        {
            "cell_id": np.arange(grid.n_cells),
            "col": grid.col,
            "row": grid.row,
            "x": grid.x,
            "y": grid.y,
            "lon": lonlat[:, 0],
            "lat": lonlat[:, 1],
            "rrs": rrs,
            "risk_class": np.asarray(labels, dtype=object)[rank],
            "class_rank": rank,
            "train_count": y_train,
            "test_count": y_test,
            "kde": kde,
            "expected_test": expected,
        }
    )


def _candidates_frame(candidates: CandidateSet, coef, survivors, final_cols) -> pd.DataFrame:
    frame = candidates.variables.copy()
    frame["enet_coef"] = coef
    frame["stage1"] = np.isin(np.arange(len(frame)), survivors)
    frame["selected"] = np.isin(np.arange(len(frame)), final_cols)
    return frame


def _families_frame(results: tuple[StepwiseResult, ...], best: StepwiseResult) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "family": r.family,
                "bic": r.fit.bic,
                "loglik": r.fit.loglik,
                "parameters": r.fit.k,
                "dispersion": r.fit.alpha,
                "variables": len(r.columns),
                "models_fitted": r.n_fits,
                "chosen": r is best,
            }
            for r in results
        ]
    )


def _steps_frame(results: tuple[StepwiseResult, ...]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "family": r.family,
                "step": s.step,
                "move": s.move,
                "variable": s.variable,
                "replaced": s.replaced,
                "bic": s.bic,
                "model": " + ".join(s.variables),
            }
            for r in results
            for s in r.steps
        ]
    )


def _selected(best: StepwiseResult, candidates: CandidateSet, final_cols, block: float):
    out = []
    se = best.fit.se
    for i, col in enumerate(final_cols):
        row = candidates.variables.iloc[int(col)]
        beta = float(best.fit.params[i + 1])
        s = float(se[i + 1]) if se is not None else float("nan")
        out.append(
            SelectedFactor(
                variable=row["name"],
                factor=row["factor"],
                operationalisation=row["operationalisation"],
                band=int(row["band"]),
                distance=float(row["distance"]),
                blocks=float(row["distance"]) / block,
                coefficient=beta,
                se=s,
                p_value=float(2 * norm.sf(abs(beta / s))) if s > 0 else float("nan"),
                rrv=float(np.exp(beta)),
                rrv_low=float(np.exp(beta - 1.959963984540054 * s)),
                rrv_high=float(np.exp(beta + 1.959963984540054 * s)),
                cells=int(row["cells"]),
            )
        )
    return tuple(sorted(out, key=lambda f: -f.rrv))


def _class_summary(cells: pd.DataFrame, labels: tuple[str, ...]) -> pd.DataFrame:
    rows = []
    n = len(cells)
    train, test = cells["train_count"].sum(), cells["test_count"].sum()
    for k, label in enumerate(labels):
        part = cells[cells["class_rank"] == k]
        rows.append(
            {
                "class": label,
                "rank": k,
                "cells": len(part),
                "area_share": len(part) / n,
                "min_rrs": float(part["rrs"].min()) if len(part) else np.nan,
                "train_events": int(part["train_count"].sum()),
                "train_share": part["train_count"].sum() / train if train else np.nan,
                "test_events": int(part["test_count"].sum()),
                "test_share": part["test_count"].sum() / test if test else np.nan,
            }
        )
    return pd.DataFrame(rows)
