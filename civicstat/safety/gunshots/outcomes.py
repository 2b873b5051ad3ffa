"""What police found at gunshot alerts, per alert (methods.md §2.2 "Evidence yield",
"Confirmation rate", false positives).

Denominator: every alert in the period, whether or not an outcome row was recorded for it. The
Chicago OIG's 9.1 % is 4,556 dispositions with gun-crime evidence over all 50,176 dispatched
alerts, not over the 41,830 with a disposition (§2.2 denominator warning, `[CHI-OIG-2021]`), so
each row carries its numerator, its denominator and the number of alerts with nothing recorded.

Rows of :func:`outcome_yields`:

* counts of items (``kind = "items"``): ``casings``, ``firearms_recovered``, ``arrests``,
  ``victims_located``; ``total`` is the sum, ``alerts_with_any`` the alerts with at least one;
* flags (``kind = "alerts"``): ``evidence_found``, ``confirmed_gunfire`` (confirmation rate) and
  ``reclassified_not_gunfire`` (false positives); ``total`` = ``alerts_with_any`` = alerts
  flagged true.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis.expr.types as ir
import pandas as pd

from civicstat.safety.gunshots.calendar import local_month, month_range
from civicstat.safety.gunshots.errors import GunshotDataError
from civicstat.safety.gunshots.frames import (
    LOCAL_TZ,
    OUTCOME_COLUMNS,
    Period,
    pull,
    pull_alerts,
)
from civicstat.safety.gunshots.holidays import HOLIDAY_HOURS, in_holiday_window

OUTCOME_ITEMS = ("casings", "firearms_recovered", "arrests", "victims_located")
OUTCOME_FLAGS = ("evidence_found", "confirmed_gunfire", "reclassified_not_gunfire")
YIELD_COLUMNS = [
    "outcome",
    "kind",
    "total",
    "alerts_with_any",
    "alerts",
    "per_alert",
    "share_with_any",
    "not_recorded",
]


def alerts_with_outcomes(
    alerts: ir.Table,
    outcomes: ir.Table,
    *,
    period: Period | None = None,
    alert_types: Sequence[str] | None = None,
    exclude_holidays: bool = False,
    tz: str = LOCAL_TZ,
    holiday_hours: float = HOLIDAY_HOURS,
) -> pd.DataFrame:
    """Alerts in the period left-joined to their outcome row; ``has_outcome`` marks recorded ones."""
    frame = pull_alerts(alerts, period=period, alert_types=alert_types)
    if exclude_holidays:
        frame = frame[~in_holiday_window(frame["detected_at"], tz=tz, hours=holiday_hours)]
    found = pull(outcomes, "gunshot_outcomes", OUTCOME_COLUMNS, ("alert_id",))
    found = found[found["alert_id"].isin(frame["alert_id"]).fillna(False).astype(bool)]
    duplicated = found["alert_id"].duplicated()
    if duplicated.any():
        key = found.loc[duplicated, "alert_id"].iloc[0]
        raise GunshotDataError(
            "gunshot_outcomes", "has more than one outcome row; expected one", f"alert_id {key!r}"
        )
    found = found.assign(has_outcome=True)
    merged = frame[["alert_id", "detected_at"]].merge(found, on="alert_id", how="left")
    merged["has_outcome"] = merged["has_outcome"].fillna(False).astype(bool)
    return merged


def _yield_rows(merged: pd.DataFrame) -> pd.DataFrame:
    n = len(merged)
    rows = []
    for column in OUTCOME_ITEMS:
        values = merged[column]
        total = int(values.sum(skipna=True))
        with_any = int((values > 0).fillna(False).sum())
        rows.append((column, "items", total, with_any, int(values.isna().sum())))
    for column in OUTCOME_FLAGS:
        values = merged[column]
        flagged = int(values.fillna(False).astype(bool).sum())
        rows.append((column, "alerts", flagged, flagged, int(values.isna().sum())))
    out = pd.DataFrame(
        rows, columns=["outcome", "kind", "total", "alerts_with_any", "not_recorded"]
    )
    out["alerts"] = n
    out["per_alert"] = out["total"] / n if n else float("nan")
    out["share_with_any"] = out["alerts_with_any"] / n if n else float("nan")
    return out[YIELD_COLUMNS]


def outcome_yields(
    alerts: ir.Table,
    outcomes: ir.Table,
    *,
    period: Period | None = None,
    alert_types: Sequence[str] | None = None,
    exclude_holidays: bool = False,
    tz: str = LOCAL_TZ,
    holiday_hours: float = HOLIDAY_HOURS,
) -> pd.DataFrame:
    """One row per outcome with numerator (``total`` / ``alerts_with_any``), denominator
    (``alerts``: every alert in the period) and ``not_recorded`` (module docstring)."""
    merged = alerts_with_outcomes(
        alerts,
        outcomes,
        period=period,
        alert_types=alert_types,
        exclude_holidays=exclude_holidays,
        tz=tz,
        holiday_hours=holiday_hours,
    )
    return _yield_rows(merged)


def outcomes_by_month(
    alerts: ir.Table,
    outcomes: ir.Table,
    *,
    period: Period | None = None,
    alert_types: Sequence[str] | None = None,
    tz: str = LOCAL_TZ,
) -> pd.DataFrame:
    """Per local month of detection: ``month``, ``alerts``, the item totals (``casings`` …) and
    the flagged-alert counts (``evidence_found`` …), zero-filled over the period."""
    merged = alerts_with_outcomes(alerts, outcomes, period=period, alert_types=alert_types, tz=tz)
    merged["month"] = local_month(merged["detected_at"], tz)
    for column in OUTCOME_FLAGS:
        merged[column] = merged[column].fillna(False).astype("int64")
    grouped = merged.groupby("month", sort=True)
    out = grouped[list(OUTCOME_ITEMS + OUTCOME_FLAGS)].sum(min_count=0)
    out.insert(0, "alerts", grouped.size())
    if period is not None:
        first, last = period.local_dates(tz)
    elif not merged.empty:
        first, last = min(merged["month"]), max(merged["month"])
    else:
        return out.rename_axis("month").reset_index()
    months = month_range(first, last)
    out = out.reindex(months, fill_value=0).rename_axis("month").reset_index()
    return out.astype({c: "int64" for c in ["alerts", *OUTCOME_ITEMS, *OUTCOME_FLAGS]})
