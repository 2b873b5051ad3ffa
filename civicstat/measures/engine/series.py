"""Series: a computed measure, ready to validate and publish.

``frame`` has one row per period × breakdown category, every period of the range present:

=============  ========  ===================================================================
column         dtype     meaning
=============  ========  ===================================================================
period_start   date      first local day of the period
period_end     date      first local day after the period (exclusive)
period_label   str       ``2023-07``, ``2023 Q3``, ``FY2024``, ``FY2024 Q1``, ``2023-W27``…
breakdown      str       category; ``""`` without a breakdown
value          Float64   the measure (``<NA>``: no rows, below ``min_n``, or suppressed)
n_used         Int64     rows used (a rate: rows in the denominator); ``<NA>`` if suppressed
n_excluded     Int64     rows excluded, all reasons (methods.md §0)
complete       bool      the period ended on or before ``as_of``
below_min_n    bool      n_used < the spec's ``min_n`` (value withheld)
suppression    str       ``""`` or the small-cell suppression reason (counts of people)
=============  ========  ===================================================================

``exclusions`` is long: ``period_start``, ``period_label``, ``breakdown``, ``reason``, ``n``
(Int64), ``suppression``; only reasons that occurred appear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from civicstat.measures.engine.period_plan import PeriodPlan
from civicstat.measures.engine.periods import Grain
from civicstat.measures.engine.spec import AggregateKind, MeasureSpec
from civicstat.measures.engine.suppression import TOTAL, suppress_table

FRAME_COLUMNS = (
    "period_start",
    "period_end",
    "period_label",
    "breakdown",
    "value",
    "n_used",
    "n_excluded",
    "complete",
    "below_min_n",
    "suppression",
)
EXCLUSION_COLUMNS = ("period_start", "period_label", "breakdown", "reason", "n", "suppression")

# Empty periods: a count or a sum over no rows is 0; any other aggregate has no value.
_ZERO_WHEN_EMPTY = (AggregateKind.COUNT, AggregateKind.COUNT_DISTINCT, AggregateKind.SUM)


@dataclass(frozen=True)
class Series:
    """A measure's computed values, exclusions and provenance."""

    spec_hash: str
    grain: Grain
    as_of: date
    frame: pd.DataFrame
    exclusions: pd.DataFrame
    sql: str
    percentile_method: str | None
    dialect: str

    def latest(self, *, complete_only: bool = True) -> pd.DataFrame:
        """Rows of the latest (complete) period."""
        f = self.frame[self.frame["complete"]] if complete_only else self.frame
        if f.empty:
            return f
        return f[f["period_start"] == f["period_start"].max()]


def assemble(
    spec: MeasureSpec, plan: PeriodPlan, long: pd.DataFrame, *, suppress: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn the compiled expression's long result into ``frame`` and ``exclusions``: add empty
    periods and categories, dates and labels, ``min_n`` and suppression. The result is small
    (periods × categories), so this works on plain Python lists."""
    periods = plan.periods()
    by_ordinal = {p.ordinal: p for p in periods}
    values: dict[tuple[int, str], tuple[float, int]] = {}
    excluded: dict[tuple[int, str], int] = {}
    excl_rows: list[tuple[int, str, str, int]] = []
    seen: set[str] = set()
    for o, b, r, v, n in zip(
        long["period"].tolist(),
        long["breakdown"].astype(str).tolist(),
        long["reason"].tolist(),
        long["value"].tolist(),
        long["n"].tolist(),
        strict=True,
    ):
        seen.add(b)
        if r is None or r != r:  # null reason: the value row
            values[(o, b)] = (v, n)
        else:
            excl_rows.append((o, b, str(r), n))
            excluded[(o, b)] = excluded.get((o, b), 0) + n
    categories = sorted(seen) if spec.breakdown else [""]
    zero_when_empty = spec.aggregate.kind in _ZERO_WHEN_EMPTY
    cols: dict[str, list] = {c: [] for c in ("period", *FRAME_COLUMNS)}
    for p in periods:
        complete = p.end <= plan.as_of
        for b in categories:
            v, n = values.get((p.ordinal, b), (None, 0))
            if v is not None and v != v:
                v = None
            if v is None and zero_when_empty and n == 0:
                v = 0.0
            below = n < spec.min_n
            cols["period"].append(p.ordinal)
            cols["period_start"].append(p.start)
            cols["period_end"].append(p.end)
            cols["period_label"].append(p.label)
            cols["breakdown"].append(b)
            cols["value"].append(None if below else v)
            cols["n_used"].append(n)
            cols["n_excluded"].append(excluded.get((p.ordinal, b), 0))
            cols["complete"].append(complete)
            cols["below_min_n"].append(below)
            cols["suppression"].append("")
    frame = pd.DataFrame(
        {
            **cols,
            "value": pd.array(cols["value"], dtype="Float64"),
            "n_used": pd.array(cols["n_used"], dtype="Int64"),
            "n_excluded": pd.array(cols["n_excluded"], dtype="Int64"),
        }
    )
    excl_rows.sort()
    exclusions = pd.DataFrame(
        {
            "period": [e[0] for e in excl_rows],
            "period_start": [by_ordinal[e[0]].start for e in excl_rows],
            "period_label": [by_ordinal[e[0]].label for e in excl_rows],
            "breakdown": [e[1] for e in excl_rows],
            "reason": [e[2] for e in excl_rows],
            "n": pd.array([e[3] for e in excl_rows], dtype="Int64"),
            "suppression": [""] * len(excl_rows),
        }
    )
    if spec.counts_people and suppress:
        frame, exclusions = _suppress(spec, frame, exclusions)
        frame = frame.sort_values(["period", "breakdown"]).reset_index(drop=True)
        exclusions = exclusions.sort_values(["period", "breakdown", "reason"])
        exclusions = exclusions.reset_index(drop=True)
    return frame[list(FRAME_COLUMNS)], exclusions[list(EXCLUSION_COLUMNS)]


def _suppress(
    spec: MeasureSpec, frame: pd.DataFrame, exclusions: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts of people: cells (period × category) protected against the per-period total, which
    is published wherever the measure is also shown without its breakdown; exclusion counts
    protected against n_excluded. n_used is withheld wherever the value is."""
    counts = frame.pivot(index="period", columns="breakdown", values="value").fillna(0)
    cells = suppress_table(counts, row_totals=bool(spec.breakdown))
    cells = cells[cells["column"] != TOTAL].rename(columns={"row": "period", "column": "breakdown"})
    frame = frame.drop(columns="suppression").merge(
        cells[["period", "breakdown", "suppression"]], on=["period", "breakdown"], how="left"
    )
    hidden = (frame["suppression"] != "").to_numpy()
    frame["value"] = frame["value"].mask(hidden, pd.NA)
    frame["n_used"] = frame["n_used"].mask(hidden, pd.NA)

    if not exclusions.empty:
        key = exclusions["period"].astype(str) + "\x1f" + exclusions["breakdown"]
        wide = exclusions.assign(key=key).pivot(index="key", columns="reason", values="n")
        out = suppress_table(wide.fillna(0).astype("int64"), row_totals=True)
        reasons = out[out["column"] != TOTAL].rename(columns={"row": "key", "column": "reason"})
        exclusions = exclusions.drop(columns="suppression").assign(key=key)
        exclusions = exclusions.merge(
            reasons[["key", "reason", "suppression"]], on=["key", "reason"], how="left"
        ).drop(columns="key")
        exclusions["n"] = exclusions["n"].mask((exclusions["suppression"] != "").to_numpy(), pd.NA)
        totals = out[out["column"] == TOTAL].set_index("row")["suppression"]
        fkey = frame["period"].astype(str) + "\x1f" + frame["breakdown"]
        total_hidden = fkey.map(totals).fillna("").to_numpy() != ""
        frame["n_excluded"] = frame["n_excluded"].mask(total_hidden, pd.NA)
    return frame, exclusions
