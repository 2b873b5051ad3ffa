from .category import EventCategory
from .changes import OccurrenceChange
from .choices import AssistStatus, Audience, DepartmentRole, EventSource, EventStatus
from .event import Event, new_uid
from .feeds import FeedToken
from .participation import EventAssist

__all__ = [
    "AssistStatus",
    "Audience",
    "DepartmentRole",
    "Event",
    "EventAssist",
    "EventCategory",
    "EventSource",
    "EventStatus",
    "FeedToken",
    "OccurrenceChange",
    "new_uid",
]
