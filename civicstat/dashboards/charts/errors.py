"""The chart layer's one exception family."""

from __future__ import annotations


class ChartError(ValueError):
    """Published values or chart options that cannot be charted. The message names the row, the
    column or the option and what was expected, so an analyst can fix the input."""


class ChartRenderError(ChartError):
    """vl-convert could not turn a Vega-Lite spec into SVG (the message names the chart)."""
