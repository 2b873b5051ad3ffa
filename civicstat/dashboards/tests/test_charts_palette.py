"""Colours reach WCAG 2.2 contrast; shapes and dash patterns tell series apart without colour.

The contrast formula is implemented here independently of the package (WCAG 2.0 wording, with
its 0.03928 threshold, which gives the same results as 0.04045 for 8-bit channels)."""

from __future__ import annotations

import pytest

from civicstat.dashboards.charts import DEFAULT_STATUSES, contrast_ratio, ensure_contrast
from civicstat.dashboards.charts.palette import (
    GRAPHICAL_MINIMUM,
    ICON_SHAPES,
    MUTED,
    SERIES_COLOURS,
    SERIES_DASHES,
    SERIES_SHAPES,
    TARGET,
    TEXT,
)


def luminance(hex_colour: str) -> float:
    channels = []
    for i in (1, 3, 5):
        srgb = int(hex_colour[i : i + 2], 16) / 255
        channels.append(srgb / 12.92 if srgb <= 0.03928 else ((srgb + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: str, b: str = "#ffffff") -> float:
    light, dark = max(luminance(a), luminance(b)), min(luminance(a), luminance(b))
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(
    ("colour", "expected"),
    [("#000000", 21.0), ("#ffffff", 1.0), ("#767676", 4.54), ("#777777", 4.48)],
)
def test_contrast_matches_published_reference_values(colour, expected):
    # #767676 is the lightest grey that passes 4.5:1 on white; #777777 fails (WebAIM figures).
    assert contrast_ratio(colour) == pytest.approx(expected, abs=0.005)


@pytest.mark.parametrize("colour", SERIES_COLOURS)
def test_series_colours_reach_3_to_1_against_white(colour):
    assert ratio(colour) >= 3.0
    assert contrast_ratio(colour) == pytest.approx(ratio(colour), rel=1e-12)


@pytest.mark.parametrize("colour", [TEXT, MUTED, TARGET])
def test_text_and_rule_colours_reach_4_5_to_1(colour):
    assert ratio(colour) >= 4.5


@pytest.mark.parametrize("key", sorted(DEFAULT_STATUSES))
def test_default_status_colours_reach_3_to_1(key):
    assert ratio(DEFAULT_STATUSES[key].colour) >= 3.0


def test_contrast_is_symmetric():
    assert contrast_ratio("#1f5fa8", "#ffffff") == pytest.approx(
        contrast_ratio("#ffffff", "#1f5fa8")
    )


@pytest.mark.parametrize("light", ["#f4a4a0", "#ffd700", "#a0c4ff", "#dddddd", "#ffffff"])
def test_ensure_contrast_darkens_a_light_colour_just_enough(light):
    shade = ensure_contrast(light)
    assert ratio(shade) >= GRAPHICAL_MINIMUM
    # darker in every channel, and the same hue family (channels keep their order)
    original = [int(light[i : i + 2], 16) for i in (1, 3, 5)]
    darker = [int(shade[i : i + 2], 16) for i in (1, 3, 5)]
    assert all(d <= o for d, o in zip(darker, original, strict=True))
    assert sorted(range(3), key=lambda i: original[i]) == sorted(range(3), key=lambda i: darker[i])
    # 2 % lighter than the result would not pass: it is not darker than it needs to be
    lighter = "#" + "".join(f"{min(255, round(c / 0.98)):02x}" for c in darker)
    assert ratio(lighter) < GRAPHICAL_MINIMUM + 0.15


def test_ensure_contrast_keeps_a_colour_that_passes():
    assert ensure_contrast("#1B7A3A") == "#1b7a3a"


def test_series_styles_are_distinct_in_colour_shape_and_dash():
    n = len(SERIES_COLOURS)
    assert len(set(SERIES_COLOURS)) == n
    assert len(set(SERIES_SHAPES)) == len(SERIES_SHAPES) == n
    assert len(set(SERIES_DASHES)) == len(SERIES_DASHES) == n


def test_every_status_icon_of_the_site_has_a_chart_shape():
    from civicstat.plans.models import StatusIcon

    assert {choice.value for choice in StatusIcon} <= set(ICON_SHAPES)


def test_a_malformed_colour_is_refused():
    from civicstat.dashboards.charts import ChartError

    with pytest.raises(ChartError, match="'red' is not a colour"):
        contrast_ratio("red")
