"""Familiar-neighbor bands as rows a measure can count (Durham's key measure of initiative 2.11).

:func:`yearly_band_rows` gives, inside the backend, one row per person, local calendar year and
band the person reached that year ("5 or more responses", "10 or more responses" …), WITHOUT the
person id: counting rows per year and band is counting people. A measure spec counts them with
``grain: year``, ``breakdown: band`` and ``counts_people`` (nested-band suppression), so the
published figure is computed like every other one and no id leaves the warehouse.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from civicstat.safety._expr import LOCAL_TIMEZONE, local_time, require_columns
from civicstat.safety.familiar_neighbors.counting import DATASET, DEFAULT_PROGRAMS
from civicstat.safety.familiar_neighbors.statistics import DURHAM_BANDS


def band_label(threshold: int) -> str:
    return f"{threshold} or more responses"


def yearly_band_rows(
    crisis: ir.Table,
    thresholds: Sequence[int] = DURHAM_BANDS,
    programs: Sequence[str] | None = DEFAULT_PROGRAMS,
    tz: str = LOCAL_TIMEZONE,
) -> ir.Table:
    """Columns ``year_start`` (date, 1 January of the local year), ``band`` (text) and
    ``threshold`` (int): one row per person who reached the threshold in that year."""
    require_columns(
        crisis, ("person_id", "received_at", "program"), DATASET, "familiar-neighbor bands"
    )
    c = crisis.filter(crisis.person_id.notnull() & crisis.received_at.notnull())
    if programs is not None:
        c = c.filter(c.program.isin(list(programs)))
    local = local_time(c.received_at, tz)
    per_person = (
        c.mutate(year=local.year())
        .group_by(["year", "person_id"])
        .aggregate(responses=lambda t: t.count())
    )
    # One filtered copy per band, unioned (no in-memory table: the measure engine runs the
    # compiled SQL as text, so everything must live in the query).
    parts = [
        per_person.filter(per_person.responses >= int(t)).select(
            year_start=ibis.date(per_person.year, 1, 1),
            band=ibis.literal(band_label(int(t))),
            threshold=ibis.literal(int(t)).cast("int64"),
        )
        for t in thresholds
    ]
    return ibis.union(*parts, distinct=False) if len(parts) > 1 else parts[0]
