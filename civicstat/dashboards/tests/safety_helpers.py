"""Helpers for the public-safety producer tests: read figures and tables back out of an analysis,
and compute the reference statistics independently (numpy / pandas)."""

from __future__ import annotations

import numpy as np

from civicstat.dashboards.analysis import Analysis, ChartBlock, Figure, TableBlock


def figures(analysis: Analysis) -> dict[str, Figure]:
    """Every headline figure by label (labels are unique within the analyses under test)."""
    out: dict[str, Figure] = {}
    for section in analysis.sections:
        for block in section.blocks:
            if isinstance(block, Figure):
                out.setdefault(block.label, block)
    return out


def tables(analysis: Analysis) -> dict[str, list[tuple[str, ...]]]:
    """Every table (a table block's, or a chart's data table) by caption: header row first."""
    out = {}
    for section in analysis.sections:
        for block in section.blocks:
            if isinstance(block, TableBlock | ChartBlock):
                table = block.table
                out[table.caption] = [table.headers, *table.rows]
    return out


def table_starting(analysis: Analysis, prefix: str) -> list[tuple[str, ...]]:
    found = [rows for caption, rows in tables(analysis).items() if caption.startswith(prefix)]
    assert len(found) == 1, (prefix, list(tables(analysis)))
    return found[0]


def charts(analysis: Analysis) -> list[ChartBlock]:
    return [b for s in analysis.sections for b in s.blocks if isinstance(b, ChartBlock)]


def as_dict(rows: list[tuple[str, ...]]) -> dict[str, dict[str, str]]:
    """A table keyed by its row header, each row keyed by column header."""
    headers, *body = rows
    return {row[0]: dict(zip(headers, row, strict=True)) for row in body}


def pct(values, q: float) -> float:
    """The published fractile: numpy's inverted CDF (methods.md §0)."""
    return float(np.percentile(np.asarray(values, dtype=float), q, method="inverted_cdf"))


def number_in(text: str) -> float:
    """``"11.30 min"`` → 11.3, ``"7.41%"`` → 7.41, ``"1,234"`` → 1234."""
    cleaned = "".join(ch for ch in text if ch.isdigit() or ch in ".-")
    return float(cleaned)
