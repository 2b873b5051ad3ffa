"""ICS feeds: every public event, one feed per department and per category, one per event, and
each staff member's internal feed behind a secret, revocable URL."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from civicstat.core.models import Department
from civicstat.events.ics.export import build_calendar, feed_events, to_bytes
from civicstat.events.models import Audience, Event, EventCategory, FeedToken
from civicstat.events.permissions import can_use_internal

CACHE_SECONDS = 900


def ics_response(
    request,
    events,
    name: str,
    description: str = "",
    filename: str = "events",
    internal: bool = False,
) -> HttpResponse:
    detail = "events:internal-detail" if internal else "events:detail"
    cal = build_calendar(
        feed_events(events),
        name,
        description,
        url_for=lambda e: request.build_absolute_uri(reverse(detail, args=[e.pk])),
    )
    response = HttpResponse(to_bytes(cal), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    if internal:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
    else:
        response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


def public_events():
    return Event.objects.filter(audience=Audience.PUBLIC)


@require_GET
def public_feed(request):
    return ics_response(
        request,
        public_events(),
        _("Community safety events"),
        _("Every public community safety event of the city's departments."),
        "community-safety-events",
    )


@require_GET
def department_feed(request, slug: str):
    department = get_object_or_404(Department, slug=slug)
    return ics_response(
        request,
        public_events().with_department(department),
        _("%(department)s: community safety events") % {"department": department.name},
        filename=f"events-{department.slug}",
    )


@require_GET
def category_feed(request, slug: str):
    category = get_object_or_404(EventCategory, slug=slug)
    return ics_response(
        request,
        public_events().filter(category=category),
        _("%(category)s: community safety events") % {"category": category.name},
        filename=f"events-{category.slug}",
    )


@require_GET
def event_feed(request, pk: int):
    event = get_object_or_404(public_events(), pk=pk)
    return ics_response(
        request, Event.objects.filter(pk=event.pk), event.title, filename=f"event-{event.pk}"
    )


@require_GET
def internal_feed(request, token: str):
    """Refused (403) once revoked, or when its owner no longer works for a department; 404 for
    an address that never existed."""
    feed = FeedToken.objects.select_related("user").filter(token=token).first()
    if feed is None:
        return HttpResponse(
            _("There is no calendar feed at this address."),
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    if feed.revoked or not can_use_internal(feed.user):
        return HttpResponse(
            _(
                "This calendar feed address has been revoked. Sign in to the staff calendar to "
                "get a new one."
            ),
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    FeedToken.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return ics_response(
        request,
        Event.objects.all(),
        _("Staff calendar: all events"),
        _("Public and internal events of every department."),
        "staff-calendar",
        internal=True,
    )


@require_GET
def feed_index(request):
    departments = Department.objects.filter(hosted_events__audience=Audience.PUBLIC).distinct()
    categories = EventCategory.objects.filter(events__audience=Audience.PUBLIC).distinct()

    def links(url: str) -> dict:
        absolute = request.build_absolute_uri(url)
        return {
            "url": url,
            "absolute": absolute,
            "webcal": "webcal://" + absolute.split("://", 1)[1],
        }

    return render(
        request,
        "events/feeds.html",
        {
            "all": links(reverse("events:feed-public")),
            "departments": [
                (d, links(reverse("events:feed-department", args=[d.slug]))) for d in departments
            ],
            "categories": [
                (c, links(reverse("events:feed-category", args=[c.slug]))) for c in categories
            ],
        },
    )
