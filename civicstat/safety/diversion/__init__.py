"""Diversion eligibility: which calls a civilian response could take, by a rule set kept as data
(methods.md §4.1, §4.3), and the coverage and staffing views built on the decisions.

Usage::

    rules = EligibilityRuleSet.durham()
    decisions = decide(calls, rules)                       # one row per call, with decided_by
    eligible_by_month(decisions)
    heart_vs_police_share(decisions, crisis)
    left_to_police_by_hour_weekday(decisions, crisis)
    what_if(calls, rules, rules.without_exclusion("medical_need"))

Pure: takes Ibis tables, never opens a connection, imports no Django.
"""

from civicstat.safety.diversion.decide import (
    DECISION_COLUMNS,
    WhatIf,
    decide,
    decision_counts,
    what_if,
)
from civicstat.safety.diversion.outputs import (
    DEFAULT_RESPONDERS,
    POLICE,
    answered_by,
    eligible_by_month,
    heart_vs_police_share,
    left_to_police_by_hour_weekday,
)
from civicstat.safety.diversion.ruleset import (
    CANCELLED,
    DURHAM_RULES_PATH,
    ELIGIBLE,
    NOT_ELIGIBLE_TYPE,
    SELF_INITIATED,
    EligibilityRuleSet,
    ExclusionRule,
)

__all__ = [
    "CANCELLED",
    "DECISION_COLUMNS",
    "DEFAULT_RESPONDERS",
    "DURHAM_RULES_PATH",
    "ELIGIBLE",
    "NOT_ELIGIBLE_TYPE",
    "POLICE",
    "SELF_INITIATED",
    "EligibilityRuleSet",
    "ExclusionRule",
    "WhatIf",
    "answered_by",
    "decide",
    "decision_counts",
    "eligible_by_month",
    "heart_vs_police_share",
    "left_to_police_by_hour_weekday",
    "what_if",
]
