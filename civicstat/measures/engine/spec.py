"""MeasureSpec: what a computed measure is, as data.

The Django side stores a spec as JSON and staff edit it as YAML in the admin, so the dict form
(``MeasureSpec.from_dict`` / ``to_dict``) is the documented interface (docs/measures.md,
"Measure specs"). ``from_dict`` reports every problem with its field path
(``aggregate.p: must be between 0 and 1``); ``spec_hash`` is a stable SHA-256 of the canonical
dict (every field, defaults filled in, keys sorted), recorded with each refresh for provenance.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from civicstat.measures.engine.conditions import Condition
from civicstat.measures.engine.errors import SpecError
from civicstat.measures.engine.periods import Grain


class AggregateKind(StrEnum):
    COUNT = "count"
    COUNT_DISTINCT = "count_distinct"
    SUM = "sum"
    MEAN = "mean"
    MEDIAN = "median"
    PERCENTILE = "percentile"
    SHARE = "share"
    RATE = "rate"

    @property
    def needs_value(self) -> bool:
        """Kinds that aggregate a column (count, share and rate count rows)."""
        return self in _VALUE_KINDS

    @property
    def decomposable(self) -> bool:
        """Kinds whose value over several periods follows exactly from per-period sums
        (count, sum; mean = Σx/n; share = Σcondition/n; rate = Σnumerator/Σdenominator). The
        others (median, percentile, count_distinct) are recomputed from the rows of a window."""
        return self in _DECOMPOSABLE

    @property
    def is_fractile(self) -> bool:
        return self in (AggregateKind.MEDIAN, AggregateKind.PERCENTILE)


_VALUE_KINDS = frozenset(
    {
        AggregateKind.COUNT_DISTINCT,
        AggregateKind.SUM,
        AggregateKind.MEAN,
        AggregateKind.MEDIAN,
        AggregateKind.PERCENTILE,
    }
)
_DECOMPOSABLE = frozenset(
    {
        AggregateKind.COUNT,
        AggregateKind.SUM,
        AggregateKind.MEAN,
        AggregateKind.SHARE,
        AggregateKind.RATE,
    }
)


@dataclass(frozen=True)
class Aggregate:
    """How the rows of a period are turned into one value.

    * ``percentile`` takes ``p`` in [0, 1] (``median`` is ``p = 0.5``); inverted-CDF fractile.
    * ``share`` is the fraction of used rows meeting ``condition``, times ``scale``.
    * ``rate`` is (rows meeting ``numerator``) / (rows meeting ``denominator``, every row when
      omitted), times ``scale`` (100 for a percentage, 1000 for "per 1,000").
    """

    kind: AggregateKind
    p: float | None = None
    condition: Condition | None = None
    numerator: Condition | None = None
    denominator: Condition | None = None
    scale: float = 1.0

    @property
    def quantile(self) -> float | None:
        if self.kind is AggregateKind.MEDIAN:
            return 0.5
        return self.p if self.kind is AggregateKind.PERCENTILE else None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind.value}
        if self.kind is AggregateKind.PERCENTILE:
            out["p"] = self.p
        if self.kind is AggregateKind.SHARE:
            out["condition"] = self.condition.to_dict() if self.condition else None
        if self.kind is AggregateKind.RATE:
            out["numerator"] = self.numerator.to_dict() if self.numerator else None
            out["denominator"] = self.denominator.to_dict() if self.denominator else None
        if self.kind in (AggregateKind.SHARE, AggregateKind.RATE):
            out["scale"] = self.scale
        return out


class WindowKind(StrEnum):
    NONE = "none"
    CUMULATIVE = "cumulative"
    ROLLING = "rolling"


class Reset(StrEnum):
    NONE = "none"
    FISCAL_YEAR = "fiscal_year"
    YEAR = "year"


@dataclass(frozen=True)
class Window:
    """Which rows a period's value covers: its own (``none``), every period from the start of
    the range or of the (fiscal) year (``cumulative``), or the last ``periods`` periods
    (``rolling``). Non-decomposable aggregates are recomputed over the window's rows."""

    kind: WindowKind = WindowKind.NONE
    periods: int | None = None
    reset: Reset = Reset.NONE

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind.value}
        if self.kind is WindowKind.ROLLING:
            out["periods"] = self.periods
        if self.kind is WindowKind.CUMULATIVE:
            out["reset"] = self.reset.value
        return out


@dataclass(frozen=True)
class SecondsBetween:
    """A derived column: ``end - start`` in seconds, computed from UTC instants (so a DST
    change never makes an interval wrong), negative when end is before start."""

    start: str
    end: str

    def to_dict(self) -> dict[str, Any]:
        return {"seconds_between": [self.start, self.end]}


@dataclass(frozen=True)
class Exclusion:
    """Rows meeting ``when`` are excluded from the measure and counted under ``reason``."""

    reason: str
    when: Condition

    def to_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "when": self.when.to_dict()}


@dataclass(frozen=True)
class PeriodRange:
    """First and last local dates to report; every period between is present, empty or not.
    ``end`` None means "through the refresh date" (``as_of``)."""

    start: date
    end: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat() if self.end else None,
        }


@dataclass(frozen=True)
class MeasureSpec:
    """A computed measure. See docs/measures.md, "Measure specs", for the dict/YAML form.

    Rows are selected by ``filter``; rows whose ``exclude_by`` column is not null, rows meeting
    an ``exclude_when`` condition, and rows whose ``value`` is missing are excluded and counted
    by reason (in that order of precedence). Periods are cut in ``timezone`` local time.
    """

    dataset: str
    time_column: str
    aggregate: Aggregate
    periods: PeriodRange
    grain: Grain = Grain.MONTH
    value: str | None = None
    filter: Condition | None = None
    breakdown: str | None = None
    window: Window = field(default_factory=Window)
    exclude_by: str | None = None
    exclude_when: tuple[Exclusion, ...] = ()
    derive: tuple[tuple[str, SecondsBetween], ...] = ()
    counts_people: bool = False
    min_n: int = 0
    timezone: str = "America/New_York"
    fiscal_year_start: int = 7

    def __post_init__(self) -> None:
        from civicstat.measures.engine.spec_parse import validate

        issues = validate(self)
        if issues:
            raise SpecError(issues)

    @property
    def derived(self) -> dict[str, SecondsBetween]:
        return dict(self.derive)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MeasureSpec:
        """Build a spec from its dict (JSON/YAML) form; raises SpecError naming every problem."""
        from civicstat.measures.engine.spec_parse import spec_from_dict

        return spec_from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        """The canonical dict form: every field, in a fixed order, JSON-serialisable."""
        return {
            "dataset": self.dataset,
            "time_column": self.time_column,
            "timezone": self.timezone,
            "grain": self.grain.value,
            "fiscal_year_start": self.fiscal_year_start,
            "periods": self.periods.to_dict(),
            "derive": {name: d.to_dict() for name, d in self.derive},
            "filter": self.filter.to_dict() if self.filter else None,
            "exclude_by": self.exclude_by,
            "exclude_when": [e.to_dict() for e in self.exclude_when],
            "aggregate": self.aggregate.to_dict(),
            "value": self.value,
            "breakdown": self.breakdown,
            "window": self.window.to_dict(),
            "min_n": self.min_n,
            "counts_people": self.counts_people,
        }

    def spec_hash(self) -> str:
        """SHA-256 (hex) of the canonical dict, keys sorted: equal specs hash equal."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
