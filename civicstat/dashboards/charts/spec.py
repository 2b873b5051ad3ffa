"""Vega-Lite specs for a measure: which kind of chart, and the spec itself.

The spec is a plain dict (JSON-ready) that vl-convert renders to SVG; tests assert on it rather
than on pixels (the ONS convention, STYLE.md).
"""

from __future__ import annotations

from typing import Any

from civicstat.dashboards.charts.data import ChartData
from civicstat.dashboards.charts.options import ChartKind, ChartOptions
from civicstat.dashboards.charts.spec_compare import compare_spec
from civicstat.dashboards.charts.spec_time import time_spec
from civicstat.dashboards.charts.theme import VIEW_HEIGHT, VIEW_WIDTH, skeleton

FEW_PERIODS = 3  # this many periods or fewer read better as bars
MAX_LINES = 6  # more series than this are compared as bars instead of drawn as lines


def has_breakdown(data: ChartData) -> bool:
    """True when the values split into categories (besides, or instead of, the overall series)."""
    return len(data.series) > 1


def resolve_kind(data: ChartData, options: ChartOptions) -> ChartKind:
    """The chart kind to draw. ``auto``: bars for a few periods or for many categories, a line
    otherwise. A bar chart with a breakdown compares the categories in the latest period."""
    if options.kind is not ChartKind.AUTO:
        return options.kind
    if len(data.periods) <= FEW_PERIODS or len(data.series) > MAX_LINES:
        return ChartKind.BAR
    return ChartKind.LINE


def is_blank(data: ChartData) -> bool:
    """Nothing to draw: no period has a value or a suppressed cell."""
    return not any(p.available or p.suppressed for s in data.series for p in s.points)


def build_spec(
    data: ChartData, options: ChartOptions, kind: ChartKind, description: str
) -> dict[str, Any]:
    """The Vega-Lite spec of ``kind`` (already resolved) for ``data``."""
    if is_blank(data):
        return blank_spec(options, description)
    if kind is ChartKind.BAR and has_breakdown(data):
        return compare_spec(data, options, description)
    return time_spec(data, options, kind, description)


def blank_spec(options: ChartOptions, description: str) -> dict[str, Any]:
    """A frame saying there is nothing to show yet (the page still has a chart slot to fill)."""
    spec = skeleton(description, VIEW_WIDTH, VIEW_HEIGHT // 2)
    spec.update(
        {
            "name": "blank",
            "data": {"values": [{"text": options.gettext("No values have been published yet.")}]},
            "mark": {"type": "text", "align": "center", "baseline": "middle"},
            "encoding": {
                "x": {"value": {"expr": "width / 2"}},
                "y": {"value": {"expr": "height / 2"}},
                "text": {"field": "text"},
            },
        }
    )
    return spec
