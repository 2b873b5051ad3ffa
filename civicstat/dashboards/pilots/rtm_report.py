"""A risk terrain model run as a published analysis (key e.g. ``rtm/durham-robbery``).

Sections: the model in figures and words; the risk factors chosen with their relative risk value
(RRV) and spatial influence; the risk map (server-rendered SVG of the risk classes, with the class
table and the highest-risk cells as its tables); the validation table (hit rate, PAI, PEI and
RRI of the RTM ranking beside kernel-density hot spots and last period's counts, on the later
test window); and the high-risk zones. No event location appears: cells are 100 m or more, and
only their centres are named.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from django.utils.translation import gettext as _

from civicstat.dashboards.analysis import Analysis
from civicstat.dashboards.analysis.build import number
from civicstat.dashboards.pilots.rtm_sections import (
    factors_section,
    map_section,
    model_section,
    validation_section,
    window_label,
    zones_section,
)
from civicstat.safety.risk_terrain import RTMResult


def _method(result: RTMResult) -> str:
    cfg = result.config
    return _(
        "Risk terrain modelling (methods.md §1). The study area is covered by square cells of "
        "half an average block. Each risk factor becomes yes/no variables for proximity (within "
        "a distance of a feature) and density (kernel density at least %(sd)s standard "
        "deviations above the mean) at bands of half a block up to %(max)s blocks. An "
        "elastic-net penalised Poisson regression with %(folds)s-fold spatially blocked "
        "cross-validation screens the candidates; bidirectional stepwise selection by BIC then "
        "builds the model for Poisson and two negative binomial forms and keeps the family "
        "with the lowest BIC. RRV = exp(coefficient); a cell's relative risk score is the "
        "product of the RRVs of the variables it has. Risk classes cut the scores at the mean "
        "and 1 and 2 standard deviations above it. Validation uses a later window the model "
        "never saw. Randomness (the deal of cross-validation folds) is seeded with %(seed)s, so "
        "the same inputs give the same result."
    ) % {
        "sd": number(cfg.model.density_sd, 1),
        "max": number(cfg.model.max_spatial_influence_blocks, 1),
        "folds": cfg.model.cv_folds,
        "seed": cfg.seed,
    }


def _parameters(result: RTMResult) -> dict:
    cfg, m = result.config, result.config.model
    return {
        "config": cfg.name,
        "seed": cfg.seed,
        "crs": result.crs,
        "block_length": result.block_length,
        "cell_size": result.cell_size,
        "bands": [float(b) for b in np.asarray(result.bands)],
        "train": [cfg.train.start.isoformat(), cfg.train.end.isoformat()],
        "test": [cfg.test.start.isoformat(), cfg.test.end.isoformat()],
        "model": {
            "increment": m.increment,
            "max_spatial_influence_blocks": m.max_spatial_influence_blocks,
            "density_sd": m.density_sd,
            "l1_ratio": m.l1_ratio,
            "n_alphas": m.n_alphas,
            "cv_folds": m.cv_folds,
            "cv_rule": m.cv_rule,
            "families": list(m.families),
        },
        "family": result.model.family,
        "classes": {"scheme": cfg.classes.scheme, "cuts": list(cfg.classes.cuts)},
        "zones_min_class": cfg.zone_min_class,
        "coverages": list(cfg.validation.coverages),
        "min_test_events": cfg.validation.min_test_events,
    }


def input_loads(result: RTMResult) -> list[dict]:
    """Provenance of the input files (shown as "loads" under the analysis): the file name, a
    content hash in place of a load number, rows read."""
    out = []
    for i in result.inputs:
        path = Path(i.path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        out.append(
            {
                "dataset": f"{i.role}: {i.name}",
                "load_id": digest[:12] or "-",
                "file": path.name,
                "sha256": digest,
                "rows_loaded": i.n_read,
                "rows_used": i.n_used,
            }
        )
    return out


def rtm_analysis(result: RTMResult, key: str) -> Analysis:
    """The published analysis of one run (module docstring)."""
    cfg = result.config
    slug = "".join(ch if ch.isalnum() else "-" for ch in key).strip("-")
    return Analysis(
        key=key,
        title=cfg.title or _("Risk terrain model: %(name)s") % {"name": cfg.name},
        sections=(
            model_section(result),
            factors_section(result),
            map_section(result, f"rtm-map-{slug}"[:60]),
            validation_section(result),
            zones_section(result),
        ),
        method=_method(result),
        datasets=(),
        parameters=_parameters(result),
        period_label=_("Fitted on %(train)s; tested on %(test)s")
        % {"train": window_label(cfg.train), "test": window_label(cfg.test)},
    )
