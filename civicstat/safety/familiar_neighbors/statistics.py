"""Statistics of a count distribution (pure Python on aggregates, methods.md §5.3–5.5): bands,
"x % of people make up y % of responses" with the tie and ≥ 11-people rules, the Lorenz curve,
the Gini coefficient, and the bands as they may be published.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from civicstat.safety.errors import SafetyInputError
from civicstat.safety.familiar_neighbors.results import (
    Band,
    BandCounts,
    Concentration,
    ConcentrationPoint,
    CountDistribution,
    Gini,
    LorenzCurve,
    PublicBand,
    PublicBands,
)
from civicstat.safety.privacy import MIN_PUBLIC_COUNT, PRIMARY, Cell, suppress_nested_counts

DATASET = "crisis_responses"
DURHAM_BANDS = (5, 10, 20, 40)
DURHAM_SHARES = (0.005, 0.01, 0.05, 0.10)


def bands_of(dist: CountDistribution, bands: Sequence[int] = DURHAM_BANDS) -> BandCounts:
    """People with ≥ b for each b in ``bands`` (Durham: 5, 10, 20, 40), and their counts."""
    out = []
    for b in sorted(set(bands)):
        out.append(
            Band(
                min_count=b,
                people=sum(p for c, p in dist.histogram if c >= b),
                count=sum(c * p for c, p in dist.histogram if c >= b),
            )
        )
    return BandCounts(
        window=dist.window,
        people=dist.people,
        total=dist.total,
        responses=dist.responses,
        unidentified=dist.unidentified,
        bands=tuple(out),
    )


def concentration_of(
    dist: CountDistribution,
    shares: Sequence[float] = DURHAM_SHARES,
    min_people: int = MIN_PUBLIC_COUNT,
) -> Concentration:
    """``y(p)`` for each share p (methods.md §5.3) with the tie rule and the ≥ 11-people rule."""
    people, total = dist.people, dist.total
    descending = sorted(dist.histogram, reverse=True)
    points = []
    for p in sorted(shares):
        if not 0 < p <= 1:
            raise SafetyInputError(DATASET, f"share {p!r} must be in (0, 1]")
        if people == 0:
            points.append(ConcentrationPoint(p, 0, 0.0, None, False))
            continue
        k = math.ceil(p * people - 1e-9)
        taken = covered = 0
        for count, group in descending:  # take whole tie groups until k people are covered
            if taken >= k:
                break
            taken += group
            covered += count * group
        publishable = k >= min_people
        points.append(
            ConcentrationPoint(
                requested_share=p,
                people=taken,
                realised_share=taken / people,
                count_share=covered / total if publishable else None,
                publishable=publishable,
            )
        )
    return Concentration(
        window=dist.window,
        people=people,
        total=total,
        unidentified_share=dist.unidentified_share,
        points=tuple(points),
    )


def _ascending_counts(dist: CountDistribution) -> list[tuple[int, int]]:
    return sorted(dist.histogram)


def lorenz_of(
    dist: CountDistribution, points: int = 100, min_people: int = MIN_PUBLIC_COUNT
) -> LorenzCurve:
    """The Lorenz curve at ``n + 1`` equally spaced population shares, ``n = min(points,
    floor(P / min_people))`` so every step holds at least ``min_people`` people."""
    people, total = dist.people, dist.total
    n = min(points, people // min_people) if min_people > 0 else min(points, people)
    if n < 1 or total == 0:
        return LorenzCurve(dist.window, (), ())
    groups = _ascending_counts(dist)
    xs, ys = [], []
    for j in range(n + 1):
        position = people * j / n  # people (possibly fractional) from the bottom
        remaining, covered = position, 0.0
        for count, group in groups:
            step = min(remaining, group)
            covered += step * count
            remaining -= step
            if remaining <= 0:
                break
        xs.append(j / n)
        ys.append(covered / total)
    return LorenzCurve(dist.window, tuple(xs), tuple(ys))


def gini_of(dist: CountDistribution) -> Gini:
    """``G = 2·Σ i·c_(i) / (P·C) − (P+1)/P`` with counts ascending; ``G_u = G·P/(P−1)``."""
    people, total = dist.people, dist.total
    if people == 0 or total == 0:
        return Gini(dist.window, None, None, people, total)
    weighted = 0  # Σ i·c_(i), exact in integers: a tie group of m at ranks r+1..r+m
    rank = 0
    for count, group in _ascending_counts(dist):
        weighted += count * (group * rank + group * (group + 1) // 2)
        rank += group
    biased = 2 * weighted / (people * total) - (people + 1) / people
    unbiased = biased * people / (people - 1) if people > 1 else None
    return Gini(dist.window, biased, unbiased, people, total)


def public_bands(counts: BandCounts, threshold: int = MIN_PUBLIC_COUNT) -> PublicBands:
    """Bands as they may be published: counts of 1 to ``threshold − 1`` people suppressed, and
    complementary suppression so no suppressed count (nor any 1–10 band difference) can be
    derived from the published ones (methods.md §5.5 rule 2)."""
    chain = [counts.people, *(b.people for b in counts.bands)]
    cells = suppress_nested_counts(chain, threshold)

    def display(cell: Cell) -> str:
        if cell.value is not None:
            return str(cell.value)
        return f"<{threshold}" if cell.reason == PRIMARY else "suppressed"

    out = tuple(
        PublicBand(
            min_count=band.min_count,
            people=cell.value,
            display=display(cell),
            suppressed=cell.suppressed,
        )
        for band, cell in zip(counts.bands, cells[1:], strict=True)
    )
    return PublicBands(
        window=counts.window,
        people=cells[0].value,
        people_display=display(cells[0]),
        bands=out,
        threshold=threshold,
    )
