"""Measure catalogues: computed definitions attached to a plan by number or data-page slug; all
or nothing, with every problem reported by path."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from civicstat.core import testing as t
from civicstat.measures.catalogue import CatalogueError, attach, load
from civicstat.measures.models import (
    ManualValue,
    Measure,
    MeasureKind,
    MeasureRole,
    MeasureValue,
    ValueSource,
)
from civicstat.measures.services.manual import publish_manual_values
from civicstat.plans.models import DataPage

pytestmark = pytest.mark.django_db

SPEC = """
    spec:
      dataset: calls_for_service
      time_column: received_at
      grain: month
      periods: {start: 2024-06-01}
      aggregate: count
"""


def write(tmp_path: Path, body: str, name="catalogue.yaml") -> Path:
    path = tmp_path / name
    path.write_text("measures:\n" + body)
    return path


@pytest.fixture
def plan():
    police = t.department("police", "Police Department")
    plan = t.make_plan()
    goal = t.make_goal(plan)
    objective = t.make_objective(goal)
    initiative = t.make_initiative(objective, "2.11", "Calls", [police])
    page = DataPage(title="Calls data", slug="calls-data")
    initiative.add_child(instance=page)
    t.publish(page)
    return {"plan": plan, "goal": goal, "initiative": initiative, "page": page}


def test_attach_places_measures_by_number_and_slug(plan, tmp_path):
    path = write(
        tmp_path,
        f"""
  - slug: calls-per-month
    initiative: "2.11"
    name: Calls per month
    unit: calls
    headline: true
{SPEC}
  - slug: calls-context
    goal: "2"
    name: Calls (context)
{SPEC}
  - slug: calls-on-page
    page: calls-data
    name: Calls on the data page
    annotations: [{{date: 2024-07-01, label: New system}}]
{SPEC}
""",
    )
    measures = {m.slug: m for m in attach(plan["plan"], path)}
    first = Measure.objects.get(slug="calls-per-month")
    assert first.page.specific == plan["initiative"] and first.role == MeasureRole.KEY
    assert first.kind == MeasureKind.COMPUTED and first.live and first.headline
    assert first.spec["periods"] == {"start": "2024-06-01"}  # YAML dates stored as ISO text
    assert [d.slug for d in first.departments.all()] == ["police"]  # the initiative's owners
    assert measures["calls-context"].role == MeasureRole.CONTEXT
    on_page = Measure.objects.get(slug="calls-on-page")
    assert on_page.page_id == plan["page"].pk
    assert [(a.date.isoformat(), a.label) for a in on_page.annotations.all()] == [
        ("2024-07-01", "New system")
    ]
    assert first.revisions.count() == 1  # published through a revision, like any edit
    # Attaching again updates, never duplicates.
    attach(plan["plan"], path)
    assert Measure.objects.filter(slug__startswith="calls-").count() == 3


def test_a_manual_measure_that_becomes_computed_withdraws_its_typed_values(plan, tmp_path):
    manual = Measure.objects.create(
        name="Calls",
        slug="calls-per-month",
        page=plan["initiative"],
        kind=MeasureKind.MANUAL,
        live=True,
        cadence="month",
    )
    ManualValue.objects.create(
        measure=manual, period_start="2024-06-01", value=12, entered_by_name="Pat"
    )
    publish_manual_values(manual)
    assert MeasureValue.objects.filter(measure=manual, source=ValueSource.MANUAL).count() == 1
    attach(
        plan["plan"],
        write(
            tmp_path,
            f"""
  - slug: calls-per-month
    initiative: "2.11"
    name: Calls per month
{SPEC}""",
        ),
    )
    manual.refresh_from_db()
    assert manual.kind == MeasureKind.COMPUTED
    assert not MeasureValue.objects.filter(measure=manual).exists()
    assert manual.manual_values.count() == 1  # the typed value stays on record


def test_problems_are_reported_by_path_and_nothing_changes(plan, tmp_path):
    path = write(
        tmp_path,
        """
  - slug: no-place
    name: Nowhere
    spec: {dataset: calls_for_service, time_column: received_at, periods: {start: 2024-06-01},
           aggregate: count}
  - slug: bad-spec
    initiative: "2.11"
    name: Bad
    direction: sideways
    spec: {dataset: calls_for_service, time_column: received_at, periods: {start: 2024-06-01},
           aggregate: tally}
""",
    )
    with pytest.raises(CatalogueError) as error:
        load(path)
    text = str(error.value)
    assert "measures[0]: say where the measure belongs" in text
    assert "measures[1].direction: 'sideways' is not allowed" in text
    assert "measures[1].spec.aggregate.kind" in text and "tally" in text
    missing_page = write(
        tmp_path,
        f"""
  - slug: fine-one
    initiative: "2.11"
    name: Fine
{SPEC}
  - slug: lost-one
    page: no-such-page
    name: Lost
{SPEC}""",
        "second.yaml",
    )
    with pytest.raises(
        CatalogueError,
        match=r"measures\[1\]\.page: the plan 'test-plan' has no "
        r"page 'no-such-page'",
    ):
        attach(plan["plan"], missing_page)
    assert not Measure.objects.filter(slug="fine-one").exists()


def test_command_attaches_and_reports(plan, tmp_path):
    path = write(
        tmp_path,
        f"""
  - slug: calls-per-month
    initiative: "2.11"
    name: Calls per month
{SPEC}""",
    )
    out = StringIO()
    call_command("measures", "attach", str(path), stdout=out)
    assert "1 measures attached to test-plan" in out.getvalue()
    broken = write(tmp_path, "  - slug: x\n    name: X\n", "broken.yaml")
    with pytest.raises(CommandError, match="Nothing was attached"):
        call_command("measures", "attach", str(broken), "--plan", "test-plan", stdout=StringIO())


def test_shipped_catalogues_are_valid():
    from civicstat.demo.pipeline import catalogues

    t.department("police")
    for path in catalogues():
        for department in (
            "human-resources",
            "fire",
            "emergency-communications",
            "community-safety",
            "parks-recreation",
            "budget-management",
        ):
            t.department(department)
        assert load(path), path
