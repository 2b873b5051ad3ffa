"""The safety benchmark's correctness check on one synthetic year: civicstat.safety, the
hand-written DuckDB SQL and pandas agree on the response-time summary and the HEART program
measures. No timing is asserted."""

from __future__ import annotations

import pytest

from bench.bench_safety import verify


@pytest.mark.slow
def test_all_variants_agree_on_one_synthetic_year():
    verify()
