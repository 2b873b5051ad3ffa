from .measure import (
    Cadence,
    Direction,
    ManualValue,
    Measure,
    MeasureAnnotation,
    MeasureKind,
    MeasureRole,
    MeasureTarget,
    ToleranceMode,
    ValueFormat,
)
from .published import MeasureComputation, MeasureValue, RefreshRun, RefreshStatus, ValueSource

__all__ = [
    "Cadence",
    "Direction",
    "ManualValue",
    "Measure",
    "MeasureAnnotation",
    "MeasureComputation",
    "MeasureKind",
    "MeasureRole",
    "MeasureTarget",
    "MeasureValue",
    "RefreshRun",
    "RefreshStatus",
    "ToleranceMode",
    "ValueFormat",
]
