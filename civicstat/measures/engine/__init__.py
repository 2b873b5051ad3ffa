"""The measure engine (PURE: no Django): MeasureSpec -> Ibis expression -> Series, the status
rule and small-cell suppression. See docs/measures.md, "Measure specs"."""

from civicstat.measures.engine.compiler import MISSING_CATEGORY, compile
from civicstat.measures.engine.conditions import Condition, parse_condition
from civicstat.measures.engine.errors import (
    CompileError,
    ExecutionError,
    MeasureError,
    SpecError,
    SpecIssue,
    StatusRuleError,
    SuppressionError,
)
from civicstat.measures.engine.periods import Grain, Period, period_at, period_containing
from civicstat.measures.engine.runner import Resolver, resolver_for, run
from civicstat.measures.engine.series import Series
from civicstat.measures.engine.spec import (
    Aggregate,
    AggregateKind,
    Exclusion,
    MeasureSpec,
    PeriodRange,
    Reset,
    SecondsBetween,
    Window,
    WindowKind,
)
from civicstat.measures.engine.status import (
    Direction,
    StatusKey,
    StatusResult,
    StatusRule,
    TolMode,
    evaluate,
    is_overdue,
    latest_expected_period,
    next_due,
)
from civicstat.measures.engine.suppression import (
    suppress_counts,
    suppress_cumulative,
    suppress_table,
)

__all__ = [
    "MISSING_CATEGORY",
    "Aggregate",
    "AggregateKind",
    "CompileError",
    "Condition",
    "Direction",
    "Exclusion",
    "ExecutionError",
    "Grain",
    "MeasureError",
    "MeasureSpec",
    "Period",
    "PeriodRange",
    "Reset",
    "Resolver",
    "SecondsBetween",
    "Series",
    "SpecError",
    "SpecIssue",
    "StatusKey",
    "StatusResult",
    "StatusRule",
    "StatusRuleError",
    "SuppressionError",
    "TolMode",
    "Window",
    "WindowKind",
    "compile",
    "evaluate",
    "is_overdue",
    "latest_expected_period",
    "next_due",
    "parse_condition",
    "period_at",
    "period_containing",
    "resolver_for",
    "run",
    "suppress_counts",
    "suppress_cumulative",
    "suppress_table",
]
