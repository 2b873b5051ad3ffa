from .measure import (
    Cadence,
    Direction,
    ManualValue,
    Measure,
    MeasureAnnotation,
    MeasureKind,
    MeasureRole,
    MeasureTarget,
    SuppressionShape,
    ToleranceMode,
    ValueFormat,
)
from .published import MeasureChart, MeasureComputation, MeasureValue, RefreshRun, RefreshStatus, ValueSource

__all__ = [
    "Cadence",
    "Direction",
    "ManualValue",
    "Measure",
    "MeasureAnnotation",
    "MeasureChart",
    "MeasureComputation",
    "MeasureKind",
    "MeasureRole",
    "MeasureTarget",
    "MeasureValue",
    "RefreshRun",
    "RefreshStatus",
    "SuppressionShape",
    "ToleranceMode",
    "ValueFormat",
]
