"""Charts over time: a line per series, or bars per period, on a UTC time axis.

Every layer is named (``window``, ``target``, ``target-label``, ``suppressed``, ``series``,
``points`` or ``values``, ``annotation-0``…, ``status``) so callers and tests can find them.
Layers draw, bottom to top: the shaded window, the target, suppressed-period labels, the values,
marked events, and the latest status.
"""

from __future__ import annotations

import math
from typing import Any

from civicstat.dashboards.charts.axes import time_domain, time_encoding, value_axis
from civicstat.dashboards.charts.data import ChartData, SeriesData
from civicstat.dashboards.charts.errors import ChartError
from civicstat.dashboards.charts.formatting import Formatter
from civicstat.dashboards.charts.options import ChartKind, ChartOptions
from civicstat.dashboards.charts.overlays import (
    annotation_layer,
    status_layer,
    suppressed_layer,
    window_layer,
)
from civicstat.dashboards.charts.palette import (
    MAX_SERIES,
    SERIES_COLOURS,
    SERIES_DASHES,
    SERIES_SHAPES,
)
from civicstat.dashboards.charts.targets import Plot, target_layers, targets
from civicstat.dashboards.charts.theme import (
    CHAR_WIDTH,
    LINE_HEIGHT,
    VIEW_HEIGHT,
    VIEW_WIDTH,
    ms,
    skeleton,
)

BAR_INSET = 0.12  # share of a period left empty on each side of its bar
LEGEND_SYMBOL = 40  # a legend entry's symbol and gap, in viewBox units


def time_spec(
    data: ChartData, options: ChartOptions, kind: ChartKind, description: str
) -> dict[str, Any]:
    """A line (``kind`` LINE) chart of every series, or a bar (BAR) chart of the primary one."""
    formatter = Formatter(options)
    primary = data.primary
    shown = data.series if kind is ChartKind.LINE or primary is None else (primary,)
    if kind is ChartKind.LINE and len(shown) > MAX_SERIES:
        raise ChartError(
            f"chart {options.title!r}: {len(shown)} series are too many for a line chart "
            f"(at most {MAX_SERIES} stay distinguishable; use kind='bar' to compare categories)"
        )
    names = [_series_name(s, data, options) for s in shown]
    goal = targets(data, options)
    drawn = [(ms(p.period.midpoint), p.value) for s in shown for p in s.available]
    extremes = [v for _x, v in drawn] + goal.extremes()
    scale, axis = value_axis(options, extremes, horizontal_title=True)
    y = {"field": "value", "type": "quantitative", "scale": scale, "axis": axis}
    axis_x = time_encoding(data, options)
    # Only the value layers carry the x scale and axis; the others refer to the field alone
    # (repeating the scale in nested layers makes Vega-Lite warn about conflicting domains).
    x = {"field": "x", "type": "temporal"}
    lo, hi = time_domain(data, options)
    plot = Plot(lo, hi, max(extremes, default=0.0), tuple(drawn))

    layers: list[dict[str, Any]] = []
    if options.highlight is not None:
        layers.append(window_layer(options.highlight, x))
    layers.extend(target_layers(data, options, formatter, goal, plot, x))
    suppressed = suppressed_layer(data, shown, options, x)
    if suppressed:
        layers.append(suppressed)
    if kind is ChartKind.LINE:
        layers.extend(_line_layers(shown, names, axis_x, y))
    else:
        layers.extend(_bar_layers(shown[0], formatter, axis_x, y))
    first_row = 1 if options.highlight is not None else 0
    for i, annotation in enumerate(options.annotations):
        when = ms(annotation.date)
        share = (when - ms(lo)) / max(1, ms(hi) - ms(lo))
        layers.append(annotation_layer(i, when, annotation.label, first_row + i, share, x))
    status = status_layer(shown[0], options, x, y, ring=kind is ChartKind.LINE)
    if status:
        layers.append(status)
    legend_rows = _legend_rows(names) if len(names) > 1 else 0
    spec = skeleton(description, VIEW_WIDTH, VIEW_HEIGHT + legend_rows * LINE_HEIGHT)
    spec["layer"] = layers
    return spec


def _series_name(series: SeriesData, data: ChartData, options: ChartOptions) -> str:
    if series.name:
        return series.name
    return options.overall_name if data.breakdowns else options.title


def _legend_columns(names: list[str]) -> int:
    """Up to three in a row when short, two when more than three, one per row when a name
    would not fit half the width (legend labels are never cut short)."""
    widest = max(len(n) for n in names) * CHAR_WIDTH + LEGEND_SYMBOL
    if widest > VIEW_WIDTH / 2 - 20:
        return 1
    if len(names) <= 3 and widest * len(names) <= VIEW_WIDTH - 20:
        return len(names)
    return 2


def _legend_rows(names: list[str]) -> int:
    return math.ceil(len(names) / _legend_columns(names))


def _line_layers(
    shown: tuple[SeriesData, ...], names: list[str], x: dict[str, Any], y: dict[str, Any]
) -> list[dict[str, Any]]:
    """``series`` (lines, broken where a value is missing) and ``points``. With more than one
    series each has its own colour, dash pattern and point shape, and the legend shows them."""
    rows = [
        {"x": ms(p.period.midpoint), "value": p.value, "series": name}
        for series, name in zip(shown, names, strict=True)
        for p in series.points
    ]
    count = len(names)

    def channel(values: list[Any], *, legend: bool) -> dict[str, Any]:
        if count == 1:
            return {"value": values[0]}
        scale = {"domain": names, "range": values[:count]}
        out: dict[str, Any] = {"field": "series", "type": "nominal", "scale": scale}
        out["legend"] = (
            {
                "title": None,
                "columns": _legend_columns(names),
                "labelLimit": VIEW_WIDTH - 40,
                "symbolStrokeWidth": 0,  # filled shapes, no line stroke drawn across them
            }
            if legend
            else None
        )
        return out

    colour = channel(list(SERIES_COLOURS), legend=True)
    dashes = channel([list(d) for d in SERIES_DASHES], legend=False)
    line = {
        "name": "series",
        "data": {"values": rows},
        "mark": {"type": "line", "strokeWidth": 3, "invalid": "break-paths-show-path-domains"},
        "encoding": {"x": x, "y": y, "color": colour, "strokeDash": dashes},
    }
    points = {
        "name": "points",
        "data": {"values": rows},
        "mark": {"type": "point", "filled": True, "size": 130, "opacity": 1},
        "encoding": {
            "x": x,
            "y": y,
            "color": colour,
            "shape": channel(list(SERIES_SHAPES), legend=True),
        },
    }
    return [line, points]


def _bar_layers(
    series: SeriesData, formatter: Formatter, x: dict[str, Any], y: dict[str, Any]
) -> list[dict[str, Any]]:
    """``series`` (a bar spanning most of each period) and ``values`` (each bar's value above
    it)."""
    rows = []
    for p in series.points:
        start, end = ms(p.period.start), ms(p.period.end)
        inset = round((end - start) * BAR_INSET)
        rows.append(
            {
                "x": start + inset,
                "x2": end - inset,
                "mid": ms(p.period.midpoint),
                "value": p.value,
                "text": "" if p.value is None else formatter.value(p.value),
            }
        )
    bars = {
        "name": "series",
        "data": {"values": rows},
        "mark": {"type": "bar", "color": SERIES_COLOURS[0]},
        "encoding": {"x": x, "x2": {"field": "x2"}, "y": y, "y2": {"datum": 0}},
    }
    labels = {
        "name": "values",
        "data": {"values": [r for r in rows if r["value"] is not None]},
        "mark": {"type": "text", "baseline": "bottom", "dy": -4},
        "encoding": {
            "x": {"field": "mid", "type": "temporal"},
            "y": y,
            "text": {"field": "text"},
        },
    }
    return [bars, labels]
