"""Link gunshot alerts to residents' 911 shots-fired calls (methods.md §2.2 "Notification source
mix", §2.3 `[DUKE-SS]`).

Rule [I, configurable through :class:`MatchRule`]:

* Calls: ``calls_for_service`` rows whose ``call_type`` is one of ``rule.call_types`` (compared
  case-insensitively, surrounding spaces ignored), collapsed to one row per ``call_id`` (the
  earliest ``received_at``, the first known coordinates). Officer-initiated calls are excluded by
  default (``self_initiated``), since an officer entering the alert into CAD is not a resident's
  notification; keep the vendor's own CAD nature (e.g. "SHOTSPOTTER") out of ``call_types``.
* A call and an alert *can* match when ``|received_at - detected_at| <= window_s`` (default
  600 s) and their geodesic (WGS 84) distance is ``<= radius_m`` (default 250 m); both limits
  are inclusive; distances are rounded to the millimetre first.
* **One-to-one, greedy**: candidate pairs are taken in order of time apart, then distance (then
  alert id, call id, so ties resolve the same way every run); a pair is kept when neither its
  alert nor its call is already matched. So each alert and each call is counted once, and the
  three categories partition the notifications as in the Duke evaluation: ``alert_only``
  (SS-only), ``call_only`` (911-only), ``both``. A second call about the same shooting, or a
  second alert for one call, stays unmatched (CAD usually merges duplicate calls into one event;
  each separate event counts).
* Scope: alerts detected in the period; calls are read with ``window_s`` of margin either side,
  so an alert at the period's edge can find its call. An unmatched call outside the period, or
  outside the ``coverage`` polygon when one is given, is excluded rather than counted as
  911-only. Alerts or calls with no coordinates cannot be matched and are excluded by reason.

Distances: a KD-tree (scipy ``cKDTree``) on coordinates projected to the local UTM zone finds
candidates within a slightly padded radius; the decision uses the exact geodesic distance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from civicstat.safety.gunshots.errors import GunshotDataError
from civicstat.safety.gunshots.frames import NO_MARGIN, Period, pull, pull_alerts
from civicstat.safety.gunshots.results import Exclusion, exclusions
from civicstat.safety.spatial import WGS84, project_xy, utm_crs

ALERT_ONLY, CALL_ONLY, BOTH = "alert_only", "call_only", "both"
NOTIFICATIONS = (ALERT_ONLY, CALL_ONLY, BOTH)

CALL_COLUMNS = {
    "call_id": "string",
    "unit_id": "string",
    "received_at": "timestamp",
    "dispatched_at": "timestamp",
    "onscene_at": "timestamp",
    "call_type": "string",
    "self_initiated": "boolean",
    "latitude": "float",
    "longitude": "float",
    "district": "string",
    "beat": "string",
}
"""calls_for_service contract columns the matching reads (briefs/datasets.md)."""

_GEOD = pyproj.Geod(ellps="WGS84")


@dataclass(frozen=True)
class MatchRule:
    """How alerts and shots-fired calls are linked (module docstring; methods.md §2.2 [I])."""

    call_types: tuple[str, ...] = ("SHOTS FIRED",)
    window_s: float = 600.0
    radius_m: float = 250.0
    exclude_self_initiated: bool = True

    def __post_init__(self) -> None:
        if not self.call_types:
            raise GunshotDataError("MatchRule", "name at least one shots-fired type", "call_types")
        if self.window_s < 0 or self.radius_m < 0:
            raise GunshotDataError(
                "MatchRule",
                f"must be >= 0, got {self.window_s} and {self.radius_m}",
                "window_s, radius_m",
            )


DEFAULT_RULE = MatchRule()


@dataclass(frozen=True, eq=False)
class MatchResult:
    """Alerts and calls with their match, and the notification breakdown.

    ``alerts``: ``alert_id``, ``detected_at``, ``call_id``, ``seconds_apart`` (call minus alert),
    ``distance_m``, ``notification``. ``calls``: ``call_id``, ``received_at``,
    ``first_onscene_at`` (first unit on scene), ``alert_id``, ``notification``, plus the call's
    ``district`` and ``beat``. Excluded records are not in
    the frames; they are counted in ``excluded_alerts`` and ``excluded_calls``.
    """

    rule: MatchRule
    alerts: pd.DataFrame
    calls: pd.DataFrame
    excluded_alerts: tuple[Exclusion, ...] = field(default=())
    excluded_calls: tuple[Exclusion, ...] = field(default=())

    @property
    def n_both(self) -> int:
        return int((self.alerts["notification"] == BOTH).sum())

    @property
    def n_alert_only(self) -> int:
        return int((self.alerts["notification"] == ALERT_ONLY).sum())

    @property
    def n_call_only(self) -> int:
        return int((self.calls["notification"] == CALL_ONLY).sum())

    @property
    def n_alerts(self) -> int:
        return len(self.alerts)

    @property
    def share_of_alerts_with_call(self) -> float | None:
        """``n_both / n_alerts`` (`[TNH-SS]`: 26.9 % of Durham's alerts had a resident call)."""
        return self.n_both / self.n_alerts if self.n_alerts else None

    def breakdown(self) -> pd.DataFrame:
        """``notification``, ``count``, ``notifications`` (denominator), ``share``."""
        counts = [self.n_alert_only, self.n_call_only, self.n_both]
        total = sum(counts)
        return pd.DataFrame(
            {
                "notification": list(NOTIFICATIONS),
                "count": counts,
                "notifications": [total] * 3,
                "share": [c / total if total else float("nan") for c in counts],
            }
        )


def shots_fired_calls(
    calls: ir.Table,
    call_types: Sequence[str],
    *,
    period: Period | None = None,
    margin: pd.Timedelta = NO_MARGIN,
) -> pd.DataFrame:
    """Shots-fired calls collapsed to one row per call (module docstring).

    Columns: ``call_id``, ``received_at``, ``first_dispatched_at``, ``first_onscene_at``,
    ``self_initiated``, ``latitude``, ``longitude``, ``district``, ``beat``.
    """
    if "call_type" not in calls.columns:
        raise GunshotDataError(
            "calls_for_service",
            f"required column 'call_type' missing; the table has {', '.join(calls.columns)}",
        )
    wanted = [t.strip().upper() for t in call_types]
    table = calls.filter(calls["call_type"].strip().upper().isin(wanted))
    frame = pull(
        table,
        "calls_for_service",
        CALL_COLUMNS,
        ("call_id", "received_at", "call_type"),
        period=period,
        time_column="received_at",
        margin=margin,
    )
    if frame["received_at"].isna().any():
        key = frame.loc[frame["received_at"].isna(), "call_id"].iloc[0]
        raise GunshotDataError(
            "calls_for_service", "received_at is empty; it is required", f"call_id {key!r}"
        )
    grouped = frame.sort_values(["call_id", "unit_id"]).groupby("call_id", sort=True)
    return pd.DataFrame(
        {
            "received_at": grouped["received_at"].min(),
            "first_dispatched_at": grouped["dispatched_at"].min(),
            "first_onscene_at": grouped["onscene_at"].min(),
            "self_initiated": grouped["self_initiated"].agg(lambda s: bool(s.fillna(False).any())),
            "latitude": grouped["latitude"].first(),
            "longitude": grouped["longitude"].first(),
            "district": grouped["district"].first(),
            "beat": grouped["beat"].first(),
        }
    ).reset_index()


def _micros(times: pd.Series) -> np.ndarray:
    return (
        times.dt.tz_convert("UTC")
        .dt.tz_localize(None)
        .astype("datetime64[us]")
        .to_numpy()
        .astype(np.int64)
    )


def candidate_pairs(alerts: pd.DataFrame, calls: pd.DataFrame, rule: MatchRule) -> pd.DataFrame:
    """Every (alert, call) pair within the rule's time and distance limits.

    Inputs need ``detected_at``/``received_at``, ``latitude``, ``longitude`` with no missing
    values. Columns: ``alert_row``, ``call_row`` (positions), ``micros_apart`` (call minus alert),
    ``seconds_apart``, ``distance_m``.
    """
    columns = ["alert_row", "call_row", "micros_apart", "seconds_apart", "distance_m"]
    if alerts.empty or calls.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    a_ll = alerts[["longitude", "latitude"]].to_numpy(dtype=float)
    c_ll = calls[["longitude", "latitude"]].to_numpy(dtype=float)
    crs = utm_crs(float(np.mean(a_ll[:, 0])), float(np.mean(a_ll[:, 1])))
    tree = cKDTree(project_xy(c_ll, WGS84, crs))
    # UTM scale error is < 0.1 % within a zone: pad the search so no true candidate is missed.
    hits = tree.query_ball_point(project_xy(a_ll, WGS84, crs), r=rule.radius_m * 1.01 + 1.0)
    lengths = np.fromiter((len(h) for h in hits), dtype=np.int64, count=len(hits))
    a_idx = np.repeat(np.arange(len(alerts)), lengths)
    c_idx = np.fromiter((j for h in hits for j in h), dtype=np.int64, count=int(lengths.sum()))
    apart = _micros(calls["received_at"])[c_idx] - _micros(alerts["detected_at"])[a_idx]
    in_time = np.abs(apart) <= round(rule.window_s * 1_000_000)
    a_idx, c_idx, apart = a_idx[in_time], c_idx[in_time], apart[in_time]
    _, _, dist = _GEOD.inv(a_ll[a_idx, 0], a_ll[a_idx, 1], c_ll[c_idx, 0], c_ll[c_idx, 1])
    dist = np.round(np.asarray(dist, dtype=float), 3)
    near = dist <= rule.radius_m
    return pd.DataFrame(
        {
            "alert_row": a_idx[near],
            "call_row": c_idx[near],
            "micros_apart": apart[near],
            "seconds_apart": apart[near] / 1e6,
            "distance_m": dist[near],
        }
    )


def greedy_one_to_one(
    pairs: pd.DataFrame, alert_ids: np.ndarray, call_ids: np.ndarray
) -> pd.DataFrame:
    """Keep pairs in order of time apart, distance, alert id, call id, using each alert and each
    call at most once (module docstring)."""
    if pairs.empty:
        return pairs
    order = np.lexsort(
        (
            call_ids[pairs["call_row"].to_numpy()],
            alert_ids[pairs["alert_row"].to_numpy()],
            pairs["distance_m"].to_numpy(),
            np.abs(pairs["micros_apart"].to_numpy()),
        )
    )
    used_alerts: set[int] = set()
    used_calls: set[int] = set()
    keep = []
    for i in order:
        a, c = int(pairs["alert_row"].iat[i]), int(pairs["call_row"].iat[i])
        if a in used_alerts or c in used_calls:
            continue
        used_alerts.add(a)
        used_calls.add(c)
        keep.append(i)
    return pairs.iloc[sorted(keep)].reset_index(drop=True)


def _located(frame: pd.DataFrame) -> pd.Series:
    return frame["latitude"].notna() & frame["longitude"].notna()


def match_alerts_to_calls(
    alerts: ir.Table,
    calls: ir.Table,
    *,
    rule: MatchRule = DEFAULT_RULE,
    period: Period | None = None,
    coverage: BaseGeometry | None = None,
    alert_types: Sequence[str] | None = None,
) -> MatchResult:
    """Match alerts to shots-fired calls one-to-one and classify every notification."""
    margin = pd.Timedelta(seconds=rule.window_s)
    a = pull_alerts(alerts, period=period, alert_types=alert_types)
    c = shots_fired_calls(calls, rule.call_types, period=period, margin=margin)

    a_located = _located(a)
    excluded_alerts = exclusions({"alert_location_missing": int((~a_located).sum())})
    a = a[a_located].reset_index(drop=True)

    call_reasons: dict[str, int] = {}
    if rule.exclude_self_initiated:
        officer = c["self_initiated"].fillna(False).astype(bool)
        call_reasons["self_initiated"] = int(officer.sum())
        c = c[~officer]
    c_located = _located(c)
    call_reasons["call_location_missing"] = int((~c_located).sum())
    c = c[c_located].reset_index(drop=True)

    pairs = candidate_pairs(a, c, rule)
    kept = greedy_one_to_one(pairs, a["alert_id"].to_numpy(str), c["call_id"].to_numpy(str))

    a_out = a[["alert_id", "detected_at"]].copy()
    a_out["call_id"] = pd.Series(pd.NA, index=a_out.index, dtype="string")
    a_out["seconds_apart"] = np.nan
    a_out["distance_m"] = np.nan
    rows = kept["alert_row"].to_numpy(dtype=np.int64)
    call_rows = kept["call_row"].to_numpy(dtype=np.int64)
    a_out.loc[rows, "call_id"] = c["call_id"].to_numpy()[call_rows]
    a_out.loc[rows, "seconds_apart"] = kept["seconds_apart"].to_numpy()
    a_out.loc[rows, "distance_m"] = kept["distance_m"].to_numpy()
    a_out["notification"] = np.where(a_out["call_id"].notna(), BOTH, ALERT_ONLY)

    c_out = c[["call_id", "received_at", "first_onscene_at", "district", "beat"]].copy()
    c_out["alert_id"] = pd.Series(pd.NA, index=c_out.index, dtype="string")
    c_out.loc[call_rows, "alert_id"] = a["alert_id"].to_numpy()[rows]
    matched = c_out["alert_id"].notna()
    if period is not None:
        outside = ~matched & ~period.contains(c_out["received_at"])
        call_reasons["outside_period"] = int(outside.sum())
        c_out, c, matched = c_out[~outside], c[~outside], matched[~outside]
    if coverage is not None:
        inside = shapely.contains_xy(coverage, c["longitude"].to_numpy(), c["latitude"].to_numpy())
        outside = ~matched.to_numpy() & ~inside
        call_reasons["outside_coverage_area"] = int(outside.sum())
        c_out = c_out[~outside]
        matched = matched[~outside]
    c_out = c_out.assign(notification=np.where(matched, BOTH, CALL_ONLY)).reset_index(drop=True)
    order = ["call_id", "received_at", "first_onscene_at", "alert_id", "notification"]
    order += ["district", "beat"]
    return MatchResult(
        rule=rule,
        alerts=a_out,
        calls=c_out[order],
        excluded_alerts=excluded_alerts,
        excluded_calls=exclusions(call_reasons),
    )
