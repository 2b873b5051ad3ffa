"""The value axis (its title carries the unit) and the time axis (ticks at period midpoints, named
by the periods' short names)."""

from __future__ import annotations

from datetime import date
from typing import Any

from civicstat.dashboards.charts.data import ChartData
from civicstat.dashboards.charts.options import ChartOptions, ValueFormat
from civicstat.dashboards.charts.theme import (
    FONT_SIZE,
    HEADROOM,
    affix_expression,
    label_lookup,
    ms,
    tick_indices,
)


def value_title(options: ChartOptions) -> str | None:
    """The value axis title: the measure's unit, else the value format's name."""
    _ = options.gettext
    if options.unit:
        return options.unit
    if options.value_format is ValueFormat.PERCENT:
        return _("Percent")
    if options.value_format is ValueFormat.MINUTES:
        return _("Minutes")
    if options.value_format is ValueFormat.SECONDS:
        return _("Seconds")
    if options.value_format is ValueFormat.CURRENCY:
        return _("Dollars")
    return None


def value_axis(
    options: ChartOptions,
    extremes: list[float],
    *,
    horizontal_title: bool,
    headroom: float = HEADROOM,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The value channel's ``(scale, axis)``.

    The scale is zero-based unless the options say otherwise, and reaches ``headroom`` × the
    largest of ``extremes`` (values and targets) to leave room for labels. A percentage near 100
    keeps that room but labels no tick above 100 %. With no values at all the axis is bare.
    Percentages and dollars carry their sign on every tick label. With ``horizontal_title`` (a
    y axis) the title is written level above the axis, so a phone reader need not tilt their
    head."""
    _ = options.gettext
    axis: dict[str, Any] = {"title": value_title(options), "tickCount": 5, "grid": True}
    scale: dict[str, Any] = {"zero": options.y_zero, "nice": True}
    top = max(extremes, default=None)
    if top is None:
        scale = {"domain": [0, 1], "nice": False}
        axis.update(labels=False, ticks=False, grid=False)
    elif top > 0:
        scale["domainMax"] = top * headroom
        percent = options.value_format is ValueFormat.PERCENT
        if percent and options.y_zero and top <= 100 < top * headroom:
            scale = {"domain": [0, 100 * headroom], "nice": False, "zero": True}
            axis["values"] = list(range(0, 101, 20))
            del axis["tickCount"]  # Vega thins explicit values down to tickCount
    affix = None
    if options.value_format is ValueFormat.PERCENT:
        affix = affix_expression(_("%(value)s%%"))
    elif options.value_format is ValueFormat.CURRENCY:
        affix = affix_expression(_("$%(value)s"))
    if affix:
        axis["labelExpr"] = affix
    if horizontal_title:
        axis.update(
            titleAngle=0,
            titleAlign="left",
            titleAnchor="end",
            titleBaseline="bottom",
            titleX=0,
            titleY=-FONT_SIZE // 2,
        )
    return scale, axis


def time_domain(data: ChartData, options: ChartOptions) -> tuple[date, date]:
    """From the first period's start to the last period's end, widened to take in annotations
    and the highlighted window."""
    lo, hi = data.periods[0].start, data.periods[-1].end
    for annotation in options.annotations:
        lo, hi = min(lo, annotation.date), max(hi, annotation.date)
    if options.highlight is not None:
        lo, hi = min(lo, options.highlight.start), max(hi, options.highlight.end)
    return lo, hi


def time_encoding(data: ChartData, options: ChartOptions) -> dict[str, Any]:
    """The x encoding of a time chart's value layers (field ``x``, epoch milliseconds, UTC scale):
    its domain, and tick labels at the midpoints of periods spaced so their names never overlap,
    always including the latest period."""
    lo, hi = time_domain(data, options)
    shorts = [p.short for p in data.periods]
    chosen = tick_indices(shorts)
    values = [ms(data.periods[i].midpoint) for i in chosen]
    return {
        "field": "x",
        "type": "temporal",
        "scale": {"type": "utc", "domain": [ms(lo), ms(hi)], "nice": False},
        "axis": {
            "title": None,
            "grid": False,
            "values": values,
            "labelExpr": label_lookup(values, [shorts[i] for i in chosen]),
            "labelOverlap": True,
            "labelPadding": 6,
        },
    }
