"""Data pages: where they may sit in the tree, how they travel in the plan file, and what the
importer refuses."""

import copy

import pytest

from civicstat.core.models import HomePage
from civicstat.demo.setup import plan_file
from civicstat.plans import planfile
from civicstat.plans.models import DataPage, InitiativePage, ObjectivePage
from civicstat.plans.planfile.errors import PlanFileError

pytestmark = pytest.mark.django_db


def test_data_pages_nest_under_plan_goal_initiative_and_each_other(tree):
    plan, goal, objective, initiative = tree["plan"], tree["goal"], tree["objective"], tree["fn"]
    for parent in (plan, goal, initiative):
        assert DataPage.can_create_at(parent)
    assert not DataPage.can_create_at(objective)
    assert not DataPage.can_create_at(HomePage.objects.get())
    page = DataPage(title="Program figures", slug="figures")
    initiative.add_child(instance=page)
    assert DataPage.can_create_at(page)
    assert not InitiativePage.can_create_at(page)
    assert not ObjectivePage.can_create_at(page)
    assert page.initiative.pk == initiative.pk and page.goal.pk == goal.pk


def _durham():
    return planfile.load(plan_file("durham-fy2024-2026.yaml"))


def test_durham_data_pages_round_trip():
    source = _durham()
    plan = planfile.import_plan(source)
    exported = planfile.export_plan(plan)
    goal2 = next(g for g in exported["goals"] if g["number"] == "2")
    source_goal2 = next(g for g in source["goals"] if g["number"] == "2")

    def shape(pages):
        return [
            (
                p["slug"],
                p["title"],
                list(p.get("analyses") or []),
                sorted(p["departments"]),
                shape(p.get("pages") or []),
            )
            for p in pages
        ]

    assert shape(goal2["pages"]) == shape(source_goal2["pages"])
    assert [p["slug"] for p in goal2["pages"][0]["pages"]] == [
        "community-response-teams",
        "co-response",
        "crisis-call-diversion",
        "care-navigation",
        "call-diversion",
    ]
    pilots = goal2["objectives"][0]["initiatives"][2]
    assert [p["slug"] for p in pilots["pages"]] == [
        "gunshot-detection-pilot",
        "risk-terrain-modeling",
        "dirt-bike-mitigation",
    ]
    crt = DataPage.objects.get(slug="community-response-teams")
    assert crt.keys == ["heart/community_response_team"]
    assert crt.get_parent().slug == "community-safety"


def test_data_page_problems_are_reported_with_their_path():
    data = _durham()
    goal2 = data["goals"][1]
    broken = copy.deepcopy(goal2["pages"][0])
    broken["analyses"] = ["Heart All!"]
    broken["pages"][0]["departments"] = ["sanitation"]
    broken["pages"][1]["colour"] = "red"
    goal2["pages"][0] = broken
    with pytest.raises(PlanFileError) as error:
        planfile.import_plan(data)
    text = str(error.value)
    assert "goals[1].pages[0].analyses[0]: 'Heart All!' is not an analysis key" in text
    assert "goals[1].pages[0].pages[0].departments[0]: 'sanitation' is not a department" in text
    assert "goals[1].pages[0].pages[1].colour: unknown key" in text
    assert not DataPage.objects.exists()


def test_department_staff_edit_the_data_pages_they_own(client, tree):
    from django.urls import reverse

    from civicstat.core import testing as t

    goal_page = DataPage(title="Crisis response", slug="crisis-response")
    goal_page.departments = [tree["safety"]]
    tree["goal"].add_child(instance=goal_page)
    t.publish(goal_page)
    under_2_12 = DataPage(title="Youth figures", slug="youth-figures")  # 2.12 is police's
    tree["youth"].add_child(instance=under_2_12)
    t.publish(under_2_12)
    sam = t.make_user("sam", groups=[tree["safety"].staff_group])
    dana = t.make_user("dana", groups=[tree["police"].staff_group])

    def edit(page):
        return client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,))).status_code

    client.force_login(sam)
    assert edit(goal_page) == 200
    assert edit(under_2_12) == 302
    client.force_login(dana)
    assert edit(goal_page) == 302
    assert edit(under_2_12) == 200  # the initiative's grant covers the pages below it
