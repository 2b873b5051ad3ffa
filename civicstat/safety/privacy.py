"""Small-cell suppression of the counts of people in the safety outputs (methods.md §5.5).

CMS rule [S] `[CMS-CELL]`: no cell of 1–10 people may be shown (0 may), and no such value may be
derivable from the cells that are shown (complementary suppression). The algorithm is the
measures engine's (:func:`civicstat.measures.engine.suppression.suppress_cumulative`); this
module adapts it to the nested counts the familiar-neighbor bands are: people with ≥ 1 (the
total), ≥ 5, ≥ 10, ≥ 20, ≥ 40 responses. What a reader can derive from two such bands is their
difference (the people in between), so published bands differ from each other and from 0 by 0
or by at least 11.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from civicstat.measures.engine.errors import SuppressionError
from civicstat.measures.engine.suppression import COMPLEMENTARY as ENGINE_COMPLEMENTARY
from civicstat.measures.engine.suppression import suppress_cumulative
from civicstat.safety.errors import SafetyInputError

MIN_PUBLIC_COUNT = 11
"""Smallest count of people that may be published (1–10 are suppressed, methods.md §5.5)."""

PRIMARY = "primary"
COMPLEMENTARY = "complementary"


@dataclass(frozen=True)
class Cell:
    """A count as published: ``value`` None when suppressed, with ``reason``."""

    value: int | None
    reason: str | None = None

    @property
    def suppressed(self) -> bool:
        return self.value is None


def suppress_nested_counts(
    counts: Sequence[int], threshold: int = MIN_PUBLIC_COUNT
) -> tuple[Cell, ...]:
    """Suppress a chain of non-increasing cumulative counts (the first is the total).

    A count of 1 to ``threshold − 1`` is suppressed (``primary``); other counts are suppressed
    (``complementary``) where publishing them would let a difference of 1 to ``threshold − 1``
    be derived; the most counts, then the largest, are kept.
    """
    try:
        frame = suppress_cumulative(list(counts), threshold=threshold - 1)
    except SuppressionError as exc:
        raise SafetyInputError("nested counts", f"{exc}; found {list(counts)}") from exc
    cells = []
    for count, label in zip(frame["count"], frame["suppression"], strict=True):
        if label == "":
            cells.append(Cell(int(count)))
        else:
            cells.append(Cell(None, COMPLEMENTARY if label == ENGINE_COMPLEMENTARY else PRIMARY))
    return tuple(cells)
