"""Test helpers: run a measure spec on the warehouse and publish its values the way a refresh
does (the lead's refresh service replaces this in production)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from civicstat.measures.engine import MeasureSpec, run
from civicstat.measures.models import MeasureValue, ValueSource
from civicstat.warehouse import connect


def compute(url: str, spec: dict, as_of: date) -> pd.DataFrame:
    con = connect(url)
    try:
        return run(MeasureSpec.from_dict(spec), con.table, as_of=as_of).frame
    finally:
        con.disconnect()


def publish(measure, frame: pd.DataFrame) -> list[MeasureValue]:
    MeasureValue.objects.filter(measure=measure).delete()
    rows = [
        MeasureValue(
            measure=measure,
            source=ValueSource.COMPUTED,
            period_start=r.period_start,
            period_end=r.period_end,
            period_label=r.period_label,
            breakdown=r.breakdown,
            value=None if pd.isna(r.value) else float(r.value),
            n_used=None if pd.isna(r.n_used) else int(r.n_used),
            n_excluded=0 if pd.isna(r.n_excluded) else int(r.n_excluded),
        )
        for r in frame.itertuples()
    ]
    return MeasureValue.objects.bulk_create(rows)
