"""Colours, point shapes, dash patterns and status icons, chosen so nothing depends on colour alone.

Contrast follows WCAG 2.2: relative luminance of sRGB colours (definition under SC 1.4.3) and the
contrast ratio ``(L1 + 0.05) / (L2 + 0.05)``. Graphical objects need 3:1 against their background
(SC 1.4.11), text 4.5:1 (SC 1.4.3). Every series colour below reaches 3:1 against white; the
chart's text and axes are near-black.
"""

from __future__ import annotations

import re

from civicstat.dashboards.charts.errors import ChartError

WHITE = "#ffffff"
TEXT = "#1a1a1a"
MUTED = "#595959"  # axes, annotation rules (7.0:1)
GRID = "#e3e3e3"  # decorative gridlines
HIGHLIGHT_FILL = "#e4ecf5"  # shaded window (decorative; it carries a text label)
TARGET = "#1a1a1a"

GRAPHICAL_MINIMUM = 3.0  # WCAG 2.2 SC 1.4.11
TEXT_MINIMUM = 4.5  # WCAG 2.2 SC 1.4.3

# The first style is the overall series; breakdowns take the next ones. Colour, point shape and
# dash pattern all change from one series to the next.
SERIES_COLOURS = (
    "#1f5fa8",  # blue
    "#d95f02",  # orange
    "#1b7a3a",  # green
    "#7b3294",  # purple
    "#c51b7d",  # magenta
    "#01665e",  # teal
    "#8c510a",  # brown
    "#4a5568",  # slate
)
SERIES_SHAPES = (
    "circle",
    "square",
    "triangle-up",
    "diamond",
    "triangle-down",
    "cross",
    "triangle-left",
    "triangle-right",
)
SERIES_DASHES: tuple[tuple[int, ...], ...] = (
    (1, 0),
    (10, 4),
    (3, 3),
    (12, 4, 3, 4),
    (6, 6),
    (2, 6),
    (16, 4),
    (8, 3, 2, 3, 2, 3),
)
MAX_SERIES = len(SERIES_COLOURS)

# Status icons (names from the site's sprite, plans.models.StatusIcon) as Vega symbol paths in the
# [-1, 1] square, drawn as strokes next to the status label.
ICON_SHAPES = {
    "check": "M-0.8,0.05L-0.25,0.6L0.8,-0.6",
    "circle-check": "M0,-1A1,1,0,1,1,0,1A1,1,0,1,1,0,-1ZM-0.5,0L-0.15,0.4L0.5,-0.35",
    "cross": "M-0.7,-0.7L0.7,0.7M0.7,-0.7L-0.7,0.7",
    "warning": "M0,-0.95L1,0.8L-1,0.8ZM0,-0.35L0,0.25M0,0.45L0,0.6",
    "dots": "M-0.8,0L-0.6,0M-0.1,0L0.1,0M0.6,0L0.8,0",
    "pause": "M-0.45,-0.8L-0.45,0.8M0.45,-0.8L0.45,0.8",
    "progress": "M-0.8,0L0.8,0M0.25,-0.55L0.8,0L0.25,0.55",
    "question": "M-0.5,-0.45A0.5,0.5,0,1,1,0,0.1L0,0.4M0,0.65L0,0.8",
    "dash": "M-0.7,0L0.7,0",
    "clock": "M0,-1A1,1,0,1,1,0,1A1,1,0,1,1,0,-1ZM0,-0.6L0,0L0.45,0",
}
DEFAULT_ICON_SHAPE = "circle"

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _channels(colour: str) -> tuple[float, float, float]:
    if not isinstance(colour, str) or not _HEX.match(colour):
        raise ChartError(f"colour {colour!r} is not a colour (expected # and six hex digits)")
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def relative_luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of an sRGB hex colour (0 black … 1 white)."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str = WHITE) -> float:
    """WCAG 2.2 contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ensure_contrast(
    colour: str, background: str = WHITE, minimum: float = GRAPHICAL_MINIMUM
) -> str:
    """``colour`` itself when it reaches ``minimum`` against ``background``, else the lightest
    darker shade of it (mixed towards black in 1 % steps) that does. A plan's status colours are
    data, so one too light to see is darkened here rather than drawn unseen."""
    r, g, b = _channels(colour)
    for step in range(101):
        keep = 1 - step / 100
        shade = "#" + "".join(f"{round(c * keep * 255):02x}" for c in (r, g, b))
        if contrast_ratio(shade, background) >= minimum:
            return colour.lower() if step == 0 else shade
    return "#000000"


def icon_shape(icon: str) -> str:
    """The Vega symbol for a status icon name (a circle for names without one)."""
    return ICON_SHAPES.get(icon, DEFAULT_ICON_SHAPE)
