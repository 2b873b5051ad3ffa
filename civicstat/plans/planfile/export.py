"""Plan → plain data in the plan-file format. Deterministic: stable order, every field written."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from civicstat.core.models import Department
from civicstat.measures.models import Measure, MeasureRole
from civicstat.plans.models import (
    DataPage,
    GoalPage,
    InitiativePage,
    ObjectivePage,
    PlanPage,
    StatusKind,
)

from .schema import FORMAT


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat()


def _user_name(user, fallback: str = "") -> str:
    if fallback:
        return fallback
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def export_plan(plan: PlanPage) -> dict:
    plan = plan.specific
    goals = [_goal(goal) for goal in plan.goals()]
    pages = _data_pages(plan)
    department_slugs = _department_refs({"goals": goals, "pages": pages})
    return {
        "format": FORMAT,
        "slug": plan.slug,
        "title": plan.title,
        "short_title": plan.short_title,
        "period": plan.period_label,
        "start_date": _date(plan.start_date),
        "end_date": _date(plan.end_date),
        "adopted_on": _date(plan.adopted_on),
        "archived": plan.archived,
        "numbered": plan.numbered,
        "fiscal_year_start_month": plan.fiscal_year_start_month,
        "intro": plan.intro,
        "departments": [
            {
                "slug": dep.slug,
                "name": dep.name,
                "short_name": dep.short_name,
                "email": dep.email,
                "website": dep.website,
                "description": dep.description,
            }
            for dep in Department.objects.filter(slug__in=department_slugs).order_by("slug")
        ],
        "statuses": {
            str(kind): [
                {
                    "key": option.key,
                    "label": option.label,
                    "colour": option.colour,
                    "icon": option.icon,
                    "description": option.description,
                }
                for option in plan.statuses(kind)
            ]
            for kind in (StatusKind.INITIATIVE, StatusKind.MEASURE)
        },
        "pages": pages,
        "goals": goals,
    }


def _department_refs(node) -> set[str]:
    """Every department slug referred to anywhere below ``node`` (pages and measures)."""
    found: set[str] = set()
    if isinstance(node, dict):
        refs = node.get("departments")
        if isinstance(refs, list) and all(isinstance(r, str) for r in refs):
            found.update(refs)
        for value in node.values():
            if isinstance(value, list | dict):
                found |= _department_refs(value)
    elif isinstance(node, list):
        for item in node:
            found |= _department_refs(item)
    return found


def _data_pages(parent) -> list[dict]:
    return [
        {
            "slug": page.slug,
            "title": page.title,
            "summary": page.summary,
            "body": page.body,
            "analyses": page.keys,
            "departments": sorted(page.departments.values_list("slug", flat=True)),
            "measures": _measures(page, MeasureRole.KEY),
            "pages": _data_pages(page),
        }
        for page in DataPage.objects.child_of(parent).live().specific().order_by("path")
    ]


def _goal(goal: GoalPage) -> dict:
    return {
        "number": goal.number,
        "title": goal.title,
        "slug": goal.slug,
        "statement": goal.statement,
        "why_this_matters": goal.why_this_matters,
        "measures": _measures(goal, MeasureRole.CONTEXT),
        "pages": _data_pages(goal),
        "objectives": [_objective(objective) for objective in goal.objectives()],
    }


def _objective(objective: ObjectivePage) -> dict:
    return {
        "number": objective.number,
        "title": objective.title,
        "slug": objective.slug,
        "summary": objective.summary,
        "initiatives": [_initiative(initiative) for initiative in objective.initiatives()],
    }


def _initiative(page: InitiativePage) -> dict:
    history = page.status_history.select_related("from_status", "to_status", "changed_by")
    return {
        "number": page.number,
        "title": page.title,
        "slug": page.slug,
        "status": page.status.key if page.status else None,
        "departments": sorted(page.departments.values_list("slug", flat=True)),
        "description": page.description,
        "key_measures_analysis": page.key_measures_analysis,
        "why_important": page.why_important,
        "what_we_did": page.what_we_did,
        "next_steps": [{"text": step.text, "done": step.done} for step in page.next_steps.all()],
        "status_history": [
            {
                "at": _time(change.changed_at),
                "from": change.from_status.key if change.from_status else None,
                "to": change.to_status.key if change.to_status else None,
                "by": _user_name(change.changed_by, change.changed_by_name),
                "reason": change.reason,
            }
            for change in history
        ],
        "measures": _measures(page, MeasureRole.KEY),
        "pages": _data_pages(page),
    }


def _measures(page, role: str) -> list[dict]:
    measures = (
        Measure.objects.filter(page=page, role=role, live=True)
        .order_by("sort_order", "name", "pk")
        .prefetch_related("departments")
    )
    return [_measure(measure) for measure in measures]


def _measure(measure: Measure) -> dict:
    return {
        "slug": measure.slug,
        "name": measure.name,
        "definition": measure.definition,
        "kind": measure.kind,
        "unit": measure.unit,
        "value_format": measure.value_format,
        "decimals": measure.decimals,
        "cadence": measure.cadence,
        "counts_people": measure.counts_people,
        "suppression_shape": measure.suppression_shape,
        "grace_days": measure.grace_days,
        "direction": measure.direction,
        "target": measure.target,
        "target_low": measure.target_low,
        "target_high": measure.target_high,
        "tolerance": measure.tolerance,
        "tolerance_mode": measure.tolerance_mode,
        "min_n": measure.min_n,
        "headline": measure.headline,
        "departments": sorted(d.slug for d in measure.departments.all()),
        "source": measure.source_note,
        "spec": measure.spec,
        "targets": [
            {"period_start": _date(t.period_start), "target": t.target}
            for t in measure.period_targets.order_by("period_start")
        ],
        "annotations": [
            {"date": _date(a.date), "label": a.label} for a in measure.annotations.order_by("date")
        ],
        "values": [
            {
                "period_start": _date(v.period_start),
                "period_end": _date(v.period_end),
                "period_label": v.period_label,
                "breakdown": v.breakdown,
                "value": v.value,
                "note": v.note,
                "entered_by": _user_name(v.entered_by, v.entered_by_name),
                "entered_at": _time(v.entered_at),
            }
            for v in measure.manual_values.order_by("period_start", "breakdown", "pk")
        ],
    }
