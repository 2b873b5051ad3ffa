"""Events in the Wagtail admin: department staff add events for their own departments only and
edit only their own department's events; the office edits all."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from civicstat.core import testing as t
from civicstat.events import testing as et
from civicstat.events.permissions import grant_event_permissions


@pytest.fixture
def admin_events(deps, staff):
    from civicstat.plans.permissions import setup_groups_and_workflow

    office = t.make_user("office", groups=[setup_groups_and_workflow()])
    grant_event_permissions()
    return {
        "office": office,
        "fire": et.make_event("Station open house", deps["fire"], et.local(2026, 12, 5, 10)),
        "police": et.make_event("Coffee with a cop", deps["police"], et.local(2026, 12, 6, 9)),
    }


def test_staff_add_events_only_for_their_department(client, staff, admin_events):
    client.force_login(staff["fire"])
    page = BeautifulSoup(
        client.get(reverse("wagtailsnippets_events_event:add")).content, "html.parser"
    )
    hosts = [
        o.get_text() for o in page.select("select[name=host_department] option") if o.get("value")
    ]
    assert hosts == ["Fire Department"]


def test_staff_edit_only_their_departments_events(client, staff, admin_events):
    client.force_login(staff["fire"])
    edit = "wagtailsnippets_events_event:edit"
    assert client.get(reverse(edit, args=[admin_events["fire"].pk])).status_code == 200
    assert client.get(reverse(edit, args=[admin_events["police"].pk])).status_code in (302, 403)
    listing = client.get(reverse("wagtailsnippets_events_event:list")).content.decode()
    assert "Station open house" in listing


def test_office_edits_every_event(client, admin_events):
    client.force_login(admin_events["office"])
    edit = "wagtailsnippets_events_event:edit"
    for key in ("fire", "police"):
        assert client.get(reverse(edit, args=[admin_events[key].pk])).status_code == 200


def test_staff_create_a_joint_event_in_the_admin(client, staff, deps, admin_events):
    from civicstat.events.models import Event

    client.force_login(staff["fire"])
    data = {
        "title": "Smoke alarm install day",
        "description": "Free alarms.",
        "category": "",
        "audience": "public",
        "status": "scheduled",
        "start": "2026-12-19 09:00",
        "end": "2026-12-19 13:00",
        "timezone": "America/New_York",
        "rrule": "",
        "location_name": "Walltown",
        "address": "",
        "latitude": "",
        "longitude": "",
        "host_department": deps["fire"].pk,
        "attendance": "",
        "url": "",
        "contact_email": "",
        "assists-TOTAL_FORMS": "1",
        "assists-INITIAL_FORMS": "0",
        "assists-MIN_NUM_FORMS": "0",
        "assists-MAX_NUM_FORMS": "1000",
        "assists-0-department": deps["police"].pk,
        "assists-0-status": "accepted",
        "assists-0-note": "",
        "assists-0-ORDER": "1",
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
        "changes-MIN_NUM_FORMS": "0",
        "changes-MAX_NUM_FORMS": "1000",
    }
    response = client.post(reverse("wagtailsnippets_events_event:add"), data)
    assert response.status_code == 302, response.content[:3000]
    event = Event.objects.get(title="Smoke alarm install day")
    assert event.created_by == staff["fire"] and event.is_joint
    assert event.start == et.local(2026, 12, 19, 9)
    data["host_department"] = deps["police"].pk  # not one of this user's departments
    data["title"] = "Someone else's event"
    refused = client.post(reverse("wagtailsnippets_events_event:add"), data)
    assert refused.status_code == 200 and not Event.objects.filter(title=data["title"]).exists()


def test_a_change_must_name_a_date_of_the_series(deps):
    from django.core.exceptions import ValidationError

    from civicstat.events.models import OccurrenceChange

    cpr = et.make_event(
        "CPR", deps["fire"], et.local(2026, 10, 10, 10), rrule="FREQ=MONTHLY;BYDAY=2SA"
    )
    OccurrenceChange(event=cpr, original_start=et.local(2026, 11, 14, 10), skip=True).full_clean()
    with pytest.raises(ValidationError, match="not one of the series"):
        OccurrenceChange(
            event=cpr, original_start=et.local(2026, 11, 15, 10), skip=True
        ).full_clean()
