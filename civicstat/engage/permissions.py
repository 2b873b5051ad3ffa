"""Who sees and handles what residents send.

* Event requests: the asked department's staff handle them and are the only ones who see the
  requester's name, email and phone. The performance office sees the queue without contact
  details.
* Questions: staff of the departments owning the measure or initiative moderate and answer
  them; the performance office moderates every question.
"""

from __future__ import annotations

from civicstat.core.models import Department
from civicstat.events.permissions import can_use_internal, is_office, staff_departments

__all__ = [
    "can_use_internal",
    "staff_departments",
    "is_office",
    "can_see_contact",
    "can_handle_request",
    "requests_for",
    "can_moderate",
    "questions_for",
    "target_departments",
]


def can_see_contact(user, event_request) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and staff_departments(user).filter(pk=event_request.department_id).exists()
    )


def can_handle_request(user, event_request) -> bool:
    return can_see_contact(user, event_request)


def requests_for(user):
    from civicstat.engage.models import EventRequest

    qs = EventRequest.objects.select_related("department", "event")
    if is_office(user):
        return qs
    return qs.filter(department__in=staff_departments(user))


def target_departments(question) -> list[Department]:
    if question.measure_id:
        return list(question.measure.departments.all())
    page = question.page.specific
    departments = getattr(page, "departments", None)
    return list(departments.all()) if departments is not None else []


def can_moderate(user, question) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if is_office(user):
        return True
    mine = set(staff_departments(user).values_list("pk", flat=True))
    return any(d.pk in mine for d in target_departments(question))


def questions_for(user):
    """The questions the user may moderate."""
    from django.db.models import Q

    from civicstat.engage.models import Question

    qs = Question.objects.select_related("measure", "page")
    if is_office(user):
        return qs
    mine = staff_departments(user)
    from civicstat.plans.models import InitiativePage

    pages = InitiativePage.objects.filter(departments__in=mine).values("pk")
    return qs.filter(Q(measure__departments__in=mine) | Q(page_id__in=pages)).distinct()
