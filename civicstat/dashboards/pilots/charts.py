"""Vega-Lite specs for the pilot pages (PURE): bars over time with the evaluation period shaded,
and the public map of alerts as a grid of coarse squares with their counts written in.

Both follow the measure charts' theme (``charts.theme``); every chart is published with a text
summary and a data table (``analysis.build.chart_block``), so the shading and the colours are
never the only way to read them: the period is also labelled, and every square carries its count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from civicstat.dashboards.charts.palette import HIGHLIGHT_FILL, MUTED, SERIES_COLOURS, TEXT, WHITE
from civicstat.dashboards.charts.theme import (
    FONT_SIZE,
    HEADROOM,
    VIEW_HEIGHT,
    VIEW_WIDTH,
    ms,
    skeleton,
)


def period_bars_spec(
    starts: Sequence[dt.date],
    ends: Sequence[dt.date],
    values: Sequence[float | None],
    *,
    description: str,
    y_title: str,
    highlight: tuple[dt.date, dt.date] | None = None,
    highlight_label: str = "",
    percent: bool = False,
) -> dict[str, Any]:
    """One bar per period ``[start, end)`` (a week or a month) on a time axis; ``highlight``
    (first day, day after the last) is shaded and labelled, e.g. the evaluation period."""
    rows = [
        {"start": ms(s), "end": ms(e), "value": v}
        for s, e, v in zip(starts, ends, values, strict=True)
        if v is not None
    ]
    spec = skeleton(description, VIEW_WIDTH, VIEW_HEIGHT)
    x = {
        "field": "start",
        "type": "temporal",
        "title": None,
        "axis": {"format": "%b %Y", "labelAngle": -40, "tickCount": 8},
    }
    y: dict[str, Any] = {
        "field": "value",
        "type": "quantitative",
        "title": y_title,
        "scale": {"domainMin": 0},
    }
    if percent:
        y["scale"] = {"domain": [0, 100]}
    elif highlight is not None and rows:
        # room above the tallest bar for the period's label
        y["scale"] = {"domain": [0, HEADROOM * max(float(r["value"]) for r in rows) or 1]}
    layers: list[dict[str, Any]] = []
    if highlight is not None:
        band = [{"start": ms(highlight[0]), "end": ms(highlight[1]), "label": highlight_label}]
        layers.append(
            {
                "data": {"values": band},
                "mark": {"type": "rect", "color": HIGHLIGHT_FILL},
                "encoding": {"x": {"field": "start", "type": "temporal"}, "x2": {"field": "end"}},
            }
        )
        layers.append(
            {
                "data": {"values": band},
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "top",
                    "dx": 4,
                    "dy": 4,
                    "color": TEXT,
                    "fontSize": FONT_SIZE,
                },
                "encoding": {
                    "x": {"field": "start", "type": "temporal"},
                    "y": {"value": 2},
                    "text": {"field": "label"},
                },
            }
        )
    layers.append(
        {
            "data": {"values": rows},
            "mark": {
                "type": "rect",
                "color": SERIES_COLOURS[0],
                "stroke": WHITE,
                "strokeWidth": 0.5,
            },
            "encoding": {"x": x, "x2": {"field": "end"}, "y": y, "y2": {"datum": 0}},
        }
    )
    spec["layer"] = layers
    return spec


def grid_map_spec(
    cells: Sequence[tuple[int, int, int, str]],
    *,
    description: str,
    value_title: str,
    column_names: Sequence[str] = (),
    row_names: Sequence[str] = (),
) -> dict[str, Any]:
    """Squares of a regular grid, north up: ``cells`` are ``(column, row, count, label)`` with
    column counted west to east and row south to north. Each square is shaded by its count and
    carries the count as text (dark text on light squares, white on dark ones).
    ``column_names`` (west to east) and ``row_names`` (south to north) label the margins, so a
    square can be found from its name in the table."""
    top = max(c[2] for c in cells) if cells else 0
    min_col = min(c[0] for c in cells) if cells else 0
    min_row = min(c[1] for c in cells) if cells else 0
    n_cols = max(c[0] for c in cells) - min_col + 1 if cells else 1
    n_rows = max(c[1] for c in cells) - min_row + 1 if cells else 1
    side = max(24, min(VIEW_WIDTH // (n_cols + 1), 560 // (n_rows + 1)))
    rows = [
        {
            "x": c - min_col,
            "x2": c - min_col + 1,
            "y": r - min_row,
            "y2": r - min_row + 1,
            "count": n,
            "label": label,
            "dark": n > top * 0.55,
        }
        for c, r, n, label in cells
    ]
    margins = [
        {"cx": i + 0.5, "cy": n_rows + 0.5, "text": name} for i, name in enumerate(column_names)
    ]
    margins += [{"cx": -0.5, "cy": j + 0.5, "text": name} for j, name in enumerate(row_names)]
    spec = skeleton(description, side * (n_cols + 1), side * (n_rows + 1))
    spec["autosize"] = {"type": "pad"}
    scale_x = {"domain": [-1, n_cols], "nice": False, "zero": False}
    scale_y = {"domain": [0, n_rows + 1], "nice": False, "zero": False}
    hidden = {"axis": None}
    font = max(11, min(FONT_SIZE, side // 2))
    spec["layer"] = [
        {
            "data": {"values": rows},
            "mark": {"type": "rect", "stroke": MUTED, "strokeWidth": 0.5},
            "encoding": {
                "x": {"field": "x", "type": "quantitative", "scale": scale_x, **hidden},
                "x2": {"field": "x2"},
                "y": {"field": "y", "type": "quantitative", "scale": scale_y, **hidden},
                "y2": {"field": "y2"},
                "color": {
                    "field": "count",
                    "type": "quantitative",
                    "title": value_title,
                    # stepped classes: a symbol legend (a gradient legend's SVG ids change
                    # from one rendering to the next, so the same data would not give the same
                    # published bytes)
                    "scale": {"type": "quantize", "scheme": "blues", "domainMin": 0, "nice": True},
                },
            },
        },
        {
            "data": {"values": rows},
            "transform": [
                {"calculate": "(datum.x + datum.x2) / 2", "as": "cx"},
                {"calculate": "(datum.y + datum.y2) / 2", "as": "cy"},
            ],
            "mark": {"type": "text", "fontSize": font, "baseline": "middle"},
            "encoding": {
                "x": {"field": "cx", "type": "quantitative", "scale": scale_x, **hidden},
                "y": {"field": "cy", "type": "quantitative", "scale": scale_y, **hidden},
                "text": {"field": "count", "type": "quantitative"},
                "color": {"condition": {"test": "datum.dark", "value": WHITE}, "value": TEXT},
            },
        },
    ]
    if margins:
        spec["layer"].append(
            {
                "data": {"values": margins},
                "mark": {
                    "type": "text",
                    "fontSize": font,
                    "baseline": "middle",
                    "color": MUTED,
                    "fontWeight": "bold",
                },
                "encoding": {
                    "x": {"field": "cx", "type": "quantitative", "scale": scale_x, **hidden},
                    "y": {"field": "cy", "type": "quantitative", "scale": scale_y, **hidden},
                    "text": {"field": "text", "type": "nominal"},
                },
            }
        )
    return spec
