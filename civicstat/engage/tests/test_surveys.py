"""Surveys made with Wagtail's form builder; staff export the answers as CSV."""

import csv
import io

import pytest

from civicstat.core import testing as t
from civicstat.core.services import ensure_home_page
from civicstat.engage.models import SurveyFormField, SurveyPage


@pytest.fixture
def survey(db):
    home = ensure_home_page()
    page = SurveyPage(title="How safe do you feel?", slug="safety-survey")
    page.form_fields = [
        SurveyFormField(
            label="How safe do you feel in your neighborhood?",
            field_type="radio",
            choices="Very safe\nSomewhat safe\nNot safe",
            required=True,
        ),
        SurveyFormField(label="What would help?", field_type="multiline", required=False),
    ]
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_residents_answer_and_staff_export_csv(client, survey):
    form = client.get(survey.url)
    assert form.status_code == 200 and b"How safe do you feel in your neighborhood?" in form.content
    assert client.post(survey.url, {}).status_code == 200  # required answer missing: form again
    answers = [("Somewhat safe", "More street lights"), ("Very safe", "")]
    for safe, help_text in answers:
        done = client.post(
            survey.url,
            {"how_safe_do_you_feel_in_your_neighborhood": safe, "what_would_help": help_text},
        )
        assert done.status_code == 200 and b"Thank you" in done.content
    from civicstat.plans.permissions import setup_groups_and_workflow

    office = t.make_user("office", groups=[setup_groups_and_workflow()])  # staff, not superuser
    client.force_login(office)
    export = client.get(f"/admin/forms/submissions/{survey.pk}/?export=csv")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    content = b"".join(export.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(content)))
    header, body = table[0], table[1:]
    assert "How safe do you feel in your neighborhood?" in header
    column = header.index("How safe do you feel in your neighborhood?")
    assert sorted(r[column] for r in body) == sorted(a for a, _ in answers)
    client.logout()
    assert client.get(f"/admin/forms/submissions/{survey.pk}/?export=csv").status_code == 302
    # Department staff without rights on the survey page cannot download the answers.
    fire = t.department("fire", "Fire Department", "DFD")
    from civicstat.plans.permissions import ensure_department_group

    client.force_login(t.make_user("firefighter", groups=[ensure_department_group(fire)]))
    refused = client.get(f"/admin/forms/submissions/{survey.pk}/?export=csv")
    assert refused.status_code in (302, 403) and b"Somewhat safe" not in b"".join(
        getattr(refused, "streaming_content", [refused.content])
    )
