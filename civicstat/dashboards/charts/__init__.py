"""Measure charts (PURE: no Django): Vega-Lite specs built in Python, rendered to accessible SVG on
the server with vl-convert, with a text summary, a text alternative and a data table.

    chart = build_chart(values, ChartOptions(title="Joint events", unit="events"),
                        chart_id="measure-12-chart")
    chart.svg, chart.summary, chart.alt, chart.table.as_dict(), chart.spec

``values`` has one row per period × breakdown with the columns in ``COLUMNS`` (see ``data``);
the modules: ``options`` (what the chart knows about its measure), ``data`` (input checks),
``spec``/``spec_time``/``spec_compare`` (Vega-Lite), ``summary``, ``table``, ``svg`` (rendering
and accessible post-processing), ``palette`` (WCAG contrast), ``formatting``.
"""

from civicstat.dashboards.charts.build import Chart, build_chart, chart_data, render_many
from civicstat.dashboards.charts.data import COLUMNS, ChartData, Period, Point, SeriesData
from civicstat.dashboards.charts.errors import ChartError, ChartRenderError
from civicstat.dashboards.charts.formatting import Formatter
from civicstat.dashboards.charts.options import (
    DEFAULT_STATUSES,
    Annotation,
    ChartKind,
    ChartOptions,
    Direction,
    Highlight,
    StatusStyle,
    ValueFormat,
    gettext_noop,
)
from civicstat.dashboards.charts.palette import contrast_ratio, ensure_contrast, relative_luminance
from civicstat.dashboards.charts.spec import build_spec, resolve_kind
from civicstat.dashboards.charts.summary import alt_text, summarize
from civicstat.dashboards.charts.svg import make_accessible, render_svg
from civicstat.dashboards.charts.table import Table, build_table

__all__ = [
    "COLUMNS",
    "DEFAULT_STATUSES",
    "Annotation",
    "Chart",
    "ChartData",
    "ChartError",
    "ChartKind",
    "ChartOptions",
    "ChartRenderError",
    "Direction",
    "Formatter",
    "Highlight",
    "Period",
    "Point",
    "SeriesData",
    "StatusStyle",
    "Table",
    "ValueFormat",
    "alt_text",
    "build_chart",
    "build_spec",
    "build_table",
    "chart_data",
    "contrast_ratio",
    "ensure_contrast",
    "gettext_noop",
    "make_accessible",
    "relative_luminance",
    "render_many",
    "render_svg",
    "resolve_kind",
    "summarize",
]
