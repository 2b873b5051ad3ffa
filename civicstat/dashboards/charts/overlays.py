"""What a time chart draws besides values and targets: the shaded window, labels for suppressed
periods, marked events and the latest status. Each is text as well as shape, never colour
alone."""

from __future__ import annotations

from typing import Any

from civicstat.dashboards.charts.data import ChartData, SeriesData
from civicstat.dashboards.charts.options import ChartOptions, Highlight
from civicstat.dashboards.charts.palette import HIGHLIGHT_FILL, MUTED, ensure_contrast, icon_shape
from civicstat.dashboards.charts.theme import FONT_SIZE, LINE_HEIGHT, ms

ANNOTATION_FLIP = 0.6  # an event further right than this share of the axis is labelled leftwards
STATUS_ICON_GAP = 30  # viewBox units between the status label's end and the plot's right edge


def window_layer(window: Highlight, x: dict[str, Any]) -> dict[str, Any]:
    """The highlighted window: a light band over its dates, its label at the top left."""
    return {
        "name": "window",
        "data": {"values": [{"x": ms(window.start), "x2": ms(window.end), "label": window.label}]},
        "layer": [
            {
                "mark": {"type": "rect", "color": HIGHLIGHT_FILL},
                "encoding": {"x": x, "x2": {"field": "x2"}},
            },
            {
                "mark": {"type": "text", "align": "left", "baseline": "top", "dx": 6, "dy": 6},
                "encoding": {"x": x, "y": {"value": 0}, "text": {"field": "label"}},
            },
        ],
    }


def suppressed_layer(
    data: ChartData, shown: tuple[SeriesData, ...], options: ChartOptions, x: dict[str, Any]
) -> dict[str, Any] | None:
    """Upright text at the foot of each period where a shown series is suppressed: the line has
    a gap there, and the text says why."""
    _ = options.gettext
    rows = []
    for i, period in enumerate(data.periods):
        flags = [s.points[i].suppressed for s in shown]
        if all(flags):
            rows.append({"x": ms(period.midpoint), "label": _("Suppressed")})
        elif any(flags):
            rows.append({"x": ms(period.midpoint), "label": _("Partly suppressed")})
    if not rows:
        return None
    return {
        "name": "suppressed",
        "data": {"values": rows},
        "mark": {
            "type": "text",
            "angle": 270,
            "align": "left",
            "baseline": "middle",
            "color": MUTED,
        },
        "encoding": {"x": x, "y": {"value": {"expr": "height - 6"}}, "text": {"field": "label"}},
    }


def annotation_layer(
    index: int, when: int, label: str, row: int, share: float, x: dict[str, Any]
) -> dict[str, Any]:
    """A marked event: a solid vertical rule with its label at the top, on the rule's right (or
    its left when the rule is in the right part of the axis). ``row`` stacks labels."""
    flip = share > ANNOTATION_FLIP
    return {
        "name": f"annotation-{index}",
        "data": {"values": [{"x": when, "label": label}]},
        "layer": [
            {"mark": {"type": "rule", "color": MUTED, "strokeWidth": 2}, "encoding": {"x": x}},
            {
                "mark": {
                    "type": "text",
                    "align": "right" if flip else "left",
                    "baseline": "top",
                    "dx": -6 if flip else 6,
                },
                "encoding": {
                    "x": x,
                    "y": {"value": 4 + row * LINE_HEIGHT},
                    "text": {"field": "label"},
                },
            },
        ],
    }


def status_layer(
    series: SeriesData,
    options: ChartOptions,
    x: dict[str, Any],
    y: dict[str, Any],
    *,
    ring: bool,
) -> dict[str, Any] | None:
    """The latest period's status: its label in text and its icon above the plot's top right
    corner (``June 2024: On Target``), and, on a line, a ring in the status colour around the
    latest value. Status colours are data, so one too light to see is darkened to 3:1."""
    latest = series.points[-1] if series.points else None
    if latest is None or latest.value is None:
        return None
    style = options.status_style(latest.status)
    if style is None:
        return None
    colour = ensure_contrast(style.colour)
    text = options.gettext("%(period)s: %(status)s") % {
        "period": latest.period.short,
        "status": style.label,
    }
    row = {"x": ms(latest.period.midpoint), "value": latest.value, "label": text}
    top = -(FONT_SIZE // 2)
    layers: list[dict[str, Any]] = []
    if ring:
        layers.append(
            {
                "mark": {
                    "type": "point",
                    "shape": "circle",
                    "filled": False,
                    "size": 560,
                    "strokeWidth": 3,
                    "color": colour,
                },
                "encoding": {"x": x, "y": y},
            }
        )
    layers.append(
        {
            "mark": {
                "type": "point",
                "shape": icon_shape(style.icon),
                "filled": False,
                "size": 300,
                "strokeWidth": 3,
                "color": colour,
            },
            "encoding": {
                "x": {"value": {"expr": f"width - {STATUS_ICON_GAP // 2}"}},
                "y": {"value": top - FONT_SIZE // 2 - 2},
            },
        }
    )
    layers.append(
        {
            "mark": {"type": "text", "align": "right", "baseline": "bottom"},
            "encoding": {
                "x": {"value": {"expr": f"width - {STATUS_ICON_GAP}"}},
                "y": {"value": top},
                "text": {"field": "label"},
            },
        }
    )
    return {"name": "status", "data": {"values": [row]}, "layer": layers}
