"""Small result types shared by the gunshot measures (methods.md §0: every published metric carries
the number of records used and the number excluded, by reason)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

PERCENTILE_METHOD = "inverted_cdf"
"""numpy.percentile method used for every published fractile (methods.md §0, `[NUMPY-PCT]`)."""


@dataclass(frozen=True)
class Exclusion:
    """Records left out of a measure for one reason."""

    reason: str
    count: int


def exclusions(counts: Mapping[str, int] | Iterable[tuple[str, int]]) -> tuple[Exclusion, ...]:
    """Exclusions with a non-zero count, in the order given."""
    items = counts.items() if isinstance(counts, Mapping) else counts
    return tuple(Exclusion(reason, int(n)) for reason, n in items if int(n) > 0)


@dataclass(frozen=True)
class ShareWithin:
    """``numerator / denominator`` of alerts whose interval is within a limit (methods.md §2.2).

    ``share`` is None when the denominator is zero. The rate is always published with its
    numerator and denominator (methods.md §2.2, denominator warning).
    """

    measure: str
    limit_s: float
    numerator: int
    denominator: int
    excluded: tuple[Exclusion, ...]

    @property
    def share(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def n_excluded(self) -> int:
        return sum(e.count for e in self.excluded)


@dataclass(frozen=True)
class IntervalSummary:
    """Median and 90th percentile of one interval, in seconds (methods.md §2.2 response time, §3.4).

    Percentiles use ``numpy.percentile(..., method="inverted_cdf")``, so each is an observed value.
    ``p90_s`` is None when fewer than ``min_n_p90`` intervals were used (methods.md §3.4).
    """

    segment: str
    start_column: str
    end_column: str
    n_used: int
    median_s: float | None
    p90_s: float | None
    mean_s: float | None
    excluded: tuple[Exclusion, ...]
    method: str = PERCENTILE_METHOD

    @property
    def n_excluded(self) -> int:
        return sum(e.count for e in self.excluded)
