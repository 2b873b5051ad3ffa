"""A resident asks a department to attend an event or meet their neighborhood."""

from __future__ import annotations

from django.core import signing
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from civicstat.core.models import Department
from civicstat.engage import notify, ratelimit
from civicstat.engage.forms import EventRequestForm
from civicstat.engage.models import EventRequest

SALT = "civicstat.engage.request"


@require_http_methods(["GET", "POST"])
def request_form(request):
    initial = {}
    if slug := request.GET.get("department"):
        initial["department"] = Department.objects.filter(slug=slug).first()
    form = EventRequestForm(request.POST or None, initial=initial)
    status, limited = 200, False
    if request.method == "POST":
        if form.is_spam:
            return redirect("engage:request-thanks")
        if form.is_valid():
            if ratelimit.allow(request, ratelimit.EVENT_REQUESTS):
                with transaction.atomic():
                    event_request: EventRequest = form.save(commit=False)
                    event_request.language = translation.get_language() or "en"
                    event_request.save()
                notify.request_received(event_request, request)
                ref = signing.dumps(event_request.pk, salt=SALT)
                return redirect(reverse("engage:request-thanks") + f"?ref={ref}")
            status, limited = 429, True
        else:
            status = 400
    return render(
        request, "engage/request_form.html", {"form": form, "limited": limited}, status=status
    )


def request_thanks(request):
    event_request = None
    try:
        pk = signing.loads(request.GET.get("ref", ""), salt=SALT, max_age=3600)
        event_request = EventRequest.objects.select_related("department").filter(pk=pk).first()
    except signing.BadSignature:
        pass
    return render(request, "engage/request_thanks.html", {"event_request": event_request})
