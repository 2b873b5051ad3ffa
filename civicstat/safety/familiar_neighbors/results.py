"""What the familiar-neighbor functions return: frozen dataclasses of aggregates only (no person
ids, no per-person rows; methods.md §5.5)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Window:
    """What was counted: ``[start, end)``, the count unit and the programs."""

    start: pd.Timestamp
    end: pd.Timestamp
    count_unit: str
    programs: tuple[str, ...] | None


@dataclass(frozen=True)
class CountDistribution:
    """How many people had each count: ``((count, people), ...)`` ascending by count.

    Aggregate only (no ids). ``responses`` counts every response row in the window and programs,
    ``unidentified`` those without a person id (excluded from the counts, methods.md §5.3).
    """

    window: Window
    histogram: tuple[tuple[int, int], ...]
    responses: int
    unidentified: int

    @property
    def people(self) -> int:
        return sum(p for _, p in self.histogram)

    @property
    def total(self) -> int:
        """C = Σ c_i over identified people."""
        return sum(c * p for c, p in self.histogram)

    @property
    def unidentified_share(self) -> float | None:
        return self.unidentified / self.responses if self.responses else None


@dataclass(frozen=True)
class Band:
    """People with at least ``min_count`` in the window, and the count they account for."""

    min_count: int
    people: int
    count: int


@dataclass(frozen=True)
class BandCounts:
    window: Window
    people: int
    total: int
    responses: int
    unidentified: int
    bands: tuple[Band, ...]

    @property
    def unidentified_share(self) -> float | None:
        return self.unidentified / self.responses if self.responses else None


@dataclass(frozen=True)
class ConcentrationPoint:
    """Top ``requested_share`` of people (methods.md §5.3).

    ``people`` is the realised top group: ``k = ceil(p·P)`` widened to the whole tie group at the
    boundary, ``realised_share = people / P``. ``count_share`` is ``y(p)``, or None when the top
    group has fewer than 11 people (§5.5 rule 3: publish the next larger p instead).
    """

    requested_share: float
    people: int
    realised_share: float
    count_share: float | None
    publishable: bool


@dataclass(frozen=True)
class Concentration:
    window: Window
    people: int
    total: int
    unidentified_share: float | None
    points: tuple[ConcentrationPoint, ...]

    @property
    def headline(self) -> ConcentrationPoint | None:
        """The smallest publishable share: "x % of neighbors served make up y % of responses"."""
        return next((p for p in self.points if p.publishable), None)


@dataclass(frozen=True)
class LorenzCurve:
    """Lorenz curve (counts ascending, methods.md §5.4) on a grid of population shares whose
    steps each hold at least 11 people; exact at the grid points (the curve is piecewise linear)."""

    window: Window
    population_share: tuple[float, ...]
    count_share: tuple[float, ...]


@dataclass(frozen=True)
class Gini:
    """Gini coefficient, biased and small-sample unbiased (``G·P/(P−1)``), methods.md §5.4."""

    window: Window
    biased: float | None
    unbiased: float | None
    people: int
    total: int


@dataclass(frozen=True)
class PublicBand:
    """A band as published: ``people`` is None when suppressed; ``display`` is the text shown
    (``<11`` for a count of 1–10, ``suppressed`` for a complementary suppression)."""

    min_count: int
    people: int | None
    display: str
    suppressed: bool


@dataclass(frozen=True)
class PublicBands:
    window: Window
    people: int | None
    people_display: str
    bands: tuple[PublicBand, ...]
    threshold: int
