"""The plan as data: round trip, validation with precise paths, all-or-nothing import."""

import copy
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page

from civicstat.core.models import Department
from civicstat.demo.setup import plan_file
from civicstat.measures.models import ManualValue, Measure
from civicstat.plans import planfile
from civicstat.plans.models import InitiativePage, PlanPage, StatusChange, StatusOption


def load_durham():
    return planfile.load(plan_file("durham-fy2024-2026.yaml"))


def wipe_plans():
    """Leave an empty database as far as plans go: no plan pages, measures or departments."""
    for plan in PlanPage.objects.all():
        Measure.objects.filter(page__in=plan.get_descendants(inclusive=True)).delete()
        StatusChange.objects.filter(initiative__in=plan.get_descendants()).delete()
        InitiativePage.objects.descendant_of(plan).update(status=None)
        plan.delete()
    Department.objects.all().delete()
    assert not StatusOption.objects.exists()


def database_fingerprint():
    return (
        Page.objects.count(),
        Measure.objects.count(),
        ManualValue.objects.count(),
        Department.objects.count(),
        StatusOption.objects.count(),
        StatusChange.objects.count(),
        sorted(Department.objects.values_list("slug", "name")),
    )


@pytest.mark.django_db
def test_reference_plan_passes_validation():
    assert planfile.validate(load_durham()) == []
    assert planfile.validate(planfile.load(plan_file("durham-prior-safety-initiatives.yaml"))) == []


@pytest.mark.django_db
def test_round_trip_through_an_empty_database(tmp_path):
    """export → import into an empty database → export gives the same YAML."""
    planfile.import_plan(load_durham())
    first = tmp_path / "first.yaml"
    call_command("plan", "export", str(first), "--plan", "fy2024-2026", stdout=StringIO())
    wipe_plans()
    assert not Page.objects.type(PlanPage).exists()
    call_command("plan", "import", str(first), stdout=StringIO())
    second = tmp_path / "second.yaml"
    call_command("plan", "export", str(second), "--plan", "fy2024-2026", stdout=StringIO())
    assert second.read_text() == first.read_text()
    # And the export is faithful to the source file, not just stable.
    exported = planfile.load(second)
    source = load_durham()
    goal2 = next(g for g in exported["goals"] if g["number"] == "2")
    source_goal2 = next(g for g in source["goals"] if g["number"] == "2")
    assert [i["number"] for o in goal2["objectives"] for i in o["initiatives"]] == [
        "2.11",
        "2.12",
        "2.13",
        "2.21",
        "2.22",
        "2.23",
        "2.31",
        "2.32",
        "2.33",
    ]
    fn = goal2["objectives"][0]["initiatives"][0]
    fn_source = source_goal2["objectives"][0]["initiatives"][0]
    for key in ("title", "description", "why_important", "what_we_did", "status", "departments"):
        expected = sorted(fn_source[key]) if key == "departments" else fn_source[key]
        assert fn[key] == expected, key
    values = {v["breakdown"]: v["value"] for v in fn["measures"][0]["values"]}
    assert values == {
        "5 or more responses": 74,
        "10 or more responses": 19,
        "20 or more responses": 8,
        "40 or more responses": 4,
    }
    events = goal2["objectives"][1]["initiatives"][0]
    assert [s["text"] for s in events["next_steps"]] == [
        s["text"] for s in source_goal2["objectives"][1]["initiatives"][0]["next_steps"]
    ]


@pytest.mark.django_db
def test_archived_plan_keeps_its_own_status_vocabulary():
    plan = planfile.import_plan(planfile.load(plan_file("durham-prior-safety-initiatives.yaml")))
    assert plan.archived
    labels = list(plan.initiative_statuses().values_list("label", flat=True))
    assert labels == ["On Target", "Close to Target", "Needs Improvement", "Complete"]
    counts = {}
    for page in InitiativePage.objects.descendant_of(plan).select_related("status"):
        counts[page.status.label] = counts.get(page.status.label, 0) + 1
    # Counted by hand from Durham's list (seed 000), whose duplicated "diversify" item is kept once.
    assert counts == {"On Target": 9, "Complete": 11, "Needs Improvement": 1, "Close to Target": 2}


def broken_plan():
    data = load_durham()
    goal2 = data["goals"][1]
    goal2["objectives"][0]["initiatives"][2]["status"] = "Done"
    goal2["objectives"][1]["number"] = "3.2"
    goal2["objectives"][0]["initiatives"][0]["departments"].append("sanitation")
    goal2["objectives"][0]["initiatives"][0]["measures"][0]["values"][0]["period_start"] = (
        "2023-13-01"
    )
    goal2["objectives"][0]["initiatives"][1]["measures"][0]["direction"] = "sideways"
    goal2["objectives"][1]["initiatives"][0]["next_steps"][0]["done"] = "yes"
    goal2["objectives"][2]["initiatives"][0]["titel"] = "typo"
    return data


@pytest.mark.django_db
def test_broken_file_reports_every_problem_with_its_path():
    problems = [str(p) for p in planfile.validate(broken_plan())]
    base = "goals[1].objectives"
    expected = [
        f"{base}[0].initiatives[2].status: 'Done' is not a status of this plan",
        f"{base}[1].number: '3.2' is not an objective number of goal 2",
        f"{base}[0].initiatives[0].departments[4]: 'sanitation' is not a department",
        f"{base}[0].initiatives[0].measures[0].values[0].period_start: '2023-13-01' is not a date",
        f"{base}[0].initiatives[1].measures[0].direction: 'sideways' is not allowed",
        f"{base}[1].initiatives[0].next_steps[0].done: expected true or false",
        f"{base}[2].initiatives[0].titel: unknown key",
    ]
    for fragment in expected:
        assert any(problem.startswith(fragment) for problem in problems), (fragment, problems)
    # Initiatives 2.21-2.23 no longer fit their renumbered objective either; nothing else is wrong.
    extra = [p for p in problems if not any(p.startswith(f) for f in expected)]
    assert extra == [
        f"{base}[1].initiatives[{i}].number: '2.2{i + 1}' is not an initiative number of objective 3.2"
        f" (expected 3.2 followed by digits, e.g. 3.21)"
        for i in range(3)
    ]


@pytest.mark.django_db
def test_broken_file_changes_nothing(tmp_path):
    planfile.import_plan(load_durham())
    before = database_fingerprint()
    path = tmp_path / "broken.yaml"
    data = broken_plan()
    data["slug"] = "a-new-plan"
    data["departments"].append({"slug": "sanitation-x", "name": "A department the file would add"})
    path.write_text(planfile.dump(data))
    with pytest.raises(CommandError) as excinfo:
        call_command("plan", "import", str(path), stdout=StringIO())
    message = str(excinfo.value)
    assert "nothing was imported" in message
    assert (
        "goals[1].objectives[0].initiatives[2].status: 'Done' is not a status of this plan"
        in message
    )
    assert database_fingerprint() == before


@pytest.mark.django_db
def test_existing_plan_is_not_duplicated_or_replaced_silently():
    planfile.import_plan(load_durham())
    before = database_fingerprint()
    with pytest.raises(planfile.PlanFileError, match="already exists"):
        planfile.import_plan(load_durham())
    assert database_fingerprint() == before
    planfile.import_plan(load_durham(), replace=True)
    assert database_fingerprint()[:3] == before[:3]


@pytest.mark.django_db
def test_measure_slug_used_by_another_plan_is_refused_before_any_change():
    planfile.import_plan(load_durham())
    before = database_fingerprint()
    other = copy.deepcopy(load_durham())
    other["slug"] = "copy-of-plan"
    with pytest.raises(planfile.PlanFileError) as excinfo:
        planfile.import_plan(other)
    assert any("is already used by another plan" in str(p) for p in excinfo.value.problems)
    assert database_fingerprint() == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("goals: [", "not valid YAML"),
        ("- just\n- a list\n", "expected a mapping"),
        (
            "format: civicstat-plan/9\ntitle: T\nslug: t\n",
            "format: 'civicstat-plan/9' is not a supported format",
        ),
        ("title: T\nslug: Bad Slug\nformat: civicstat-plan/1\n", "slug: 'Bad Slug' is not a slug"),
        (
            "format: civicstat-plan/1\ntitle: T\nslug: t\ngoals:\n- {number: 2.10, title: G}\n",
            "must be written as text in quotes",
        ),
    ],
)
@pytest.mark.django_db
def test_malformed_files(text, expected):
    with pytest.raises(planfile.PlanFileError) as excinfo:
        data = planfile.load(text)
        problems = planfile.validate(data)
        if problems:
            raise planfile.PlanFileError(problems)
    assert expected in str(excinfo.value)
