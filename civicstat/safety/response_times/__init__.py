"""911 / emergency response-time segments, summaries and standards (methods.md §3).

Usage::

    rules = SegmentRules.default()
    view = segments(calls, rules)            # Ibis: one row per (call, segment)
    table = summary(view, by=("priority",), thresholds=thresholds(["nena_answer_15s"]))

Pure: takes Ibis tables, never opens a connection, imports no Django.
"""

from civicstat.safety.response_times.rules import (
    EXCLUSION_REASONS,
    SCOPE_REASONS,
    SEGMENT_DEFINITIONS,
    SEGMENTS,
    SegmentDefinition,
    SegmentRule,
    SegmentRules,
)
from civicstat.safety.response_times.segments import (
    SEGMENT_COLUMNS,
    scope,
    scope_counts,
    segments,
)
from civicstat.safety.response_times.standards import (
    Standard,
    get_standard,
    load_standards,
    thresholds,
)
from civicstat.safety.response_times.summary import SUMMARY_STATISTICS, summary

__all__ = [
    "EXCLUSION_REASONS",
    "SCOPE_REASONS",
    "SEGMENTS",
    "SEGMENT_COLUMNS",
    "SEGMENT_DEFINITIONS",
    "SUMMARY_STATISTICS",
    "SegmentDefinition",
    "SegmentRule",
    "SegmentRules",
    "Standard",
    "get_standard",
    "load_standards",
    "scope",
    "scope_counts",
    "segments",
    "summary",
    "thresholds",
]
