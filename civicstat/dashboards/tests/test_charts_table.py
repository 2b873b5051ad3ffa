"""The data table: caption, headers and formatted cells, ready for an accessible HTML table."""

from __future__ import annotations

import json

import pytest

from civicstat.dashboards.charts import ChartError, ChartOptions, Table, build_table, chart_data
from civicstat.dashboards.charts.testing import monthly_rows, values_frame


def table(frame, **options) -> Table:
    opts = ChartOptions(**{"title": "Average minutes to scene", **options})
    return build_table(chart_data(frame, opts), opts)


def test_single_series_with_target_and_status():
    frame = values_frame(
        monthly_rows(
            [13.14, None, None, 11.25],
            target=12,
            suppressed=[1],
            statuses={0: "needs_improvement", 3: "on_target"},
        )
    )
    t = table(frame, value_format="minutes", decimals=1, direction="lower_is_better")
    assert t.caption == "Average minutes to scene"
    assert t.headers == ("Period", "Value", "Target", "Status")
    assert t.rows == (
        ("June 2024", "13.1 min", "12.0 min", "Needs Improvement"),
        ("July 2024", "Suppressed", "12.0 min", ""),
        ("August 2024", "No data", "12.0 min", ""),
        ("September 2024", "11.3 min", "12.0 min", "On Target"),
    )
    assert t.numeric == (False, True, True, False)


def test_no_target_or_status_columns_when_no_period_has_one():
    t = table(values_frame(monthly_rows([1200, 1350.5])), value_format="currency")
    assert t.headers == ("Period", "Value")
    assert t.rows == (("June 2024", "$1,200"), ("July 2024", "$1,351"))


def test_breakdown_columns_follow_the_overall_one():
    frame = values_frame(
        monthly_rows([30, 41]),
        monthly_rows([None, 12], breakdown="District 2", suppressed=[0]),
        monthly_rows([15, 21], breakdown="District 1"),
    )
    t = table(frame, title="Calls diverted", overall_label="All districts")
    assert t.headers == ("Period", "All districts", "District 1", "District 2")
    assert t.rows == (
        ("June 2024", "30", "15", "Suppressed"),
        ("July 2024", "41", "21", "12"),
    )
    assert t.numeric == (False, True, True, True)


def test_target_range_column():
    frame = values_frame(monthly_rows([96.25]))
    t = table(
        frame,
        title="Answered within 20 s",
        value_format="percent",
        decimals=1,
        direction="target_range",
        target_range=(95, 100),
    )
    assert t.headers == ("Period", "Value", "Target range")
    assert t.rows == (("June 2024", "96.3%", "95.0% to 100.0%"),)


def test_informational_measure_has_no_target_column():
    t = table(values_frame(monthly_rows([1, 2], target=3)), direction="informational")
    assert "Target" not in t.headers


def test_stored_form_round_trips_through_json():
    t = table(values_frame(monthly_rows([1, None], suppressed=[1], target=2)))
    stored = json.loads(json.dumps(t.as_dict()))
    assert Table.from_dict(stored) == t


def test_malformed_tables_are_refused():
    with pytest.raises(ChartError, match="row 0 has 1 cells \\(expected 2\\)"):
        Table("T", ("a", "b"), (("x",),), (False, True))
    with pytest.raises(ChartError, match="malformed"):
        Table.from_dict({"caption": "T"})
