"""Emails to residents and departments, through Django's email backend (console in
development, locmem in tests). A failure to send is logged and never loses the submission."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

logger = logging.getLogger("civicstat.engage")


def _send(subject: str, body: str, to: list[str], reply_to: list[str] | None = None) -> bool:
    to = [a for a in to if a]
    if not to:
        return False
    message = EmailMessage(
        subject.strip().replace("\n", " "), body, settings.DEFAULT_FROM_EMAIL, to, reply_to=reply_to
    )
    try:
        message.send()
    except Exception:  # noqa: BLE001 (the submission is saved; staff see it in the queue)
        logger.exception("could not send the email %r to %s", subject, to)
        return False
    return True


def request_received(event_request, request) -> None:
    """Confirmation to the resident (in their language); notice to the department's inbox."""
    triage = request.build_absolute_uri(reverse("engage:staff-request", args=[event_request.pk]))
    context = {"r": event_request, "triage_url": triage, "site": request.build_absolute_uri("/")}
    with translation.override(event_request.language or settings.LANGUAGE_CODE):
        _send(
            render_to_string("engage/email/request_confirmation_subject.txt", context),
            render_to_string("engage/email/request_confirmation.txt", context),
            [event_request.email],
            reply_to=[event_request.department.email] if event_request.department.email else None,
        )
    _send(
        render_to_string("engage/email/request_department_subject.txt", context),
        render_to_string("engage/email/request_department.txt", context),
        [event_request.department.email],
        reply_to=[event_request.email],
    )


def question_answered(question, request) -> None:
    if not question.email:
        return
    context = {"q": question, "url": request.build_absolute_uri(question.target_url or "/")}
    _send(
        render_to_string("engage/email/question_answered_subject.txt", context),
        render_to_string("engage/email/question_answered.txt", context),
        [question.email],
    )
