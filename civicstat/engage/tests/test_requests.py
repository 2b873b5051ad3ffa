"""Event requests: field-level validation messages, spam protection (honeypot, rate limit),
no valid submission lost, confirmation emails, contact details only for the department asked."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.utils import timezone

from civicstat.engage.models import EventRequest, RequestStatus
from civicstat.engage.ratelimit import EVENT_REQUESTS
from civicstat.events import testing as et


@pytest.fixture
def hosts(deps):
    """Departments that run public events are the ones residents can ask."""
    for slug in ("police", "fire", "community-safety"):
        et.make_event(f"{slug} event", deps[slug], et.local(2026, 12, 5, 10))
    deps["police"].email = "dpd-community@example.org"
    deps["police"].save()
    return deps


def valid(deps, **changes):
    data = {
        "department": deps["police"].pk,
        "kind": "meeting",
        "preferred_date": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "alternative_date": "",
        "preferred_time": "Weekday evening",
        "location": "Walltown Park Recreation Center",
        "expected_attendance": "40",
        "message": "Our neighborhood association would like to meet the district officers.",
        "organisation": "Walltown Neighborhood Association",
        "name": "Jordan Smith",
        "email": "jordan@example.org",
        "phone": "(919) 555-0123",
        "website": "",
    }
    data.update(changes)
    return data


def html(response):
    return BeautifulSoup(response.content, "html.parser")


def test_form_lists_departments_with_events_and_labels_every_field(client, hosts):
    page = html(client.get("/engage/request/"))
    options = [o.get_text() for o in page.select("#id_department option") if o["value"]]
    assert options == ["Community Safety Department", "Fire Department", "Police Department"]
    form = page.select_one("form.engage-form")
    for control in form.select("input:not([type=hidden]):not([type=radio]), select, textarea"):
        if control["name"] == "website":
            continue
        assert form.select_one(f"label[for={control['id']}]"), control["name"]
    assert form.select_one("fieldset legend").get_text() == "Your event"
    honeypot = form.select_one("input[name=website]")
    assert honeypot["tabindex"] == "-1" and honeypot.find_parent("div")["aria-hidden"] == "true"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("email", "not-an-email", "valid email"),
        ("preferred_date", "2020-01-01", "from today onwards"),
        ("preferred_date", "", "required"),
        ("phone", "call me maybe", "digits"),
        ("message", "hi", "at least 10 characters"),
        ("expected_attendance", "0", "1 to 100,000"),
        ("name", "", "required"),
        ("department", "999999", "valid choice"),
    ],
)
def test_bad_input_is_rejected_with_a_message_tied_to_the_field(
    client, hosts, field, value, message
):
    response = client.post("/engage/request/", valid(hosts, **{field: value}))
    assert response.status_code == 400
    page = html(response)
    error = page.select_one(f"#id_{field}-error")
    assert error is not None and message in error.get_text(), page.select(".field__error")
    control = page.select_one(f"#id_{field}")
    if control.name != "div":
        assert f"id_{field}-error" in control["aria-describedby"].split()
        assert control["aria-invalid"] == "true"
    summary = page.select_one(".error-summary")
    assert summary["role"] == "alert"
    assert summary.select_one(f"a[href='#id_{field}']")
    assert EventRequest.objects.count() == 0 and mail.outbox == []
    # What the resident typed is kept.
    assert page.select_one("#id_location")["value"] == "Walltown Park Recreation Center"


def test_same_alternative_date_is_refused(client, hosts):
    data = valid(hosts)
    data["alternative_date"] = data["preferred_date"]
    page = html(client.post("/engage/request/", data))
    assert "different date" in page.select_one("#id_alternative_date-error").get_text()


def test_a_valid_request_is_saved_confirmed_and_sent_to_the_department(client, hosts):
    response = client.post("/engage/request/", valid(hosts))
    assert response.status_code == 302
    saved = EventRequest.objects.get()
    assert (saved.department, saved.status, saved.email) == (
        hosts["police"],
        RequestStatus.NEW,
        "jordan@example.org",
    )
    thanks = html(client.get(response["Location"]))
    assert saved.reference in thanks.get_text()
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == ["dpd-community@example.org", "jordan@example.org"]
    confirmation = next(m for m in mail.outbox if m.to == ["jordan@example.org"])
    assert saved.reference in confirmation.subject and "Police Department" in confirmation.body
    department = next(m for m in mail.outbox if m.to == ["dpd-community@example.org"])
    assert department.reply_to == ["jordan@example.org"]
    assert f"/engage/staff/requests/{saved.pk}/" in department.body


def test_honeypot_submissions_look_accepted_but_are_discarded(client, hosts):
    response = client.post("/engage/request/", valid(hosts, website="http://spam.example"))
    assert response.status_code == 302 and response["Location"] == "/engage/request/thanks/"
    assert EventRequest.objects.count() == 0 and mail.outbox == []


def test_a_flood_is_rate_limited_and_the_text_is_kept(client, hosts):
    codes = [
        client.post(
            "/engage/request/", valid(hosts, name=f"Bot {i}"), REMOTE_ADDR="198.51.100.7"
        ).status_code
        for i in range(12)
    ]
    assert codes == [302] * EVENT_REQUESTS.per_client + [429] * (12 - EVENT_REQUESTS.per_client)
    assert EventRequest.objects.count() == EVENT_REQUESTS.per_client
    limited = html(
        client.post("/engage/request/", valid(hosts, name="Still me"), REMOTE_ADDR="198.51.100.7")
    )
    assert "Too many requests" in limited.select_one(".error-summary").get_text()
    assert limited.select_one("#id_name")["value"] == "Still me"


def test_no_valid_submission_is_lost(client, hosts):
    """Thirty residents from thirty addresses: every request is stored and confirmed."""
    for i in range(30):
        response = client.post(
            "/engage/request/",
            valid(hosts, name=f"Resident {i}", email=f"r{i}@example.org"),
            REMOTE_ADDR=f"203.0.113.{i + 1}",
        )
        assert response.status_code == 302
    assert sorted(EventRequest.objects.values_list("name", flat=True)) == sorted(
        f"Resident {i}" for i in range(30)
    )
    confirmed = {m.to[0] for m in mail.outbox if m.to[0].startswith("r")}
    assert confirmed == {f"r{i}@example.org" for i in range(30)}


def test_a_request_is_kept_when_the_mail_server_is_down(client, hosts, settings):
    # A real SMTP backend pointed at a closed port (9, discard): sending fails for real.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 5
    response = client.post("/engage/request/", valid(hosts))
    assert response.status_code == 302 and "/engage/request/thanks/" in response["Location"]
    saved = EventRequest.objects.get()
    assert (saved.name, saved.status) == ("Jordan Smith", RequestStatus.NEW)
    assert saved.reference in html(client.get(response["Location"])).get_text()


def test_contact_details_are_only_for_the_department_asked(client, hosts, staff, office):
    client.post("/engage/request/", valid(hosts))
    saved = EventRequest.objects.get()
    client.force_login(staff["police"])
    queue = client.get("/engage/staff/requests/").content.decode()
    detail = client.get(f"/engage/staff/requests/{saved.pk}/").content.decode()
    assert "Jordan Smith" in queue and "jordan@example.org" in detail and "555-0123" in detail
    client.force_login(staff["fire"])
    assert "Jordan Smith" not in client.get("/engage/staff/requests/?status=all").content.decode()
    assert client.get(f"/engage/staff/requests/{saved.pk}/").status_code == 404
    client.force_login(office)
    office_view = client.get(f"/engage/staff/requests/{saved.pk}/")
    assert office_view.status_code == 200
    text = office_view.content.decode()
    assert "jordan@example.org" not in text and "Jordan Smith" not in text and "555" not in text
    assert (
        client.post(f"/engage/staff/requests/{saved.pk}/", {"status": "declined"}).status_code
        == 403
    )


def test_department_staff_triage_the_request(client, hosts, staff):
    client.post("/engage/request/", valid(hosts))
    saved = EventRequest.objects.get()
    client.force_login(staff["police"])
    refused = client.post(f"/engage/staff/requests/{saved.pk}/", {"status": "scheduled"})
    assert refused.status_code == 400
    assert "Choose the event" in html(refused).select_one("#id_event-error").get_text()
    event = et.make_event("Walltown meeting", hosts["police"], et.local(2027, 1, 12, 18))
    client.post(
        f"/engage/staff/requests/{saved.pk}/",
        {"status": "scheduled", "event": event.pk, "staff_note": "Lt. Ortiz attends"},
    )
    saved.refresh_from_db()
    assert (saved.status, saved.event, saved.handled_by) == (
        RequestStatus.SCHEDULED,
        event,
        staff["police"],
    )
    open_queue = html(client.get("/engage/staff/requests/"))
    assert open_queue.select("table.data-table tbody tr") == []  # scheduled is not open
    scheduled = html(client.get("/engage/staff/requests/?status=scheduled"))
    assert [r.th.get_text(strip=True) for r in scheduled.select("tbody tr")] == [saved.reference]
