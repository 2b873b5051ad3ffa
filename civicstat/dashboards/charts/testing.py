"""Small builders of published-value frames for tests and examples (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import pandas as pd

from civicstat.dashboards.charts.data import COLUMNS


def month_span(year: int, month: int) -> tuple[date, date, str]:
    """(first day, first day of the next month, ``YYYY-MM``)."""
    start = date(year, month, 1)
    end = date(year + month // 12, month % 12 + 1, 1)
    return start, end, f"{year}-{month:02d}"


def monthly_rows(
    values: Sequence[float | None],
    *,
    start: tuple[int, int] = (2024, 6),
    breakdown: str = "",
    target: float | Sequence[float | None] | None = None,
    statuses: Mapping[int, str] | None = None,
    suppressed: Iterable[int] = (),
) -> list[dict[str, object]]:
    """One row per month from ``start``; ``None`` is a missing value, indices in ``suppressed``
    are suppressed (their value is dropped), ``statuses`` maps an index to a status key."""
    hidden = set(suppressed)
    rows = []
    year, month = start
    for i, value in enumerate(values):
        index = month - 1 + i
        period_start, period_end, label = month_span(year + index // 12, index % 12 + 1)
        goal = target[i] if isinstance(target, Sequence) else target
        rows.append(
            {
                "period_start": period_start,
                "period_end": period_end,
                "period_label": label,
                "breakdown": breakdown,
                "value": float("nan") if value is None or i in hidden else float(value),
                "suppressed": i in hidden,
                "status": (statuses or {}).get(i, ""),
                "target": float("nan") if goal is None else float(goal),
            }
        )
    return rows


def values_frame(*groups: Iterable[Mapping[str, object]]) -> pd.DataFrame:
    """A published-values frame from row groups (e.g. several ``monthly_rows`` calls)."""
    rows = [row for group in groups for row in group]
    return pd.DataFrame(rows, columns=list(COLUMNS))
