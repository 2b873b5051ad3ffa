"""Context builders for the plan pages: the work stays out of models and templates."""

from __future__ import annotations

from dataclasses import dataclass

from civicstat.measures.models import Measure, MeasureRole
from civicstat.measures.services.summary import MeasureSummary, summarise


@dataclass(frozen=True)
class InitiativeRow:
    page: object
    headline: MeasureSummary | None


@dataclass(frozen=True)
class ObjectiveBlock:
    page: object
    initiatives: list[InitiativeRow]


def goal_listing(goal) -> dict:
    """Objectives → initiatives → headline measure, plus the goal's context measures."""
    plan = goal.plan
    objectives = goal.objectives()
    initiatives_by_objective = {obj.pk: obj.initiatives() for obj in objectives}
    initiative_ids = [i.pk for items in initiatives_by_objective.values() for i in items]
    key_measures = Measure.objects.live().filter(page_id__in=initiative_ids, role=MeasureRole.KEY)
    headline_by_page: dict[int, Measure] = {}
    for measure in key_measures.order_by("-headline", "sort_order", "name"):
        headline_by_page.setdefault(measure.page_id, measure)
    summaries = {s.measure.page_id: s for s in summarise(headline_by_page.values(), plan)}
    blocks = [
        ObjectiveBlock(
            page=obj,
            initiatives=[
                InitiativeRow(page=i, headline=summaries.get(i.pk))
                for i in initiatives_by_objective[obj.pk]
            ],
        )
        for obj in objectives
    ]
    context_measures = Measure.objects.live().for_page(goal).filter(role=MeasureRole.CONTEXT)
    return {
        "objective_blocks": blocks,
        "context_measures": summarise(context_measures, plan),
        "initiative_statuses": plan.initiative_statuses() if plan else [],
        "data_pages": goal.data_pages(),
    }


def initiative_detail(initiative) -> dict:
    plan = initiative.plan
    measures = Measure.objects.live().for_page(initiative).filter(role=MeasureRole.KEY)
    history = initiative.status_history.select_related("from_status", "to_status")
    return {
        "goal": initiative.goal,
        "objective": initiative.objective,
        "key_measures": summarise(measures, plan),
        "next_steps": list(initiative.next_steps.all()),
        "status_history": list(history),
        "initiative_statuses": plan.initiative_statuses() if plan else [],
        "departments": list(initiative.departments.all()),
        "data_pages": initiative.data_pages(),
    }


def initiative_index(plan, request) -> dict:
    from civicstat.plans.forms import InitiativeFilterForm
    from civicstat.plans.models import InitiativePage
    from civicstat.plans.numbering import sort_key

    form = InitiativeFilterForm(plan, request.GET or None)
    initiatives = (
        InitiativePage.objects.descendant_of(plan)
        .live()
        .specific()
        .select_related("status")
        .prefetch_related("departments")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data.get("goal"):
            initiatives = initiatives.descendant_of(data["goal"])
        if data.get("status"):
            initiatives = initiatives.filter(status=data["status"])
        if data.get("department"):
            initiatives = initiatives.filter(departments=data["department"])
    rows = sorted(initiatives, key=lambda page: (sort_key(page.number), page.path))
    goals = {goal.pk: goal for goal in plan.goals()}
    goal_of = {}
    for page in rows:
        goal_of[page.pk] = next((goals[g.pk] for g in page.get_ancestors() if g.pk in goals), None)
    return {
        "filter_form": form,
        "initiatives": [(page, goal_of[page.pk]) for page in rows],
        "initiative_statuses": plan.initiative_statuses(),
        "filtered": form.is_bound and form.is_valid() and any(form.cleaned_data.values()),
    }


def data_page_detail(page) -> dict:
    """A data page: its published analyses (in the order named), measures and child pages."""
    from civicstat.measures.models import PublishedAnalysis

    plan = page.plan
    found = {a.key: a for a in PublishedAnalysis.objects.filter(key__in=page.keys)}
    measures = Measure.objects.live().for_page(page)
    return {
        "goal": page.goal,
        "initiative": page.initiative,
        "analyses": [(key, found.get(key)) for key in page.keys],
        "page_measures": summarise(measures, plan),
        "children": page.data_pages(),
        "departments": list(page.departments.all()),
    }
