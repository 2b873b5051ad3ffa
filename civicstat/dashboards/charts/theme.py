"""Sizes, fonts and the Vega-Lite ``config`` shared by every chart.

Charts are drawn in a ``VIEW_WIDTH``-wide viewBox and scaled to the page; on a phone the SVG is
about ``PHONE_WIDTH`` CSS pixels wide, so every font is at least
``MIN_PHONE_FONT × VIEW_WIDTH / PHONE_WIDTH`` viewBox units to stay ≥ 11 px there.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta
from typing import Any

from civicstat.dashboards.charts.palette import GRID, MUTED, TEXT, WHITE

VEGALITE_VERSION = "6.4"  # vl-convert's bundled Vega-Lite; pinned so output is reproducible
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
# A wide font first: vl-convert measures labels with it (Debian ships DejaVu with Chromium),
# so narrower fonts in readers' browsers only leave spare room, never clip a label.
FONT = "'DejaVu Sans', Verdana, system-ui, sans-serif"
VIEW_WIDTH = 640
VIEW_HEIGHT = 340
PHONE_WIDTH = 360
MIN_PHONE_FONT = 11
FONT_SIZE = math.ceil(MIN_PHONE_FONT * VIEW_WIDTH / PHONE_WIDTH)  # 20
LINE_HEIGHT = FONT_SIZE + 8
CHAR_WIDTH = 0.56 * FONT_SIZE  # a generous average advance for Latin text
PLOT_WIDTH = VIEW_WIDTH - 100  # what is left after the y axis and padding (approximate)
HEADROOM = 1.18  # the y scale reaches this far above the largest value, for labels
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def config() -> dict[str, Any]:
    """The Vega-Lite config: system fonts, near-black text and axes, light decorative grid."""
    axis = {
        "labelFont": FONT,
        "titleFont": FONT,
        "labelFontSize": FONT_SIZE,
        "titleFontSize": FONT_SIZE,
        "titleFontWeight": "normal",
        "labelColor": TEXT,
        "titleColor": TEXT,
        "domainColor": MUTED,
        "tickColor": MUTED,
        "gridColor": GRID,
        "labelLimit": 220,
    }
    return {
        "font": FONT,
        "background": WHITE,
        "view": {"stroke": None},
        "axis": axis,
        "legend": {
            "labelFont": FONT,
            "labelFontSize": FONT_SIZE,
            "titleFontSize": FONT_SIZE,
            "labelColor": TEXT,
            "labelLimit": 260,
            "orient": "bottom",
            "symbolSize": 260,
            "symbolStrokeWidth": 3,
            "padding": 4,
        },
        "text": {"font": FONT, "fontSize": FONT_SIZE, "color": TEXT},
        "title": {"font": FONT, "fontSize": FONT_SIZE, "color": TEXT},
    }


def skeleton(description: str, width: int, height: int) -> dict[str, Any]:
    """The top level of every chart spec; the whole drawing (axes, legend, labels) fits in
    ``width`` × ``height``, which become the SVG's viewBox."""
    return {
        "$schema": SCHEMA,
        "description": description,
        "width": width,
        "height": height,
        "autosize": {"type": "fit", "contains": "padding"},
        "padding": 6,
        "config": config(),
    }


def ms(when: date | datetime) -> int:
    """Milliseconds since the epoch for a date (UTC midnight) or a naive UTC datetime: the
    temporal values handed to Vega, which therefore never parses a date in a local time zone."""
    if not isinstance(when, datetime):
        when = datetime(when.year, when.month, when.day)
    return (when.replace(tzinfo=UTC) - _EPOCH) // timedelta(milliseconds=1)


def tick_indices(labels: list[str], room: float = PLOT_WIDTH) -> list[int]:
    """Which of ``labels`` (in order) get a tick label so that none overlap: every k-th,
    counted back from the latest, which is always labelled."""
    if not labels:
        return []
    widest = max(len(label) for label in labels) * CHAR_WIDTH + FONT_SIZE
    fits = max(1, math.floor(room / widest))
    step = math.ceil(len(labels) / fits)
    return sorted(range(len(labels) - 1, -1, -step))


def label_lookup(values: list[object], labels: list[str]) -> str:
    """A Vega expression giving each tick ``value`` its ``label`` (``""`` for any other tick)."""
    expression = '""'
    for value, label in reversed(list(zip(values, labels, strict=True))):
        literal = _js(value)
        expression = f"time(datum.value) === {literal} ? {_js(label)} : {expression}"
    return expression


def affix_expression(pattern: str) -> str | None:
    """A Vega label expression applying a translated unit pattern such as ``"%(value)s%%"`` to
    the axis's own label, or None when the pattern adds nothing."""
    marker = "\x00"
    filled = pattern % {"value": marker}
    if filled == marker or marker not in filled:
        return None
    before, after = filled.split(marker, 1)
    parts = [
        p for p in (_js(before) if before else "", "datum.label", _js(after) if after else "") if p
    ]
    return " + ".join(parts)


def _js(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
