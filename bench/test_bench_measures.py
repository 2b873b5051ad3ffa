"""The measure benchmark's correctness check at a tiny size: the engine, both hand-written SQL
styles and pandas agree on all 22 measures. No timing is asserted."""

from __future__ import annotations

import pytest

from bench.bench_measures import verify
from bench.measures_catalogue import catalogue


def test_catalogue_has_at_least_twenty_measures_of_every_kind():
    measures = catalogue()
    assert len(measures) >= 20
    kinds = {
        (
            m.spec["aggregate"]
            if isinstance(m.spec["aggregate"], str)
            else m.spec["aggregate"]["kind"]
        )
        for m in measures
    }
    assert kinds >= {
        "count",
        "count_distinct",
        "sum",
        "mean",
        "median",
        "percentile",
        "share",
        "rate",
    }
    windows = {m.spec.get("window", {}).get("kind") for m in measures}
    assert {"cumulative", "rolling"} <= windows


@pytest.mark.slow
def test_all_variants_agree_at_a_tiny_size():
    verify(n_rows=12_000)
