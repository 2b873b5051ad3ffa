"""Staff edit a measure's spec, target and rule in the admin; the change is reviewed and recorded."""

import pytest
import yaml
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import nested_form_data

from civicstat.core import testing as t
from civicstat.measures.models import Measure
from civicstat.plans.permissions import PERFORMANCE_OFFICE, setup_groups_and_workflow

pytestmark = pytest.mark.django_db

FORMSET = {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000}


def measure_form(measure, **changes):
    fields = {
        "name": measure.name,
        "slug": measure.slug,
        "definition": measure.definition,
        "page": measure.page_id,
        "role": measure.role,
        "sort_order": measure.sort_order,
        "kind": measure.kind,
        "cadence": measure.cadence,
        "unit": measure.unit,
        "value_format": measure.value_format,
        "decimals": measure.decimals,
        "suppression_shape": measure.suppression_shape,
        "grace_days": measure.grace_days,
        "spec": yaml.safe_dump(measure.spec) if measure.spec else "",
        "source_note": measure.source_note,
        "direction": measure.direction,
        "target": "" if measure.target is None else measure.target,
        "target_low": "",
        "target_high": "",
        "tolerance": measure.tolerance,
        "tolerance_mode": measure.tolerance_mode,
        "min_n": measure.min_n,
        "period_targets": FORMSET,
        "manual_values": FORMSET,
        "annotations": FORMSET,
    }
    fields.update(changes)
    data = nested_form_data(fields)
    data["departments"] = [d.pk for d in measure.departments.all()]
    return data


@pytest.fixture
def police_measure(measured):
    setup_groups_and_workflow()
    measure = measured["count"]
    measure.departments.set([t.department("police")])
    measure.save()
    measure.save_revision().publish()
    return measure


def test_bad_spec_yaml_is_refused_with_the_engine_message(client, police_measure):
    client.force_login(t.make_user("admin", superuser=True))
    url = reverse("wagtailsnippets_measures_measure:edit", args=(police_measure.pk,))
    response = client.post(url, measure_form(police_measure, spec="dataset: [unclosed"))
    assert response.status_code == 200 and "not valid YAML" in response.content.decode()
    bad = yaml.safe_dump({**police_measure.spec, "aggregate": {"kind": "percentile", "p": 7}})
    response = client.post(url, measure_form(police_measure, spec=bad))
    assert response.status_code == 200
    assert "aggregate.p" in response.content.decode()


def test_spec_and_target_change_waits_for_approval(client, police_measure):
    staff = t.make_user("dana", groups=[t.department("police").staff_group])
    office = t.make_user("pat", groups=[Group.objects.get(name=PERFORMANCE_OFFICE)])
    url = reverse("wagtailsnippets_measures_measure:edit", args=(police_measure.pk,))
    new_spec = yaml.safe_dump({**police_measure.spec, "grain": "quarter"})
    data = measure_form(police_measure, spec=new_spec, target="5")
    data["action-submit"] = "Submit"
    client.force_login(staff)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:300]
    live = Measure.objects.get(pk=police_measure.pk)
    assert live.spec["grain"] == "month" and live.target is None  # not public yet
    state = WorkflowState.objects.get(base_content_type__model="measure", object_id=str(live.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert live.latest_revision.content["target"] == 5.0  # the change is recorded

    client.force_login(office)
    approve = reverse(
        "wagtailsnippets_measures_measure:workflow_action",
        args=(live.pk, "approve", state.current_task_state.pk),
    )
    client.post(approve, {"comment": "ok"})
    live.refresh_from_db()
    assert live.spec["grain"] == "quarter" and live.target == 5.0
    assert live.revisions.count() >= 2


def test_status_rule_edit_is_reviewed_then_used_by_the_refresh(client, police_measure, measured):
    """Direction, tolerance, minimum records and a period's own target, changed in the admin,
    wait for approval, are recorded in the revision, and then decide the published statuses."""
    import datetime as dt

    from wagtail.test.utils.form_data import inline_formset

    from civicstat.measures.models import MeasureValue
    from civicstat.measures.services.refresh import refresh

    staff = t.make_user("dana", groups=[t.department("police").staff_group])
    office = t.make_user("pat", groups=[Group.objects.get(name=PERFORMANCE_OFFICE)])
    url = reverse("wagtailsnippets_measures_measure:edit", args=(police_measure.pk,))
    data = measure_form(
        police_measure,
        direction="lower_is_better",
        target="2",
        tolerance="1",
        tolerance_mode="absolute",
        min_n="2",
        period_targets=inline_formset([{"period_start": "2024-06-01", "target": "1"}]),
    )
    data["action-submit"] = "Submit"
    client.force_login(staff)
    assert client.post(url, data).status_code == 302
    live = Measure.objects.get(pk=police_measure.pk)
    assert live.direction == "higher_is_better" and live.min_n == 1  # not public yet
    content = live.latest_revision.content
    assert (
        content["direction"],
        content["tolerance"],
        content["tolerance_mode"],
        content["min_n"],
    ) == ("lower_is_better", 1.0, "absolute", 2)
    assert [(p["period_start"], p["target"]) for p in content["period_targets"]] == [
        ("2024-06-01", 1.0)
    ]

    state = WorkflowState.objects.get(base_content_type__model="measure", object_id=str(live.pk))
    client.force_login(office)
    client.post(
        reverse(
            "wagtailsnippets_measures_measure:workflow_action",
            args=(live.pk, "approve", state.current_task_state.pk),
        ),
        {"comment": "ok"},
    )
    refresh(as_of=dt.date(2024, 9, 15), run_sources=False)
    published = {
        v.period_label: (v.status, v.target) for v in MeasureValue.objects.filter(measure=live)
    }
    # Calls per month 3, 2, 1 (conftest.CALLS). Lower is better, absolute tolerance 1:
    # June 3 against its own target 1 misses by 2 → needs improvement; July 2 meets 2 → on
    # target; August's single call is below the 2-record minimum → insufficient data.
    assert published == {
        "2024-06": ("needs_improvement", 1.0),
        "2024-07": ("on_target", 2.0),
        "2024-08": ("insufficient_data", 2.0),
    }
