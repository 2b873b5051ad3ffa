"""Writing an RTM run to files: ``report.json`` (everything machine-readable), ``cells.csv``,
``factors.csv``, ``validation.csv``, ``candidates.csv``, ``risk_map.svg``, ``zones.geojson`` and
``summary.txt`` — a chart-free narrative in the RTM report style (methods.md §1.5, `[RTM-IPIR]`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from civicstat.safety.risk_terrain.chart import risk_map_svg
from civicstat.safety.risk_terrain.result import RTMResult, SelectedFactor
from civicstat.safety.risk_terrain.scoring import PERCENTILE_METHOD
from civicstat.safety.risk_terrain.zones import high_risk_zones

REPORT_VERSION = 1
CELL_COLUMNS = [
    "cell_id",
    "col",
    "row",
    "x",
    "y",
    "lon",
    "lat",
    "rrs",
    "risk_class",
    "train_count",
    "test_count",
    "kde",
    "expected_test",
]


def write_report(result: RTMResult, out_dir: str | Path) -> Path:
    """Write every report file into ``out_dir`` (created if needed); returns ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    zones = high_risk_zones(result)
    result.cells[CELL_COLUMNS].to_csv(out / "cells.csv", index=False, float_format="%.10g")
    factors_frame(result).to_csv(out / "factors.csv", index=False)
    result.validation.to_csv(out / "validation.csv", index=False)
    result.candidates.to_csv(out / "candidates.csv", index=False)
    (out / "risk_map.svg").write_text(risk_map_svg(result), encoding="utf-8")
    (out / "zones.geojson").write_text(json.dumps(zones.to_geojson()), encoding="utf-8")
    (out / "summary.txt").write_text(narrative(result) + "\n", encoding="utf-8")
    doc = report_dict(result) | {"zones": zones.to_dict()}
    (out / "report.json").write_text(
        json.dumps(_plain(doc), indent=1, allow_nan=False), encoding="utf-8"
    )
    return out


def factors_frame(result: RTMResult) -> pd.DataFrame:
    """One row per tested factor, with its selected variable's RRV and spatial influence."""
    chosen = {s.factor: s for s in result.selected}
    rows = []
    for f in result.factors:
        nn = f.nearest_neighbour
        s = chosen.get(f.name)
        rows.append(
            {
                "factor": f.name,
                "kind": f.kind,
                "features": f.n_features,
                "operationalisation_tested": f.operationalisation,
                "reason": f.reason,
                "nn_ratio": nn.ratio if nn else np.nan,
                "nn_z": nn.z if nn else np.nan,
                "nn_p": nn.p_value if nn else np.nan,
                "selected": s is not None,
                "variable": s.variable if s else "",
                "operationalisation": s.operationalisation if s else "",
                "spatial_influence": s.distance if s else np.nan,
                "blocks": s.blocks if s else np.nan,
                "coefficient": s.coefficient if s else np.nan,
                "se": s.se if s else np.nan,
                "p_value": s.p_value if s else np.nan,
                "rrv": s.rrv if s else np.nan,
                "rrv_low": s.rrv_low if s else np.nan,
                "rrv_high": s.rrv_high if s else np.nan,
            }
        )
    return pd.DataFrame(rows)


def report_dict(result: RTMResult) -> dict[str, Any]:
    """Everything about the run as plain data (the body of ``report.json``)."""
    cfg = result.config
    g = result.grid
    s1 = result.screening
    return {
        "report_version": REPORT_VERSION,
        "name": cfg.name,
        "title": cfg.title,
        "outcome_label": cfg.outcome_label,
        "config": dataclasses.asdict(cfg),
        "crs": result.crs,
        "block_length": result.block_length,
        "cell_size": g.cell_size,
        "grid": {
            "origin": list(g.origin),
            "n_cols": g.n_cols,
            "n_rows": g.n_rows,
            "n_cells": g.n_cells,
            "area": g.n_cells * g.cell_area,
            "rule": "cell kept when its centroid lies inside the study area",
        },
        "bands": list(result.bands),
        "inputs": [dataclasses.asdict(i) for i in result.inputs],
        "factors": [dataclasses.asdict(f) for f in result.factors],
        "candidates": result.candidates.to_dict(orient="records"),
        "dropped_candidates": result.dropped_candidates.to_dict(orient="records"),
        "stage1": {
            "alphas": s1.alphas,
            "cv_mean_deviance": s1.cv_mean,
            "cv_se": s1.cv_se,
            "alpha": s1.alpha,
            "alpha_index": s1.alpha_index,
            "rule": s1.rule,
            "groups": s1.n_groups,
            "folds": s1.n_folds,
            "kept": list(result.candidates.loc[result.candidates["stage1"], "name"]),
        },
        "stage2": {
            "families": result.families.to_dict(orient="records"),
            "steps": result.steps.to_dict(orient="records"),
        },
        "model": dataclasses.asdict(result.model),
        "selected": [dataclasses.asdict(s) for s in result.selected],
        "classes": {
            "scheme": cfg.classes.scheme,
            "cuts": list(cfg.classes.cuts),
            "labels": list(result.class_labels),
            "thresholds": list(result.class_thresholds),
            "percentile_method": PERCENTILE_METHOD,
            "summary": result.class_summary.to_dict(orient="records"),
        },
        "max_rrs": result.max_rrs,
        "validation": result.validation.to_dict(orient="records"),
        "narrative": narrative(result),
        "notes": list(result.notes),
        "timings_seconds": dict(result.timings),
    }


def _plain(value: Any) -> Any:
    """JSON-ready: numpy scalars and arrays to Python, NaN to null, paths and dates to text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, Path | dt.date):
        return str(value)
    return value


def _phrase(s: SelectedFactor) -> str:
    name = s.factor.replace("_", " ")
    if s.operationalisation == "proximity":
        return f"within {s.distance:g} m of {name}"
    return f"in a high-density area of {name} (kernel radius {s.distance:g} m)"


def _pct(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f}%"


def narrative(result: RTMResult) -> str:
    """The run in words: factors tested and selected, most influential factor and its RRV, the
    maximum RRS, and area and incident shares per risk class (methods.md §1.5)."""
    cfg = result.config
    label = cfg.outcome_label
    c = result.candidates
    last = cfg.test.end - dt.timedelta(days=1)
    fam = ", ".join(f"{r.family} {r.bic:.1f}" for r in result.families.itertuples())
    lines = [
        cfg.title or cfg.name,
        "",
        f"{result.model.n_events} {label} events from {cfg.train.start} to "
        f"{cfg.train.end - dt.timedelta(days=1)} were counted in {result.grid.n_cells} cells of "
        f"{result.cell_size:g} m (average block length {result.block_length:g} m).",
        f"{len(result.factors)} risk factors were tested as {len(c)} candidate variables; the "
        f"elastic-net screen kept {int(c['stage1'].sum())} and stepwise BIC selected "
        f"{len(result.selected)} in a {result.model.family} model (BIC: {fam}).",
    ]
    if result.selected:
        top = result.selected[0]
        lines.append(
            f"The most influential factor is {top.factor.replace('_', ' ')}: a cell "
            f"{_phrase(top)} has {top.rrv:.1f} times the risk of a cell without it "
            f"(RRV {top.rrv:.2f}, 95% CI {top.rrv_low:.2f}–{top.rrv_high:.2f}), other factors equal."
        )
        for s in result.selected[1:]:
            lines.append(
                f"Also selected: {s.factor.replace('_', ' ')}, {_phrase(s)} (RRV {s.rrv:.2f})."
            )
        lines.append(
            f"The highest-risk places (RRS {result.max_rrs:.1f}) are {result.max_rrs:.1f} "
            f"times as likely to see a {label} as the lowest-risk places (RRS 1)."
        )
    else:
        lines.append("No risk factor raised the risk enough to be selected; every cell scores 1.")
    lines.append("")
    for row in result.class_summary.itertuples():
        lines.append(
            f"{row[1].replace('_', ' ')}: {_pct(row.area_share)} of the area, "
            f"{_pct(row.train_share)} of training and {_pct(row.test_share)} of "
            f"test-window {label} events."
        )
    v = result.validation
    pick = v[v["cut"] == "5%"]
    if len(pick):
        n = int(pick["N"].iloc[0])
        lines.append("")
        lines.append(
            f"Validation on {n} {label} events from {cfg.test.start} to {last}, top 5% of the area:"
        )
        for row in pick.itertuples():
            pai = (
                f"suppressed (N < {cfg.validation.min_test_events})"
                if row.suppressed
                else f"{row.pai:.2f}"
            )
            lines.append(
                f"  {row.method}: hit rate {_pct(row.hit_rate)}, PAI {pai}, "
                f"PEI {'n/a' if math.isnan(row.pei) else f'{row.pei:.2f}'}"
            )
    return "\n".join(lines)
