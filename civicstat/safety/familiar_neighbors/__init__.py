"""Familiar neighbors (Durham initiative 2.11): how concentrated crisis responses are on a few
people (methods.md §5).

Privacy by construction (methods.md §5.5): the backend groups responses by ``person_id`` and then
by count, so what reaches Python is the *count distribution* — how many people had 1, 2, 3 …
responses — never an id and never a per-person row. Every result below is derived from that
distribution and returned as a frozen dataclass of aggregates. :func:`public_bands` applies
small-cell suppression (1–10 people) with complementary suppression; :func:`concentration`
withholds ``y(p)`` when the top group has fewer than 11 people (§5.5 rule 3); :func:`lorenz`
evaluates the curve on a grid whose steps each hold at least 11 people.

Defaults [I] (methods.md §5.2): a response counts once (``count_unit="response"``; also
``"call"`` = distinct originating calls and ``"unique_day"`` = distinct local days, which stops one
incident with several responses from inflating a count); the programs counted are the responding
programs, not care-navigation follow-ups; the window is ``[start, end)`` in local time.
"""

from civicstat.safety.familiar_neighbors.counting import (
    COUNT_UNITS,
    DEFAULT_PROGRAMS,
    band_counts,
    concentration,
    count_distribution,
    gini,
    lorenz,
)
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
    Window,
)
from civicstat.safety.familiar_neighbors.statistics import (
    DURHAM_BANDS,
    DURHAM_SHARES,
    bands_of,
    concentration_of,
    gini_of,
    lorenz_of,
    public_bands,
)

__all__ = [
    "COUNT_UNITS",
    "DEFAULT_PROGRAMS",
    "DURHAM_BANDS",
    "DURHAM_SHARES",
    "Band",
    "BandCounts",
    "Concentration",
    "ConcentrationPoint",
    "CountDistribution",
    "Gini",
    "LorenzCurve",
    "PublicBand",
    "PublicBands",
    "Window",
    "band_counts",
    "bands_of",
    "concentration",
    "concentration_of",
    "count_distribution",
    "gini",
    "gini_of",
    "lorenz",
    "lorenz_of",
    "public_bands",
]
