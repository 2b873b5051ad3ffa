"""Rendered SVG: accessible, scalable, self-contained and readable without colour."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from civicstat.dashboards.charts import (
    ChartError,
    ChartOptions,
    build_chart,
    make_accessible,
    render_many,
)
from civicstat.dashboards.charts.palette import GRID, HIGHLIGHT_FILL
from civicstat.dashboards.charts.testing import monthly_rows, values_frame

SVG = "{http://www.w3.org/2000/svg}"
OPTIONS = ChartOptions(
    title="Joint Community Safety Events",
    unit="events",
    annotations=[(date(2024, 8, 15), "Pilot starts")],
    highlight=(date(2024, 7, 1), date(2024, 9, 1), "Evaluation"),
)
FRAME = values_frame(
    monthly_rows([2, 9, None, 20, 27], target=25, suppressed=[2], statuses={4: "on_target"})
)


@pytest.fixture(scope="module")
def chart():
    return build_chart(FRAME, OPTIONS, chart_id="measure-7-chart")


@pytest.fixture(scope="module")
def root(chart):
    return ET.fromstring(chart.svg)


def texts(root) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def luminance(hex_colour: str) -> float:
    out = []
    for i in (1, 3, 5):
        c = int(hex_colour[i : i + 2], 16) / 255
        out.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * out[0] + 0.7152 * out[1] + 0.0722 * out[2]


def test_root_is_an_image_named_by_its_title_and_described_by_the_summary(chart, root):
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == title.get("id") == "measure-7-chart-title"
    assert root.get("aria-describedby") == desc.get("id") == "measure-7-chart-desc"
    assert title.text == chart.alt
    assert desc.text == chart.summary
    assert list(root)[:2] == [title, desc]  # first children, as SVG accessibility expects


def test_scales_to_its_container(root):
    assert root.get("viewBox") == "0 0 640 340"
    assert root.get("width") == "100%"
    assert root.get("height") is None


def test_nothing_executable_or_external(chart, root):
    tags = {element.tag for element in root.iter()}
    assert f"{SVG}script" not in tags and f"{SVG}foreignObject" not in tags
    for element in root.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), name
            if name.endswith("href"):
                assert value.startswith("#")
    assert "<script" not in chart.svg.lower()


def test_only_the_root_speaks_to_assistive_technology(root):
    for element in root.iter():
        if element is root:
            continue
        assert not any(n == "role" or n.startswith("aria-") for n in element.attrib), element.tag


def test_labels_are_text_not_colour(root):
    shown = texts(root)
    for expected in (
        "Target: 25",
        "Pilot starts",
        "Evaluation",
        "Suppressed",
        "Oct 2024: On Target",
    ):
        assert expected in shown
    assert "events" in shown  # the y axis title


def test_every_font_is_at_least_11px_on_a_360px_phone(root):
    width = float(root.get("viewBox").split()[2])
    sizes = [float(t.get("font-size").removesuffix("px")) for t in root.iter(f"{SVG}text")]
    assert sizes and min(sizes) * 360 / width >= 11


def test_graphical_colours_reach_3_to_1_against_white(root):
    """Every colour a mark is stroked or filled with, except the white background, the light
    gridlines and the shaded window (both decorative), reaches 3:1."""
    decorative = {"#ffffff", "white", "none", "transparent", GRID, HIGHLIGHT_FILL}
    found = set()
    for element in root.iter():
        for name in ("fill", "stroke"):
            value = (element.get(name) or "").lower()
            if value and value not in decorative and not value.startswith("url("):
                found.add(value)
    assert found
    for value in found:
        assert re.fullmatch(r"#[0-9a-f]{6}", value), value
        assert (1.05) / (luminance(value) + 0.05) >= 3.0, value


def test_ids_differ_between_two_charts_on_one_page():
    first = build_chart(FRAME, OPTIONS, chart_id="chart-a")
    second = build_chart(FRAME, OPTIONS, chart_id="chart-b")
    ids_a = set(re.findall(r'id="([^"]+)"', first.svg))
    ids_b = set(re.findall(r'id="([^"]+)"', second.svg))
    assert ids_a and ids_b and not ids_a & ids_b


def test_post_processing_strips_danger_and_prefixes_ids():
    raw = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="200" height="100" onload="alert(1)">'
        "<script>alert(2)</script><title>old</title>"
        '<defs><clipPath id="clip1"><rect width="10" height="10"/></clipPath></defs>'
        '<g clip-path="url(#clip1)" role="graphics-object" aria-label="x">'
        '<a href="https://example.org"><text>link</text></a>'
        '<use xlink:href="#clip1"/><use href="https://example.org/x.svg#y"/>'
        "</g></svg>"
    )
    out = make_accessible(raw, chart_id="c1", title="T", description="D")
    root = ET.fromstring(out)
    assert root.get("viewBox") == "0 0 200 100"
    assert root.get("onload") is None
    assert "alert" not in out and "example.org" not in out
    assert [t.text for t in root.iter(f"{SVG}title")] == ["T"]
    # Ids are renamed in document order (kind + position), references follow them.
    assert root.find(f".//{SVG}clipPath").get("id") == "c1-clip0"
    assert root.find(f".//{SVG}g").get("clip-path") == "url(#c1-clip0)"
    uses = list(root.iter(f"{SVG}use"))
    assert uses[0].get("{http://www.w3.org/1999/xlink}href") == "#c1-clip0"
    assert uses[1].get("href") is None


@pytest.mark.parametrize("bad", ["", "1chart", "has space", 'x"onload="y', "a" * 65])
def test_chart_ids_must_be_usable_html_ids(bad):
    with pytest.raises(ChartError, match="not usable as an HTML id"):
        build_chart(FRAME, OPTIONS, chart_id=bad)


def test_renderer_output_that_is_not_svg_is_refused():
    with pytest.raises(ChartError, match="not XML"):
        make_accessible("<svg", chart_id="c", title="t", description="d")
    with pytest.raises(ChartError, match="not <svg>"):
        make_accessible("<html/>", chart_id="c", title="t", description="d")


def test_render_many_keeps_order_and_the_chart_is_frozen(chart):
    few = values_frame(monthly_rows([3, 4]))
    charts = render_many([("m-1", few, OPTIONS), ("m-2", FRAME, OPTIONS)])
    assert [c.chart_id for c in charts] == ["m-1", "m-2"]
    assert charts[1].summary == chart.summary and charts[1].table == chart.table
    with pytest.raises(FrozenInstanceError):
        chart.svg = ""  # type: ignore[misc]


def test_blank_chart_still_renders_a_message():
    blank = build_chart(values_frame(), OPTIONS, chart_id="blank")
    assert "No values have been published yet." in texts(ET.fromstring(blank.svg))


def test_compare_chart_renders_overall_target_and_suppressed_labels():
    groups = [monthly_rows([40, 50], target=45, statuses={1: "on_target"})]
    groups += [monthly_rows([5, v], breakdown=f"District {i}") for i, v in enumerate([9, 15, 11])]
    groups.append(monthly_rows([5, None], breakdown="District 9", suppressed=[1]))
    chart = build_chart(
        values_frame(*groups), ChartOptions(title="Calls", breakdown_label="district"), chart_id="c"
    )
    shown = texts(ET.fromstring(chart.svg))
    for expected in ("Overall: 50 (On Target)", "Target: 45", "Suppressed", "District 9", "15"):
        assert expected in shown


def test_the_chart_package_imports_no_django():
    import subprocess
    import sys

    code = (
        "import sys, civicstat.dashboards.charts as c; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'wagtail')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_rendering_is_deterministic(chart):
    assert build_chart(FRAME, OPTIONS, chart_id="measure-7-chart").svg == chart.svg


def test_vega_locale_localises_axis_numbers():
    frame = values_frame(monthly_rows([1200, 1500, 2500, 3000]))
    german = build_chart(frame, ChartOptions(title="x", vega_locale="de-DE"), chart_id="de")
    english = build_chart(frame, ChartOptions(title="x"), chart_id="en")
    assert "2.000" in texts(ET.fromstring(german.svg))
    assert "2,000" in texts(ET.fromstring(english.svg))


def test_the_same_chart_renders_to_the_same_bytes_every_time():
    from civicstat.dashboards.charts.svg import render_svg

    """vl-convert's gradient counter runs on within a process; published SVG must not change
    when the data has not (a continuous colour legend draws a gradient)."""
    from civicstat.dashboards.analysis.build import heatmap_spec

    rows = [
        {"h": str(h), "d": d, "n": h * (i + 1)}
        for h in range(3)
        for i, d in enumerate(["Mon", "Tue"])
    ]
    spec = heatmap_spec(
        rows,
        x="h",
        y="d",
        value="n",
        x_order=["0", "1", "2"],
        y_order=["Mon", "Tue"],
        description="Counts",
        value_title="Calls",
    )
    first = render_svg(spec, chart_id="heat", title="T", description="D")
    second = render_svg(spec, chart_id="heat", title="T", description="D")
    assert "linearGradient" in first
    assert first == second
