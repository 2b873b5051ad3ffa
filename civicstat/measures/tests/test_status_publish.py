"""The status rule (methods.md §6) as it reaches published values and pages: Target Pending,
targets per period, relative and absolute tolerance, Insufficient Data below min n, no status for
informational measures, only complete periods published, and Overdue by cadence.

Data: conftest.CALLS, counted by hand. Calls per month: June 3, July 2, August 1. Median seconds
to scene: June [360, 720, 240] → 360 (n 3); July [540] → 540 (n 1, one call without an on-scene
time); August [420] → 420 (n 1).
"""

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from civicstat.dashboards.measure_page import due_state
from civicstat.measures.models import MeasureTarget, MeasureValue
from civicstat.measures.services.refresh import refresh

pytestmark = pytest.mark.django_db


def statuses(measure):
    return {
        v.period_label: (v.status, v.target)
        for v in MeasureValue.objects.filter(measure=measure, breakdown="")
    }


def republish(measured, **changes):
    measure = measured["median"]
    for field, value in changes.items():
        setattr(measure, field, value)
    measure.save()
    refresh(as_of=measured["as_of"], run_sources=False)
    return MeasureValue.objects.get(measure=measure, period_label="2024-07")


def test_no_target_is_target_pending(measured):
    refresh(as_of=measured["as_of"], run_sources=False)
    assert statuses(measured["count"]) == {
        "2024-06": ("target_pending", None),
        "2024-07": ("target_pending", None),
        "2024-08": ("target_pending", None),
    }
    june = MeasureValue.objects.get(measure=measured["count"], period_label="2024-06")
    assert june.status_explanation == "No target has been set for 2024-06."


def test_targets_per_period_override_the_standing_target(measured):
    count = measured["count"]
    count.target = 4
    count.save()
    count.period_targets.add(MeasureTarget(period_start=dt.date(2024, 7, 1), target=2))
    count.save()
    refresh(as_of=measured["as_of"], run_sources=False)
    # Higher is better, 10 % relative tolerance: June 3 < 4 − 0.4; July 2 meets its own target 2;
    # August 1 < 4 − 0.4.
    assert statuses(count) == {
        "2024-06": ("needs_improvement", 4.0),
        "2024-07": ("on_target", 2.0),
        "2024-08": ("needs_improvement", 4.0),
    }


def test_relative_and_absolute_tolerance(measured):
    # Lower is better, target 500 s. July's 540 s misses by 40 s.
    relative = republish(measured, target=500, tolerance=0.10, tolerance_mode="relative")
    assert relative.status == "close_to_target"  # within 10 % of 500 = 50 s
    assert "within 50 (10% of the target)" in relative.status_explanation
    absolute = republish(measured, target=500, tolerance=30, tolerance_mode="absolute")
    assert absolute.status == "needs_improvement"  # more than 30 s over
    assert "by more than 30" in absolute.status_explanation
    wider = republish(measured, target=500, tolerance=40, tolerance_mode="absolute")
    assert wider.status == "close_to_target"  # exactly on the edge counts as close


def test_below_min_n_is_insufficient_data_on_the_page(client, measured):
    measure = measured["median"]
    measure.target, measure.min_n = 600, 2
    measure.save()
    refresh(as_of=measured["as_of"], run_sources=False)
    # June rests on 3 records, July and August on 1 each.
    assert statuses(measure) == {
        "2024-06": ("on_target", 600.0),
        "2024-07": ("insufficient_data", 600.0),
        "2024-08": ("insufficient_data", 600.0),
    }
    august = MeasureValue.objects.get(measure=measure, period_label="2024-08")
    assert august.value == 420 and august.n_used == 1  # the value is kept, only the status says
    assert "rests on 1 records; at least 2 are needed" in august.status_explanation
    page = BeautifulSoup(client.get(f"/measures/{measure.slug}/").content, "html.parser")
    status = page.select_one("#status-heading").find_parent("section")
    assert "Insufficient Data" in status.get_text(" ", strip=True)
    assert "fewer than 2 records are Insufficient Data" in status.get_text(" ", strip=True)


def test_informational_measures_have_no_status(measured):
    count = measured["count"]
    count.direction, count.target = "informational", 5
    count.save()
    refresh(as_of=measured["as_of"], run_sources=False)
    assert {s for s, _t in statuses(count).values()} == {"no_status"}


def test_a_period_under_way_is_not_published(measured):
    refresh(as_of=dt.date(2024, 8, 15), run_sources=False)
    # August has started but not ended on 15 August: only June and July are published.
    assert sorted(statuses(measured["count"])) == ["2024-06", "2024-07"]
    refresh(as_of=dt.date(2024, 9, 1), run_sources=False)
    assert sorted(statuses(measured["count"])) == ["2024-06", "2024-07", "2024-08"]


def open_ended(measure):
    """The fixture's specs end on 2024-08-31 (a closed series is never overdue): run to the
    refresh date instead, as a measure still being reported does."""
    measure.spec = {**measure.spec, "periods": {"start": measure.spec["periods"]["start"]}}
    measure.save()
    return measure


def test_overdue_follows_the_cadence_and_grace_days(measured):
    count = open_ended(measured["count"])  # monthly, 30 days' grace
    refresh(as_of=measured["as_of"], run_sources=False)  # latest published: August 2024
    # September's value is due 30 days after September ends (31 October), overdue from 1 November.
    assert not due_state(count, dt.date(2024, 10, 31)).overdue
    late = due_state(count, dt.date(2024, 11, 1))
    assert late.overdue and late.expected == "2024-09"
    assert late.next_due == dt.date(2024, 10, 31)
    count.grace_days = 0
    count.save()
    # Without grace, September's value is due the day September ends (its exclusive end, 1
    # October) and overdue from the next day.
    assert not due_state(count, dt.date(2024, 10, 1)).overdue
    assert due_state(count, dt.date(2024, 10, 2)).overdue
    count.cadence = "quarter"  # a quarterly measure is not due until its quarter ends
    count.save()
    assert not due_state(count, dt.date(2024, 9, 30)).overdue


def test_overdue_reaches_the_page_and_the_json(client, measured):
    count = open_ended(measured["count"])
    refresh(as_of=measured["as_of"], run_sources=False)
    # The published values end in August 2024; today is later than that by far.
    due = due_state(count)
    expected = due.expected
    page = BeautifulSoup(client.get(f"/measures/{count.slug}/").content, "html.parser")
    notice = page.select_one(".measure-status .notice").get_text(" ", strip=True)
    # The page names the month as residents read it ("October 2026"), the JSON by its label.
    year, month = (int(part) for part in expected.split("-"))
    assert due.expected_name == f"{dt.date(year, month, 1):%B %Y}"
    assert "Overdue" in notice and due.expected_name in notice
    data = client.get(f"/measures/{count.slug}.json").json()
    assert data["reporting"] == {
        "cadence": "month",
        "latest_expected_period": expected,
        "overdue": True,
        "next_due": "2024-10-31",
    }
    listing = {m["slug"]: m for m in client.get("/measures.json").json()["measures"]}
    assert listing[count.slug]["overdue"] is True
    assert listing[count.slug]["latest"] == {
        "period": "2024-08",
        "value": 1.0,
        "suppressed": False,
        "status": "target_pending",
    }
    index = BeautifulSoup(client.get("/measures/").content, "html.parser")
    row = next(r for r in index.select("tbody tr") if count.name in r.get_text())
    assert "Overdue" in row.get_text(" ", strip=True)


def test_the_status_reads_in_the_residents_language(client, measured):
    """The stored English explanation stays for the downloads; pages render the stored message in
    the active language, with the period named as residents read it."""
    from django.utils import translation

    refresh(as_of=measured["as_of"], run_sources=False)
    count = measured["count"]
    june = MeasureValue.objects.get(measure=count, period_label="2024-06")
    assert june.status_message == "No target has been set for %(period)s."
    assert june.status_params == {"period": "2024-06"}
    with translation.override("en"):
        assert june.status_text() == "No target has been set for June 2024."
    with translation.override("es"):
        assert june.status_text() == "No se ha fijado un valor meta para junio de 2024."
    english = BeautifulSoup(client.get(f"/measures/{count.slug}/").content, "html.parser")
    status = english.select_one("#status-heading").find_parent("section").get_text(" ", strip=True)
    assert "No target has been set for August 2024." in status
    assert "August 2024" in english.select_one(".measure-card__period").get_text()
    spanish = client.get(f"/measures/{count.slug}/", HTTP_ACCEPT_LANGUAGE="es")
    page = BeautifulSoup(spanish.content, "html.parser")
    assert page.html["lang"] == "es"
    status = page.select_one("#status-heading").find_parent("section").get_text(" ", strip=True)
    assert "No se ha fijado un valor meta para agosto de 2024." in status
    assert page.select_one("#status-heading").get_text(strip=True) == "Valor y estado más recientes"
    assert page.select_one(".measure-card__period").get_text(strip=True) == "agosto de 2024"
