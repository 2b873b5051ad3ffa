"""Charts inline in a page, in Debian's Chromium: axe-core finds nothing, and every label is at
least 11 CSS px when the chart is 360 px wide. No server or database: the page is set directly."""

from __future__ import annotations

from datetime import date
from html import escape

import pytest

from civicstat.dashboards.charts import Chart, ChartOptions, build_chart
from civicstat.dashboards.charts.testing import monthly_rows, values_frame
from conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser


def table_html(chart: Chart) -> str:
    t = chart.table
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in t.headers)
    body = "".join(
        "<tr>"
        + f'<th scope="row">{escape(row[0])}</th>'
        + "".join(f"<td>{escape(cell)}</td>" for cell in row[1:])
        + "</tr>"
        for row in t.rows
    )
    return (
        f"<table><caption>{escape(t.caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def page_html(charts: list[Chart]) -> str:
    sections = "".join(
        f'<section aria-labelledby="{c.chart_id}-h"><h2 id="{c.chart_id}-h">{escape(c.table.caption)}</h2>'
        f'<div class="chart">{c.svg}</div><p>{escape(c.summary)}</p>{table_html(c)}</section>'
        for c in charts
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Measure charts</title>"
        "<style>body{margin:0;padding:15px;font-family:system-ui,sans-serif}"
        ".chart{width:100%;max-width:48rem}.chart-svg{display:block;height:auto}</style></head>"
        f"<body><main><h1>Measure charts</h1>{sections}</main></body></html>"
    )


@pytest.fixture(scope="module")
def charts() -> list[Chart]:
    events = values_frame(
        monthly_rows([2, 9, None, 20, 27], target=25, suppressed=[2], statuses={4: "on_target"})
    )
    districts = values_frame(
        monthly_rows([30, 32, 35, 33, 38]),
        monthly_rows([10, 12, 15, 14, 16], breakdown="North"),
        monthly_rows([20, 20, None, 19, 22], breakdown="South", suppressed=[2]),
    )
    options = ChartOptions(
        title="Joint Community Safety Events",
        unit="events",
        annotations=[(date(2024, 8, 15), "Pilot starts")],
        highlight=(date(2024, 7, 1), date(2024, 9, 1), "Evaluation"),
    )
    return [
        build_chart(events, options, chart_id="events-chart"),
        build_chart(districts, ChartOptions(title="Calls diverted"), chart_id="calls-chart"),
    ]


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_inline_charts_are_accessible(page_at, charts, viewport):
    page = page_at(viewport)
    page.set_content(page_html(charts))
    # the image is announced by its title (the text alternative)
    image = page.get_by_role("img", name=charts[0].alt)
    assert image.count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"charts-{viewport}")
    assert_accessible(page, f"charts ({viewport})")


def test_labels_are_at_least_11px_on_a_360px_wide_chart(page_at, charts):
    page = page_at("phone")
    page.set_content(page_html(charts).replace("max-width:48rem", "max-width:360px"))
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('svg text')]
            .filter(t => getComputedStyle(t).opacity !== '0' && t.getAttribute('opacity') !== '0')
            .map(t => {  // scale of the text's own transform, rotation included
                const m = t.getScreenCTM();
                return parseFloat(t.getAttribute('font-size')) * Math.hypot(m.a, m.b);
            })"""
    )
    width = page.evaluate("document.querySelector('.chart-svg').getBoundingClientRect().width")
    assert width == pytest.approx(360, abs=1)
    assert sizes and min(sizes) >= 11
