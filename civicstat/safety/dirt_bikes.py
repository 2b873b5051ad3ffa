"""Dirt-bike mitigation pilot (initiative 2.13, `[DURHAM-2.13]`): complaints and enforcement
contacts (PURE: no Django).

Input: an Ibis table with the ``dirt_bike_reports`` contract columns (report_id, reported_at,
kind ``complaint`` | ``enforcement_contact``, district, beat, latitude, longitude, outcome
``warning`` | ``citation`` | ``vehicle_seized`` | ``arrest`` | ``none``, source). Measures [I]:

* complaints per local month, overall and by district (a district left empty is counted under
  ``"not recorded"``, never dropped);
* enforcement contacts per local month;
* the outcome mix of enforcement contacts over the period, with its denominator. Outcomes such as
  arrests count people, so :func:`public_outcome_mix` applies small-cell suppression (1–10 hidden,
  with complementary suppression; methods.md §5.5) before anything is published. Complaint and
  contact counts are counts of events, published as they are, at district level or coarser.

Months are local calendar months (America/New_York by default); every month of the period is
present, with zeros.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis.expr.types as ir
import pandas as pd

from civicstat.measures.engine.suppression import suppress_counts
from civicstat.safety.errors import SafetyInputError
from civicstat.safety.gunshots.calendar import local_month, month_range
from civicstat.safety.gunshots.frames import LOCAL_TZ, Period, pull

DATASET = "dirt_bike_reports"
COLUMNS = {
    "report_id": "string",
    "reported_at": "timestamp",
    "kind": "string",
    "district": "string",
    "beat": "string",
    "latitude": "float",
    "longitude": "float",
    "outcome": "string",
    "source": "string",
}
COMPLAINT, CONTACT = "complaint", "enforcement_contact"
KINDS = (COMPLAINT, CONTACT)
OUTCOMES = ("warning", "citation", "vehicle_seized", "arrest", "none")
NOT_RECORDED = "not recorded"


def dirt_bike_reports(
    reports: ir.Table, *, period: Period | None = None, tz: str = LOCAL_TZ
) -> pd.DataFrame:
    """The reports in ``period`` as pandas, with a local ``month`` column; checks ``kind``."""
    frame = pull(
        reports,
        DATASET,
        COLUMNS,
        ("report_id", "reported_at", "kind"),
        period=period,
        time_column="reported_at",
    )
    bad = ~frame["kind"].isin(KINDS).fillna(False).astype(bool)
    if bad.any():
        row = frame.loc[bad].iloc[0]
        raise SafetyInputError(
            DATASET,
            f"kind is {row['kind']!r}; expected one of {', '.join(KINDS)}",
            f"report_id {row['report_id']!r}",
        )
    if frame["reported_at"].isna().any():
        key = frame.loc[frame["reported_at"].isna(), "report_id"].iloc[0]
        raise SafetyInputError(
            DATASET, "reported_at is empty; it is required", f"report_id {key!r}"
        )
    frame["month"] = local_month(frame["reported_at"], tz)
    return frame


def _months(frame: pd.DataFrame, period: Period | None, tz: str) -> list[dt.date]:
    if period is not None:
        return month_range(*period.local_dates(tz))
    if frame.empty:
        return []
    return month_range(min(frame["month"]), max(frame["month"]))


def reports_by_month(
    reports: ir.Table, *, period: Period | None = None, tz: str = LOCAL_TZ
) -> pd.DataFrame:
    """``month``, ``complaints``, ``enforcement_contacts`` per local month."""
    frame = dirt_bike_reports(reports, period=period, tz=tz)
    counts = pd.crosstab(frame["month"], frame["kind"]).reindex(columns=list(KINDS), fill_value=0)
    counts = counts.reindex(_months(frame, period, tz), fill_value=0)
    out = counts.rename(columns={COMPLAINT: "complaints", CONTACT: "enforcement_contacts"})
    out = out.rename_axis("month").reset_index()
    out.columns.name = None
    return out.astype({"complaints": "int64", "enforcement_contacts": "int64"})


def complaints_by_district(
    reports: ir.Table, *, period: Period | None = None, tz: str = LOCAL_TZ
) -> pd.DataFrame:
    """Long frame ``month``, ``district``, ``complaints``: every month × district seen, zeros
    included; empty districts are ``"not recorded"``."""
    frame = dirt_bike_reports(reports, period=period, tz=tz)
    complaints = frame[frame["kind"] == COMPLAINT]
    district = complaints["district"].str.strip().replace("", pd.NA).fillna(NOT_RECORDED)
    table = pd.crosstab(complaints["month"], district)
    table = table.reindex(_months(frame, period, tz), fill_value=0)
    long = table.stack().rename("complaints").reset_index()
    long.columns = ["month", "district", "complaints"]
    return long.sort_values(["month", "district"], ignore_index=True).astype(
        {"complaints": "int64"}
    )


def outcome_mix(
    reports: ir.Table, *, period: Period | None = None, tz: str = LOCAL_TZ
) -> pd.DataFrame:
    """Enforcement contacts by outcome: ``outcome``, ``contacts``, ``of_contacts`` (the
    denominator: all enforcement contacts), ``share``. Unknown outcomes are ``"not recorded"``."""
    frame = dirt_bike_reports(reports, period=period, tz=tz)
    contacts = frame[frame["kind"] == CONTACT]
    outcome = contacts["outcome"].str.strip().str.lower().replace("", pd.NA).fillna(NOT_RECORDED)
    outcome = outcome.where(outcome.isin([*OUTCOMES, NOT_RECORDED]), NOT_RECORDED)
    counts = outcome.value_counts().reindex([*OUTCOMES, NOT_RECORDED], fill_value=0)
    total = int(counts.sum())
    return pd.DataFrame(
        {
            "outcome": counts.index,
            "contacts": counts.to_numpy(dtype="int64"),
            "of_contacts": total,
            "share": counts.to_numpy() / total if total else float("nan"),
        }
    )


def public_outcome_mix(mix: pd.DataFrame, *, threshold: int = 10) -> pd.DataFrame:
    """:func:`outcome_mix` with small cells suppressed (methods.md §5.5): ``outcome`` (and
    ``"(total)"``), ``contacts`` (``<NA>`` when suppressed), ``suppression``."""
    shown = suppress_counts(mix.set_index("outcome")["contacts"], total=True, threshold=threshold)
    return shown.rename(columns={"category": "outcome", "count": "contacts"})


@dataclass(frozen=True, eq=False)
class DirtBikePilot:
    """The dirt-bike pilot page's numbers over ``period``."""

    period: Period | None
    complaints: int
    enforcement_contacts: int
    monthly: pd.DataFrame
    by_district: pd.DataFrame
    outcomes: pd.DataFrame
    public_outcomes: pd.DataFrame


def dirt_bike_pilot(
    reports: ir.Table, *, period: Period | None = None, tz: str = LOCAL_TZ
) -> DirtBikePilot:
    """Every dirt-bike measure in one call (module docstring)."""
    monthly = reports_by_month(reports, period=period, tz=tz)
    mix = outcome_mix(reports, period=period, tz=tz)
    return DirtBikePilot(
        period=period,
        complaints=int(monthly["complaints"].sum()),
        enforcement_contacts=int(monthly["enforcement_contacts"].sum()),
        monthly=monthly,
        by_district=complaints_by_district(reports, period=period, tz=tz),
        outcomes=mix,
        public_outcomes=public_outcome_mix(mix),
    )
