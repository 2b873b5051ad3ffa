"""Tutoring Program attendance (2.22) entered by staff per site and month: ManualValue rows with
who and when, in a new revision that goes to review (or is published by the office)."""

import pytest
from bs4 import BeautifulSoup

from civicstat.measures.models import Measure, MeasureKind, MeasureValue


@pytest.fixture
def tutoring(tree, deps, office):
    measure = Measure.objects.create(
        name="Tutoring Program",
        slug="tutoring-program",
        page=tree["initiative"],
        kind=MeasureKind.MANUAL,
        cadence="month",
        unit="students",
    )
    measure.departments.set([deps["police"], deps["parks-recreation"]])
    measure.save()
    measure.save_revision().publish()
    return Measure.objects.get(pk=measure.pk)


def rows(*entries):
    data = {
        "sites-TOTAL_FORMS": str(len(entries)),
        "sites-INITIAL_FORMS": "0",
        "sites-MIN_NUM_FORMS": "0",
        "sites-MAX_NUM_FORMS": "1000",
    }
    for i, (site, value) in enumerate(entries):
        data[f"sites-{i}-site"] = site
        data[f"sites-{i}-attendance"] = value
    return data


def test_department_staff_entry_goes_to_review_with_who_and_when(client, tutoring, staff):
    client.force_login(staff["police"])
    page = BeautifulSoup(client.get("/engage/staff/tutoring/").content, "html.parser")
    assert page.select_one("input[type=month]")["name"] == "month"
    response = client.post(
        "/engage/staff/tutoring/",
        {"month": "2026-10", **rows(("Eastway Elementary", "38"), ("Boys & Girls Club", "15"))},
    )
    assert response.status_code == 302
    tutoring.refresh_from_db()
    assert tutoring.workflow_in_progress
    draft = tutoring.latest_revision.as_object()
    values = {(v.period_start.isoformat(), v.breakdown): v for v in draft.manual_values.all()}
    assert {k: v.value for k, v in values.items()} == {
        ("2026-10-01", "Eastway Elementary"): 38,
        ("2026-10-01", "Boys & Girls Club"): 15,
    }
    assert {v.entered_by_name for v in values.values()} == {"Police-Staff"}
    assert all(v.entered_at is not None for v in values.values())
    assert tutoring.latest_revision.user == staff["police"]
    # Not public until approved.
    assert not tutoring.manual_values.exists()
    assert not MeasureValue.objects.filter(measure=tutoring).exists()


def test_office_entry_is_published_and_a_second_entry_replaces_the_month(client, tutoring, office):
    client.force_login(office)
    client.post(
        "/engage/staff/tutoring/", {"month": "2026-10", **rows(("Eastway Elementary", "38"))}
    )
    client.post(
        "/engage/staff/tutoring/",
        {"month": "2026-10", **rows(("eastway elementary", "40"), ("Boys & Girls Club", "17"))},
    )
    published = {(v.breakdown, v.value) for v in MeasureValue.objects.filter(measure=tutoring)}
    assert published == {("Eastway Elementary", 40.0), ("Boys & Girls Club", 17.0)}
    assert set(
        MeasureValue.objects.filter(measure=tutoring).values_list("entered_by_name", flat=True)
    ) == {"Office"}
    page = BeautifulSoup(client.get("/engage/staff/tutoring/").content, "html.parser")
    prefilled = [i["value"] for i in page.select("input[name$='-site'][value]")]
    assert prefilled == ["Boys & Girls Club", "Eastway Elementary"]


def test_bad_entries_are_refused_with_messages(client, tutoring, staff):
    client.force_login(staff["parks-recreation"])
    response = client.post("/engage/staff/tutoring/", {"month": "2099-01", **rows(("Eastway", ""))})
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert "this month or earlier" in page.select_one("#id_month-error").get_text()
    assert "average attendance" in page.select_one("#id_sites-0-attendance-error").get_text()
    duplicate = client.post(
        "/engage/staff/tutoring/", {"month": "2026-09", **rows(("Eastway", "3"), ("EASTWAY", "4"))}
    )
    assert b"once per month" in duplicate.content
    tutoring.refresh_from_db()
    assert tutoring.latest_revision.as_object().manual_values.count() == 0


def test_only_the_measure_departments_enter_attendance(client, tutoring, staff):
    client.force_login(staff["fire"])
    assert client.get("/engage/staff/tutoring/").status_code == 403
