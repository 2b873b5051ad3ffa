"""Staff queues: event requests to triage, questions to moderate and answer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicstat.engage import notify
from civicstat.engage.forms import ModerationForm, RequestTriageForm
from civicstat.engage.models import Question, QuestionStatus, RequestStatus
from civicstat.engage.permissions import (
    can_handle_request,
    can_moderate,
    can_see_contact,
    questions_for,
    requests_for,
    staff_departments,
)
from civicstat.events.permissions import internal_required

OPEN = (RequestStatus.NEW, RequestStatus.IN_REVIEW)


@internal_required
def request_queue(request):
    status = request.GET.get("status", "open")
    qs = requests_for(request.user)
    if status == "open":
        qs = qs.filter(status__in=OPEN)
    elif status in RequestStatus.values:
        qs = qs.filter(status=status)
    rows = [(r, can_see_contact(request.user, r)) for r in qs[:200]]
    return render(
        request,
        "engage/staff/request_queue.html",
        {
            "rows": rows,
            "status": status,
            "statuses": RequestStatus.choices,
        },
    )


@internal_required
def request_detail(request, pk: int):
    event_request = get_object_or_404(requests_for(request.user), pk=pk)
    may_handle = can_handle_request(request.user, event_request)
    form = RequestTriageForm(request.POST or None, instance=event_request)
    if request.method == "POST":
        if not may_handle:
            raise PermissionDenied
        if form.is_valid():
            saved = form.save(commit=False)
            saved.handled_by = request.user
            saved.save()
            messages.success(request, _("Request %(ref)s updated.") % {"ref": saved.reference})
            return redirect("engage:staff-requests")
    return render(
        request,
        "engage/staff/request_detail.html",
        {
            "r": event_request,
            "form": form,
            "may_handle": may_handle,
            "show_contact": can_see_contact(request.user, event_request),
        },
        status=400 if form.errors else 200,
    )


@internal_required
def question_queue(request):
    status = request.GET.get("status", QuestionStatus.PENDING)
    if status not in QuestionStatus.values:
        status = QuestionStatus.PENDING
    questions = questions_for(request.user).filter(status=status).order_by("created_at")
    return render(
        request,
        "engage/staff/question_queue.html",
        {
            "items": [
                (q, ModerationForm(initial={"answer": q.answer}, prefix=f"q{q.pk}"))
                for q in questions[:200]
            ],
            "status": status,
            "statuses": QuestionStatus.choices,
        },
    )


@require_POST
@internal_required
def moderate(request, pk: int):
    question = get_object_or_404(Question.objects.select_related("measure", "page"), pk=pk)
    if not can_moderate(request.user, question):
        raise PermissionDenied
    form = ModerationForm(request.POST, prefix=f"q{question.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose whether to publish the question."))
        return redirect("engage:staff-questions")
    now = timezone.now()
    answer = form.cleaned_data["answer"].strip()
    newly_answered = bool(answer) and answer != question.answer
    question.status = (
        QuestionStatus.APPROVED
        if form.cleaned_data["action"] == "approve"
        else QuestionStatus.REJECTED
    )
    question.moderated_by, question.moderated_at = request.user, now
    if newly_answered:
        question.answer, question.answered_by, question.answered_at = answer, request.user, now
        question.answered_by_department = staff_departments(request.user).first()
    question.save()
    if question.published and newly_answered:
        notify.question_answered(question, request)
    text = (
        _("The question is published on “%(title)s”.")
        if question.published
        else _("The question will not be published.")
    )
    messages.success(request, text % {"title": question.target_title})
    return redirect("engage:staff-questions")
