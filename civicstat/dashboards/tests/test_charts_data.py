"""Published values are checked and arranged by series and period; bad input is named."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from civicstat.dashboards.charts import ChartError, ChartOptions, chart_data
from civicstat.dashboards.charts.testing import monthly_rows, values_frame

OPTIONS = ChartOptions(title="Calls")


def test_series_are_arranged_overall_first_then_categories_by_name():
    frame = values_frame(
        monthly_rows([5, 6], breakdown="South"),
        monthly_rows([10, 12]),
        monthly_rows([4, None], breakdown="North"),
    )
    data = chart_data(frame.sample(frac=1, random_state=3), OPTIONS)  # any row order
    assert [p.label for p in data.periods] == ["2024-06", "2024-07"]
    assert data.overall is not None and data.overall.name == ""
    assert [s.name for s in data.breakdowns] == ["North", "South"]
    assert [p.value for p in data.breakdowns[0].points] == [4.0, None]


def test_a_missing_row_is_a_period_without_a_value():
    frame = values_frame(monthly_rows([1, 2, 3]), monthly_rows([7], breakdown="North"))
    north = chart_data(frame, OPTIONS).breakdowns[0]
    assert [p.value for p in north.points] == [7.0, None, None]
    assert not any(p.suppressed for p in north.points)


def test_a_suppressed_value_is_never_shown_even_if_left_in_the_frame():
    frame = values_frame(monthly_rows([3, 4]))
    frame.loc[1, "suppressed"] = True  # value 4 is still in the frame
    data = chart_data(frame, OPTIONS)
    assert data.overall.points[1].value is None
    assert data.overall.points[1].suppressed


def test_nullable_dtypes_and_timestamps_are_accepted():
    frame = values_frame(monthly_rows([3, None]))
    frame["value"] = frame["value"].astype("Float64")
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    frame["status"] = [pd.NA, "on_target"]
    data = chart_data(frame, OPTIONS)
    assert data.periods[0].start == date(2024, 6, 1)
    assert [p.value for p in data.overall.points] == [3.0, None]
    assert data.overall.points[0].status == ""


def test_missing_columns_are_named():
    frame = values_frame(monthly_rows([1])).drop(columns=["suppressed", "target"])
    with pytest.raises(ChartError, match="missing column\\(s\\) suppressed, target"):
        chart_data(frame, OPTIONS)


def test_a_second_value_for_a_period_is_refused_with_its_row():
    frame = values_frame(monthly_rows([1, 2]), monthly_rows([9]))
    with pytest.raises(ChartError, match="row 2: a second value for period 2024-06"):
        chart_data(frame, OPTIONS)


def test_a_period_that_ends_before_it_starts_is_refused():
    frame = values_frame(monthly_rows([1, 2]))
    frame.loc[1, "period_end"] = date(2024, 7, 1)
    with pytest.raises(ChartError, match="row 1 \\(2024-07\\): period_end 2024-07-01"):
        chart_data(frame, OPTIONS)


def test_inconsistent_period_labels_are_refused():
    frame = values_frame(monthly_rows([1]), monthly_rows([2], breakdown="North"))
    frame.loc[1, "period_label"] = "June"
    with pytest.raises(ChartError, match="row 1: period starting 2024-06-01"):
        chart_data(frame, OPTIONS)


@pytest.mark.parametrize(
    ("column", "bad", "message"),
    [
        ("value", "twelve", "row 0: value is 'twelve' \\(expected a number\\)"),
        ("value", math.inf, "expected a finite number"),
        ("suppressed", None, "row 0: suppressed is empty"),
        ("period_start", "June", "row 0: period_start is 'June' \\(expected a date\\)"),
        ("breakdown", 7, "row 0: breakdown is 7 \\(expected text\\)"),
    ],
)
def test_bad_cells_are_named_by_row_and_column(column, bad, message):
    frame = values_frame(monthly_rows([1]))
    frame[column] = frame[column].astype(object)
    frame.loc[0, column] = bad
    with pytest.raises(ChartError, match=message):
        chart_data(frame, OPTIONS)


def test_midpoint_is_halfway_through_the_period():
    period = chart_data(values_frame(monthly_rows([1])), OPTIONS).periods[0]
    # June has 30 days: the midpoint is 16 June 00:00
    assert period.midpoint.isoformat() == "2024-06-16T00:00:00"


def test_overlapping_periods_are_refused():
    quarter = {
        "period_start": date(2024, 5, 1),
        "period_end": date(2024, 8, 1),
        "period_label": "May-July",
        "breakdown": "",
        "value": 5.0,
        "suppressed": False,
        "status": "",
        "target": float("nan"),
    }
    frame = values_frame(monthly_rows([1, 2]), [quarter])
    with pytest.raises(ChartError, match="periods May-July .* and 2024-06 .* overlap"):
        chart_data(frame, OPTIONS)


def test_an_empty_date_is_named():
    frame = values_frame(monthly_rows([1]))
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    frame.loc[0, "period_start"] = pd.NaT
    with pytest.raises(ChartError, match="row 0: period_start is empty"):
        chart_data(frame, OPTIONS)
