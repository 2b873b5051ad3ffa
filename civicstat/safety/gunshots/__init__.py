"""Gunshot-detection (ShotSpotter / SoundThinking) pilot evaluation (methods.md §2; PURE: no Django).

Callers pass Ibis tables with the canonical columns of ``gunshot_alerts``, ``gunshot_outcomes``,
``calls_for_service`` and ``confirmed_shootings`` (see :mod:`.detection`); every function selects
and filters in Ibis, then finishes the (small) tables in pandas. ``docs/gunshot-detection.md``
defines each measure.
"""

from civicstat.safety.gunshots.detection import (
    CONFIRMED_SHOOTING_COLUMNS,
    DetectionPerformance,
    detection_performance,
)
from civicstat.safety.gunshots.errors import GunshotDataError
from civicstat.safety.gunshots.frames import Period
from civicstat.safety.gunshots.holidays import holiday_windows, in_holiday_window
from civicstat.safety.gunshots.latency import (
    published_within,
    published_within_by_month,
    response_times,
    response_times_by_month,
)
from civicstat.safety.gunshots.matching import MatchResult, MatchRule, match_alerts_to_calls
from civicstat.safety.gunshots.outcomes import outcome_yields, outcomes_by_month
from civicstat.safety.gunshots.pilot import (
    GunshotPilot,
    PilotConfig,
    call_only_response,
    confirmation_by_notification,
    gunshot_pilot,
)
from civicstat.safety.gunshots.public_map import (
    AlertMap,
    alert_counts_by_beat,
    alert_counts_by_cell,
)
from civicstat.safety.gunshots.results import Exclusion, IntervalSummary, ShareWithin
from civicstat.safety.gunshots.volume import (
    AlertVolume,
    alert_volume,
    alerts_by_month,
    alerts_by_week,
)

__all__ = [
    "CONFIRMED_SHOOTING_COLUMNS",
    "AlertMap",
    "AlertVolume",
    "DetectionPerformance",
    "Exclusion",
    "GunshotDataError",
    "GunshotPilot",
    "IntervalSummary",
    "MatchResult",
    "MatchRule",
    "Period",
    "PilotConfig",
    "ShareWithin",
    "alert_counts_by_beat",
    "alert_counts_by_cell",
    "alert_volume",
    "alerts_by_month",
    "alerts_by_week",
    "call_only_response",
    "confirmation_by_notification",
    "detection_performance",
    "gunshot_pilot",
    "holiday_windows",
    "in_holiday_window",
    "match_alerts_to_calls",
    "outcome_yields",
    "outcomes_by_month",
    "published_within",
    "published_within_by_month",
    "response_times",
    "response_times_by_month",
]
