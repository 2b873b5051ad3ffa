"""Plain data in the plan-file format → a published plan tree. All or nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from civicstat.core.models import Department
from civicstat.core.services import ensure_home_page
from civicstat.measures.models import (
    ManualValue,
    Measure,
    MeasureAnnotation,
    MeasureRole,
    MeasureTarget,
)
from civicstat.plans.models import (
    DataPage,
    GoalPage,
    InitiativePage,
    NextStep,
    ObjectivePage,
    PlanPage,
    StatusChange,
    StatusKind,
    StatusOption,
)

from .errors import PlanFileError, Problem
from .schema import validate

IMPORTER_NAME = "Plan import"


def import_plan(data: dict, *, replace: bool = False, user=None, source: str = "") -> PlanPage:
    """Validate ``data`` and create the plan it describes, published.

    Raises PlanFileError listing every problem (and changes nothing) when the file is invalid,
    when a plan with the same slug exists and ``replace`` is False, or when a measure slug is
    already used by another plan."""
    problems = validate(data, known_departments=Department.objects.values_list("slug", flat=True))
    existing = (
        PlanPage.objects.filter(slug=data.get("slug")).first() if isinstance(data, dict) else None
    )
    if existing is not None and not replace:
        problems.append(
            Problem(
                "slug",
                f"a plan with slug {data['slug']!r} already exists (use --replace to replace it)",
            )
        )
    if not problems:
        problems.extend(_measure_slug_clashes(data, existing))
    if problems:
        raise PlanFileError(problems, source)
    with transaction.atomic():
        if existing is not None:
            _delete_plan(existing)
        return _Builder(data, user).build()


def _all_measures(data: dict):
    yield from _page_measures(data.get("pages"), "pages")
    for gi, goal in enumerate(data.get("goals") or []):
        for mi, measure in enumerate(goal.get("measures") or []):
            yield f"goals[{gi}].measures[{mi}]", measure
        yield from _page_measures(goal.get("pages"), f"goals[{gi}].pages")
        for oi, objective in enumerate(goal.get("objectives") or []):
            for ii, initiative in enumerate(objective.get("initiatives") or []):
                ipath = f"goals[{gi}].objectives[{oi}].initiatives[{ii}]"
                for mi, measure in enumerate(initiative.get("measures") or []):
                    yield f"{ipath}.measures[{mi}]", measure
                yield from _page_measures(initiative.get("pages"), f"{ipath}.pages")


def _page_measures(pages: list | None, path: str):
    for pi, page in enumerate(pages or []):
        for mi, measure in enumerate(page.get("measures") or []):
            yield f"{path}[{pi}].measures[{mi}]", measure
        yield from _page_measures(page.get("pages"), f"{path}[{pi}].pages")


def _measure_slug_clashes(data: dict, existing: PlanPage | None) -> list[Problem]:
    own = set()
    if existing is not None:
        own = set(
            Measure.objects.filter(page__in=existing.get_descendants(inclusive=True)).values_list(
                "slug", flat=True
            )
        )
    taken = set(Measure.objects.values_list("slug", flat=True)) - own
    return [
        Problem(f"{path}.slug", f"measure slug {m['slug']!r} is already used by another plan")
        for path, m in _all_measures(data)
        if m.get("slug") in taken
    ]


def _delete_plan(plan: PlanPage) -> None:
    pages = plan.get_descendants(inclusive=True)
    Measure.objects.filter(page__in=pages).delete()
    StatusChange.objects.filter(initiative__in=pages).delete()
    InitiativePage.objects.descendant_of(plan).update(status=None)
    plan.delete()  # status options go with it (CASCADE)


def _as_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _as_time(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)


def _number(value: Any) -> str:
    return "" if value is None else str(value).strip()


class _Builder:
    def __init__(self, data: dict, user):
        self.data = data
        self.user = user
        self.now = timezone.now()
        self.users = {u.get_username(): u for u in get_user_model().objects.all()}
        self.departments: dict[str, Department] = {}
        self.statuses: dict[tuple[str, str], StatusOption] = {}

    def build(self) -> PlanPage:
        data = self.data
        self._departments()
        home = ensure_home_page()
        plan = PlanPage(
            title=data["title"],
            slug=data["slug"],
            short_title=data.get("short_title") or "",
            period_label=data.get("period") or "",
            start_date=_as_date(data.get("start_date")),
            end_date=_as_date(data.get("end_date")),
            adopted_on=_as_date(data.get("adopted_on")),
            archived=bool(data.get("archived", False)),
            numbered=data.get("numbered", True) is not False,
            fiscal_year_start_month=data.get("fiscal_year_start_month") or 7,
            intro=data.get("intro") or "",
        )
        home.add_child(instance=plan)
        self._statuses(plan)
        self._publish(plan)
        self._data_pages(plan, data.get("pages"))
        for goal_data in data.get("goals") or []:
            goal = GoalPage(
                title=goal_data["title"],
                slug=goal_data.get("slug") or slugify(goal_data["title"])[:255],
                number=_number(goal_data.get("number")),
                statement=goal_data.get("statement") or "",
                why_this_matters=goal_data.get("why_this_matters") or "",
            )
            plan.add_child(instance=goal)
            self._publish(goal)
            self._measures(goal, goal_data.get("measures"), MeasureRole.CONTEXT)
            self._data_pages(goal, goal_data.get("pages"))
            for objective_data in goal_data.get("objectives") or []:
                objective = ObjectivePage(
                    title=objective_data["title"],
                    slug=objective_data.get("slug") or slugify(objective_data["title"])[:255],
                    number=_number(objective_data.get("number")),
                    summary=objective_data.get("summary") or "",
                )
                goal.add_child(instance=objective)
                self._publish(objective)
                for initiative_data in objective_data.get("initiatives") or []:
                    self._initiative(objective, initiative_data)
        return plan

    def _departments(self) -> None:
        for row in self.data.get("departments") or []:
            department, _created = Department.objects.update_or_create(
                slug=row["slug"],
                defaults={
                    "name": row["name"],
                    "short_name": row.get("short_name") or "",
                    "email": row.get("email") or "",
                    "website": row.get("website") or "",
                    "description": row.get("description") or "",
                },
            )
            self.departments[department.slug] = department
        for department in Department.objects.exclude(slug__in=self.departments):
            self.departments[department.slug] = department

    def _statuses(self, plan: PlanPage) -> None:
        statuses = self.data.get("statuses") or {}
        for kind in (StatusKind.INITIATIVE, StatusKind.MEASURE):
            for order, row in enumerate(statuses.get(kind) or []):
                option = StatusOption.objects.create(
                    plan=plan,
                    kind=kind,
                    key=row["key"],
                    label=row["label"],
                    colour=row["colour"],
                    icon=row["icon"],
                    description=row.get("description") or "",
                    sort_order=order,
                )
                self.statuses[(kind, option.key)] = option

    def _status(self, key: str | None) -> StatusOption | None:
        return self.statuses[(StatusKind.INITIATIVE, key)] if key else None

    def _publish(self, page) -> None:
        page.save_revision(user=self.user, log_action=False).publish(
            user=self.user, log_action=False
        )

    def _person(self, name: str | None):
        return self.users.get(name or "")

    def _initiative(self, objective: ObjectivePage, data: dict) -> None:
        page = InitiativePage(
            title=data["title"],
            slug=data.get("slug") or slugify(data["title"])[:255],
            number=_number(data.get("number")),
            status=self._status(data.get("status")),
            description=data.get("description") or "",
            key_measures_analysis=data.get("key_measures_analysis") or "",
            why_important=data.get("why_important") or "",
            what_we_did=data.get("what_we_did") or "",
        )
        page.departments = [self.departments[slug] for slug in data.get("departments") or []]
        page.next_steps = [
            NextStep(text=step["text"], done=bool(step.get("done", False)))
            for step in data.get("next_steps") or []
        ]
        objective.add_child(instance=page)
        history = data.get("status_history")
        if history:
            for change in history:
                by = change.get("by") or ""
                StatusChange.objects.create(
                    initiative=page,
                    from_status=self._status(change.get("from")),
                    to_status=self._status(change.get("to")),
                    changed_at=_as_time(change["at"]),
                    changed_by=self._person(by),
                    changed_by_name=by,
                    reason=change.get("reason") or "",
                )
        elif page.status is not None:
            StatusChange.objects.create(
                initiative=page,
                to_status=page.status,
                changed_at=self.now,
                changed_by=self.user,
                changed_by_name=IMPORTER_NAME,
                reason="",
            )
        self._publish(page)
        self._measures(page, data.get("measures"), MeasureRole.KEY)
        self._data_pages(page, data.get("pages"))

    def _data_pages(self, parent, rows: list | None) -> None:
        for data in rows or []:
            page = DataPage(
                title=data["title"],
                slug=data["slug"],
                summary=data.get("summary") or "",
                body=data.get("body") or "",
                analysis_keys=" ".join(data.get("analyses") or []),
            )
            page.departments = [self.departments[slug] for slug in data.get("departments") or []]
            parent.add_child(instance=page)
            self._publish(page)
            self._measures(page, data.get("measures"), MeasureRole.KEY)
            self._data_pages(page, data.get("pages"))

    def _measures(self, page, rows: list | None, role: str) -> None:
        for order, data in enumerate(rows or []):
            measure = Measure(
                name=data["name"],
                slug=data["slug"],
                definition=data.get("definition") or "",
                page=page,
                role=role,
                headline=bool(data.get("headline", False)),
                sort_order=order,
                kind=data.get("kind") or "manual",
                unit=data.get("unit") or "",
                value_format=data.get("value_format") or "number",
                decimals=data.get("decimals") or 0,
                cadence=data.get("cadence") or "month",
                counts_people=bool(data.get("counts_people", False)),
                suppression_shape=data.get("suppression_shape") or "table",
                grace_days=data.get("grace_days") if data.get("grace_days") is not None else 30,
                direction=data.get("direction") or "higher_is_better",
                target=data.get("target"),
                target_low=data.get("target_low"),
                target_high=data.get("target_high"),
                tolerance=data.get("tolerance") if data.get("tolerance") is not None else 0.10,
                tolerance_mode=data.get("tolerance_mode") or "relative",
                min_n=data.get("min_n") if data.get("min_n") is not None else 1,
                spec=data.get("spec"),
                source_note=data.get("source") or "",
            )
            measure.departments = [self.departments[slug] for slug in data.get("departments") or []]
            measure.period_targets = [
                MeasureTarget(period_start=_as_date(t["period_start"]), target=t["target"])
                for t in data.get("targets") or []
            ]
            measure.annotations = [
                MeasureAnnotation(date=_as_date(a["date"]), label=a["label"])
                for a in data.get("annotations") or []
            ]
            measure.manual_values = [
                ManualValue(
                    period_start=_as_date(v["period_start"]),
                    period_end=_as_date(v.get("period_end")),
                    period_label=v.get("period_label") or "",
                    breakdown=v.get("breakdown") or "",
                    value=v["value"],
                    note=v.get("note") or "",
                    entered_by=self._person(v["entered_by"]) if v.get("entered_by") else self.user,
                    entered_by_name=v.get("entered_by") or IMPORTER_NAME,
                    entered_at=_as_time(v.get("entered_at")) or self.now,
                )
                for v in data.get("values") or []
            ]
            measure.save()
            revision = measure.save_revision(user=self.user, log_action=False)
            revision.publish(user=self.user, log_action=False)
