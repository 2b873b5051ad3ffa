"""The chart's data as a table of already-formatted cells, for an accessible HTML ``<table>``.

One row per period, oldest first. Columns: the period (the row header), the value (or, with a
breakdown, the overall value and one column per category), then the target and the status when
any period has one. Suppressed cells read "Suppressed", missing ones "No data".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from civicstat.dashboards.charts.data import ChartData, Point
from civicstat.dashboards.charts.errors import ChartError
from civicstat.dashboards.charts.formatting import Formatter
from civicstat.dashboards.charts.options import ChartOptions, Direction
from civicstat.dashboards.charts.spec import has_breakdown
from civicstat.dashboards.charts.targets import range_text


@dataclass(frozen=True)
class Table:
    """``headers`` are the column header cells; the first cell of each row heads that row
    (``<th scope="row">``). ``numeric`` says which columns hold numbers (right-align them)."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]

    def __post_init__(self) -> None:
        width = len(self.headers)
        if len(self.numeric) != width:
            raise ChartError(
                f"table {self.caption!r}: {len(self.numeric)} numeric flags for {width} columns"
            )
        for i, row in enumerate(self.rows):
            if len(row) != width:
                raise ChartError(
                    f"table {self.caption!r}: row {i} has {len(row)} cells (expected {width})"
                )

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (for ``MeasureChart.table``)."""
        return {
            "caption": self.caption,
            "headers": list(self.headers),
            "rows": [list(r) for r in self.rows],
            "numeric": list(self.numeric),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Table:
        try:
            return cls(
                caption=str(raw["caption"]),
                headers=tuple(str(c) for c in raw["headers"]),
                rows=tuple(tuple(str(c) for c in row) for row in raw["rows"]),
                numeric=tuple(bool(n) for n in raw["numeric"]),
            )
        except (KeyError, TypeError) as error:
            raise ChartError(f"stored table is missing or has a malformed part: {error}") from None


def build_table(data: ChartData, options: ChartOptions) -> Table:
    """The values as formatted cells (see the module docstring)."""
    _ = options.gettext
    fmt = Formatter(options)
    series = data.series
    primary = data.primary
    if has_breakdown(data):
        value_columns = [s.name or options.overall_name for s in series]
    else:
        value_columns = [_("Value")]
    show_range = options.direction is Direction.TARGET_RANGE and options.target_range is not None
    show_target = show_range or (
        options.direction is not Direction.INFORMATIONAL
        and primary is not None
        and any(p.target is not None for p in primary.points)
    )
    show_status = primary is not None and any(p.status for p in primary.points)
    headers = [_("Period"), *value_columns]
    if show_target:
        headers.append(_("Target range") if show_range else _("Target"))
    if show_status:
        headers.append(_("Status"))
    rows = []
    for i, period in enumerate(data.periods):
        cells = [period.name, *(_cell(s.points[i], fmt, options) for s in series)]
        point = primary.points[i] if primary is not None else None
        if show_target:
            if show_range:
                assert options.target_range is not None
                cells.append(range_text(options, fmt, *options.target_range))
            elif point is not None and point.target is not None:
                cells.append(fmt.value(point.target))
            else:
                cells.append(_("None set"))
        if show_status:
            style = options.status_style(point.status) if point is not None else None
            cells.append(style.label if style else (point.status if point is not None else ""))
        rows.append(tuple(cells))
    numeric = [False, *([True] * len(value_columns))]
    numeric += [True] * show_target + [False] * show_status
    return Table(options.title, tuple(headers), tuple(rows), tuple(numeric))


def _cell(point: Point, fmt: Formatter, options: ChartOptions) -> str:
    if point.suppressed:
        return options.gettext("Suppressed")
    if point.value is None:
        return options.gettext("No data")
    return fmt.value(point.value)
