"""The vendor's detection-and-location performance rate over verified shootings (methods.md §2.1,
`[SS-REDWOOD-SLA]`, `[SS-SOUTHBEND-SLA]`, `[GOVTECH-SS]`)::

    PerformanceRate = NAccuratelyLocated / (NAccuratelyLocated + NNotDetected + NMislocated)

Input: a ``confirmed_shootings`` table, one row per *verified* incident (the agency has physical or
other credible evidence that gunfire took place), with these columns:

================  =========  ========  ==============================================================
column            type       required  meaning
================  =========  ========  ==============================================================
incident_id       string     yes       the agency's incident (report) number; primary key
occurred_at       timestamp  yes       best-known time of the first shot
latitude          float      yes       confirmed shooter location (internal; never published)
longitude         float      yes       confirmed shooter location
alert_id          string     no        the gunshot alert the investigation linked to the incident;
                                       empty when no alert was received
detectable        boolean    no        outdoors in free space, unsuppressed, calibre above .25
                                       (the contract's "detectable gunfire"); empty = not assessed
verification      string     no        what verified it (casings, victim, damage, witness, video…)
================  =========  ========  ==============================================================

Classification of each incident, in this order (the first that applies):

1. excluded ``holiday_window`` (NYE / July 4 ± 48 h, when ``exclude_holidays``),
   ``not_detectable`` (detectable false), ``detectability_not_assessed`` (detectable empty, or the
   column absent), ``shooter_location_missing``, ``outside_coverage_area`` (when a coverage polygon
   is given), ``linked_alert_not_found`` (``alert_id`` names no alert);
2. ``not_detected``: no linked alert, or the linked alert reported no location ("missed = no
   location reported");
3. ``accurately_located``: the alert's location is within ``radius_m`` (25 m ≈ 82 ft) of the
   shooter location, geodesic distance rounded to the millimetre, 25 m itself counting as within;
4. ``mislocated``: further than ``radius_m``.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from civicstat.safety.gunshots.frames import ALERT_COLUMNS, LOCAL_TZ, Period, pull
from civicstat.safety.gunshots.holidays import HOLIDAY_HOURS, in_holiday_window
from civicstat.safety.gunshots.results import Exclusion, exclusions

CONFIRMED_SHOOTING_COLUMNS = {
    "incident_id": "string",
    "occurred_at": "timestamp",
    "latitude": "float",
    "longitude": "float",
    "alert_id": "string",
    "detectable": "boolean",
    "verification": "string",
}
"""confirmed_shootings columns (module docstring)."""

ACCURATE_RADIUS_M = 25.0
ACCURATELY_LOCATED, NOT_DETECTED, MISLOCATED = "accurately_located", "not_detected", "mislocated"
_GEOD = pyproj.Geod(ellps="WGS84")


@dataclass(frozen=True, eq=False)
class DetectionPerformance:
    """Counts of the vendor formula, the rate, and each incident's classification.

    ``incidents``: ``incident_id``, ``alert_id``, ``distance_m``, ``result`` (a class above or
    an exclusion reason).
    """

    accurately_located: int
    not_detected: int
    mislocated: int
    radius_m: float
    excluded: tuple[Exclusion, ...]
    incidents: pd.DataFrame

    @property
    def denominator(self) -> int:
        return self.accurately_located + self.not_detected + self.mislocated

    @property
    def rate(self) -> float | None:
        return self.accurately_located / self.denominator if self.denominator else None


def detection_performance(
    confirmed: ir.Table,
    alerts: ir.Table,
    *,
    period: Period | None = None,
    radius_m: float = ACCURATE_RADIUS_M,
    coverage: BaseGeometry | None = None,
    exclude_holidays: bool = True,
    tz: str = LOCAL_TZ,
    holiday_hours: float = HOLIDAY_HOURS,
) -> DetectionPerformance:
    """Classify verified incidents in ``period`` and compute the performance rate."""
    inc = pull(
        confirmed,
        "confirmed_shootings",
        CONFIRMED_SHOOTING_COLUMNS,
        ("incident_id", "occurred_at", "latitude", "longitude"),
        period=period,
        time_column="occurred_at",
    )
    inc = inc.sort_values(["occurred_at", "incident_id"], ignore_index=True)
    linked_ids = sorted(set(inc["alert_id"].dropna()))
    found = pull(
        alerts.filter(alerts["alert_id"].isin(linked_ids)) if linked_ids else alerts.limit(0),
        "gunshot_alerts",
        {k: ALERT_COLUMNS[k] for k in ("alert_id", "latitude", "longitude")},
        ("alert_id",),
    ).drop_duplicates("alert_id")
    found = found.rename(columns={"latitude": "alert_lat", "longitude": "alert_lon"})
    inc = inc.merge(found, on="alert_id", how="left", indicator=True)

    located = inc["alert_lat"].notna() & inc["alert_lon"].notna()
    distance = np.full(len(inc), np.nan)
    has_both = located & inc["latitude"].notna() & inc["longitude"].notna()
    if has_both.any():
        sub = inc[has_both]
        _, _, d = _GEOD.inv(
            sub["longitude"].to_numpy(float),
            sub["latitude"].to_numpy(float),
            sub["alert_lon"].to_numpy(float),
            sub["alert_lat"].to_numpy(float),
        )
        distance[has_both.to_numpy()] = np.round(np.asarray(d, dtype=float), 3)

    result = np.where(distance <= radius_m, ACCURATELY_LOCATED, MISLOCATED).astype(object)
    result[~located.to_numpy()] = NOT_DETECTED
    steps: list[tuple[str, pd.Series]] = [
        ("linked_alert_not_found", inc["alert_id"].notna() & (inc["_merge"] == "left_only")),
    ]
    if coverage is not None:
        inside = shapely.contains_xy(
            coverage, inc["longitude"].to_numpy(float), inc["latitude"].to_numpy(float)
        )
        steps.append(("outside_coverage_area", pd.Series(~inside, index=inc.index)))
    steps += [
        ("shooter_location_missing", inc["latitude"].isna() | inc["longitude"].isna()),
        ("detectability_not_assessed", inc["detectable"].isna()),
        ("not_detectable", inc["detectable"].eq(False).fillna(False).astype(bool)),
    ]
    if exclude_holidays:
        steps.append(
            ("holiday_window", in_holiday_window(inc["occurred_at"], tz=tz, hours=holiday_hours))
        )
    # Steps are listed in reverse of the documented order: a later assignment overwrites an
    # earlier one, so the reason documented first wins.
    for reason, mask in steps:
        result[mask.to_numpy(dtype=bool)] = reason
    incidents = pd.DataFrame(
        {
            "incident_id": inc["incident_id"],
            "alert_id": inc["alert_id"],
            "distance_m": distance,
            "result": result,
        }
    )
    counts = incidents["result"].value_counts()
    reasons = [r for r, _ in reversed(steps)]
    return DetectionPerformance(
        accurately_located=int(counts.get(ACCURATELY_LOCATED, 0)),
        not_detected=int(counts.get(NOT_DETECTED, 0)),
        mislocated=int(counts.get(MISLOCATED, 0)),
        radius_m=radius_m,
        excluded=exclusions([(r, int(counts.get(r, 0))) for r in reasons]),
        incidents=incidents,
    )
