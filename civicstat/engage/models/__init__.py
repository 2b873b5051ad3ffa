from .pageviews import PageView
from .questions import Question, QuestionQuerySet, QuestionStatus
from .requests import EventRequest, RequestKind, RequestStatus
from .surveys import SurveyFormField, SurveyPage

__all__ = [
    "EventRequest",
    "PageView",
    "Question",
    "QuestionQuerySet",
    "QuestionStatus",
    "RequestKind",
    "RequestStatus",
    "SurveyFormField",
    "SurveyPage",
]
