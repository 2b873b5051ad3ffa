"""The staff calendar: month, week and list views of every event, offers to assist, and each
staff member's internal feed address."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from civicstat.events import grid
from civicstat.events.forms import AssistOfferForm, InternalFilterForm
from civicstat.events.models import AssistStatus, Event, EventAssist, FeedToken
from civicstat.events.occurrences import prepared
from civicstat.events.permissions import can_manage, internal_required, staff_departments
from civicstat.events.views.public import (
    LIST_DAYS,
    calendar_context,
    check_month,
    detail_context,
    month_context,
    parse_day,
)


def _context(request, form) -> dict:
    context = calendar_context(request, form, internal=True)
    today = timezone.localdate()
    start = grid.week_start(today)
    context["this_week_url"] = (
        reverse("events:internal-week", args=[start.year, start.month, start.day])
        + context["query"]
    )
    context["pending_offers"] = pending_offers(request.user)
    return context


def pending_offers(user):
    """Offers waiting for a decision by one of the user's departments."""
    return (
        EventAssist.objects.filter(
            status=AssistStatus.OFFERED, event__host_department__in=staff_departments(user)
        )
        .select_related("event", "department")
        .order_by("offered_at")
    )


@require_GET
@internal_required
def upcoming(request):
    form = InternalFilterForm(request.GET or None)
    first = parse_day(request.GET.get("from"), timezone.localdate())
    context = _context(request, form)
    context.update(
        {
            "days": grid.agenda(first, LIST_DAYS, form.calendar_filter()),
            "first": first,
            "last": first + timedelta(days=LIST_DAYS - 1),
        }
    )
    return render(request, "events/calendar_list.html", context)


@require_GET
@internal_required
def month(request, year: int, month: int):
    check_month(year, month)
    form = InternalFilterForm(request.GET or None)
    context = _context(request, form)
    month_grid = grid.month_grid(year, month, form.calendar_filter())
    context.update(month_context(month_grid, context["month_url_name"], context["query"]))
    return render(request, "events/calendar_month.html", context)


@require_GET
@internal_required
def week(request, year: int, month: int, day: int):
    try:
        first = grid.week_start(date(year, month, day))
    except ValueError as exc:
        raise Http404 from exc
    form = InternalFilterForm(request.GET or None)
    context = _context(request, form)
    prev, nxt = first - timedelta(days=7), first + timedelta(days=7)
    context.update(
        {
            "days": grid.agenda(first, 7, form.calendar_filter()),
            "first": first,
            "last": first + timedelta(days=6),
            "previous_url": reverse("events:internal-week", args=[prev.year, prev.month, prev.day])
            + context["query"],
            "next_url": reverse("events:internal-week", args=[nxt.year, nxt.month, nxt.day])
            + context["query"],
        }
    )
    return render(request, "events/calendar_week.html", context)


def _offer_departments(user, event: Event):
    taking_part = {event.host_department_id} | {
        a.department_id for a in event.assists.all() if a.status != AssistStatus.DECLINED
    }
    return [d for d in staff_departments(user) if d.pk not in taking_part]


@require_GET
@internal_required
def detail(request, pk: int):
    event = get_object_or_404(prepared(Event.objects.all()), pk=pk)
    context = detail_context(request, event)
    departments = _offer_departments(request.user, event)
    context.update(
        {
            "internal": True,
            "offer_form": AssistOfferForm(departments=departments) if departments else None,
            "offers": event.assists.select_related("department", "offered_by").order_by(
                "offered_at"
            ),
            "can_manage": can_manage(request.user, event),
            "admin_edit_url": _admin_edit_url(event),
        }
    )
    return render(request, "events/internal_event_detail.html", context)


def _admin_edit_url(event: Event) -> str:
    try:
        return reverse("wagtailsnippets_events_event:edit", args=[event.pk])
    except Exception:  # noqa: BLE001 (the admin may not register events)
        return ""


@require_POST
@internal_required
def offer(request, pk: int):
    """One action: the user's department offers to assist; the host accepts or declines."""
    event = get_object_or_404(prepared(Event.objects.all()), pk=pk)
    form = AssistOfferForm(request.POST, departments=_offer_departments(request.user, event))
    if not form.is_valid():
        messages.error(
            request,
            _("Choose one of your departments that is not already taking part in this event."),
        )
        return redirect("events:internal-detail", pk=event.pk)
    department = form.cleaned_data["department"]
    with transaction.atomic():
        assist, _created = EventAssist.objects.update_or_create(
            event=event,
            department=department,
            defaults={
                "status": AssistStatus.OFFERED,
                "note": form.cleaned_data["note"],
                "offered_by": request.user,
                "decided_by": None,
                "decided_at": None,
            },
        )
    _notify_host(request, assist)
    messages.success(
        request,
        _("%(department)s offered to help. %(host)s will accept or decline the offer.")
        % {"department": department.name, "host": event.host_department.name},
    )
    return redirect("events:internal-detail", pk=event.pk)


def _notify_host(request, assist: EventAssist) -> None:
    host = assist.event.host_department
    if not host.email:
        return
    url = request.build_absolute_uri(reverse("events:internal-detail", args=[assist.event_id]))
    send_mail(
        _("Offer to help at “%(event)s”") % {"event": assist.event.title},
        _(
            "%(department)s offered to help at “%(event)s”.\n\n%(note)s\n\nAccept or decline: "
            "%(url)s"
        )
        % {
            "department": assist.department.name,
            "event": assist.event.title,
            "note": assist.note,
            "url": url,
        },
        settings.DEFAULT_FROM_EMAIL,
        [host.email],
        fail_silently=True,
    )


@require_POST
@internal_required
def decide(request, pk: int, decision: str):
    assist = get_object_or_404(EventAssist.objects.select_related("event", "department"), pk=pk)
    if decision not in ("accept", "decline"):
        raise Http404
    if not can_manage(request.user, assist.event):
        raise PermissionDenied
    assist.status = AssistStatus.ACCEPTED if decision == "accept" else AssistStatus.DECLINED
    assist.decided_by, assist.decided_at = request.user, timezone.now()
    assist.save(update_fields=["status", "decided_by", "decided_at"])
    text = (
        _("%(department)s now assists at this event.")
        if decision == "accept"
        else _("You declined the offer from %(department)s.")
    )
    messages.success(request, text % {"department": assist.department.name})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("events:internal-detail", args=[assist.event_id])
    return redirect(back)


@internal_required
def feed(request):
    """Show, create or revoke the user's secret internal feed address."""
    if request.method == "POST":
        action = request.POST.get("action")
        with transaction.atomic():
            for token in FeedToken.objects.active().filter(user=request.user):
                token.revoke()
            if action == "create":
                FeedToken.objects.create(user=request.user)
                messages.success(
                    request,
                    _("Your new feed address is ready. Any earlier address no longer works."),
                )
            else:
                messages.success(request, _("Your feed address was revoked."))
        return redirect("events:internal-feed")
    token = FeedToken.objects.active().filter(user=request.user).first()
    url = (
        request.build_absolute_uri(reverse("events:feed-internal", args=[token.token]))
        if token
        else ""
    )
    return render(
        request,
        "events/internal_feed.html",
        {
            "token": token,
            "feed_url": url,
            "webcal_url": "webcal://" + url.split("://", 1)[1] if url else "",
            "internal": True,
        },
    )
