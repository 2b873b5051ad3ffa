"""What a chart compares against, and how a time chart draws it.

A constant target is a dashed rule across the plot, labelled at its left end; a target that
changes is a dashed step line labelled at its latest value; a target range is two dashed rules
labelled at the upper one. Targets come from the primary series' rows (the ``target`` column),
the range from ``ChartOptions.target_range``; an informational measure has none (methods.md §6.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from civicstat.dashboards.charts.data import ChartData, Point
from civicstat.dashboards.charts.formatting import Formatter
from civicstat.dashboards.charts.options import ChartOptions, Direction
from civicstat.dashboards.charts.palette import TARGET
from civicstat.dashboards.charts.theme import CHAR_WIDTH, HEADROOM, PLOT_WIDTH, ms

TARGET_DASH = [10, 6]
LABEL_BAND = 0.14  # share of the value scale a label's height covers (approximately)


@dataclass(frozen=True)
class Targets:
    """``points``: the primary series' periods that have a target; ``range``: the (low, high)
    band of a target-range measure."""

    points: tuple[Point, ...] = ()
    range: tuple[float, float] | None = None

    @property
    def constant(self) -> float | None:
        """The target when every period that has one has the same one."""
        values = {p.target for p in self.points}
        return values.pop() if len(values) == 1 else None

    def extremes(self) -> list[float]:
        out = [p.target for p in self.points if p.target is not None]
        if self.range is not None:
            out.extend(self.range)
        return out


def targets(data: ChartData, options: ChartOptions) -> Targets:
    if options.direction is Direction.INFORMATIONAL:
        return Targets()
    if options.direction is Direction.TARGET_RANGE:
        return Targets(range=options.target_range)
    primary = data.primary
    if primary is None:
        return Targets()
    return Targets(points=tuple(p for p in primary.points if p.target is not None))


def target_label(options: ChartOptions, formatter: Formatter, value: float) -> str:
    return options.gettext("Target: %(target)s") % {"target": formatter.value(value)}


def range_text(options: ChartOptions, formatter: Formatter, low: float, high: float) -> str:
    return options.gettext("%(low)s to %(high)s") % {
        "low": formatter.value(low),
        "high": formatter.value(high),
    }


def range_label(options: ChartOptions, formatter: Formatter, low: float, high: float) -> str:
    return options.gettext("Target range: %(range)s") % {
        "range": range_text(options, formatter, low, high)
    }


@dataclass(frozen=True)
class Plot:
    """What label placement needs to know about a time chart: its time domain, the top of its
    value scale, and the values drawn (x in epoch ms, value)."""

    start: date
    end: date
    top: float
    values: tuple[tuple[int, float], ...]

    def label_below(self, at: float, text: str, *, right: bool) -> bool:
        """Whether a label on the line ``at`` goes below it: only when values crowd the space
        above it (within the label's height and width) and leave the space below it free."""
        lo, hi = ms(self.start), ms(self.end)
        reach = (len(text) * CHAR_WIDTH + 8) / PLOT_WIDTH * (hi - lo)
        near = [v for x, v in self.values if (x >= hi - reach if right else x <= lo + reach)]
        band = LABEL_BAND * self.top * HEADROOM
        above = any(at < v <= at + band for v in near)
        below = any(at - band <= v < at for v in near)
        return above and not below


def target_layers(
    data: ChartData,
    options: ChartOptions,
    formatter: Formatter,
    goal: Targets,
    plot: Plot,
    x: dict[str, Any],
) -> list[dict[str, Any]]:
    """The ``target`` layer (rule or step line) and its ``target-label``, for a time chart."""
    rule = {"type": "rule", "color": TARGET, "strokeWidth": 2, "strokeDash": TARGET_DASH}
    if goal.range is not None:
        low, high = goal.range
        text = range_label(options, formatter, low, high)
        return [
            {
                "name": "target",
                "data": {"values": [{"value": low}, {"value": high}]},
                "mark": rule,
                "encoding": {"y": {"field": "value", "type": "quantitative"}},
            },
            _label(text, high, {"value": 0}, below=plot.label_below(high, text, right=False)),
        ]
    if not goal.points:
        return []
    constant = goal.constant
    if constant is not None:
        text = target_label(options, formatter, constant)
        return [
            {
                "name": "target",
                "data": _one_row(),
                "mark": rule,
                "encoding": {"y": {"datum": constant}},
            },
            _label(
                text, constant, {"value": 0}, below=plot.label_below(constant, text, right=False)
            ),
        ]
    # A target that changes: a dashed step through each period, labelled at its latest value.
    by_start = {p.period.start: p.target for p in goal.points}
    steps = [{"x": ms(p.start), "value": by_start.get(p.start)} for p in data.periods]
    latest = goal.points[-1]
    steps.append({"x": ms(data.periods[-1].end), "value": by_start.get(data.periods[-1].start)})
    assert latest.target is not None
    text = target_label(options, formatter, latest.target)
    at_end = latest.period == data.periods[-1]
    where = {"value": {"expr": "width"}} if at_end else {**x, "datum": ms(latest.period.end)}
    where.pop("field", None)
    return [
        {
            "name": "target",
            "data": {"values": steps},
            "mark": {
                **rule,
                "type": "line",
                "interpolate": "step-after",
                "invalid": "break-paths-show-path-domains",
            },
            "encoding": {"x": x, "y": {"field": "value", "type": "quantitative"}},
        },
        _label(
            text,
            latest.target,
            where,
            below=plot.label_below(latest.target, text, right=True),
            align="right",
        ),
    ]


def _label(
    text: str, at: float, x: dict[str, Any], *, below: bool, align: str = "left"
) -> dict[str, Any]:
    return {
        "name": "target-label",
        "data": _one_row(),
        "mark": {
            "type": "text",
            "align": align,
            "baseline": "top" if below else "bottom",
            "dx": 4 if align == "left" else -4,
            "dy": 4 if below else -4,
        },
        "encoding": {"x": x, "y": {"datum": at}, "text": {"value": text}},
    }


def _one_row() -> dict[str, Any]:
    """Data for a layer that only draws constants (a layer without data draws nothing)."""
    return {"values": [{}]}
