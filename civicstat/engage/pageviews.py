"""Counting views of department data pages (initiative 2.23's "Webpage Views").

Counted on the server, per local day, page and owning department, with nothing about the
visitor: no cookie is set or read for counting, and no IP address, user agent or referrer is
stored. Requests counted: successful (200) GETs of a *department data page*. Not counted:
signed-in staff (only checked when a session cookie is already present), self-declared crawlers
and link-preview bots (the user agent is read for that test and discarded), and browser
prefetches.

A department data page is what :func:`classify` recognises. Built in: the plan's data pages
(Wagtail ``DataPage``s: their departments, else their initiative's), measure pages (the
dashboards app's ``dashboards:measure`` view; the measure's owning departments) and the combined
event dashboard (the departments owning the 2.21 key measure). Add more with
:func:`register_classifier`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

logger = logging.getLogger("civicstat.engage")

BOTS = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|headless|curl|wget|python-|"
    r"httpclient|monitor|uptime|lighthouse|pagespeed",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DataPage:
    kind: str
    departments: tuple[str, ...]  # department slugs


Classifier = Callable[[object], DataPage | None]
_CLASSIFIERS: list[Classifier] = []


def register_classifier(fn: Classifier) -> Classifier:
    """Add a function ``fn(request) -> DataPage | None``; the first that answers wins."""
    if fn not in _CLASSIFIERS:
        _CLASSIFIERS.append(fn)
    return fn


def classify(request) -> DataPage | None:
    for fn in _CLASSIFIERS:
        page = fn(request)
        if page is not None and page.departments:
            return page
    return None


def _measure_departments(slug: str) -> tuple[str, ...]:
    from civicstat.core.models import Department

    return tuple(
        Department.objects.filter(measures__slug=slug, measures__live=True)
        .order_by("slug")
        .values_list("slug", flat=True)
        .distinct()
    )


@register_classifier
def measure_page(request) -> DataPage | None:
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name != "dashboards:measure":
        return None
    return DataPage("measure", _measure_departments(match.kwargs.get("slug", "")))


EVENT_DASHBOARD_MEASURE = "joint-community-safety-events"


@register_classifier
def data_page(request) -> DataPage | None:
    """A plan data page served by Wagtail: its departments, else its initiative's."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name != "wagtail_serve":
        return None
    from wagtail.models import Page

    from civicstat.plans.models import DataPage as PlanDataPage

    page = Page.find_for_request(request, request.path)  # cached by Wagtail's own routing
    page = page.specific if page is not None else None
    if not isinstance(page, PlanDataPage):
        return None
    slugs = sorted(page.departments.values_list("slug", flat=True))
    if not slugs and page.initiative is not None:
        slugs = sorted(page.initiative.departments.values_list("slug", flat=True))
    return DataPage("data-page", tuple(slugs))


@register_classifier
def event_dashboard(request) -> DataPage | None:
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name != "events:dashboard":
        return None
    return DataPage("event-dashboard", _measure_departments(EVENT_DASHBOARD_MEASURE))


def is_countable(request, response) -> bool:
    if request.method != "GET" or response.status_code != 200:
        return False
    meta = request.META
    if BOTS.search(meta.get("HTTP_USER_AGENT", "")):
        return False
    if "prefetch" in (meta.get("HTTP_SEC_PURPOSE", "") + meta.get("HTTP_PURPOSE", "")).lower():
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            return False
    return True


def record(path: str, page: DataPage, day: date | None = None) -> None:
    """Add one view of ``path`` for each of the page's departments on ``day`` (today, local)."""
    from civicstat.core.models import Department
    from civicstat.engage.models import PageView

    day = day or timezone.localdate()
    path = path[:255]
    for department_id in Department.objects.filter(slug__in=page.departments).values_list(
        "pk", flat=True
    ):
        key = {"date": day, "path": path, "department_id": department_id}
        if PageView.objects.filter(**key).update(views=F("views") + 1):
            continue
        try:
            with transaction.atomic():
                PageView.objects.create(**key, page_kind=page.kind, views=1)
        except IntegrityError:  # created by a concurrent request since the update
            PageView.objects.filter(**key).update(views=F("views") + 1)


def count(request, response) -> None:
    if not is_countable(request, response):
        return
    page = classify(request)
    if page is not None:
        record(request.path, page)
