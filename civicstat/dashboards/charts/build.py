"""Build a measure's published chart: spec, SVG, text summary, text alternative and table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from civicstat.dashboards.charts.data import ChartData, prepare
from civicstat.dashboards.charts.formatting import Formatter
from civicstat.dashboards.charts.options import ChartKind, ChartOptions
from civicstat.dashboards.charts.spec import build_spec, resolve_kind
from civicstat.dashboards.charts.summary import alt_text, summarize
from civicstat.dashboards.charts.svg import check_chart_id, render_svg
from civicstat.dashboards.charts.table import Table, build_table

ALT_MAX = 300  # MeasureChart.alt's max_length


@dataclass(frozen=True)
class Chart:
    """A rendered chart. ``spec`` is the Vega-Lite dict (JSON-ready); ``svg`` inline markup whose
    ``<title>``/``<desc>`` ids are ``{chart_id}-title`` / ``{chart_id}-desc``; ``summary`` the
    plain-text description shown beside it; ``alt`` a short text alternative; ``table`` the data."""

    chart_id: str
    kind: ChartKind
    spec: dict[str, Any]
    svg: str
    summary: str
    alt: str
    table: Table


def chart_data(values: pd.DataFrame, options: ChartOptions) -> ChartData:
    """Check and arrange published values (raises ``ChartError`` on bad input)."""
    return prepare(values, Formatter(options))


def build_chart(values: pd.DataFrame, options: ChartOptions, *, chart_id: str) -> Chart:
    """Everything a measure page shows for ``values`` (see ``data.COLUMNS``).

    ``chart_id`` must be unique on the page (e.g. ``f"measure-{measure.pk}-chart"``); the SVG's
    ids derive from it."""
    check_chart_id(chart_id)
    data = chart_data(values, options)
    kind = resolve_kind(data, options)
    alt = _clip(alt_text(data, options, kind), ALT_MAX)
    summary = summarize(data, options)
    spec = build_spec(data, options, kind, alt)
    svg = render_svg(
        spec, chart_id=chart_id, title=alt, description=summary, locale=options.vega_locale
    )
    return Chart(chart_id, kind, spec, svg, summary, alt, build_table(data, options))


def render_many(
    items: Iterable[tuple[str, pd.DataFrame, ChartOptions]],
) -> list[Chart]:
    """``build_chart`` for each ``(chart_id, values, options)``, in order. vl-convert starts its
    JavaScript engine once per process (a few seconds) and renders each chart in tens of ms
    after that, so publish all of a refresh's charts in one call."""
    return [build_chart(values, options, chart_id=chart_id) for chart_id, values, options in items]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
