"""Performance status of a measure value (methods.md §6.2) and overdue checks.

The rule, first match wins::

    informational                  -> no_status
    no target for the period       -> target_pending
    no value, or n < min_n         -> insufficient_data
    higher_is_better: on_target if v >= t; close_to_target if v >= t - tol; else needs_improvement
    lower_is_better:  on_target if v <= t; close_to_target if v <= t + tol; else needs_improvement
    target_range:     on_target if lo <= v <= hi; close if within tol of the nearest bound

``tol = close_tol · |target|`` (relative, default 10 %) or ``close_tol`` (absolute, e.g. 2
percentage points for rates), computed from the target that applies. Values, targets and bounds
are compared as decimals at the displayed precision (``precision`` decimal places, rounded half
away from zero), so 13.2 against a 12 target with 10 % tolerance is exactly on the edge, never
off by a floating-point hair.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from civicstat.measures.engine.errors import StatusRuleError
from civicstat.measures.engine.periods import Grain, Period, ordinal_of, period_at

Target = float | tuple[float, float]


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    TARGET_RANGE = "target_range"
    INFORMATIONAL = "informational"


class TolMode(StrEnum):
    RELATIVE = "relative"
    ABSOLUTE = "absolute"


class StatusKey(StrEnum):
    ON_TARGET = "on_target"
    CLOSE_TO_TARGET = "close_to_target"
    NEEDS_IMPROVEMENT = "needs_improvement"
    TARGET_PENDING = "target_pending"
    INSUFFICIENT_DATA = "insufficient_data"
    NO_STATUS = "no_status"


@dataclass(frozen=True)
class StatusResult:
    """A status and why. ``message`` is an English sentence with ``%(name)s`` placeholders (the
    msgid a web layer translates); ``params`` fills them, a value being text or a nested
    ``{"message": ..., "params": ...}`` phrase; ``explanation`` is the English sentence."""

    key: StatusKey
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)
    target: Target | None = None
    tolerance: float | None = None

    @property
    def explanation(self) -> str:
        return render_message(self.message, self.params)


def gettext_noop(message: str) -> str:
    """Marks a message for translation catalogues (makemessages reads this name)."""
    return message


def render_message(message: str, params: Mapping[str, Any], gettext=gettext_noop) -> str:
    """``message`` (translated by ``gettext``) filled with ``params``; nested phrases first."""
    filled = {
        k: render_message(v["message"], v.get("params", {}), gettext)
        if isinstance(v, Mapping)
        else v
        for k, v in params.items()
    }
    return gettext(message) % filled


@dataclass(frozen=True)
class StatusRule:
    """How a measure's value is judged.

    ``target`` applies to every period without its own entry in ``targets`` (keyed by period
    label, e.g. ``"FY2024"``). For ``target_range`` a target is a ``(lo, hi)`` pair.
    ``unit`` is appended to numbers in explanations (``"minutes"``, ``"%"``).
    """

    direction: Direction
    target: Target | None = None
    targets: Mapping[str, Target] = field(default_factory=dict)
    close_tol: float = 0.10
    tol_mode: TolMode = TolMode.RELATIVE
    min_n: int = 1
    precision: int | None = None
    unit: str = ""

    def __post_init__(self) -> None:
        ranged = self.direction is Direction.TARGET_RANGE
        entries = [("target", self.target)] + [(f"targets.{k}", v) for k, v in self.targets.items()]
        for path, t in entries:
            if t is None:
                continue
            if ranged:
                if not (isinstance(t, tuple | list) and len(t) == 2):
                    raise StatusRuleError(path, "a target_range target is [low, high]")
                if not all(_is_number(x) for x in t) or t[0] > t[1]:
                    raise StatusRuleError(path, f"needs two numbers, low <= high (got {t!r})")
            elif not _is_number(t):
                raise StatusRuleError(path, f"must be a number (got {t!r})")
        if not _is_number(self.close_tol) or self.close_tol < 0:
            raise StatusRuleError("close_tol", "must be a number, 0 or more")
        if self.min_n < 0:
            raise StatusRuleError("min_n", "must be 0 or more")
        if self.precision is not None and not 0 <= self.precision <= 12:
            raise StatusRuleError("precision", "must be between 0 and 12 decimal places")

    def target_for(self, period_label: str | None) -> Target | None:
        if period_label is not None and period_label in self.targets:
            t = self.targets[period_label]
        else:
            t = self.target
        if isinstance(t, list):
            t = (t[0], t[1])
        return t

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StatusRule:
        try:
            direction = Direction(data["direction"])
            tol_mode = TolMode(data.get("tol_mode", "relative"))
        except (KeyError, ValueError) as exc:
            raise StatusRuleError("direction/tol_mode", f"missing or unknown value: {exc}") from exc
        fix = lambda t: tuple(t) if isinstance(t, list) else t  # noqa: E731
        return cls(
            direction=direction,
            target=fix(data.get("target")),
            targets={str(k): fix(v) for k, v in (data.get("targets") or {}).items()},
            close_tol=data.get("close_tol", 0.10),
            tol_mode=tol_mode,
            min_n=data.get("min_n", 1),
            precision=data.get("precision"),
            unit=data.get("unit", ""),
        )

    def to_dict(self) -> dict[str, Any]:
        fix = lambda t: list(t) if isinstance(t, tuple) else t  # noqa: E731
        return {
            "direction": self.direction.value,
            "target": fix(self.target),
            "targets": {k: fix(v) for k, v in self.targets.items()},
            "close_tol": self.close_tol,
            "tol_mode": self.tol_mode.value,
            "min_n": self.min_n,
            "precision": self.precision,
            "unit": self.unit,
        }


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _dec(x: float, precision: int | None) -> Decimal:
    d = Decimal(repr(float(x))) if isinstance(x, float) else Decimal(x)
    if precision is None:
        return d
    return d.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)


def _fmt(d: Decimal, unit: str) -> str:
    text = format(d.normalize(), "f") if d == d.to_integral() else format(d, "f")
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def evaluate(
    rule: StatusRule,
    value: float | None,
    n: int | None = None,
    period_label: str | None = None,
) -> StatusResult:
    """The status of ``value`` (computed from ``n`` rows) for the period ``period_label``."""
    unit, prec = rule.unit, rule.precision
    if rule.direction is Direction.INFORMATIONAL:
        return StatusResult(
            StatusKey.NO_STATUS, gettext_noop("This measure is for information; it has no target.")
        )
    target = rule.target_for(period_label)
    period = {"period": period_label} if period_label else {}
    if target is None:
        return StatusResult(
            StatusKey.TARGET_PENDING,
            gettext_noop("No target has been set for %(period)s.")
            if period_label
            else gettext_noop("No target has been set."),
            period,
        )
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return StatusResult(
            StatusKey.INSUFFICIENT_DATA,
            gettext_noop("There is no value for %(period)s to compare with the target.")
            if period_label
            else gettext_noop("There is no value to compare with the target."),
            period,
            target,
        )
    if n is not None and n < rule.min_n:
        return StatusResult(
            StatusKey.INSUFFICIENT_DATA,
            gettext_noop(
                "The value for %(period)s rests on %(n)s records; at least %(min_n)s are needed "
                "for a status."
            )
            if period_label
            else gettext_noop(
                "The value rests on %(n)s records; at least %(min_n)s are needed for a status."
            ),
            {**period, "n": str(n), "min_n": str(rule.min_n)},
            target,
        )
    v = _dec(value, prec)

    def tol_for(t: Decimal) -> Decimal:
        tol = _dec(rule.close_tol, None)
        return abs(t) * tol if rule.tol_mode is TolMode.RELATIVE else tol

    def tol_phrase(tol: Decimal) -> str | dict:
        if rule.tol_mode is TolMode.RELATIVE:
            pct = _dec(rule.close_tol, None) * 100
            return {
                "message": gettext_noop("%(amount)s (%(percent)s%% of the target)"),
                "params": {"amount": _fmt(tol, unit), "percent": _fmt(pct, "")},
            }
        return _fmt(tol, unit)

    if rule.direction is Direction.TARGET_RANGE:
        assert isinstance(target, tuple)
        lo, hi = _dec(target[0], prec), _dec(target[1], prec)
        params: dict[str, Any] = {
            "value": _fmt(v, unit),
            "low": _fmt(lo, unit),
            "high": _fmt(hi, unit),
        }
        if lo <= v <= hi:
            message = gettext_noop("%(value)s is within the target range of %(low)s to %(high)s.")
            return StatusResult(StatusKey.ON_TARGET, message, params, target, None)
        bound = lo if v < lo else hi
        tol = tol_for(bound)
        params["tolerance"] = tol_phrase(tol)
        below = v < lo
        if abs(v - bound) <= tol:
            key = StatusKey.CLOSE_TO_TARGET
            message = (
                gettext_noop(
                    "%(value)s is below the target range of %(low)s to %(high)s but within "
                    "%(tolerance)s of it."
                )
                if below
                else gettext_noop(
                    "%(value)s is above the target range of %(low)s to %(high)s but within "
                    "%(tolerance)s of it."
                )
            )
        else:
            key = StatusKey.NEEDS_IMPROVEMENT
            message = (
                gettext_noop(
                    "%(value)s is below the target range of %(low)s to %(high)s by more than "
                    "%(tolerance)s."
                )
                if below
                else gettext_noop(
                    "%(value)s is above the target range of %(low)s to %(high)s by more than "
                    "%(tolerance)s."
                )
            )
        return StatusResult(key, message, params, target, float(tol))

    assert not isinstance(target, tuple)
    t = _dec(target, prec)
    tol = tol_for(t)
    higher = rule.direction is Direction.HIGHER_IS_BETTER
    gap = (t - v) if higher else (v - t)  # how far on the wrong side
    params = {"value": _fmt(v, unit), "target": _fmt(t, unit)}
    if gap <= 0:
        key = StatusKey.ON_TARGET
        message = (
            gettext_noop("%(value)s is at or above the target of %(target)s (higher is better).")
            if higher
            else gettext_noop(
                "%(value)s is at or below the target of %(target)s (lower is better)."
            )
        )
    elif gap <= tol:
        key = StatusKey.CLOSE_TO_TARGET
        params["tolerance"] = tol_phrase(tol)
        message = (
            gettext_noop(
                "%(value)s is below the target of %(target)s, within %(tolerance)s "
                "(higher is better)."
            )
            if higher
            else gettext_noop(
                "%(value)s is above the target of %(target)s, within %(tolerance)s "
                "(lower is better)."
            )
        )
    else:
        key = StatusKey.NEEDS_IMPROVEMENT
        params["tolerance"] = tol_phrase(tol)
        message = (
            gettext_noop(
                "%(value)s is below the target of %(target)s by more than %(tolerance)s "
                "(higher is better)."
            )
            if higher
            else gettext_noop(
                "%(value)s is above the target of %(target)s by more than %(tolerance)s "
                "(lower is better)."
            )
        )
    return StatusResult(key, message, params, target, float(tol))


# --- cadence: when is a value due, and is it overdue? -------------------------------------


def latest_expected_period(
    grain: Grain, today: date, grace_days: int = 0, fiscal_year_start: int = 7
) -> Period:
    """The most recent period whose value should exist by ``today``.

    A period's value is due on ``end + grace_days`` (``end`` is the first day after the period)
    and is overdue from the next day on.
    """
    o = ordinal_of(today - timedelta(days=grace_days + 1), grain, fiscal_year_start)
    return period_at(o - 1, grain, fiscal_year_start)


def next_due(
    latest_period_end: date, grain: Grain, grace_days: int = 0, fiscal_year_start: int = 7
) -> date:
    """The last on-time day for the value of the period after the latest published one
    (``latest_period_end`` is that latest period's exclusive end); overdue from the day after."""
    nxt = period_at(
        ordinal_of(latest_period_end, grain, fiscal_year_start), grain, fiscal_year_start
    )
    return nxt.end + timedelta(days=grace_days)


def is_overdue(
    latest_period_end: date | None,
    grain: Grain,
    today: date,
    grace_days: int = 0,
    fiscal_year_start: int = 7,
) -> bool:
    """True when the latest expected period (for the measure's cadence) has no value: nothing
    was ever published, or the latest value ends before that period does."""
    expected = latest_expected_period(grain, today, grace_days, fiscal_year_start)
    if latest_period_end is None:
        return True
    return latest_period_end < expected.end
