"""Numbers and periods as a resident reads them: ``1,234``, ``12.5%``, ``11.3 min``, ``June 2024``.

Values are rounded half away from zero at the measure's ``decimals`` (as the status rule compares
them, methods.md §6.2), then handed to the ``format_number`` hook (default: ``,`` thousands and
``.`` decimal separators); the unit is attached through translatable patterns.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from civicstat.dashboards.charts.options import ChartOptions, ValueFormat, gettext_noop

MONTHS = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)
MONTH_ABBREVIATIONS = (
    gettext_noop("Jan"),
    gettext_noop("Feb"),
    gettext_noop("Mar"),
    gettext_noop("Apr"),
    gettext_noop("May"),  # the same word as the full name in English
    gettext_noop("Jun"),
    gettext_noop("Jul"),
    gettext_noop("Aug"),
    gettext_noop("Sep"),
    gettext_noop("Oct"),
    gettext_noop("Nov"),
    gettext_noop("Dec"),
)


def round_half_up(value: float, decimals: int) -> float:
    """``value`` rounded half away from zero at ``decimals`` places (never ``-0.0``)."""
    rounded = float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP))
    return rounded + 0.0  # -0.0 + 0.0 == 0.0


def default_format_number(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def is_month(start: date, end: date) -> bool:
    """True when [start, end) is exactly one calendar month."""
    following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start.day == 1 and end == following


def is_calendar_year(start: date, end: date) -> bool:
    return (start.month, start.day) == (1, 1) and end == date(start.year + 1, 1, 1)


class Formatter:
    """Formats values, differences and periods for one measure's options."""

    def __init__(self, options: ChartOptions) -> None:
        self.options = options
        self._ = options.gettext
        self._number = options.format_number or default_format_number

    def number(self, value: float) -> str:
        """The bare number at the measure's precision: ``1,234.5``."""
        decimals = self.options.decimals
        return self._number(round_half_up(value, decimals), decimals)

    def value(self, value: float) -> str:
        """A value with its unit: ``27``, ``95.0%``, ``11.3 min``, ``20 s``, ``$1,200``."""
        _ = self._
        text = self.number(value)
        fmt = self.options.value_format
        if fmt is ValueFormat.PERCENT:
            return _("%(value)s%%") % {"value": text}
        if fmt is ValueFormat.MINUTES:
            return _("%(value)s min") % {"value": text}
        if fmt is ValueFormat.SECONDS:
            return _("%(value)s s") % {"value": text}
        if fmt is ValueFormat.CURRENCY:
            return _("$%(value)s") % {"value": text}
        return text

    def difference(self, amount: float) -> str:
        """A distance between two values (always positive): for percentages, in percentage points."""
        amount = abs(amount)
        if self.options.value_format is ValueFormat.PERCENT:
            text = self.number(amount)
            one = self.options.decimals == 0 and round_half_up(amount, 0) == 1
            return self.options.ngettext(
                "%(value)s percentage point", "%(value)s percentage points", 1 if one else 2
            ) % {"value": text}
        return self.value(amount)

    def rounded(self, value: float) -> float:
        return round_half_up(value, self.options.decimals)

    def period(self, start: date, end: date, label: str) -> str:
        """A period's full name: ``June 2024`` for a calendar month, ``2024`` for a calendar
        year, otherwise its label (``2024 Q3``, ``FY2025``)."""
        if self.options.format_period is not None:
            return self.options.format_period(start, end, label)
        _ = self._
        if is_month(start, end):
            return _("%(month)s %(year)s") % {
                "month": _(MONTHS[start.month - 1]),
                "year": start.year,
            }
        if is_calendar_year(start, end):
            return str(start.year)
        return label

    def period_short(self, start: date, end: date, label: str) -> str:
        """A period's axis label: ``Jun 2024`` for a calendar month, else as ``period``."""
        if self.options.format_period is None and is_month(start, end):
            _ = self._
            return _("%(month)s %(year)s") % {
                "month": _(MONTH_ABBREVIATIONS[start.month - 1]),
                "year": start.year,
            }
        return self.period(start, end, label)


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
