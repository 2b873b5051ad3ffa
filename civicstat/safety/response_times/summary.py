"""Summaries of the segment view: median, P90, mean and % within a threshold (methods.md §3.4).

One aggregation runs in the backend; only the small result comes back as pandas. Fractiles use
the discrete ``inverted_cdf`` method (methods.md §0) and P90 is suppressed (NULL) when fewer than
20 usable intervals back it (§3.4). Every row carries ``n_used`` and the excluded counts by reason
(§0: "every published metric carries n_used, n_excluded by reason").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ibis
import ibis.expr.types as ir
import pandas as pd

from civicstat.safety._expr import (
    MIN_N_FOR_P90,
    PERCENTILE_METHOD,
    quantile,
    require_columns,
)
from civicstat.safety.response_times.rules import EXCLUSION_REASONS, SEGMENTS

SUMMARY_STATISTICS = (
    "n_rows",
    "n_used",
    "n_excluded",
    *(f"excluded_{reason}" for reason in EXCLUSION_REASONS),
    "median_seconds",
    "p90_seconds",
    "mean_seconds",
    "threshold_seconds",
    "n_within",
    "pct_within",
    "percentile_method",
)


def summary(
    segments_table: ir.Table,
    by: Sequence[str] = ("priority", "call_type"),
    thresholds: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Per segment and ``by`` group: counts, median, P90, mean and compliance.

    ``thresholds`` maps a segment name to seconds; ``pct_within = #(seconds ≤ T) / n_used × 100``
    (methods.md §3.4). Use one threshold per segment per call (e.g. call twice for NENA's 15 s and
    20 s); :func:`~civicstat.safety.response_times.standards.thresholds` builds the mapping from
    the packaged standards.

    Returns one row per (segment, *by) with the columns ``segment``, ``*by`` and
    ``SUMMARY_STATISTICS``, sorted by segment then ``by``; seconds are floats, percentages 0–100.
    """
    by = tuple(by)
    require_columns(
        segments_table,
        ("segment", "seconds", "excluded_reason", *by),
        "segment view",
        "summary",
    )
    s = segments_table
    usable = s.excluded_reason.isnull()
    metrics: dict[str, ir.Value] = {
        "n_rows": s.count(),
        "n_used": s.count(where=usable),
        **{
            f"excluded_{reason}": s.count(where=s.excluded_reason == reason)
            for reason in EXCLUSION_REASONS
        },
        "median_seconds": quantile(s.seconds, 0.5, where=usable),
        "p90_seconds": quantile(s.seconds, 0.9, where=usable),
        "mean_seconds": s.seconds.mean(where=usable),
    }
    if thresholds:
        threshold = ibis.cases(
            *((s.segment == name, float(value)) for name, value in thresholds.items()),
            else_=ibis.null("float64"),
        )
        metrics["n_within"] = s.count(where=usable & (s.seconds <= threshold))
    table = s.group_by(["segment", *by]).agg(**metrics).to_pandas()

    table["n_excluded"] = table["n_rows"] - table["n_used"]
    small = table["n_used"] < MIN_N_FOR_P90
    table["p90_seconds"] = table["p90_seconds"].astype("float64").mask(small)
    table["median_seconds"] = table["median_seconds"].astype("float64")
    table["mean_seconds"] = table["mean_seconds"].astype("float64")
    thresholds = dict(thresholds or {})
    table["threshold_seconds"] = table["segment"].map(thresholds).astype("float64")
    if "n_within" not in table:
        table["n_within"] = pd.NA
    has_threshold = table["threshold_seconds"].notna() & (table["n_used"] > 0)
    table["n_within"] = table["n_within"].where(has_threshold).astype("Int64")
    table["pct_within"] = (
        (table["n_within"].astype("float64") / table["n_used"] * 100.0)
        .where(has_threshold)
        .astype("float64")
    )
    table["percentile_method"] = PERCENTILE_METHOD
    order = {name: i for i, name in enumerate(SEGMENTS)}
    table = table.sort_values(
        ["segment", *by], key=lambda col: col.map(order) if col.name == "segment" else col
    ).reset_index(drop=True)
    int_columns = ["n_rows", "n_used", "n_excluded", *(f"excluded_{r}" for r in EXCLUSION_REASONS)]
    table[int_columns] = table[int_columns].astype("int64")
    return table[["segment", *by, *SUMMARY_STATISTICS]]
