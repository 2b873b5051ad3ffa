"""What a chart needs to know about its measure besides the values: `ChartOptions`.

Pure (no Django). Every fixed phrase the package shows is passed through ``ChartOptions.gettext``
/ ``ngettext`` so the web layer can hand in Django's translation functions; numbers and period
names go through the ``format_number`` / ``format_period`` hooks so they can be localised too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType

from civicstat.dashboards.charts.errors import ChartError

Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]
# format_number(value, decimals) -> "1,234.5"; value is already rounded to `decimals`.
NumberFormatter = Callable[[float, int], str]
# format_period(period_start, period_end_exclusive, period_label) -> "June 2024"
PeriodFormatter = Callable[[date, date, str], str]


def gettext_noop(message: str) -> str:
    """Mark a string for translation without translating it now (Django's makemessages looks
    for this name); the string is translated where it is used."""
    return message


def identity_gettext(message: str) -> str:
    return message


def english_ngettext(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


class ValueFormat(StrEnum):
    """How a value reads (mirrors ``Measure.value_format``). Percentages are on a 0–100 scale."""

    NUMBER = "number"
    PERCENT = "percent"
    MINUTES = "minutes"
    SECONDS = "seconds"
    CURRENCY = "currency"


class Direction(StrEnum):
    """Which way is good (methods.md §6.2; the same keys as ``measures.engine.Direction``)."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    TARGET_RANGE = "target_range"
    INFORMATIONAL = "informational"


class ChartKind(StrEnum):
    """``line``: a time series. ``bar``: bars per period, or, when the values have a breakdown,
    the latest period compared across categories. ``auto`` picks (see ``resolve_kind``)."""

    AUTO = "auto"
    LINE = "line"
    BAR = "bar"


@dataclass(frozen=True)
class StatusStyle:
    """How one status key is drawn: its label (already in the reader's language, because a plan's
    vocabulary is data), a hex colour and an icon name from the site's sprite."""

    label: str
    colour: str
    icon: str = ""


@dataclass(frozen=True)
class Annotation:
    """A marked event on the time axis, e.g. ``Annotation(date(2024, 8, 15), "Pilot starts")``."""

    date: date
    label: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "date", _day(self.date, f"annotation {self.label!r}"))


@dataclass(frozen=True)
class Highlight:
    """A shaded window on the time axis (end exclusive), e.g. an evaluation period."""

    start: date
    end: date
    label: str

    def __post_init__(self) -> None:
        where = f"highlight {self.label!r}"
        object.__setattr__(self, "start", _day(self.start, where))
        object.__setattr__(self, "end", _day(self.end, where))
        if not self.start < self.end:
            raise ChartError(
                f"chart options: {where} ends {self.end} on or before it starts {self.start}"
            )


def _day(value: object, where: str) -> date:
    """A calendar day (a datetime is taken at its own date; events are marked by day)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise ChartError(f"chart options: {where} has date {value!r} (expected a date)")


# The default vocabulary (Durham's measure legend, methods.md §6.1); a plan normally supplies its own.
DEFAULT_STATUSES: Mapping[str, StatusStyle] = MappingProxyType(
    {
        "on_target": StatusStyle(gettext_noop("On Target"), "#1b7a3a", "check"),
        "close_to_target": StatusStyle(gettext_noop("Close to Target"), "#8a5a00", "warning"),
        "needs_improvement": StatusStyle(gettext_noop("Needs Improvement"), "#b3261e", "cross"),
        "target_pending": StatusStyle(gettext_noop("Target Pending"), "#4a5568", "dots"),
        "insufficient_data": StatusStyle(gettext_noop("Insufficient Data"), "#4a5568", "question"),
        "no_status": StatusStyle(gettext_noop("No Status"), "#4a5568", "dash"),
    }
)


@dataclass(frozen=True)
class ChartOptions:
    """Everything about a measure that shapes its chart, summary and table.

    ``statuses`` maps status keys to how they are shown; when omitted, ``DEFAULT_STATUSES`` is
    used with its labels passed through ``gettext``. ``vega_locale`` (e.g. ``"fr-FR"``) is handed
    to vl-convert as its d3 number and time locale, so axis numbers are localised like the
    ``format_number`` hook localises the summary and the table.
    """

    title: str
    unit: str = ""
    value_format: ValueFormat = ValueFormat.NUMBER
    decimals: int = 0
    direction: Direction = Direction.HIGHER_IS_BETTER
    target_range: tuple[float, float] | None = None
    annotations: tuple[Annotation, ...] = ()
    highlight: Highlight | None = None
    statuses: Mapping[str, StatusStyle] | None = None
    kind: ChartKind = ChartKind.AUTO
    breakdown_label: str = ""
    overall_label: str = ""
    y_zero: bool = True
    gettext: Gettext = identity_gettext
    ngettext: Ngettext = english_ngettext
    format_number: NumberFormatter | None = None
    format_period: PeriodFormatter | None = None
    vega_locale: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.title, str) or not self.title.strip():
            raise ChartError("chart options: title is empty (expected the measure's name)")
        for name, enum in (
            ("value_format", ValueFormat),
            ("direction", Direction),
            ("kind", ChartKind),
        ):
            raw = getattr(self, name)
            try:
                object.__setattr__(self, name, enum(raw))
            except ValueError:
                allowed = ", ".join(m.value for m in enum)
                raise ChartError(
                    f"chart options: {name} is {raw!r} (expected one of {allowed})"
                ) from None
        if isinstance(self.decimals, bool) or not isinstance(self.decimals, int):
            raise ChartError(f"chart options: decimals is {self.decimals!r} (expected 0 to 6)")
        if not 0 <= self.decimals <= 6:
            raise ChartError(f"chart options: decimals is {self.decimals} (expected 0 to 6)")
        object.__setattr__(self, "annotations", tuple(_annotation(a) for a in self.annotations))
        if self.highlight is not None and not isinstance(self.highlight, Highlight):
            object.__setattr__(self, "highlight", _highlight(self.highlight))
        if self.target_range is not None:
            lo, hi = (float(x) for x in self.target_range)
            if not lo <= hi:
                raise ChartError(f"chart options: target_range ({lo}, {hi}) has low above high")
            object.__setattr__(self, "target_range", (lo, hi))

    def status_style(self, key: str) -> StatusStyle | None:
        """The style of a status key, or None for an empty or unknown key."""
        if not key:
            return None
        if self.statuses is not None:
            return self.statuses.get(key)
        style = DEFAULT_STATUSES.get(key)
        if style is None:
            return None
        return StatusStyle(self.gettext(style.label), style.colour, style.icon)

    @property
    def overall_name(self) -> str:
        """What the overall series is called next to its breakdowns."""
        return self.overall_label or self.gettext("Overall")


def _annotation(raw: Annotation | tuple[date, str]) -> Annotation:
    if isinstance(raw, Annotation):
        return raw
    try:
        when, label = raw
    except (TypeError, ValueError):
        raise ChartError(f"chart options: annotation {raw!r} is not a (date, label) pair") from None
    return Annotation(when, str(label))


def _highlight(raw: tuple[date, date, str]) -> Highlight:
    try:
        start, end, label = raw
    except (TypeError, ValueError):
        raise ChartError(
            f"chart options: highlight {raw!r} is not a (start, end, label) triple"
        ) from None
    return Highlight(start, end, str(label))
