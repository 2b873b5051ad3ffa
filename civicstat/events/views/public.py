"""The public calendar: upcoming events, a month grid and each event's page.

Only public events appear here; internal events are never selected (CalendarFilter's audience),
and an internal event's page answers 404 as if it did not exist.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from civicstat.events import grid
from civicstat.events.forms import CalendarFilterForm
from civicstat.events.models import Audience, Event
from civicstat.events.occurrences import expand_event, prepared

LIST_DAYS = 60
"""The upcoming-events list covers this many days from its start date."""


def parse_day(text: str | None, default: date | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


def check_month(year: int, month: int) -> None:
    if not (1 <= month <= 12 and 1900 <= year <= 2200):
        raise Http404


def calendar_context(request, form, *, internal: bool) -> dict:
    prefix = "events:internal-" if internal else "events:"
    query = form.query()
    today = timezone.localdate()
    flt = form.calendar_filter()
    if flt.department is not None:
        subscribe = reverse("events:feed-department", args=[flt.department.slug])
    elif flt.category is not None:
        subscribe = reverse("events:feed-category", args=[flt.category.slug])
    else:
        subscribe = reverse("events:feed-public")
    return {
        "subscribe_url": subscribe,
        "filter_form": form,
        "query": query,
        "internal": internal,
        "list_url": reverse(prefix + "list") + query,
        "this_month_url": reverse(prefix + "month", args=[today.year, today.month]) + query,
        "month_url_name": prefix + "month",
        "detail_url_name": "events:internal-detail" if internal else "events:detail",
    }


@require_GET
def upcoming(request):
    form = CalendarFilterForm(request.GET or None)
    first = parse_day(request.GET.get("from"), timezone.localdate())
    days = grid.agenda(first, LIST_DAYS, form.calendar_filter())
    context = calendar_context(request, form, internal=False)
    context.update(
        {
            "days": days,
            "first": first,
            "last": first + timedelta(days=LIST_DAYS - 1),
            "later_url": f"?{_with_param(request, 'from', (first + timedelta(days=LIST_DAYS)).isoformat())}",
            "earlier_url": f"?{_with_param(request, 'from', (first - timedelta(days=LIST_DAYS)).isoformat())}",
        }
    )
    return render(request, "events/calendar_list.html", context)


def _with_param(request, name: str, value: str) -> str:
    params = request.GET.copy()
    params[name] = value
    return params.urlencode()


@require_GET
def month(request, year: int, month: int):
    check_month(year, month)
    form = CalendarFilterForm(request.GET or None)
    month_grid = grid.month_grid(year, month, form.calendar_filter())
    context = calendar_context(request, form, internal=False)
    context.update(month_context(month_grid, context["month_url_name"], context["query"]))
    return render(request, "events/calendar_month.html", context)


def month_context(month_grid: grid.MonthGrid, url_name: str, query: str) -> dict:
    prev, nxt = month_grid.previous, month_grid.next
    return {
        "grid": month_grid,
        "previous_url": reverse(url_name, args=[prev.year, prev.month]) + query,
        "next_url": reverse(url_name, args=[nxt.year, nxt.month]) + query,
        "previous_month": prev,
        "next_month": nxt,
    }


def upcoming_dates(event: Event, count: int = 8, days: int = 400):
    now = timezone.now()
    return expand_event(event, now - timedelta(hours=12), now + timedelta(days=days))[:count]


@require_GET
def detail(request, pk: int):
    event = get_object_or_404(prepared(Event.objects.filter(audience=Audience.PUBLIC)), pk=pk)
    return render(request, "events/event_detail.html", detail_context(request, event))


def detail_context(request, event: Event) -> dict:
    on = parse_day(request.GET.get("date"), None)  # one date of a series, ?date=YYYY-MM-DD
    chosen = None
    if on is not None:
        start = grid.local_midnight(on)
        chosen = next(iter(expand_event(event, start, start + timedelta(days=1))), None)
    assisting = [a.department for a in event.assists.all() if a.status == "accepted"]
    return {
        "event": event,
        "chosen": chosen,
        "dates": upcoming_dates(event),
        "assisting": assisting,
        "joint": bool(assisting),
    }
