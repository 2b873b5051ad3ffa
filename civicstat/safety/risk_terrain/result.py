"""The result of an RTM run (frozen dataclasses and pandas frames)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from civicstat.safety.risk_terrain.config import RTMConfig
from civicstat.safety.risk_terrain.grid import Grid
from civicstat.safety.risk_terrain.inputs import InputSummary
from civicstat.safety.risk_terrain.operationalise import FactorSummary
from civicstat.safety.risk_terrain.screening import Screening


@dataclass(frozen=True)
class SelectedFactor:
    """One variable of the final model (methods.md §1.5).

    ``distance`` is its spatial influence in CRS units (``blocks`` in block lengths); ``rrv`` is
    ``exp(coefficient)`` with a Wald 95 % interval.
    """

    variable: str
    factor: str
    operationalisation: str
    band: int
    distance: float
    blocks: float
    coefficient: float
    se: float
    p_value: float
    rrv: float
    rrv_low: float
    rrv_high: float
    cells: int


@dataclass(frozen=True)
class ModelSummary:
    """The chosen count model: family, intercept, NB dispersion, fit statistics."""

    family: str
    intercept: float
    dispersion: float | None
    loglik: float
    bic: float
    n_cells: int
    n_events: int


@dataclass(frozen=True, eq=False)
class RTMResult:
    """Everything one run produced.

    ``cells``: one row per cell — ``cell_id, col, row, x, y, lon, lat, rrs, risk_class,
    class_rank, train_count, test_count, kde, expected_test``. ``candidates``: every candidate
    variable with its stage-1 coefficient and whether stages 1 and 2 kept it. ``families``: final
    BIC per family. ``validation``: HR/PAI/PEI/RRI per method and cut. ``class_summary``: area and
    event shares per risk class. ``timings``: seconds per modelling step (provenance; not part
    of the deterministic result).
    """

    config: RTMConfig
    crs: str
    block_length: float
    grid: Grid
    bands: np.ndarray
    inputs: tuple[InputSummary, ...]
    factors: tuple[FactorSummary, ...]
    candidates: pd.DataFrame
    dropped_candidates: pd.DataFrame
    screening: Screening
    families: pd.DataFrame
    steps: pd.DataFrame
    model: ModelSummary
    selected: tuple[SelectedFactor, ...]
    class_labels: tuple[str, ...]
    class_thresholds: np.ndarray
    cells: pd.DataFrame
    class_summary: pd.DataFrame
    validation: pd.DataFrame
    notes: tuple[str, ...]
    timings: tuple[tuple[str, float], ...] = ()

    @property
    def cell_size(self) -> float:
        return self.grid.cell_size

    @property
    def max_rrs(self) -> float:
        return float(self.cells["rrs"].max())

    @property
    def zone_class(self) -> str:
        return self.config.zone_min_class
