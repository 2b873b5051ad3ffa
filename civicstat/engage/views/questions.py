"""Questions and feedback from residents on measures and pages, published only after review."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from civicstat.engage import ratelimit
from civicstat.engage.forms import QuestionForm
from civicstat.measures.models import Measure

KINDS = ("measure", "page")


def resolve_target(kind: str, key: str):
    if kind == "measure":
        return get_object_or_404(Measure.objects.live(), slug=key)
    if kind == "page" and key.isdigit():
        page = get_object_or_404(Page.objects.live().public(), pk=int(key))
        return page.specific
    raise Http404


def target_url(target) -> str:
    return getattr(target, "public_url", None) or getattr(target, "url", "") or "/"


@require_http_methods(["GET", "POST"])
def ask(request, kind: str, key: str):
    """POST a question about a measure (by slug) or a page (by id). Valid questions wait for
    review and the resident returns to the page; invalid ones come back here with messages."""
    target = resolve_target(kind, key)
    form = QuestionForm(request.POST or None)
    status, limited = 200, False
    if request.method == "POST":
        if form.is_spam:
            return redirect(target_url(target) + "?asked=1#questions")
        if form.is_valid():
            if ratelimit.allow(request, ratelimit.QUESTIONS):
                question = form.save(commit=False)
                if kind == "measure":
                    question.measure = target
                else:
                    question.page_id = target.pk
                question.save()
                return redirect(target_url(target) + "?asked=1#questions")
            status, limited = 429, True
        else:
            status = 400
    return render(
        request,
        "engage/question_form_page.html",
        {
            "form": form,
            "target": target,
            "target_url": target_url(target),
            "target_title": getattr(target, "name", None) or getattr(target, "title", ""),
            "action": request.path,
            "limited": limited,
        },
        status=status,
    )
