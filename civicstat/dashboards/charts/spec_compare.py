"""Breakdown comparison: the latest period's value for each category as horizontal bars, largest
first, each bar labelled with its value (or "Suppressed"), the overall value (with the latest
status) and the target as labelled rules.

Layers are named ``series`` (bars), ``values`` (their labels), ``overall`` and ``target``.
"""

from __future__ import annotations

from typing import Any

from civicstat.dashboards.charts.axes import value_axis
from civicstat.dashboards.charts.data import ChartData, Period
from civicstat.dashboards.charts.formatting import Formatter
from civicstat.dashboards.charts.options import ChartOptions
from civicstat.dashboards.charts.palette import SERIES_COLOURS, TARGET
from civicstat.dashboards.charts.targets import TARGET_DASH, range_label, target_label, targets
from civicstat.dashboards.charts.theme import LINE_HEIGHT, VIEW_WIDTH, skeleton

BAR_ROW = 44  # viewBox units per category
OVERALL_DASH = [3, 4]
COMPARE_HEADROOM = 1.3  # room right of the longest bar for its value label


def comparison_period(data: ChartData) -> Period | None:
    """The latest period in which some category has a value or is suppressed."""
    for i in range(len(data.periods) - 1, -1, -1):
        if any(s.points[i].available or s.points[i].suppressed for s in data.breakdowns):
            return data.periods[i]
    return None


def compare_spec(data: ChartData, options: ChartOptions, description: str) -> dict[str, Any]:
    formatter = Formatter(options)
    _ = options.gettext
    period = comparison_period(data)
    index = data.periods.index(period) if period is not None else len(data.periods) - 1
    cells = [(s.name, s.points[index]) for s in data.breakdowns]
    with_value = sorted(
        ((name, p) for name, p in cells if p.value is not None),
        key=lambda c: (-(c[1].value or 0.0), c[0]),
    )
    without = sorted((name, p) for name, p in cells if p.value is None)
    order = [name for name, _p in with_value + without]
    rows = []
    for name, p in with_value + without:
        if p.value is not None:
            text = formatter.value(p.value)
        elif p.suppressed:
            text = _("Suppressed")
        else:
            text = _("No data")
        rows.append({"category": name, "value": p.value, "at": p.value or 0.0, "text": text})
    overall = data.overall.points[index] if data.overall is not None else None
    goal = targets(data, options)
    target = overall.target if overall is not None and not goal.range else None
    extremes = [r["value"] for r in rows if r["value"] is not None]
    extremes += [v for v in (overall.value if overall else None, target) if v is not None]
    extremes += list(goal.range or ())
    y = {
        "field": "category",
        "type": "nominal",
        "scale": {"domain": order, "paddingInner": 0.3},
        "axis": {"title": None, "ticks": False, "domain": False},
    }
    scale, axis = value_axis(options, extremes, horizontal_title=False, headroom=COMPARE_HEADROOM)
    x = {"field": "value", "type": "quantitative", "scale": scale, "axis": axis}
    layers: list[dict[str, Any]] = [
        {
            "name": "series",
            "data": {"values": rows},
            "mark": {"type": "bar", "color": SERIES_COLOURS[0]},
            "encoding": {"y": y, "x": x},
        },
        {
            "name": "values",
            "data": {"values": rows},
            "mark": {"type": "text", "align": "left", "baseline": "middle", "dx": 6},
            "encoding": {"y": y, "x": {**x, "field": "at"}, "text": {"field": "text"}},
        },
    ]
    label_row = 0
    if overall is not None and overall.value is not None:
        values = {
            "overall": options.overall_name,
            "value": formatter.value(overall.value),
        }
        style = options.status_style(overall.status)
        if style is None:
            text = _("%(overall)s: %(value)s") % values
        else:
            text = _("%(overall)s: %(value)s (%(status)s)") % {**values, "status": style.label}
        layers.append(_reference("overall", overall.value, text, OVERALL_DASH, label_row))
        label_row += 1
    if goal.range is not None:
        low, high = goal.range
        text = range_label(options, formatter, low, high)
        layers.append(_reference("target", [low, high], text, TARGET_DASH, label_row))
    elif target is not None:
        text = target_label(options, formatter, target)
        layers.append(_reference("target", target, text, TARGET_DASH, label_row))
    height = 3 * LINE_HEIGHT + BAR_ROW * max(1, len(rows)) + 2 * LINE_HEIGHT
    spec = skeleton(description, VIEW_WIDTH, height)
    spec["layer"] = layers
    return spec


def _reference(
    name: str, at: float | list[float], text: str, dash: list[int], row: int
) -> dict[str, Any]:
    """A labelled vertical rule; its label sits above the plot, one line per reference."""
    values = at if isinstance(at, list) else [at]
    return {
        "name": name,
        "data": {"values": [{"value": v, "text": text} for v in values]},
        "layer": [
            {
                "mark": {"type": "rule", "color": TARGET, "strokeWidth": 2, "strokeDash": dash},
                "encoding": {"x": {"field": "value", "type": "quantitative"}},
            },
            {
                "transform": [{"filter": f"datum.value === {values[-1]!r}"}],
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "bottom",
                    "dx": 4,
                    "dy": -6 - row * LINE_HEIGHT,
                    "color": TARGET,
                },
                "encoding": {
                    "x": {"field": "value", "type": "quantitative"},
                    "y": {"value": 0},
                    "text": {"field": "text"},
                },
            },
        ],
    }
