"""Relative risk values, relative risk scores and risk classes (methods.md §1.5).

- ``RRV_j = exp(β_j)`` `[RTM-LEEDS]`;
- ``RRS_c = Π_j RRV_j^{x_cj}``, divided by its minimum over cells so the lowest-risk cell scores 1
  (the RTMDx convention; a no-op when every slope is positive and some cell has no factor);
- classes: ``sd`` scheme — above the mean, mean + 1 SD, mean + 2 SD of RRS over cells ([I]
  defaults, cuts configurable); ``quantile`` scheme — cells strictly above the q-quantile of RRS
  (numpy ``inverted_cdf``, methods.md §0), so tied scores never push a class over its share.
"""

from __future__ import annotations

import numpy as np

PERCENTILE_METHOD = "inverted_cdf"
SD_LABELS = ("low", "above_average", "moderately_high", "highest")


def relative_risk_values(slopes: np.ndarray) -> np.ndarray:
    """``exp(β)`` of each slope."""
    return np.exp(np.asarray(slopes, dtype=float))


def relative_risk_score(X: np.ndarray, slopes: np.ndarray) -> np.ndarray:
    """RRS of each cell from its binary values ``X`` (cells × selected variables), min-normalised."""
    X = np.asarray(X, dtype=float)
    log_rrs = X @ np.asarray(slopes, dtype=float) if len(slopes) else np.zeros(X.shape[0])
    return np.exp(log_rrs - log_rrs.min()) if len(log_rrs) else log_rrs


def class_labels(scheme: str, cuts: tuple[float, ...]) -> tuple[str, ...]:
    """Labels from lowest to highest class."""
    if scheme == "sd":
        if len(cuts) == 3:
            return SD_LABELS
        return ("low", *(f"above_mean_plus_{c:g}sd" for c in cuts))
    return ("rest", *(f"top_{(1 - q) * 100:g}pct" for q in cuts))


def risk_class_thresholds(rrs: np.ndarray, scheme: str, cuts: tuple[float, ...]) -> np.ndarray:
    """The RRS value a cell must exceed to enter each class above the lowest."""
    rrs = np.asarray(rrs, dtype=float)
    if scheme == "sd":
        return rrs.mean() + np.asarray(cuts, dtype=float) * rrs.std()
    if scheme == "quantile":
        return np.quantile(rrs, np.asarray(cuts, dtype=float), method=PERCENTILE_METHOD)
    raise ValueError(f"unknown class scheme {scheme!r}; expected sd or quantile")


def risk_classes(
    rrs: np.ndarray, scheme: str = "sd", cuts: tuple[float, ...] = (0, 1, 2)
) -> np.ndarray:
    """Class number of each cell: 0 (lowest) to ``len(cuts)``; a cell is in class k when its RRS
    is strictly above threshold k."""
    thresholds = risk_class_thresholds(rrs, scheme, cuts)
    rrs = np.asarray(rrs, dtype=float)
    # tolerance so that float noise in mean/SD cannot lift a cell over a cut it only touches
    return (rrs[:, None] > thresholds[None, :] * (1 + 1e-12)).sum(axis=1)
