"""The engagement demo content loads and leaves the Fire Department without page views (it has
no data page)."""

from datetime import date

from civicstat.engage.demo import load_demo_engagement
from civicstat.engage.models import EventRequest, PageView, Question, SurveyPage
from civicstat.measures.models import Measure


def test_demo_engagement(tree, deps):
    police_measure = Measure.objects.create(name="Response times", slug="response-times")
    police_measure.departments.set([deps["police"]])
    police_measure.save()
    load_demo_engagement(as_of=date(2026, 11, 22))
    load_demo_engagement(as_of=date(2026, 11, 22))  # again: nothing doubles
    departments = set(PageView.objects.values_list("department__slug", flat=True))
    assert departments == {"police"}
    days = set(PageView.objects.values_list("date", flat=True))
    # Every day from the measure's first period (1 July 2024) to the day before the demo's date.
    assert (min(days), max(days)) == (date(2024, 7, 1), date(2026, 11, 21))
    assert len(days) == (date(2026, 11, 22) - date(2024, 7, 1)).days
    assert SurveyPage.objects.live().count() == 1
    assert Question.objects.count() == 2 and EventRequest.objects.count() == 2
    assert Question.objects.published().get().answer
