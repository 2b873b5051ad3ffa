"""The Vega-Lite spec: what is drawn, asserted on the dict rather than on pixels."""

from __future__ import annotations

import calendar
import json
import math
from datetime import date, datetime

import pytest

from civicstat.dashboards.charts import (
    ChartError,
    ChartKind,
    ChartOptions,
    StatusStyle,
    build_spec,
    chart_data,
    resolve_kind,
)
from civicstat.dashboards.charts.palette import SERIES_COLOURS, SERIES_DASHES, SERIES_SHAPES
from civicstat.dashboards.charts.testing import monthly_rows, values_frame


def spec_for(frame, **options) -> dict:
    opts = ChartOptions(**{"title": "Joint events", **options})
    data = chart_data(frame, opts)
    return build_spec(data, opts, resolve_kind(data, opts), "description")


def layer(spec: dict, name: str) -> dict:
    """The layer called ``name`` (searched through nested layers)."""
    stack = list(spec.get("layer", []))
    while stack:
        item = stack.pop(0)
        if item.get("name") == name:
            return item
        stack.extend(item.get("layer", []))
    raise AssertionError(f"no layer {name!r} in {[x.get('name') for x in spec.get('layer', [])]}")


def has_layer(spec: dict, name: str) -> bool:
    try:
        layer(spec, name)
    except AssertionError:
        return False
    return True


def marks(item: dict) -> list[dict]:
    """The mark definitions of a layer and its sub-layers."""
    found = [item["mark"]] if "mark" in item else []
    for sub in item.get("layer", []):
        found.extend(marks(sub))
    return found


def epoch_ms(value: date | datetime) -> int:
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return calendar.timegm(value.timetuple()) * 1000


def midpoint_ms(start: date, end: date) -> int:
    return (epoch_ms(start) + epoch_ms(end)) // 2


EVENTS = values_frame(
    monthly_rows([2, 9, None, 20, 27], target=25, suppressed=[2], statuses={4: "on_target"})
)
FULL = dict(
    unit="events",
    annotations=[(date(2024, 8, 15), "Pilot starts"), (date(2024, 6, 10), "Plan adopted")],
    highlight=(date(2024, 7, 1), date(2024, 9, 1), "Evaluation period"),
)


@pytest.fixture(scope="module")
def line_spec() -> dict:
    return spec_for(EVENTS, **FULL)


def test_spec_is_plain_json(line_spec):
    assert json.loads(json.dumps(line_spec)) == line_spec
    assert line_spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")


def test_line_and_points_carry_the_values_with_gaps_for_suppressed_periods(line_spec):
    series = layer(line_spec, "series")
    assert series["mark"]["type"] == "line"
    assert layer(line_spec, "points")["mark"]["type"] == "point"
    expected = [
        (midpoint_ms(r.period_start, r.period_end), None if math.isnan(r.value) else r.value)
        for r in EVENTS.itertuples()
    ]
    assert [(row["x"], row["value"]) for row in series["data"]["values"]] == expected
    # a missing value breaks the line instead of joining its neighbours
    assert series["mark"]["invalid"] == "break-paths-show-path-domains"


def test_suppressed_periods_are_labelled(line_spec):
    suppressed = layer(line_spec, "suppressed")
    assert suppressed["mark"]["type"] == "text"
    assert suppressed["data"]["values"] == [
        {"x": midpoint_ms(date(2024, 8, 1), date(2024, 9, 1)), "label": "Suppressed"}
    ]


def test_target_is_a_dashed_rule_with_a_text_label(line_spec):
    rule = layer(line_spec, "target")
    assert rule["mark"]["type"] == "rule" and rule["mark"]["strokeDash"]
    assert rule["encoding"]["y"] == {"datum": 25.0}
    label = layer(line_spec, "target-label")
    assert label["encoding"]["text"] == {"value": "Target: 25"}
    assert label["encoding"]["y"] == {"datum": 25.0}


def test_annotations_are_rules_with_labels(line_spec):
    for index, (when, text) in enumerate(FULL["annotations"]):
        item = layer(line_spec, f"annotation-{index}")
        assert item["data"]["values"] == [{"x": epoch_ms(when), "label": text}]
        kinds = [m["type"] for m in marks(item)]
        assert kinds == ["rule", "text"]
    # labels are stacked below the window's label, one line each
    rows = [
        layer(line_spec, f"annotation-{i}")["layer"][1]["encoding"]["y"]["value"] for i in (0, 1)
    ]
    assert rows[0] < rows[1]


def test_highlight_window_is_shaded_and_labelled(line_spec):
    window = layer(line_spec, "window")
    assert window["data"]["values"] == [
        {
            "x": epoch_ms(date(2024, 7, 1)),
            "x2": epoch_ms(date(2024, 9, 1)),
            "label": "Evaluation period",
        }
    ]
    assert [m["type"] for m in marks(window)] == ["rect", "text"]
    # drawn first, under everything else
    assert line_spec["layer"][0]["name"] == "window"


def test_value_axis_title_is_the_unit(line_spec):
    y = layer(line_spec, "series")["encoding"]["y"]
    assert y["axis"]["title"] == "events"
    assert y["scale"]["zero"] is True


def test_time_axis_labels_periods_at_their_midpoints_and_always_the_latest(line_spec):
    x = layer(line_spec, "series")["encoding"]["x"]
    assert x["type"] == "temporal" and x["scale"]["type"] == "utc"
    latest = midpoint_ms(date(2024, 10, 1), date(2024, 11, 1))
    assert x["axis"]["values"][-1] == latest
    assert f'time(datum.value) === {latest} ? "Oct 2024"' in x["axis"]["labelExpr"]
    # the domain runs from the first period's start (or an earlier event) to the last one's end
    assert x["scale"]["domain"] == [epoch_ms(date(2024, 6, 1)), epoch_ms(date(2024, 11, 1))]


def test_latest_status_is_drawn_with_its_label_icon_and_colour(line_spec):
    status = layer(line_spec, "status")
    assert status["data"]["values"][0]["label"] == "Oct 2024: On Target"
    colours = {m.get("color") for m in marks(status)}
    assert "#1b7a3a" in colours
    shapes = {m.get("shape") for m in marks(status)}
    assert any(s and s.startswith("M") for s in shapes)  # the check-mark icon path


def test_a_status_colour_too_light_to_see_is_darkened():
    spec = spec_for(
        values_frame(monthly_rows([1, 2, 3, 4], statuses={3: "on_target"})),
        statuses={"on_target": StatusStyle("On Target", "#a8e6a1", "check")},
    )
    colours = {m.get("color") for m in marks(layer(spec, "status"))} - {None}
    assert colours and "#a8e6a1" not in colours


def test_unknown_or_empty_status_draws_no_status():
    spec = spec_for(values_frame(monthly_rows([1, 2, 3, 4], statuses={3: "mystery"})))
    assert not has_layer(spec, "status")


def test_breakdown_series_differ_in_colour_shape_and_dash_with_a_legend():
    frame = values_frame(
        monthly_rows([30, 32, 35, 33]),
        monthly_rows([10, 12, 15, 14], breakdown="South"),
        monthly_rows([20, 20, 19, 22], breakdown="North"),
    )
    spec = spec_for(frame)
    names = ["Overall", "North", "South"]
    line = layer(spec, "series")["encoding"]
    points = layer(spec, "points")["encoding"]
    assert line["color"]["scale"] == {"domain": names, "range": list(SERIES_COLOURS[:3])}
    assert line["strokeDash"]["scale"]["range"] == [list(d) for d in SERIES_DASHES[:3]]
    assert points["shape"]["scale"]["range"] == list(SERIES_SHAPES[:3])
    assert line["color"]["legend"]["title"] is None
    rows = layer(spec, "series")["data"]["values"]
    assert [r["value"] for r in rows if r["series"] == "North"] == [20, 20, 19, 22]


def test_changing_target_is_a_step_line():
    frame = values_frame(monthly_rows([13, 12.5, 12, 11.5], target=[13, 13, 12, 12]))
    spec = spec_for(frame, value_format="minutes", decimals=1, direction="lower_is_better")
    target = layer(spec, "target")
    assert target["mark"]["type"] == "line" and target["mark"]["interpolate"] == "step-after"
    assert [r["value"] for r in target["data"]["values"]] == [13, 13, 12, 12, 12]
    assert layer(spec, "target-label")["encoding"]["text"] == {"value": "Target: 12.0 min"}


def test_target_range_is_two_rules_and_percent_ticks_stop_at_100():
    frame = values_frame(monthly_rows([93.2, 96.4, 97.5, 96.0]))
    spec = spec_for(
        frame, value_format="percent", decimals=1, direction="target_range", target_range=(95, 100)
    )
    assert [r["value"] for r in layer(spec, "target")["data"]["values"]] == [95.0, 100.0]
    text = layer(spec, "target-label")["encoding"]["text"]["value"]
    assert text == "Target range: 95.0% to 100.0%"
    axis = layer(spec, "series")["encoding"]["y"]["axis"]
    assert axis["values"] == [0, 20, 40, 60, 80, 100]
    assert axis["labelExpr"] == 'datum.label + "%"'
    assert axis["title"] == "Percent"


def test_informational_measures_draw_no_target():
    spec = spec_for(values_frame(monthly_rows([1, 2, 3, 4], target=3)), direction="informational")
    assert not has_layer(spec, "target")


def test_few_periods_are_bars_with_value_labels():
    frame = values_frame(monthly_rows([1234, 1620], target=1500))
    spec = spec_for(frame)
    bars = layer(spec, "series")
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["y2"] == {"datum": 0}
    # each bar sits inside its own period
    for row, r in zip(bars["data"]["values"], frame.itertuples(), strict=True):
        assert epoch_ms(r.period_start) < row["x"] < row["x2"] < epoch_ms(r.period_end)
    assert [v["text"] for v in layer(spec, "values")["data"]["values"]] == ["1,234", "1,620"]


def test_many_categories_are_compared_in_the_latest_period():
    groups = [monthly_rows([40, 44, 48, 50])]
    latest = {"D1": 9, "D2": 15, "D3": 11, "D4": 2, "D5": 7, "D6": 6, "D7": None}
    for name, value in latest.items():
        groups.append(
            monthly_rows([5, 6, 7, value], breakdown=name, suppressed=[3] if value is None else [])
        )
    frame = values_frame(*groups)
    opts = ChartOptions(title="Calls diverted", breakdown_label="district")
    data = chart_data(frame, opts)
    assert resolve_kind(data, opts) is ChartKind.BAR
    spec = build_spec(data, opts, ChartKind.BAR, "d")
    bars = layer(spec, "series")
    ranked = sorted((n for n in latest if latest[n] is not None), key=lambda n: -latest[n])
    assert bars["encoding"]["y"]["scale"]["domain"] == ranked + ["D7"]
    assert {r["category"]: r["value"] for r in bars["data"]["values"]} == latest
    texts = {r["category"]: r["text"] for r in layer(spec, "values")["data"]["values"]}
    assert texts["D7"] == "Suppressed" and texts["D2"] == "15"
    overall = layer(spec, "overall")
    assert overall["data"]["values"][0]["value"] == 50
    assert overall["data"]["values"][0]["text"] == "Overall: 50"


def test_a_forced_line_with_too_many_series_is_refused():
    groups = [monthly_rows([1, 2, 3, 4], breakdown=f"D{i}") for i in range(9)]
    with pytest.raises(ChartError, match="9 series are too many"):
        spec_for(values_frame(*groups), kind="line")


def test_no_values_gives_a_blank_frame_with_a_message():
    spec = spec_for(values_frame())
    assert spec["name"] == "blank"
    assert spec["data"]["values"][0]["text"] == "No values have been published yet."


def test_fonts_are_readable_on_a_phone():
    """At ~360 CSS px wide the chart is scaled by 360 / width: every font must stay ≥ 11 px."""
    spec = spec_for(EVENTS, **FULL)
    minimum = 11 * spec["width"] / 360
    sizes = []

    def collect(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key.endswith("FontSize") or key == "fontSize":
                    sizes.append(value)
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(spec)
    assert sizes and min(sizes) >= minimum
    # A wide font is named first so that labels measured at render time never clip in browsers.
    assert spec["config"]["font"].split(",")[0].strip("'") == "DejaVu Sans"
    assert spec["config"]["font"].endswith("sans-serif")
    assert spec["autosize"] == {"type": "fit", "contains": "padding"}
