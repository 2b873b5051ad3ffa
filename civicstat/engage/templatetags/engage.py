"""{% questions_for measure %} / {% questions_for page %}: the published questions and answers
about a measure or page, and the form to ask one. {% form_field field %}: a labelled field whose
help and error texts are tied to it (aria-describedby, aria-invalid)."""

from __future__ import annotations

from django import forms, template
from django.urls import reverse

from civicstat.engage.forms import QuestionForm
from civicstat.engage.models import Question

register = template.Library()


def _action(target) -> str:
    from civicstat.measures.models import Measure

    if isinstance(target, Measure):
        return reverse("engage:ask", args=["measure", target.slug])
    return reverse("engage:ask", args=["page", str(target.pk)])


@register.inclusion_tag("engage/includes/questions.html", takes_context=True)
def questions_for(context, target, heading_level=2):
    request = context.get("request")
    published = (
        Question.objects.published()
        .about(target)
        .select_related("answered_by_department")
        .order_by("-created_at")
    )
    return {
        "request": request,
        "questions": list(published),
        "form": QuestionForm(),
        "action": _action(target),
        "asked": bool(request and request.GET.get("asked")),
        "level": heading_level,
        "sub_level": heading_level + 1,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("engage/includes/field.html")
def form_field(field, describe_help=True):
    ids = []
    if field.help_text and describe_help:
        ids.append(f"{field.auto_id}-help")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    attrs = {}
    if ids:
        attrs["aria-describedby"] = " ".join(ids)
    if field.errors:
        attrs["aria-invalid"] = "true"
    grouped = isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
    return {
        "field": field,
        "rendered": field.as_widget(attrs=attrs),
        "grouped": grouped,
        "describedby": attrs.get("aria-describedby", ""),
    }


@register.inclusion_tag("engage/includes/error_summary.html")
def error_summary(form):
    items = []
    for field in form:
        for error in field.errors:
            items.append((f"#{field.auto_id}", field.label, error))
    for error in form.non_field_errors():
        items.append(("", "", error))
    return {"items": items}
