"""Numbers and periods as a resident reads them."""

from __future__ import annotations

from datetime import date

import pytest

from civicstat.dashboards.charts import ChartError, ChartOptions, Formatter


def fmt(**options) -> Formatter:
    return Formatter(ChartOptions(title="Measure", **options))


@pytest.mark.parametrize(
    ("value_format", "decimals", "value", "expected"),
    [
        ("number", 0, 1234567.0, "1,234,567"),
        ("number", 0, 1234.5, "1,235"),  # half away from zero, not to even
        ("number", 0, 2.5, "3"),
        ("number", 1, -0.04, "0.0"),  # never "-0.0"
        ("number", 2, 0.125, "0.13"),
        ("percent", 1, 95.0, "95.0%"),
        ("percent", 0, 12.5, "13%"),
        ("minutes", 1, 11.25, "11.3 min"),
        ("seconds", 0, 20.0, "20 s"),
        ("currency", 0, 1200.0, "$1,200"),
    ],
)
def test_values_carry_their_unit_at_the_measure_precision(value_format, decimals, value, expected):
    assert fmt(value_format=value_format, decimals=decimals).value(value) == expected


def test_percentage_differences_are_in_percentage_points():
    assert fmt(value_format="percent", decimals=1).difference(-2.5) == "2.5 percentage points"
    assert fmt(value_format="percent").difference(1.2) == "1 percentage point"
    assert fmt(value_format="minutes", decimals=1).difference(-0.7) == "0.7 min"


@pytest.mark.parametrize(
    ("start", "end", "label", "expected"),
    [
        (date(2024, 6, 1), date(2024, 7, 1), "2024-06", "June 2024"),
        (date(2024, 12, 1), date(2025, 1, 1), "2024-12", "December 2024"),
        (date(2024, 1, 1), date(2025, 1, 1), "2024", "2024"),
        (date(2024, 7, 1), date(2024, 10, 1), "2024 Q3", "2024 Q3"),
        (date(2024, 7, 1), date(2025, 7, 1), "FY2025", "FY2025"),
        (date(2024, 6, 3), date(2024, 6, 10), "2024-W23", "2024-W23"),
    ],
)
def test_period_names(start, end, label, expected):
    assert fmt().period(start, end, label) == expected


def test_axis_names_abbreviate_months_only():
    f = fmt()
    assert f.period_short(date(2024, 9, 1), date(2024, 10, 1), "2024-09") == "Sep 2024"
    assert f.period_short(date(2024, 7, 1), date(2025, 7, 1), "FY2025") == "FY2025"


def test_hooks_localise_numbers_and_periods():
    def german(value: float, decimals: int) -> str:
        text = f"{value:,.{decimals}f}"
        return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")

    f = fmt(format_number=german, decimals=1, format_period=lambda s, e, label: f"P{label}")
    assert f.value(1234.5) == "1.234,5"
    assert f.period(date(2024, 6, 1), date(2024, 7, 1), "2024-06") == "P2024-06"


def test_month_names_go_through_gettext():
    french = {"June": "juin", "%(month)s %(year)s": "%(month)s %(year)s", "Jun": "juin"}
    f = fmt(gettext=lambda s: french.get(s, s))
    assert f.period(date(2024, 6, 1), date(2024, 7, 1), "2024-06") == "juin 2024"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"title": ""}, "title is empty"),
        ({"title": "x", "value_format": "furlongs"}, "value_format is 'furlongs'"),
        ({"title": "x", "direction": "up"}, "direction is 'up'"),
        ({"title": "x", "decimals": 9}, "decimals is 9"),
        ({"title": "x", "target_range": (5, 1)}, "low above high"),
        ({"title": "x", "annotations": [("2024-01-01", "A")]}, "expected a date"),
        ({"title": "x", "highlight": (date(2024, 2, 1), date(2024, 1, 1), "W")}, "ends"),
    ],
)
def test_options_are_checked(options, message):
    with pytest.raises(ChartError, match=message):
        ChartOptions(**options)


def test_options_accept_plain_tuples_for_events_and_windows():
    options = ChartOptions(
        title="x",
        annotations=[(date(2024, 8, 15), "Pilot starts")],
        highlight=(date(2024, 6, 1), date(2024, 9, 1), "Evaluation"),
    )
    assert options.annotations[0].label == "Pilot starts"
    assert options.highlight is not None and options.highlight.end == date(2024, 9, 1)


def test_events_given_as_datetimes_are_marked_on_their_own_day():
    from datetime import datetime, timedelta, timezone

    eastern = timezone(timedelta(hours=-5))
    late_evening = datetime(2024, 8, 15, 23, 30, tzinfo=eastern)  # 04:30 UTC on the 16th
    options = ChartOptions(title="x", annotations=[(late_evening, "Pilot starts")])
    assert options.annotations[0].date == date(2024, 8, 15)
