"""The plan hierarchy's page-tree rules and plan numbers."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text

from civicstat.core import testing as t
from civicstat.core.models import HomePage
from civicstat.plans.models import GoalPage, InitiativePage, ObjectivePage, PlanPage
from civicstat.plans.numbering import number_problem, sort_key


@pytest.mark.parametrize(
    ("level", "number", "parent", "ok"),
    [
        ("goal", "2", None, True),
        ("goal", "0", None, False),
        ("goal", "2.1", None, False),
        ("objective", "2.1", "2", True),
        ("objective", "3.1", "2", False),
        ("objective", "2.10", "2", False),
        ("objective", "2.0", "2", False),
        ("initiative", "2.11", "2.1", True),
        ("initiative", "2.110", "2.1", True),
        ("initiative", "2.1", "2.1", False),
        ("initiative", "2.21", "2.1", False),
        ("initiative", "2.1a", "2.1", False),
    ],
)
def test_number_rules(level, number, parent, ok):
    assert (number_problem(level, number, parent) is None) is ok


def test_numbers_sort_naturally():
    assert sorted(["2.10", "2.9", "2.11", "10", "2"], key=sort_key) == [
        "2",
        "2.9",
        "2.10",
        "2.11",
        "10",
    ]


def test_page_types_only_nest_in_plan_order(tree):
    home = HomePage.objects.get()
    plan, goal, objective = tree["plan"], tree["goal"], tree["objective"]
    assert PlanPage.can_create_at(home)
    assert GoalPage.can_create_at(plan)
    assert ObjectivePage.can_create_at(goal)
    assert InitiativePage.can_create_at(objective)
    # Skipping a level or nesting out of order is refused.
    assert not GoalPage.can_create_at(home)
    assert not ObjectivePage.can_create_at(plan)
    assert not InitiativePage.can_create_at(goal)
    assert not InitiativePage.can_create_at(tree["fn"])
    assert not PlanPage.can_create_at(goal)
    assert not HomePage.can_create_at(home)  # only one home page


def _create_initiative_form(objective, number, status, departments=()):
    data = nested_form_data(
        {
            "title": "New initiative",
            "slug": f"new-{number.replace('.', '-')}",
            "number": number,
            "status": status.pk,
            "status_reason": "",
            "description": rich_text(""),
            "key_measures_analysis": rich_text(""),
            "why_important": rich_text(""),
            "what_we_did": rich_text(""),
            "next_steps": {
                "TOTAL_FORMS": 0,
                "INITIAL_FORMS": 0,
                "MIN_NUM_FORMS": 0,
                "MAX_NUM_FORMS": 1000,
            },
            "comments": {
                "TOTAL_FORMS": 0,
                "INITIAL_FORMS": 0,
                "MIN_NUM_FORMS": 0,
                "MAX_NUM_FORMS": 1000,
            },
        }
    )
    data["departments"] = [d.pk for d in departments]  # a multi-value field, not a nested list
    return data


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("3.11", "is not an initiative number of objective 2.1"),
        ("2.11", "already has number 2.11"),
        ("", "need a number"),
    ],
)
def test_admin_form_rejects_bad_numbers(client, tree, number, message):
    admin = t.make_user("root", superuser=True)
    client.force_login(admin)
    objective = tree["objective"]
    status = tree["plan"].status_options.get(kind="initiative", key="in_progress")
    url = reverse("wagtailadmin_pages:add", args=("plans", "initiativepage", objective.pk))
    response = client.post(
        url, _create_initiative_form(objective, number, status, [tree["police"]])
    )
    assert response.status_code == 200  # form redisplayed with errors, nothing created
    assert message in response.content.decode()
    assert not InitiativePage.objects.filter(title="New initiative").exists()


def test_admin_form_accepts_a_good_number(client, tree):
    admin = t.make_user("root", superuser=True)
    client.force_login(admin)
    status = tree["plan"].status_options.get(kind="initiative", key="in_progress")
    url = reverse("wagtailadmin_pages:add", args=("plans", "initiativepage", tree["objective"].pk))
    form = _create_initiative_form(tree["objective"], "2.13", status, [tree["police"]])
    response = client.post(url, form)
    assert response.status_code == 302
    assert InitiativePage.objects.get(title="New initiative").number == "2.13"


def test_status_choices_are_the_plans_own(tree):
    """An initiative may only take a status from its own plan's initiative vocabulary."""
    from civicstat.plans.forms import InitiativeStatusForm

    other = t.make_plan(slug="other", title="Other plan")
    form_class = InitiativePage.get_edit_handler().get_form_class()
    assert issubclass(form_class, InitiativeStatusForm)
    form = form_class(instance=tree["fn"], for_user=t.make_user("x", superuser=True))
    choices = set(form.fields["status"].queryset.values_list("plan_id", "kind"))
    assert choices == {(tree["plan"].pk, "initiative")}
    assert other.pk not in {plan for plan, _ in choices}


def test_an_initiative_needs_an_owning_department(client, tree):
    client.force_login(t.make_user("root", superuser=True))
    status = tree["plan"].status_options.get(kind="initiative", key="in_progress")
    url = reverse("wagtailadmin_pages:add", args=("plans", "initiativepage", tree["objective"].pk))
    response = client.post(url, _create_initiative_form(tree["objective"], "2.13", status, []))
    assert response.status_code == 200
    assert response.context["form"].errors["departments"]
