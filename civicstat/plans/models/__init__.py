from .data_pages import DataPage
from .history import StatusChange
from .pages import GoalPage, InitiativePage, NextStep, ObjectivePage, PlanPage
from .statuses import MEASURE_STATUS_KEYS, StatusIcon, StatusKind, StatusOption

__all__ = [
    "DataPage",
    "GoalPage",
    "InitiativePage",
    "MEASURE_STATUS_KEYS",
    "NextStep",
    "ObjectivePage",
    "PlanPage",
    "StatusChange",
    "StatusIcon",
    "StatusKind",
    "StatusOption",
]
