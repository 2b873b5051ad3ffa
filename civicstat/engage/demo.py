"""Demo content for engagement: synthetic page views of department data pages, a survey, a few
questions and event requests. Safe to run again (replaces its own rows).

Page views are assumed volumes (Poisson per day and page): Police 30, Community Safety 12,
Emergency Communications 8 views a day across each department's data pages (plan data pages and
measure pages), every day from the first day the Webpage Views measure counts (July 2024, FY25)
to yesterday. The Fire Department has none: it has no data page (inventory, 2.23).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from django.db import transaction
from django.utils import timezone

from civicstat.core.models import Department
from civicstat.engage.models import (
    EventRequest,
    PageView,
    Question,
    QuestionStatus,
    RequestKind,
    RequestStatus,
    SurveyFormField,
    SurveyPage,
)

DAILY_VIEWS = {"police": 30, "community-safety": 12, "emergency-communications": 8}  # assumed
SEED = 2024


def first_day() -> date:
    """The first day the Webpage Views measure counts (its periods' start in the catalogue)."""
    from civicstat.events.measures import PAGE_VIEWS, specs

    return date.fromisoformat(str(specs()[PAGE_VIEWS]["periods"]["start"]))


def _data_pages() -> dict[str, list[tuple[str, str]]]:
    """(path, kind) of each department's data pages: plan data pages and measure pages."""
    from civicstat.measures.models import Measure
    from civicstat.plans.models import DataPage

    pages: dict[str, list[tuple[str, str]]] = {}
    for page in DataPage.objects.live().specific():
        departments = list(page.departments.all())
        if not departments and page.initiative is not None:
            departments = list(page.initiative.departments.all())
        for department in departments:
            if department.slug in DAILY_VIEWS:
                pages.setdefault(department.slug, []).append((page.url, "data-page"))
    for measure in Measure.objects.live().prefetch_related("departments"):
        path = measure.public_url or f"/measures/{measure.slug}/"
        for department in measure.departments.all():
            if department.slug in DAILY_VIEWS:
                pages.setdefault(department.slug, []).append((path, "measure"))
    return pages


def load_page_views(as_of: date, seed: int = SEED) -> int:
    rng = np.random.default_rng(seed)
    departments = {d.slug: d for d in Department.objects.filter(slug__in=DAILY_VIEWS)}
    PageView.objects.filter(department__in=departments.values()).delete()
    start = first_day()
    days = max((as_of - start).days, 0)
    rows = []
    for slug, paths in sorted(_data_pages().items()):
        per_page = DAILY_VIEWS[slug] / len(paths)
        counts = rng.poisson(per_page, size=(days, len(paths)))
        for d in range(days):
            day = start + timedelta(days=d)
            for p, (path, kind) in enumerate(paths):
                if counts[d, p]:
                    rows.append(
                        PageView(
                            date=day,
                            path=path[:255],
                            department=departments[slug],
                            page_kind=kind,
                            views=int(counts[d, p]),
                        )
                    )
    PageView.objects.bulk_create(rows, batch_size=2000)
    return sum(r.views for r in rows)


def ensure_survey() -> SurveyPage:
    from civicstat.core.services import ensure_home_page

    survey = SurveyPage.objects.filter(slug="community-safety-survey").first()
    if survey is not None:
        return survey
    survey = SurveyPage(
        title="Community safety survey",
        slug="community-safety-survey",
        intro="<p>Tell us how safe you feel and which events you would come to.</p>",
        thank_you_text="<p>Thank you. The results are published as totals each quarter.</p>",
    )
    survey.form_fields = [
        SurveyFormField(
            label="How safe do you feel in your neighborhood after dark?",
            field_type="radio",
            required=True,
            choices="Very safe\nSomewhat safe\nSomewhat unsafe\nVery unsafe",
        ),
        SurveyFormField(
            label="Which events would you come to?",
            field_type="checkboxes",
            choices="CPR class\nStop the Bleed\nFire station open house\n"
            "National Night Out\nCommunity meeting",
            required=False,
        ),
        SurveyFormField(
            label="What would make your neighborhood safer?", field_type="multiline", required=False
        ),
    ]
    ensure_home_page().add_child(instance=survey)
    survey.save_revision().publish()
    return survey


def load_questions_and_requests(as_of: date) -> None:
    from civicstat.plans.models import InitiativePage

    initiative = InitiativePage.objects.filter(number="2.21").first()
    if initiative is not None:
        Question.objects.filter(page=initiative, email__endswith="@example.org").delete()
        police = Department.objects.filter(slug="police").first()
        Question.objects.create(
            page=initiative,
            email="resident1@example.org",
            display_name="Maria",
            text="Why were there so many joint events in October?",
            status=QuestionStatus.APPROVED,
            moderated_at=timezone.now(),
            answer="October has Fire Prevention Week and National Night Out, when every "
            "department takes part in neighborhood events.",
            answered_at=timezone.now(),
            answered_by_department=police,
        )
        Question.objects.create(
            page=initiative,
            email="resident2@example.org",
            text="Could the CPR classes also run on a weekday evening?",
        )
    fire = Department.objects.filter(slug="fire").first()
    if fire is not None:
        EventRequest.objects.filter(email__endswith="@example.org").delete()
        EventRequest.objects.create(
            department=fire,
            kind=RequestKind.CLASS,
            name="Alex Rivera",
            email="alex@example.org",
            preferred_date=as_of + timedelta(days=30),
            location="Lyon Park Community Center",
            expected_attendance=20,
            message="A CPR class for parents on our block.",
        )
        EventRequest.objects.create(
            department=fire,
            kind=RequestKind.EVENT,
            name="Jordan Smith",
            email="jordan@example.org",
            preferred_date=as_of + timedelta(days=12),
            location="Walltown Park",
            message="Could an engine visit our block party?",
            status=RequestStatus.IN_REVIEW,
        )


@transaction.atomic
def load_demo_engagement(as_of: date | None = None) -> str:
    as_of = as_of or timezone.localdate()
    views = load_page_views(as_of)
    survey = ensure_survey()
    load_questions_and_requests(as_of)
    return (
        f"Loaded {views} synthetic page views, the survey at {survey.url}, sample "
        "questions and event requests."
    )
