"""The staff calendar: who may see it, internal events shown, the one-action offer to assist
and the host's decision, and the revocable internal feed."""

import icalendar
import pytest
from bs4 import BeautifulSoup
from django.core import mail

from civicstat.core import testing as t
from civicstat.events import testing as et
from civicstat.events.models import AssistStatus, Audience, EventAssist, FeedToken


@pytest.fixture
def events(deps):
    return {
        "drill": et.make_event(
            "Tabletop exercise",
            deps["police"],
            et.local(2026, 10, 20, 9),
            audience=Audience.INTERNAL,
        ),
        "fair": et.make_event("Safety fair", deps["community-safety"], et.local(2026, 10, 24, 10)),
    }


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return BeautifulSoup(response.content, "html.parser")


def test_staff_calendar_needs_a_department_login(client, deps, events):
    response = client.get("/events/internal/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    outsider = t.make_user("outsider")
    client.force_login(outsider)
    assert client.get("/events/internal/2026/10/").status_code == 403
    assert client.get(f"/events/internal/event/{events['drill'].pk}/").status_code == 403


def test_staff_see_internal_and_public_events_in_month_week_and_list(client, staff, events):
    client.force_login(staff["fire"])
    month = page(client, "/events/internal/2026/10/")
    titles = {t.get_text(strip=True) for t in month.select(".cal-event__title")}
    assert titles == {"Tabletop exercise", "Safety fair"}
    assert month.select_one(".tag--internal").get_text(strip=True) == "Staff only"
    week = page(client, "/events/internal/week/2026/10/21/")
    assert [h.get_text(strip=True) for h in week.select("h3.cal-list__day")][
        0
    ] == "Sunday, October 18"
    assert len(week.select("li.cal-week__day")) == 7  # Sunday 18 to Saturday 24 October
    assert {t.get_text(strip=True) for t in week.select(".cal-event__title")} == {
        "Tabletop exercise",
        "Safety fair",
    }
    only_public = page(client, "/events/internal/2026/10/?audience=public")
    assert {t.get_text(strip=True) for t in only_public.select(".cal-event__title")} == {
        "Safety fair"
    }
    listing = page(client, "/events/internal/?from=2026-10-01")
    assert len(listing.select(".cal-event")) == 2


def test_offer_to_assist_is_one_action_and_the_host_decides(client, staff, deps, events):
    deps["community-safety"].email = "dcsd@example.org"
    deps["community-safety"].save()
    fair = events["fair"]
    client.force_login(staff["fire"])
    detail = page(client, f"/events/internal/event/{fair.pk}/")
    form = detail.select_one("form.offer-form")
    options = [o.get_text() for o in form.select("option")]
    assert options == ["Fire Department"]
    response = client.post(form["action"], {"department": deps["fire"].pk, "note": "Engine 5"})
    assert response.status_code == 302
    assist = EventAssist.objects.get(event=fair)
    assert (assist.department, assist.status, assist.offered_by) == (
        deps["fire"],
        AssistStatus.OFFERED,
        staff["fire"],
    )
    assert not fair.is_joint  # an offer is not participation until accepted
    assert mail.outbox[-1].to == ["dcsd@example.org"] and "Engine 5" in mail.outbox[-1].body
    # The offering department cannot accept its own offer.
    assert client.post(f"/events/internal/assist/{assist.pk}/accept/").status_code == 403
    # The host's staff see the offer on their calendar and accept it.
    client.force_login(staff["community-safety"])
    calendar = page(client, "/events/internal/")
    assert "Fire Department offered to help" in calendar.select_one(".offers").get_text()
    client.post(f"/events/internal/assist/{assist.pk}/accept/", {"next": "https://evil.example/"})
    assist.refresh_from_db()
    assert (assist.status, assist.decided_by) == (AssistStatus.ACCEPTED, staff["community-safety"])
    fair.refresh_from_db()
    assert fair.is_joint
    public = page(client, f"/events/event/{fair.pk}/")
    assert "Fire Department" in public.select_one(".event-facts").get_text()


def test_host_can_decline_and_an_offer_cannot_be_made_twice(client, staff, deps, events):
    fair = events["fair"]
    client.force_login(staff["police"])
    client.post(f"/events/internal/event/{fair.pk}/assist/", {"department": deps["police"].pk})
    again = client.post(
        f"/events/internal/event/{fair.pk}/assist/", {"department": deps["police"].pk}
    )
    assert again.status_code == 302 and EventAssist.objects.filter(event=fair).count() == 1
    # A department the user does not belong to cannot be offered.
    client.post(f"/events/internal/event/{fair.pk}/assist/", {"department": deps["fire"].pk})
    assert not EventAssist.objects.filter(event=fair, department=deps["fire"]).exists()
    assist = EventAssist.objects.get(event=fair)
    client.force_login(staff["community-safety"])
    client.post(f"/events/internal/assist/{assist.pk}/decline/")
    assist.refresh_from_db()
    assert assist.status == AssistStatus.DECLINED
    assert not fair.is_joint


def test_internal_feed_works_until_revoked(client, staff, events):
    user = staff["police"]
    client.force_login(user)
    client.post("/events/internal/feed/", {"action": "create"})
    token = FeedToken.objects.get(user=user)
    shown = page(client, "/events/internal/feed/").select_one("#feed-url")["value"]
    assert shown == f"http://testserver/events/feeds/internal/{token.token}.ics"
    client.logout()  # calendar apps do not log in: the secret URL is the credential
    url = f"/events/feeds/internal/{token.token}.ics"
    response = client.get(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    cal = icalendar.Calendar.from_ical(response.content)
    assert {str(e["SUMMARY"]) for e in cal.walk("VEVENT")} == {"Tabletop exercise", "Safety fair"}
    client.force_login(user)
    client.post("/events/internal/feed/", {"action": "revoke"})
    client.logout()
    refused = client.get(url)
    assert refused.status_code == 403
    assert b"Tabletop" not in refused.content
    assert client.get("/events/feeds/internal/not-a-token.ics").status_code == 404


def test_new_address_revokes_the_old_and_leaving_the_department_refuses_it(client, staff, events):
    user = staff["fire"]
    client.force_login(user)
    client.post("/events/internal/feed/", {"action": "create"})
    old = FeedToken.objects.get(user=user)
    client.post("/events/internal/feed/", {"action": "create"})
    new = FeedToken.objects.active().get(user=user)
    assert old.pk != new.pk
    assert client.get(f"/events/feeds/internal/{old.token}.ics").status_code == 403
    assert client.get(f"/events/feeds/internal/{new.token}.ics").status_code == 200
    user.groups.clear()
    assert client.get(f"/events/feeds/internal/{new.token}.ics").status_code == 403
