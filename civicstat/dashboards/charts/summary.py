"""The text summary and the short text alternative, written from the data.

Deterministic: the same values and options always give the same sentences. Values are compared
at the measure's displayed precision (methods.md §6.2: round first), so "rose" never describes a
change a reader cannot see. Every fixed phrase goes through ``gettext``/``ngettext`` with named
placeholders, so translators can reorder it.

The summary says, in order (each when it applies):

1. the trend of the primary series from its first to its latest value (or its only value);
   then its peak and its low when either falls between the first and the latest period, which a
   first-to-latest sentence alone would hide (a yearly event, a one-month spike);
2. how the latest period compares with the target (and its status), or that there is none;
3. which categories were highest and lowest in the latest period of the breakdown;
4. how many values are suppressed to protect privacy.
"""

from __future__ import annotations

from civicstat.dashboards.charts.data import ChartData, Point, SeriesData
from civicstat.dashboards.charts.formatting import Formatter
from civicstat.dashboards.charts.options import ChartKind, ChartOptions, Direction
from civicstat.dashboards.charts.spec import has_breakdown, is_blank
from civicstat.dashboards.charts.spec_compare import comparison_period
from civicstat.dashboards.charts.targets import range_text


def summarize(data: ChartData, options: ChartOptions) -> str:
    """One to four plain sentences describing the values (see the module docstring)."""
    _ = options.gettext
    no_values = _("No values of %(title)s have been published yet.") % {"title": options.title}
    if not data.series:
        return no_values
    fmt = Formatter(options)
    primary = data.primary
    if primary is not None and all(p.suppressed for p in primary.points):
        return _("Every value of %(title)s is suppressed to protect privacy.") % {
            "title": options.title
        }
    sentences: list[str] = []
    if primary is not None and primary.available:
        available = primary.available
        if len(available) == 1 and available[0] is primary.points[-1]:
            sentences.append(_single_with_target(primary, options, fmt))
        else:
            sentences.append(_trend(available, options, fmt))
            sentences.extend(_extremes(available, options, fmt))
            sentences.append(_latest_against_target(primary, options, fmt))
    for sentence in (_breakdown_sentence(data, options, fmt), _suppressed_sentence(data, options)):
        if sentence:
            sentences.append(sentence)
    return " ".join(sentences) or no_values


def alt_text(data: ChartData, options: ChartOptions, kind: ChartKind) -> str:
    """A short text alternative naming the chart type, the measure and the periods shown."""
    _ = options.gettext
    title = options.title
    if is_blank(data):
        return _("Empty chart: no values of %(title)s have been published yet.") % {"title": title}
    group = options.breakdown_label or _("category")
    if kind is ChartKind.BAR and has_breakdown(data):
        period = comparison_period(data) or data.periods[-1]
        return _("Bar chart comparing %(title)s by %(group)s in %(period)s.") % {
            "title": title,
            "group": group,
            "period": period.name,
        }
    values = {
        "title": title,
        "group": group,
        "first": data.periods[0].name,
        "last": data.periods[-1].name,
        "period": data.periods[-1].name,
    }
    if len(data.periods) == 1:
        return _("Bar chart of %(title)s for %(period)s.") % values
    if kind is ChartKind.BAR:
        return _("Bar chart of %(title)s, %(first)s to %(last)s.") % values
    if has_breakdown(data):
        return _("Line chart of %(title)s by %(group)s, %(first)s to %(last)s.") % values
    return _("Line chart of %(title)s, %(first)s to %(last)s.") % values


def _trend(available: tuple[Point, ...], options: ChartOptions, fmt: Formatter) -> str:
    _ = options.gettext
    first, last = available[0], available[-1]
    assert first.value is not None and last.value is not None
    values = {
        "title": options.title,
        "first": fmt.value(first.value),
        "last": fmt.value(last.value),
        "value": fmt.value(last.value),
        "first_period": first.period.name,
        "last_period": last.period.name,
        "period": last.period.name,
    }
    if len(available) == 1:
        return _("%(title)s was %(value)s in %(period)s.") % values
    a, b = fmt.rounded(first.value), fmt.rounded(last.value)
    if b > a:
        return (
            _("%(title)s rose from %(first)s in %(first_period)s to %(last)s in %(last_period)s.")
            % values
        )
    if b < a:
        return (
            _("%(title)s fell from %(first)s in %(first_period)s to %(last)s in %(last_period)s.")
            % values
        )
    if all(fmt.rounded(p.value) == a for p in available if p.value is not None):
        return _("%(title)s stayed at %(value)s from %(first_period)s to %(last_period)s.") % values
    return _("%(title)s was %(value)s in both %(first_period)s and %(last_period)s.") % values


MAX_NAMED_PERIODS = 3


def _extremes(available: tuple[Point, ...], options: ChartOptions, fmt: Formatter) -> list[str]:
    """The highest and the lowest value (at the displayed precision), each only when it is not
    already the first or the latest value the trend sentence gives; ties are all named, or
    counted with the most recent named when there are more than three."""
    _ = options.gettext
    if len(available) < 3:
        return []
    rounded = [fmt.rounded(p.value) for p in available if p.value is not None]
    high, low = max(rounded), min(rounded)
    if high == low:
        return []
    ends = {rounded[0], rounded[-1]}
    sentences = []
    for extreme, message in (
        (high, _("It peaked at %(value)s in %(periods)s.")),
        (low, _("Its lowest was %(value)s in %(periods)s.")),
    ):
        if extreme in ends:
            continue
        periods = [p.period.name for p, r in zip(available, rounded, strict=True) if r == extreme]
        if len(periods) <= MAX_NAMED_PERIODS:
            named = _join(periods, options)
        else:
            named = options.ngettext(
                "%(count)s period, most recently %(period)s",
                "%(count)s periods, most recently %(period)s",
                len(periods),
            ) % {"count": len(periods), "period": periods[-1]}
        sentences.append(message % {"value": fmt.value(extreme), "periods": named})
    return sentences


def _direction(options: ChartOptions) -> str:
    _ = options.gettext
    if options.direction is Direction.LOWER_IS_BETTER:
        return _("lower is better")
    return _("higher is better")


def _with_status(comparison: str, point: Point, options: ChartOptions) -> str:
    style = options.status_style(point.status)
    if style is None:
        return options.gettext("%(comparison)s.") % {"comparison": comparison}
    return options.gettext("%(comparison)s: %(status)s.") % {
        "comparison": comparison,
        "status": style.label,
    }


def _comparison(
    latest: Point, options: ChartOptions, fmt: Formatter, *, single: bool
) -> str | None:
    """How the latest value stands against the target, without the final full stop; None when
    there is nothing to compare with."""
    _ = options.gettext
    assert latest.value is not None
    value = fmt.rounded(latest.value)
    values = {
        "title": options.title,
        "value": fmt.value(latest.value),
        "period": latest.period.name,
        "direction": _direction(options),
    }
    if options.direction is Direction.TARGET_RANGE and options.target_range is not None:
        low, high = (fmt.rounded(v) for v in options.target_range)
        values["range"] = range_text(options, fmt, *options.target_range)
        if value > high:
            values["difference"] = fmt.difference(value - high)
            return (
                _(
                    "%(title)s was %(value)s in %(period)s, %(difference)s above the target range of %(range)s"
                )
                if single
                else _("The latest value is %(difference)s above the target range of %(range)s")
            ) % values
        if value < low:
            values["difference"] = fmt.difference(low - value)
            return (
                _(
                    "%(title)s was %(value)s in %(period)s, %(difference)s below the target range of %(range)s"
                )
                if single
                else _("The latest value is %(difference)s below the target range of %(range)s")
            ) % values
        return (
            _("%(title)s was %(value)s in %(period)s, within the target range of %(range)s")
            if single
            else _("The latest value is within the target range of %(range)s")
        ) % values
    if options.direction is Direction.TARGET_RANGE or latest.target is None:
        return None
    target = fmt.rounded(latest.target)
    values["target"] = fmt.value(latest.target)
    values["difference"] = fmt.difference(value - target)
    if value > target:
        return (
            _(
                "%(title)s was %(value)s in %(period)s, %(difference)s above the %(target)s target (%(direction)s)"
            )
            if single
            else _("The latest value is %(difference)s above the %(target)s target (%(direction)s)")
        ) % values
    if value < target:
        return (
            _(
                "%(title)s was %(value)s in %(period)s, %(difference)s below the %(target)s target (%(direction)s)"
            )
            if single
            else _("The latest value is %(difference)s below the %(target)s target (%(direction)s)")
        ) % values
    return (
        _("%(title)s was %(value)s in %(period)s, equal to the %(target)s target (%(direction)s)")
        if single
        else _("The latest value equals the %(target)s target (%(direction)s)")
    ) % values


def _no_target(options: ChartOptions) -> str:
    _ = options.gettext
    if options.direction is Direction.INFORMATIONAL:
        return _("This measure is for information and has no target.")
    return _("No target is set.")


def _single_with_target(series: SeriesData, options: ChartOptions, fmt: Formatter) -> str:
    """The only value, which is also the latest: one sentence with its target comparison."""
    latest = series.points[-1]
    comparison = (
        None
        if options.direction is Direction.INFORMATIONAL
        else _comparison(latest, options, fmt, single=True)
    )
    if comparison is None:
        return " ".join((_trend((latest,), options, fmt), _no_target(options)))
    return _with_status(comparison, latest, options)


def _latest_against_target(series: SeriesData, options: ChartOptions, fmt: Formatter) -> str:
    _ = options.gettext
    latest = series.points[-1]
    if options.direction is Direction.INFORMATIONAL:
        return _no_target(options)
    has_target = latest.target is not None or (
        options.direction is Direction.TARGET_RANGE and options.target_range is not None
    )
    if not has_target:
        return _no_target(options)
    if latest.value is None:
        values = {"period": latest.period.name}
        if latest.suppressed:
            return (
                _("The value for %(period)s is suppressed, so it is not compared with the target.")
                % values
            )
        return _("There is no value for %(period)s to compare with the target.") % values
    comparison = _comparison(latest, options, fmt, single=False)
    return _with_status(comparison, latest, options) if comparison else _no_target(options)


def _join(names: list[str], options: ChartOptions) -> str:
    if len(names) == 1:
        return names[0]
    return options.gettext("%(list)s and %(last)s") % {
        "list": ", ".join(names[:-1]),
        "last": names[-1],
    }


def _breakdown_sentence(data: ChartData, options: ChartOptions, fmt: Formatter) -> str | None:
    """Highest and lowest categories in the latest period where at least two have a value."""
    if not data.breakdowns or (data.overall is None and len(data.breakdowns) == 1):
        return None
    _ = options.gettext
    for i in range(len(data.periods) - 1, -1, -1):
        cells = [
            (s.name, s.points[i].value) for s in data.breakdowns if s.points[i].value is not None
        ]
        if len(cells) >= 2:
            break
    else:
        return None
    rounded = {name: fmt.rounded(v) for name, v in cells if v is not None}
    high, low = max(rounded.values()), min(rounded.values())
    period = data.periods[i].name
    if high == low:
        return _("In %(period)s, all %(count)d categories had the same value (%(value)s).") % {
            "period": period,
            "count": len(rounded),
            "value": fmt.value(high),
        }
    return _(
        "In %(period)s, %(highest)s had the highest value (%(high)s) and %(lowest)s the lowest (%(low)s)."
    ) % {
        "period": period,
        "highest": _join(sorted(n for n, v in rounded.items() if v == high), options),
        "high": fmt.value(high),
        "lowest": _join(sorted(n for n, v in rounded.items() if v == low), options),
        "low": fmt.value(low),
    }


def _suppressed_sentence(data: ChartData, options: ChartOptions) -> str | None:
    if has_breakdown(data):
        count = sum(len(s.suppressed) for s in data.series)
        if not count:
            return None
        return options.ngettext(
            "%(count)d value is suppressed to protect privacy.",
            "%(count)d values are suppressed to protect privacy.",
            count,
        ) % {"count": count}
    primary = data.primary
    count = len(primary.suppressed) if primary is not None else 0
    if not count:
        return None
    return options.ngettext(
        "The value for %(count)d period is suppressed to protect privacy.",
        "Values for %(count)d periods are suppressed to protect privacy.",
        count,
    ) % {"count": count}
