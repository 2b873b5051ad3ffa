"""Building blocks from numbers: formatted figures, tables and server-rendered charts (PURE).

Charts use the same theme, fonts and SVG post-processing as measure charts (``charts.theme``,
``charts.svg``): a bar chart of categories, a histogram of a distribution, a line such as a
Lorenz curve, or a heat map of counts by hour and weekday.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from civicstat.dashboards.analysis.blocks import (
    Analysis,
    ChartBlock,
    Figure,
    Section,
    TableBlock,
    TextBlock,
)
from civicstat.dashboards.charts.formatting import round_half_up
from civicstat.dashboards.charts.palette import MUTED, SERIES_COLOURS
from civicstat.dashboards.charts.svg import render_svg
from civicstat.dashboards.charts.table import Table
from civicstat.dashboards.charts.theme import VIEW_HEIGHT, VIEW_WIDTH, skeleton

SUPPRESSED = "Suppressed"
NO_DATA = "—"


def message_analysis(
    key: str,
    title: str,
    heading: str,
    text: str,
    datasets: Sequence[str],
    period_label: str = "",
) -> Analysis:
    """An analysis of one section holding one sentence: what a producer publishes when its data
    is missing or empty ("No calls for service have been loaded yet.")."""
    return Analysis(
        key=key,
        title=title,
        sections=(Section(heading, (TextBlock(text),)),),
        datasets=tuple(datasets),
        period_label=period_label,
    )


def number(value: float | int | None, decimals: int = 0, suffix: str = "") -> str:
    """1234.5 → "1,234.5" (grouped, half-up rounding); None → an em dash."""
    if value is None:
        return NO_DATA
    rounded = round_half_up(float(value), decimals)
    return f"{rounded:,.{decimals}f}{suffix}"


def figure(
    label: str,
    value: float | int | None,
    *,
    decimals: int = 0,
    suffix: str = "",
    note: str = "",
    suppressed: bool = False,
) -> Figure:
    if suppressed:
        return Figure(label, SUPPRESSED, note, suppressed=True)
    return Figure(label, number(value, decimals, suffix), note)


def table(
    caption: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    numeric: Sequence[bool] | None = None,
) -> Table:
    """Cells are turned to text as they are; format numbers first (``number``)."""
    numeric = tuple(numeric) if numeric is not None else (False,) + (True,) * (len(headers) - 1)
    return Table(
        caption,
        tuple(str(h) for h in headers),
        tuple(tuple(str(c) for c in row) for row in rows),
        numeric,
    )


def table_block(
    caption: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    numeric: Sequence[bool] | None = None,
    note: str = "",
) -> TableBlock:
    return TableBlock(table(caption, headers, rows, numeric), note)


def chart_block(
    spec: dict[str, Any], *, chart_id: str, title: str, summary: str, data_table: Table
) -> ChartBlock:
    """Render ``spec`` (a Vega-Lite spec, e.g. from ``bar_spec``) to accessible SVG."""
    svg = render_svg(spec, chart_id=chart_id, title=title, description=summary)
    return ChartBlock(chart_id, title, svg, summary, data_table)


def bar_spec(
    categories: Sequence[str],
    values: Sequence[float | None],
    *,
    description: str,
    x_title: str = "",
    y_title: str = "",
    horizontal: bool = False,
) -> dict[str, Any]:
    """Bars in the given order (missing values leave a gap, never a zero bar)."""
    rows = [{"category": c, "value": v} for c, v in zip(categories, values, strict=True)]
    spec = skeleton(description, VIEW_WIDTH, VIEW_HEIGHT)
    cat = {
        "field": "category",
        "type": "nominal",
        "sort": list(categories),
        "title": x_title,
        "axis": {"labelAngle": 0} if horizontal else {"labelAngle": -40},
    }
    val = {"field": "value", "type": "quantitative", "title": y_title}
    spec.update(
        {
            "data": {"values": rows},
            "mark": {"type": "bar", "color": SERIES_COLOURS[0]},
            "encoding": {"y": cat, "x": val} if horizontal else {"x": cat, "y": val},
        }
    )
    if horizontal:
        spec["height"] = max(VIEW_HEIGHT, 34 * len(rows))
    return spec


def line_spec(
    x: Sequence[float],
    y: Sequence[float],
    *,
    description: str,
    x_title: str,
    y_title: str,
    reference: bool = False,
) -> dict[str, Any]:
    """A line through (x, y) points; ``reference`` adds the diagonal y = x (equality line)."""
    spec = skeleton(description, VIEW_WIDTH, VIEW_HEIGHT)
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": [{"x": a, "y": b} for a, b in zip(x, y, strict=True)]},
            "mark": {"type": "line", "point": True, "color": SERIES_COLOURS[0], "strokeWidth": 3},
            "encoding": {
                "x": {"field": "x", "type": "quantitative", "title": x_title},
                "y": {"field": "y", "type": "quantitative", "title": y_title},
            },
        }
    ]
    if reference:
        lo, hi = min(x), max(x)
        layers.insert(
            0,
            {
                "data": {"values": [{"x": lo, "y": lo}, {"x": hi, "y": hi}]},
                "mark": {"type": "line", "strokeDash": [6, 4], "color": MUTED},
                "encoding": {
                    "x": {"field": "x", "type": "quantitative"},
                    "y": {"field": "y", "type": "quantitative"},
                },
            },
        )
    spec["layer"] = layers
    return spec


def heatmap_spec(
    rows: Sequence[dict[str, Any]],
    *,
    x: str,
    y: str,
    value: str,
    x_order: Sequence[str],
    y_order: Sequence[str],
    description: str,
    x_title: str = "",
    y_title: str = "",
    value_title: str = "",
) -> dict[str, Any]:
    """Counts in a grid (e.g. hour of day × day of week), in one sequential colour scale; the
    table beside it carries the numbers, so colour is never the only way to read them."""
    spec = skeleton(description, VIEW_WIDTH, VIEW_HEIGHT)
    spec.update(
        {
            "data": {"values": list(rows)},
            "mark": {"type": "rect"},
            "encoding": {
                "x": {"field": x, "type": "ordinal", "sort": list(x_order), "title": x_title},
                "y": {"field": y, "type": "ordinal", "sort": list(y_order), "title": y_title},
                "color": {
                    "field": value,
                    "type": "quantitative",
                    "title": value_title,
                    "scale": {"scheme": "blues"},
                },
            },
        }
    )
    return spec
