"""Alert publication latency and police response times (methods.md §2.1, §2.2, §3.3, §3.4).

Definitions [I unless marked]:

* **Published within 60 seconds**: the interval ``published_at - detected_at`` (UTC, so a DST
  change cannot distort it) is at most ``limit_s`` seconds; exactly 60 s counts as within. The
  vendor states the process takes under 60 s from shot to alert `[SS-FAQ]` [S]; Durham reported
  "alerts published within 60 seconds" as a vendor-recommended measure `[DURHAM-2.13]` [S].
  Denominator: alerts with a usable interval. Alerts are excluded, each under its first reason,
  for ``holiday_window`` (vendor service levels exclude NYE and July 4 ±48 h, §2.1; on by
  default), ``published_at_missing`` and ``published_before_detected`` (a negative interval is a
  data error, never clipped to 0, §3.3 rule 3). A missing publish time is never a pass or a fail.
* **Response times**: ``alert_to_dispatch`` = ``dispatched_at - start``, ``alert_to_arrival`` =
  ``first_arrival_at - start`` and ``dispatch_to_arrival`` = ``first_arrival_at - dispatched_at``,
  where ``start`` is ``published_at`` by default (police cannot act before the alert reaches
  them; pass ``start="detected_at"`` for shot-to-dispatch). Median and P90 with
  ``method="inverted_cdf"`` (§0, §3.4); P90 withheld when fewer than 20 intervals (§3.4).
  Exclusions by reason: start or end time missing, ``negative_interval``, ``above_cap``
  (default cap 3,600 s, §3.3 rule 5).
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from civicstat.safety.gunshots.calendar import local_month
from civicstat.safety.gunshots.errors import GunshotDataError
from civicstat.safety.gunshots.frames import LOCAL_TZ, Period, pull_alerts
from civicstat.safety.gunshots.holidays import HOLIDAY_HOURS, in_holiday_window
from civicstat.safety.gunshots.results import (
    PERCENTILE_METHOD,
    IntervalSummary,
    ShareWithin,
    exclusions,
)

PUBLISH_LIMIT_S = 60.0
RESPONSE_CAP_S = 3600.0
MIN_N_P90 = 20

WITHIN, OVER = "within", "over"
_SEGMENT_ENDS = {
    "alert_to_dispatch": (None, "dispatched_at"),
    "alert_to_arrival": (None, "first_arrival_at"),
    "dispatch_to_arrival": ("dispatched_at", "first_arrival_at"),
}
RESPONSE_SEGMENTS = tuple(_SEGMENT_ENDS)


def seconds_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """``end - start`` in seconds as float (``Timedelta.total_seconds``, never ``.dt.seconds``)."""
    return (end - start).dt.total_seconds().astype("float64")


def publish_status(
    frame: pd.DataFrame,
    *,
    limit_s: float = PUBLISH_LIMIT_S,
    exclude_holidays: bool = True,
    tz: str = LOCAL_TZ,
    holiday_hours: float = HOLIDAY_HOURS,
) -> pd.Series:
    """Per alert: ``within``, ``over`` or the first exclusion reason (module docstring)."""
    latency = seconds_between(frame["detected_at"], frame["published_at"])
    status = pd.Series(np.where(latency <= limit_s, WITHIN, OVER), index=frame.index, dtype=object)
    status[latency < 0] = "published_before_detected"
    status[frame["published_at"].isna()] = "published_at_missing"
    if exclude_holidays:
        status[in_holiday_window(frame["detected_at"], tz=tz, hours=holiday_hours)] = (
            "holiday_window"
        )
    return status


def _share(status: pd.Series, limit_s: float) -> ShareWithin:
    counts = status.value_counts()
    reasons = ("holiday_window", "published_at_missing", "published_before_detected")
    within = int(counts.get(WITHIN, 0))
    return ShareWithin(
        measure="published_within",
        limit_s=limit_s,
        numerator=within,
        denominator=within + int(counts.get(OVER, 0)),
        excluded=exclusions([(r, int(counts.get(r, 0))) for r in reasons]),
    )


def published_within(
    alerts: ir.Table,
    *,
    limit_s: float = PUBLISH_LIMIT_S,
    period: Period | None = None,
    alert_types: Sequence[str] | None = None,
    exclude_holidays: bool = True,
    tz: str = LOCAL_TZ,
    holiday_hours: float = HOLIDAY_HOURS,
) -> ShareWithin:
    """Share of alerts published within ``limit_s`` seconds of detection (module docstring)."""
    frame = pull_alerts(alerts, period=period, alert_types=alert_types)
    status = publish_status(
        frame,
        limit_s=limit_s,
        exclude_holidays=exclude_holidays,
        tz=tz,
        holiday_hours=holiday_hours,
    )
    return _share(status, limit_s)


def published_within_by_month(
    alerts: ir.Table,
    *,
    limit_s: float = PUBLISH_LIMIT_S,
    period: Period | None = None,
    alert_types: Sequence[str] | None = None,
    exclude_holidays: bool = True,
    tz: str = LOCAL_TZ,
    holiday_hours: float = HOLIDAY_HOURS,
) -> pd.DataFrame:
    """Per local month: ``month``, ``within``, ``used``, ``share``, ``excluded`` (all reasons)."""
    frame = pull_alerts(alerts, period=period, alert_types=alert_types)
    status = publish_status(
        frame,
        limit_s=limit_s,
        exclude_holidays=exclude_holidays,
        tz=tz,
        holiday_hours=holiday_hours,
    )
    work = pd.DataFrame({"month": local_month(frame["detected_at"], tz), "status": status})
    grouped = work.groupby("month", sort=True)["status"]
    out = pd.DataFrame(
        {
            "within": grouped.apply(lambda s: int((s == WITHIN).sum())),
            "used": grouped.apply(lambda s: int(s.isin([WITHIN, OVER]).sum())),
            "excluded": grouped.apply(lambda s: int((~s.isin([WITHIN, OVER])).sum())),
        }
    ).reset_index()
    out["share"] = (out["within"] / out["used"].where(out["used"] > 0)).astype("float64")
    return out[["month", "within", "used", "share", "excluded"]]


def summarize_seconds(
    seconds: pd.Series,
    *,
    segment: str,
    start_column: str,
    end_column: str,
    cap_s: float = RESPONSE_CAP_S,
    min_n_p90: int = MIN_N_P90,
) -> IntervalSummary:
    """Median, P90 (``inverted_cdf``) and mean of intervals in seconds.

    NaN intervals are counted as ``interval_missing``; negative ones as ``negative_interval`` and
    those above ``cap_s`` as ``above_cap`` (methods.md §3.3 rules 2, 3, 5).
    """
    reasons = {
        "interval_missing": int(seconds.isna().sum()),
        "negative_interval": int((seconds < 0).sum()),
        "above_cap": int((seconds > cap_s).sum()),
    }
    used = seconds[(seconds >= 0) & (seconds <= cap_s)].to_numpy(dtype="float64")
    n = len(used)
    return IntervalSummary(
        segment=segment,
        start_column=start_column,
        end_column=end_column,
        n_used=n,
        median_s=float(np.percentile(used, 50, method=PERCENTILE_METHOD)) if n else None,
        p90_s=(
            float(np.percentile(used, 90, method=PERCENTILE_METHOD))
            if n >= max(min_n_p90, 1)
            else None
        ),
        mean_s=float(used.mean()) if n else None,
        excluded=exclusions(reasons),
    )


def _segment(
    frame: pd.DataFrame, segment: str, start: str, cap_s: float, min_n_p90: int
) -> IntervalSummary:
    if segment not in _SEGMENT_ENDS:
        raise GunshotDataError(
            "response_times", f"unknown segment {segment!r}; expected one of {RESPONSE_SEGMENTS}"
        )
    begin, end = _SEGMENT_ENDS[segment]
    begin = begin or start
    start_missing = frame[begin].isna()
    end_missing = frame[end].isna() & ~start_missing
    seconds = seconds_between(frame[begin], frame[end])
    summary = summarize_seconds(
        seconds.dropna(),
        segment=segment,
        start_column=begin,
        end_column=end,
        cap_s=cap_s,
        min_n_p90=min_n_p90,
    )
    counts = {
        f"{begin}_missing": int(start_missing.sum()),
        f"{end}_missing": int(end_missing.sum()),
        **{e.reason: e.count for e in summary.excluded},
    }
    return IntervalSummary(
        segment=summary.segment,
        start_column=begin,
        end_column=end,
        n_used=summary.n_used,
        median_s=summary.median_s,
        p90_s=summary.p90_s,
        mean_s=summary.mean_s,
        excluded=exclusions(counts),
    )


def _check_start(start: str) -> None:
    if start not in ("published_at", "detected_at"):
        raise GunshotDataError(
            "response_times", f"start must be 'published_at' or 'detected_at', not {start!r}"
        )


def response_times(
    alerts: ir.Table,
    *,
    start: str = "published_at",
    segments: Sequence[str] = RESPONSE_SEGMENTS,
    period: Period | None = None,
    alert_types: Sequence[str] | None = None,
    cap_s: float = RESPONSE_CAP_S,
    min_n_p90: int = MIN_N_P90,
) -> tuple[IntervalSummary, ...]:
    """Alert-to-dispatch, alert-to-first-arrival and dispatch-to-arrival summaries, in that order."""
    _check_start(start)
    frame = pull_alerts(alerts, period=period, alert_types=alert_types)
    return tuple(_segment(frame, s, start, cap_s, min_n_p90) for s in segments)


def response_times_by_month(
    alerts: ir.Table,
    *,
    start: str = "published_at",
    segments: Sequence[str] = RESPONSE_SEGMENTS,
    period: Period | None = None,
    alert_types: Sequence[str] | None = None,
    cap_s: float = RESPONSE_CAP_S,
    min_n_p90: int = MIN_N_P90,
    tz: str = LOCAL_TZ,
) -> pd.DataFrame:
    """Per local month and segment: ``n_used``, ``median_s``, ``p90_s``, ``n_excluded``."""
    _check_start(start)
    frame = pull_alerts(alerts, period=period, alert_types=alert_types)
    frame["month"] = local_month(frame["detected_at"], tz)
    rows = []
    for month, group in frame.groupby("month", sort=True):
        for segment in segments:
            s = _segment(group, segment, start, cap_s, min_n_p90)
            rows.append(
                {
                    "month": month,
                    "segment": segment,
                    "n_used": s.n_used,
                    "median_s": s.median_s,
                    "p90_s": s.p90_s,
                    "n_excluded": s.n_excluded,
                }
            )
    columns = ["month", "segment", "n_used", "median_s", "p90_s", "n_excluded"]
    out = pd.DataFrame(rows, columns=columns)
    return out.astype({"median_s": "float64", "p90_s": "float64"})
