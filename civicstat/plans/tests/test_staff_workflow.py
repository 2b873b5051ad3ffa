"""Staff side: department ownership, the review workflow, drafts never public, status history."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.models import WorkflowState

from civicstat.core import testing as t
from civicstat.measures.models import Measure
from civicstat.plans.models import InitiativePage, StatusChange
from civicstat.plans.permissions import PERFORMANCE_OFFICE
from civicstat.plans.tests.admin_forms import initiative_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(tree):
    from django.contrib.auth.models import Group

    return {
        "safety": t.make_user("sam", groups=[tree["safety"].staff_group]),
        "police": t.make_user("dana", groups=[tree["police"].staff_group]),
        "office": t.make_user("pat", groups=[Group.objects.get(name=PERFORMANCE_OFFICE)]),
    }


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def public_text(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def test_department_staff_edit_only_their_own_initiatives(client, tree, staff):
    client.force_login(staff["police"])
    assert client.get(edit_url(tree["youth"])).status_code == 200  # police owns 2.12
    refused = client.get(edit_url(tree["fn"]))  # community safety owns 2.11
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")
    # A POST is refused the same way and changes nothing.
    before = tree["fn"].description
    response = client.post(
        edit_url(tree["fn"]), initiative_form(tree["fn"], description="<p>Hijacked</p>")
    )
    assert response.status_code == 302
    tree["fn"].refresh_from_db()
    assert tree["fn"].description == before
    assert tree["fn"].latest_revision.content["description"] == before


def test_changing_an_initiatives_departments_moves_edit_rights(client, tree, staff):
    page = tree["fn"]
    page.departments = [tree["police"]]
    t.publish(page)
    client.force_login(staff["police"])
    assert client.get(edit_url(page)).status_code == 200
    client.force_login(staff["safety"])
    assert client.get(edit_url(page)).status_code == 302


def test_department_staff_edit_only_their_own_measures(client, tree, staff):
    mine = Measure.objects.create(
        name="Police measure", slug="police-measure", page=tree["youth"], live=True
    )
    mine.departments.set([tree["police"]])
    mine.save()  # parental many-to-many relations are written on save
    theirs = Measure.objects.create(
        name="Safety measure", slug="safety-measure", page=tree["fn"], live=True
    )
    theirs.departments.set([tree["safety"]])
    theirs.save()
    client.force_login(staff["police"])
    assert (
        client.get(reverse("wagtailsnippets_measures_measure:edit", args=(mine.pk,))).status_code
        == 200
    )
    refused = client.get(reverse("wagtailsnippets_measures_measure:edit", args=(theirs.pk,)))
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")
    listing = client.get(reverse("wagtailsnippets_measures_measure:list")).content.decode()
    assert "Police measure" in listing and "Safety measure" not in listing
    client.force_login(staff["office"])
    assert (
        client.get(reverse("wagtailsnippets_measures_measure:edit", args=(theirs.pk,))).status_code
        == 200
    )


def test_submitted_update_is_invisible_until_approved(client, tree, staff):
    page = tree["youth"]
    client.force_login(staff["police"])
    data = initiative_form(page, description="<p>Tutoring now runs at three schools.</p>")
    data["action-submit"] = "Submit to Performance office review"
    response = client.post(edit_url(page), data)
    assert response.status_code == 302, response.content.decode()[:500]

    page.refresh_from_db()
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert page.has_unpublished_changes
    client.logout()
    assert "three schools" not in public_text(client, page)
    listing = client.get(page.get_parent().get_parent().get_parent().url + "initiatives/")
    assert "three schools" not in listing.content.decode()

    # The department cannot publish it themselves.
    client.force_login(staff["police"])
    data["action-publish"] = "Publish"
    del data["action-submit"]
    client.post(edit_url(page), data)
    client.logout()
    assert "three schools" not in public_text(client, page)

    # The performance office approves; only now is it public.
    client.force_login(staff["office"])
    task_state = state.current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk))
    response = client.post(url, {"comment": "Looks right"})
    assert response.status_code in (200, 302)
    client.logout()
    assert "three schools" in public_text(client, page)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED


def test_a_never_published_draft_is_not_served(client, tree):
    from civicstat.plans.models import InitiativePage as Initiative

    draft = Initiative(
        title="Secret draft",
        number="2.19",
        slug="secret-draft",
        live=False,
        status=tree["fn"].status,
    )
    draft.departments = [tree["police"]]
    tree["objective"].add_child(instance=draft)
    draft.save_revision()
    assert client.get(draft.url or "/reduce-harm/secret-draft/").status_code == 404
    assert "Secret draft" not in public_text(client, tree["goal"])
    assert "Secret draft" not in client.get(tree["plan"].url + "initiatives/").content.decode()


def test_status_changes_keep_their_history(client, tree, staff):
    page = tree["youth"]
    on_hold = tree["plan"].status_options.get(kind="initiative", key="on_hold")
    client.force_login(staff["office"])
    data = initiative_form(page, status=on_hold.pk, status_reason="Waiting for the school year")
    data["action-publish"] = "Publish"
    response = client.post(edit_url(page), data)
    assert response.status_code == 302

    history = list(StatusChange.objects.filter(initiative=page).order_by("changed_at", "pk"))
    assert [(h.from_status and h.from_status.key, h.to_status.key) for h in history] == [
        (None, "in_progress"),
        ("in_progress", "on_hold"),
    ]
    change = history[-1]
    assert change.changed_by == staff["office"]
    assert change.reason == "Waiting for the school year"
    assert change.changed_at is not None

    # Publishing again without a status change adds nothing, and the reason is not carried over.
    data = initiative_form(InitiativePage.objects.get(pk=page.pk), title="Youth outreach, renamed")
    data["action-publish"] = "Publish"
    client.post(edit_url(page), data)
    assert StatusChange.objects.filter(initiative=page).count() == 2
    edit_form = client.get(edit_url(page)).context["form"]
    assert edit_form.initial.get("status_reason") == ""

    client.logout()
    text = public_text(client, InitiativePage.objects.get(pk=page.pk))
    assert "Status history" in text and "Waiting for the school year" in text
