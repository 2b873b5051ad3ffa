"""Reading a MeasureSpec from its dict form, and the cross-field rules every spec must meet.

Problems are collected, not raised one at a time, so an admin form can show them all; each names
its field path (``aggregate.p``, ``window.periods``, ``filter.and[2].in``).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from civicstat.measures.engine.conditions import parse_condition
from civicstat.measures.engine.errors import SpecError, SpecIssue
from civicstat.measures.engine.periods import Grain
from civicstat.measures.engine.timezones import is_known_zone

if TYPE_CHECKING:
    from civicstat.measures.engine.spec import Aggregate, MeasureSpec, Window

TOP_LEVEL = (
    "dataset",
    "time_column",
    "timezone",
    "grain",
    "fiscal_year_start",
    "periods",
    "derive",
    "filter",
    "exclude_by",
    "exclude_when",
    "aggregate",
    "value",
    "breakdown",
    "window",
    "min_n",
    "counts_people",
)
AGGREGATE_FIELDS = ("kind", "p", "condition", "numerator", "denominator", "scale")
WINDOW_FIELDS = ("kind", "periods", "reset")


def _unknown_keys(data: Mapping[str, Any], allowed: tuple[str, ...], path: str) -> list[SpecIssue]:
    issues = []
    for key in data:
        if key not in allowed:
            near = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else f"; fields are {', '.join(allowed)}"
            where = f"{path}.{key}" if path else str(key)
            issues.append(SpecIssue(where, f"unknown field{hint}"))
    return issues


def _name(data: Mapping[str, Any], key: str, issues: list[SpecIssue], required: bool) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            issues.append(SpecIssue(key, "required"))
        return None
    if not isinstance(value, str) or not value.strip():
        issues.append(SpecIssue(key, f"must be a column or dataset name (got {value!r})"))
        return None
    return value


def _date(value: object, path: str, issues: list[SpecIssue]) -> date | None:
    if isinstance(value, datetime):
        issues.append(SpecIssue(path, "must be a date (YYYY-MM-DD), not a date and time"))
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    issues.append(SpecIssue(path, f"must be a date written YYYY-MM-DD (got {value!r})"))
    return None


def _int(value: object, path: str, issues: list[SpecIssue]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        issues.append(SpecIssue(path, f"must be a whole number (got {value!r})"))
        return None
    return value


def _number(value: object, path: str, issues: list[SpecIssue]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        issues.append(SpecIssue(path, f"must be a number (got {value!r})"))
        return None
    return float(value)


def _enum(enum: type, value: object, path: str, issues: list[SpecIssue]):  # type: ignore[no-untyped-def]
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(m.value for m in enum)
        issues.append(SpecIssue(path, f"must be one of {choices} (got {value!r})"))
        return None


def spec_from_dict(data: Mapping[str, Any]) -> MeasureSpec:
    from civicstat.measures.engine.spec import (
        Aggregate,
        AggregateKind,
        Exclusion,
        MeasureSpec,
        PeriodRange,
        Reset,
        SecondsBetween,
        Window,
        WindowKind,
    )

    if not isinstance(data, Mapping):
        raise SpecError(SpecIssue("", f"a measure spec is a mapping (got {type(data).__name__})"))
    issues = _unknown_keys(data, TOP_LEVEL, "")
    dataset = _name(data, "dataset", issues, required=True)
    time_column = _name(data, "time_column", issues, required=True)
    value = _name(data, "value", issues, required=False)
    breakdown = _name(data, "breakdown", issues, required=False)
    exclude_by = _name(data, "exclude_by", issues, required=False)

    timezone = data.get("timezone", "America/New_York")
    if not isinstance(timezone, str) or not is_known_zone(timezone):
        issues.append(SpecIssue("timezone", f"not a known IANA time zone (got {timezone!r})"))
    grain = _enum(Grain, data.get("grain", "month"), "grain", issues)
    fy_start = _int(data.get("fiscal_year_start", 7), "fiscal_year_start", issues)
    min_n = _int(data.get("min_n", 0), "min_n", issues)
    counts_people = data.get("counts_people", False)
    if not isinstance(counts_people, bool):
        issues.append(SpecIssue("counts_people", f"must be true or false (got {counts_people!r})"))

    periods = None
    raw_periods = data.get("periods")
    if not isinstance(raw_periods, Mapping):
        issues.append(SpecIssue("periods", "required: a mapping with start (and optional end)"))
    else:
        issues += _unknown_keys(raw_periods, ("start", "end"), "periods")
        start = _date(raw_periods.get("start"), "periods.start", issues)
        end = raw_periods.get("end")
        end = None if end is None else _date(end, "periods.end", issues)
        if start is not None:
            periods = PeriodRange(start, end)

    filt = None
    if data.get("filter") is not None:
        filt = parse_condition(data["filter"], "filter", issues)

    derive: list[tuple[str, SecondsBetween]] = []
    raw_derive = data.get("derive") or {}
    if not isinstance(raw_derive, Mapping):
        issues.append(SpecIssue("derive", "must map new column names to their definitions"))
        raw_derive = {}
    for name, definition in raw_derive.items():
        path = f"derive.{name}"
        pair = definition.get("seconds_between") if isinstance(definition, Mapping) else None
        ok = (
            isinstance(definition, Mapping)
            and len(definition) == 1
            and isinstance(pair, list | tuple)
            and len(pair) == 2
            and all(isinstance(c, str) and c for c in pair)
        )
        if not ok:
            issues.append(SpecIssue(path, "expected {seconds_between: [start_column, end_column]}"))
            continue
        derive.append((str(name), SecondsBetween(pair[0], pair[1])))

    exclusions: list[Exclusion] = []
    raw_excl = data.get("exclude_when") or []
    if not isinstance(raw_excl, list | tuple):
        issues.append(SpecIssue("exclude_when", "must be a list of {reason, when}"))
        raw_excl = []
    for i, item in enumerate(raw_excl):
        path = f"exclude_when[{i}]"
        if not isinstance(item, Mapping):
            issues.append(SpecIssue(path, "expected {reason: text, when: condition}"))
            continue
        issues += _unknown_keys(item, ("reason", "when"), path)
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            issues.append(SpecIssue(f"{path}.reason", "required: the reason shown to readers"))
        cond = parse_condition(item.get("when"), f"{path}.when", issues)
        if isinstance(reason, str) and reason.strip() and cond is not None:
            exclusions.append(Exclusion(reason.strip(), cond))

    aggregate = None
    raw_agg = data.get("aggregate")
    if isinstance(raw_agg, str):
        raw_agg = {"kind": raw_agg}
    if not isinstance(raw_agg, Mapping):
        issues.append(SpecIssue("aggregate", "required: e.g. {kind: median} or {kind: count}"))
    else:
        issues += _unknown_keys(raw_agg, AGGREGATE_FIELDS, "aggregate")
        kind = _enum(AggregateKind, raw_agg.get("kind"), "aggregate.kind", issues)
        p = raw_agg.get("p")
        p = None if p is None else _number(p, "aggregate.p", issues)
        conds = {}
        for key in ("condition", "numerator", "denominator"):
            if raw_agg.get(key) is not None:
                conds[key] = parse_condition(raw_agg[key], f"aggregate.{key}", issues)
        scale = _number(raw_agg.get("scale", 1.0), "aggregate.scale", issues)
        if kind is not None and scale is not None:
            aggregate = Aggregate(kind, p, scale=scale, **conds)

    window = Window()
    raw_win = data.get("window")
    if isinstance(raw_win, str):
        raw_win = {"kind": raw_win}
    if raw_win is not None:
        if not isinstance(raw_win, Mapping):
            issues.append(SpecIssue("window", "expected {kind: none|cumulative|rolling, ...}"))
        else:
            issues += _unknown_keys(raw_win, WINDOW_FIELDS, "window")
            wkind = _enum(WindowKind, raw_win.get("kind", "none"), "window.kind", issues)
            wper = raw_win.get("periods")
            wper = None if wper is None else _int(wper, "window.periods", issues)
            reset = _enum(Reset, raw_win.get("reset", "none"), "window.reset", issues)
            if wkind is not None and reset is not None:
                window = Window(wkind, wper, reset)

    if issues:
        # Report the cross-field problems of the parts that did parse, too.
        if aggregate is not None:
            issues += aggregate_issues(aggregate, value)
        issues += window_issues(window)
        if counts_people is True and aggregate is not None:
            issues += people_issues(aggregate, window)
        raise SpecError(issues)
    assert dataset and time_column and aggregate and periods and grain
    assert fy_start is not None and min_n is not None
    return MeasureSpec(
        dataset=dataset,
        time_column=time_column,
        aggregate=aggregate,
        periods=periods,
        grain=grain,
        value=value,
        filter=filt,
        breakdown=breakdown,
        window=window,
        exclude_by=exclude_by,
        exclude_when=tuple(exclusions),
        derive=tuple(derive),
        counts_people=bool(counts_people),
        min_n=min_n,
        timezone=str(timezone),
        fiscal_year_start=fy_start,
    )


def validate(spec: MeasureSpec) -> list[SpecIssue]:
    """Cross-field rules; also run when a spec is built in Python rather than from a dict."""
    issues: list[SpecIssue] = []
    if not 1 <= spec.fiscal_year_start <= 12:
        issues.append(SpecIssue("fiscal_year_start", "must be a month number from 1 to 12"))
    if not is_known_zone(spec.timezone):
        issues.append(SpecIssue("timezone", f"not a known IANA time zone ({spec.timezone!r})"))
    if spec.periods.end is not None and spec.periods.end < spec.periods.start:
        issues.append(SpecIssue("periods.end", "is before periods.start"))
    if spec.min_n < 0:
        issues.append(SpecIssue("min_n", "must be 0 or more"))
    issues += aggregate_issues(spec.aggregate, spec.value)
    issues += window_issues(spec.window)
    if spec.counts_people:
        issues += people_issues(spec.aggregate, spec.window)
    names = [n for n, _ in spec.derive]
    for name in names:
        if not name.isidentifier() or name.startswith("_"):
            issues.append(
                SpecIssue(
                    f"derive.{name}",
                    "must be a plain name (letters, digits, _) not starting with _",
                )
            )
    if len(set(names)) != len(names):
        issues.append(SpecIssue("derive", "a derived column is defined twice"))
    reasons = [e.reason for e in spec.exclude_when]
    if len(set(reasons)) != len(reasons):
        issues.append(SpecIssue("exclude_when", "two exclusions share a reason"))
    return issues


def aggregate_issues(agg: Aggregate, value: str | None) -> list[SpecIssue]:
    from civicstat.measures.engine.spec import AggregateKind

    issues: list[SpecIssue] = []
    kind = agg.kind
    if kind is AggregateKind.PERCENTILE:
        if agg.p is None:
            issues.append(SpecIssue("aggregate.p", "required for a percentile (e.g. 0.9)"))
        elif not 0 <= agg.p <= 1:
            issues.append(SpecIssue("aggregate.p", f"must be between 0 and 1 (got {agg.p})"))
    elif agg.p is not None:
        issues.append(SpecIssue("aggregate.p", "only a percentile takes p"))
    if (kind is AggregateKind.SHARE) != (agg.condition is not None):
        msg = "required for a share" if kind is AggregateKind.SHARE else "only a share takes one"
        issues.append(SpecIssue("aggregate.condition", msg))
    if (kind is AggregateKind.RATE) != (agg.numerator is not None):
        msg = "required for a rate" if kind is AggregateKind.RATE else "only a rate takes one"
        issues.append(SpecIssue("aggregate.numerator", msg))
    if agg.denominator is not None and kind is not AggregateKind.RATE:
        issues.append(SpecIssue("aggregate.denominator", "only a rate takes one"))
    if agg.scale <= 0:
        issues.append(SpecIssue("aggregate.scale", "must be greater than 0"))
    elif agg.scale != 1 and kind not in (AggregateKind.SHARE, AggregateKind.RATE):
        issues.append(SpecIssue("aggregate.scale", "only a share or a rate takes a scale"))
    if kind.needs_value and not value:
        issues.append(SpecIssue("value", f"required: the column a {kind.value} aggregates"))
    return issues


def window_issues(win: Window) -> list[SpecIssue]:
    from civicstat.measures.engine.spec import Reset, WindowKind

    issues: list[SpecIssue] = []
    if win.kind is WindowKind.ROLLING:
        if win.periods is None or win.periods < 1:
            issues.append(SpecIssue("window.periods", "a rolling window needs periods >= 1"))
    elif win.periods is not None:
        issues.append(SpecIssue("window.periods", "only a rolling window takes periods"))
    if win.reset is not Reset.NONE and win.kind is not WindowKind.CUMULATIVE:
        issues.append(SpecIssue("window.reset", "only a cumulative window resets"))
    return issues


def people_issues(agg: Aggregate, win: Window) -> list[SpecIssue]:
    from civicstat.measures.engine.spec import AggregateKind, WindowKind

    issues: list[SpecIssue] = []
    if agg.kind not in (AggregateKind.COUNT, AggregateKind.COUNT_DISTINCT):
        issues.append(
            SpecIssue(
                "counts_people",
                "only count and count_distinct measures count people; publish shares of "
                "people from their suppressed counts",
            )
        )
    if win.kind is not WindowKind.NONE:
        issues.append(
            SpecIssue(
                "counts_people",
                "a running or rolling count of people reveals each period's count by "
                "subtraction; publish per-period counts instead",
            )
        )
    return issues
