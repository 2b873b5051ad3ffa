"""Everything the public gunshot-detection pilot page shows, computed in one call (issue 6).

The headline measures cover the evaluation period; the weekly and monthly series cover every
alert in the data, with ``evaluation_days`` saying how many days of each week or month fall in
the evaluation period, so a chart can mark the period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import ibis.expr.types as ir
import pandas as pd
from shapely.geometry.base import BaseGeometry

from civicstat.safety.gunshots.calendar import days_overlapping
from civicstat.safety.gunshots.detection import (
    ACCURATE_RADIUS_M,
    DetectionPerformance,
    detection_performance,
)
from civicstat.safety.gunshots.frames import LOCAL_TZ, Period
from civicstat.safety.gunshots.holidays import HOLIDAY_HOURS
from civicstat.safety.gunshots.latency import (
    PUBLISH_LIMIT_S,
    published_within,
    published_within_by_month,
    response_times,
    response_times_by_month,
    seconds_between,
    summarize_seconds,
)
from civicstat.safety.gunshots.matching import (
    ALERT_ONLY,
    BOTH,
    CALL_ONLY,
    MatchResult,
    MatchRule,
    match_alerts_to_calls,
)
from civicstat.safety.gunshots.outcomes import alerts_with_outcomes, outcome_yields
from civicstat.safety.gunshots.public_map import MIN_CELL_M, AlertMap, alert_counts_by_cell
from civicstat.safety.gunshots.results import IntervalSummary, ShareWithin, exclusions
from civicstat.safety.gunshots.volume import (
    AlertVolume,
    alert_volume,
    alerts_by_month,
    alerts_by_week,
)


@dataclass(frozen=True)
class PilotConfig:
    """Parameters of a pilot evaluation; every default is methods.md §2 [I] unless noted."""

    period: Period
    tz: str = LOCAL_TZ
    alert_types: tuple[str, ...] | None = None
    publish_limit_s: float = PUBLISH_LIMIT_S
    response_start: str = "published_at"
    match_rule: MatchRule = field(default_factory=MatchRule)
    coverage: BaseGeometry | None = None
    accurate_radius_m: float = ACCURATE_RADIUS_M
    holiday_hours: float = HOLIDAY_HOURS
    map_cell_m: float = MIN_CELL_M


@dataclass(frozen=True, eq=False)
class GunshotPilot:
    """The pilot page's numbers. Optional inputs that were not given leave their part None."""

    config: PilotConfig
    volume: AlertVolume
    weekly: pd.DataFrame
    monthly: pd.DataFrame
    published: ShareWithin
    published_monthly: pd.DataFrame
    response: tuple[IntervalSummary, ...]
    response_monthly: pd.DataFrame
    alert_map: AlertMap
    outcomes: pd.DataFrame | None = None
    matching: MatchResult | None = None
    confirmation: pd.DataFrame | None = None
    call_response: IntervalSummary | None = None
    detection: DetectionPerformance | None = None


def _mark(
    frame: pd.DataFrame, key: str, length_days: Sequence[int], period: Period, tz: str
) -> pd.DataFrame:
    first, last = period.local_dates(tz)
    frame = frame.copy()
    frame["evaluation_days"] = [
        days_overlapping(start, n, first, last)
        for start, n in zip(frame[key], length_days, strict=True)
    ]
    return frame


def confirmation_by_notification(
    match: MatchResult, alerts: ir.Table, outcomes: ir.Table, *, period: Period | None = None
) -> pd.DataFrame:
    """Confirmation rate split by whether a resident also called (methods.md §2.2; Duke found
    gunfire unconfirmed for 83 % of alerts, 91 % without a 911 call, `[DUKE-SS]`).

    Columns: ``notification`` (``alert_only``, ``both``, ``all``), ``alerts``,
    ``confirmed_gunfire``, ``share``.
    """
    merged = alerts_with_outcomes(alerts, outcomes, period=period)
    confirmed = merged.set_index("alert_id")["confirmed_gunfire"].fillna(False).astype(bool)
    flags = match.alerts.set_index("alert_id")["notification"]
    flags = flags[flags.index.isin(confirmed.index)]
    rows = []
    for label, ids in (
        (ALERT_ONLY, flags.index[flags == ALERT_ONLY]),
        (BOTH, flags.index[flags == BOTH]),
        ("all", flags.index),
    ):
        n, k = len(ids), int(confirmed.reindex(ids).sum())
        rows.append((label, n, k, k / n if n else float("nan")))
    return pd.DataFrame(rows, columns=["notification", "alerts", "confirmed_gunfire", "share"])


def call_only_response(match: MatchResult, *, cap_s: float = 3600.0) -> IntervalSummary:
    """Call received to first unit on scene for 911-only shots-fired calls, to compare with the
    alert-to-arrival time (methods.md §2.2 "Response time"; `[ST-DURHAM]` 6:38 vs 4:55)."""
    calls = match.calls[match.calls["notification"] == CALL_ONLY]
    missing = int(calls["first_onscene_at"].isna().sum())
    seconds = seconds_between(calls["received_at"], calls["first_onscene_at"]).dropna()
    s = summarize_seconds(
        seconds,
        segment="call_to_arrival",
        start_column="received_at",
        end_column="onscene_at",
        cap_s=cap_s,
    )
    counts = {"onscene_at_missing": missing, **{e.reason: e.count for e in s.excluded}}
    return IntervalSummary(
        s.segment,
        s.start_column,
        s.end_column,
        s.n_used,
        s.median_s,
        s.p90_s,
        s.mean_s,
        exclusions(counts),
    )


def gunshot_pilot(
    alerts: ir.Table,
    config: PilotConfig,
    *,
    outcomes: ir.Table | None = None,
    calls: ir.Table | None = None,
    confirmed: ir.Table | None = None,
) -> GunshotPilot:
    """Compute the pilot page from the warehouse tables the city has (module docstring)."""
    p, tz, types = config.period, config.tz, config.alert_types
    common = {"period": p, "alert_types": types}
    weekly = alerts_by_week(alerts, alert_types=types, tz=tz)
    monthly = alerts_by_month(alerts, alert_types=types, tz=tz)
    monthly_lengths = [
        ((pd.Timestamp(m) + pd.offsets.MonthBegin(1)).date() - m).days for m in monthly["month"]
    ]
    match = None
    if calls is not None:
        match = match_alerts_to_calls(
            alerts, calls, rule=config.match_rule, coverage=config.coverage, **common
        )
    return GunshotPilot(
        config=config,
        volume=alert_volume(alerts, tz=tz, holiday_hours=config.holiday_hours, **common),
        weekly=_mark(weekly, "week_start", [7] * len(weekly), p, tz),
        monthly=_mark(monthly, "month", monthly_lengths, p, tz),
        published=published_within(
            alerts,
            limit_s=config.publish_limit_s,
            tz=tz,
            holiday_hours=config.holiday_hours,
            **common,
        ),
        published_monthly=published_within_by_month(
            alerts,
            limit_s=config.publish_limit_s,
            tz=tz,
            holiday_hours=config.holiday_hours,
            **common,
        ),
        response=response_times(alerts, start=config.response_start, **common),
        response_monthly=response_times_by_month(
            alerts, start=config.response_start, tz=tz, **common
        ),
        alert_map=alert_counts_by_cell(alerts, cell_size_m=config.map_cell_m, **common),
        outcomes=None if outcomes is None else outcome_yields(alerts, outcomes, **common),
        matching=match,
        confirmation=(
            None
            if match is None or outcomes is None
            else confirmation_by_notification(match, alerts, outcomes, period=p)
        ),
        call_response=None if match is None else call_only_response(match),
        detection=(
            None
            if confirmed is None
            else detection_performance(
                confirmed,
                alerts,
                period=p,
                radius_m=config.accurate_radius_m,
                coverage=config.coverage,
                tz=tz,
                holiday_hours=config.holiday_hours,
            )
        ),
    )
