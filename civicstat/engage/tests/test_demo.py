"""The engagement demo content loads and leaves the Fire Department without page views (it has
no data page)."""

from datetime import date

from civicstat.engage.demo import DAYS, load_demo_engagement
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
    days = PageView.objects.values_list("date", flat=True)
    assert min(days) == date(2026, 11, 22).replace(month=2, day=22) and len(set(days)) <= DAYS
    assert SurveyPage.objects.live().count() == 1
    assert Question.objects.count() == 2 and EventRequest.objects.count() == 2
    assert Question.objects.published().get().answer
