"""Text summaries and text alternatives, compared with sentences written out by hand."""

from __future__ import annotations

import re

import pytest

from civicstat.dashboards.charts import (
    ChartKind,
    ChartOptions,
    StatusStyle,
    alt_text,
    chart_data,
    resolve_kind,
    summarize,
)
from civicstat.dashboards.charts.testing import monthly_rows, values_frame

EVENTS = "Joint Community Safety Events"
MINUTES = dict(title="Average minutes to scene", value_format="minutes", decimals=1)


def summary(frame, **options) -> str:
    opts = ChartOptions(**{"title": EVENTS, **options})
    return summarize(chart_data(frame, opts), opts)


def alt(frame, **options) -> str:
    opts = ChartOptions(**{"title": EVENTS, **options})
    data = chart_data(frame, opts)
    return alt_text(data, opts, resolve_kind(data, opts))


def test_rise_without_target():
    frame = values_frame(monthly_rows([2, 9, 14, 20, 27]))
    assert summary(frame) == (
        "Joint Community Safety Events rose from 2 in June 2024 to 27 in October 2024. "
        "No target is set."
    )


def test_single_period_against_a_lower_is_better_target():
    frame = values_frame(monthly_rows([11.3], target=12, statuses={0: "on_target"}))
    assert summary(frame, **MINUTES, direction="lower_is_better") == (
        "Average minutes to scene was 11.3 min in June 2024, 0.7 min below the 12.0 min target "
        "(lower is better): On Target."
    )


def test_fall_then_latest_against_a_higher_is_better_target():
    frame = values_frame(monthly_rows([30, 28, 24], target=25, statuses={2: "close_to_target"}))
    assert summary(frame) == (
        "Joint Community Safety Events fell from 30 in June 2024 to 24 in August 2024. "
        "The latest value is 1 below the 25 target (higher is better): Close to Target."
    )


def test_latest_equal_to_target_without_a_status():
    frame = values_frame(monthly_rows([20, 25], target=25))
    assert summary(frame) == (
        "Joint Community Safety Events rose from 20 in June 2024 to 25 in July 2024. "
        "The latest value equals the 25 target (higher is better)."
    )


def test_comparisons_are_made_at_the_displayed_precision():
    # 12.04 shows as 12.0 and 11.96 as 12.0: neither a rise nor a difference from the target
    frame = values_frame(monthly_rows([11.96, 12.04], target=12.0))
    assert summary(frame, **MINUTES, direction="lower_is_better") == (
        "Average minutes to scene stayed at 12.0 min from June 2024 to July 2024. "
        "The latest value equals the 12.0 min target (lower is better)."
    )


def test_suppressed_periods_are_counted():
    frame = values_frame(monthly_rows([12, None, 15, None, None, 18], suppressed=[1, 3, 4]))
    assert summary(frame) == (
        "Joint Community Safety Events rose from 12 in June 2024 to 18 in November 2024. "
        "No target is set. Values for 3 periods are suppressed to protect privacy."
    )


def test_one_suppressed_period_is_singular():
    frame = values_frame(monthly_rows([12, None, 15], suppressed=[1]))
    assert summary(frame).endswith(" The value for 1 period is suppressed to protect privacy.")


def test_all_suppressed():
    frame = values_frame(monthly_rows([None, None, None], suppressed=[0, 1, 2]))
    assert summary(frame, title="Familiar neighbors served") == (
        "Every value of Familiar neighbors served is suppressed to protect privacy."
    )


def test_latest_period_suppressed_with_a_target():
    frame = values_frame(monthly_rows([40, 45, None], target=50, suppressed=[2]))
    assert summary(frame) == (
        "Joint Community Safety Events rose from 40 in June 2024 to 45 in July 2024. "
        "The value for August 2024 is suppressed, so it is not compared with the target. "
        "The value for 1 period is suppressed to protect privacy."
    )


def test_latest_period_without_a_value():
    frame = values_frame(monthly_rows([40, None], target=50))
    assert summary(frame) == (
        "Joint Community Safety Events was 40 in June 2024. "
        "There is no value for July 2024 to compare with the target."
    )


def test_flat_series():
    frame = values_frame(monthly_rows([7, 7, 7, 7]))
    assert summary(frame) == (
        "Joint Community Safety Events stayed at 7 from June 2024 to September 2024. "
        "No target is set."
    )


def test_same_first_and_last_but_not_flat():
    frame = values_frame(monthly_rows([7, 9, 7]))
    assert summary(frame).startswith(
        "Joint Community Safety Events was 7 in both June 2024 and August 2024."
    )


@pytest.mark.parametrize(
    "frame",
    [
        values_frame(),
        values_frame(monthly_rows([None, None])),
    ],
    ids=["no rows", "no values"],
)
def test_no_data(frame):
    assert summary(frame) == "No values of Joint Community Safety Events have been published yet."


@pytest.mark.parametrize(
    ("latest", "sentence"),
    [
        (96.9, "The latest value is within the target range of 95.0% to 100.0%: On Target."),
        (
            93.4,
            "The latest value is 1.6 percentage points below the target range of 95.0% to 100.0%.",
        ),
    ],
)
def test_percentages_against_a_target_range(latest, sentence):
    statuses = {1: "on_target"} if latest > 95 else {}
    frame = values_frame(monthly_rows([91.25, latest], statuses=statuses))
    text = summary(
        frame,
        title="Calls answered within 20 seconds",
        value_format="percent",
        decimals=1,
        direction="target_range",
        target_range=(95, 100),
    )
    verb = "rose" if latest > 91.25 else "fell"
    assert text == (
        f"Calls answered within 20 seconds {verb} from 91.3% in June 2024 to {latest}% in "
        f"July 2024. {sentence}"
    )


def test_single_percentage_above_a_target_range():
    frame = values_frame(monthly_rows([12.0]))
    text = summary(
        frame,
        title="Repeat calls",
        value_format="percent",
        direction="target_range",
        target_range=(5, 10),
    )
    assert text == (
        "Repeat calls was 12% in June 2024, 2 percentage points above the target range of 5% to 10%."
    )


def test_informational_measures_have_no_target_sentence_even_with_a_target_column():
    frame = values_frame(monthly_rows([3, 5], target=4))
    assert summary(frame, direction="informational") == (
        "Joint Community Safety Events rose from 3 in June 2024 to 5 in July 2024. "
        "This measure is for information and has no target."
    )


def test_breakdown_names_the_latest_highest_and_lowest_categories():
    frame = values_frame(
        monthly_rows([30, 41]),
        monthly_rows([10, 12], breakdown="District 1"),
        monthly_rows([15, 21], breakdown="District 2"),
        monthly_rows([5, 8], breakdown="District 3"),
    )
    assert summary(frame) == (
        "Joint Community Safety Events rose from 30 in June 2024 to 41 in July 2024. "
        "No target is set. "
        "In July 2024, District 2 had the highest value (21) and District 3 the lowest (8)."
    )


def test_breakdown_ties_are_listed_and_suppressed_cells_counted():
    frame = values_frame(
        monthly_rows([30, 40]),
        monthly_rows([10, 15], breakdown="East"),
        monthly_rows([12, 15], breakdown="North"),
        monthly_rows([11, 6], breakdown="South"),
        monthly_rows([None, None], breakdown="West", suppressed=[0, 1]),
    )
    assert summary(frame).endswith(
        "In July 2024, East and North had the highest value (15) and South the lowest (6). "
        "2 values are suppressed to protect privacy."
    )


def test_breakdown_with_equal_values():
    frame = values_frame(
        monthly_rows([4], breakdown="A"),
        monthly_rows([4], breakdown="B"),
        monthly_rows([4], breakdown="C"),
    )
    assert summary(frame) == "In June 2024, all 3 categories had the same value (4)."


def pseudo(message: str) -> str:
    """A pseudo-translation: upper case, placeholders kept (so they still format)."""
    parts = re.split(r"(%\(\w+\)[sd]|%%)", message)
    return "".join(p if p.startswith("%") else p.upper() for p in parts)


def test_every_fixed_phrase_goes_through_gettext():
    """With a pseudo-translation to upper case and data without lower-case letters, any lower
    case letter left in the summary would be an English phrase that skipped gettext."""
    frame = values_frame(
        monthly_rows([30, 28, None, 24], target=25, suppressed=[2], statuses={3: "on_target"}),
        monthly_rows([10, 12, None, 15], breakdown="N1", suppressed=[2]),
        monthly_rows([11, 13, None, 9], breakdown="S2", suppressed=[2]),
    )
    text = summary(
        frame,
        title="JCSE",
        gettext=pseudo,
        ngettext=lambda one, many, n: pseudo(one if n == 1 else many),
    )
    assert "TARGET" in text and "SUPPRESSED" in text and "HIGHEST" in text and "JUNE" in text
    assert re.findall(r"[a-z]+", text) == []
    for frame_case in (values_frame(), values_frame(monthly_rows([None], suppressed=[0]))):
        assert re.findall(r"[a-z]+", summary(frame_case, title="X", gettext=pseudo)) == []


def test_status_labels_come_from_the_plan_vocabulary():
    frame = values_frame(monthly_rows([11], target=12, statuses={0: "on_target"}))
    vocabulary = {"on_target": StatusStyle("En bonne voie", "#1b7a3a", "check")}
    assert summary(frame, statuses=vocabulary).endswith(": En bonne voie.")


@pytest.mark.parametrize(
    ("frame", "options", "expected"),
    [
        (
            values_frame(monthly_rows([2, 9, 14, 20, 27])),
            {},
            "Line chart of Joint Community Safety Events, June 2024 to October 2024.",
        ),
        (
            values_frame(monthly_rows([2, 9])),
            {},
            "Bar chart of Joint Community Safety Events, June 2024 to July 2024.",
        ),
        (
            values_frame(monthly_rows([2])),
            {},
            "Bar chart of Joint Community Safety Events for June 2024.",
        ),
        (
            values_frame(monthly_rows([1, 2, 3, 4]), monthly_rows([1, 1, 1, 1], breakdown="A")),
            {"breakdown_label": "district"},
            "Line chart of Joint Community Safety Events by district, June 2024 to September 2024.",
        ),
        (
            values_frame(monthly_rows([1, 2]), monthly_rows([1, 1], breakdown="A")),
            {"breakdown_label": "district"},
            "Bar chart comparing Joint Community Safety Events by district in July 2024.",
        ),
        (
            values_frame(),
            {},
            "Empty chart: no values of Joint Community Safety Events have been published yet.",
        ),
    ],
)
def test_alt_text(frame, options, expected):
    assert alt(frame, **options) == expected


def test_kind_can_be_forced():
    opts = ChartOptions(title=EVENTS, kind="line")
    data = chart_data(values_frame(monthly_rows([2, 9])), opts)
    assert resolve_kind(data, opts) is ChartKind.LINE
    assert alt_text(data, opts, ChartKind.LINE).startswith("Line chart of")


def test_a_peak_between_the_first_and_latest_period_is_named():
    """Joint events: 2 in June, 27 in October, 1 in November. "Fell from 2 to 1" alone would hide
    October; the summary names the peak, every tie of it, and the low when it is inside too."""
    text = summary(values_frame(monthly_rows([2, 4, 3, 5, 27, 1])))
    assert text == (
        "Joint Community Safety Events fell from 2 in June 2024 to 1 in November 2024. "
        "It peaked at 27 in October 2024. No target is set."
    )
    ties = summary(values_frame(monthly_rows([2, 27, 1, 27, 0, 3])))
    assert "It peaked at 27 in July 2024 and September 2024." in ties
    assert "Its lowest was 0 in October 2024." in ties
    many = summary(values_frame(monthly_rows([1, 9, 9, 2, 9, 9, 3, 4])))
    assert "It peaked at 9 in 4 periods, most recently November 2024." in many
    assert "peaked" not in summary(values_frame(monthly_rows([5, 5, 5])))
    # Compared at the displayed precision: 11.34 and 11.26 are both 11.3, the ends' value.
    close = summary(values_frame(monthly_rows([11.3, 11.34, 11.26, 11.3])), **MINUTES)
    assert "peaked" not in close and "lowest" not in close
