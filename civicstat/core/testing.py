"""Test factories for small plan trees (tests build what they need instead of loading the demo)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from wagtail.models import Locale, Page, Site

from civicstat.core.models import Department, HomePage
from civicstat.core.services import ensure_home_page

INITIATIVE_STATUSES = (
    ("in_progress", "In Progress", "#1f5fa8", "progress"),
    ("on_hold", "On Hold", "#8a5a00", "pause"),
    ("complete", "Complete/Ongoing", "#1b7a3a", "circle-check"),
)
MEASURE_STATUSES = (
    ("on_target", "On Target", "#1b7a3a", "check"),
    ("close_to_target", "Close to Target", "#8a5a00", "warning"),
    ("needs_improvement", "Needs Improvement", "#b3261e", "cross"),
    ("target_pending", "Target Pending", "#4a5568", "dots"),
)


def restore_wagtail_root() -> None:
    """After a transactional test flushed the database: Wagtail's root page, Locale and Site."""
    locale, _ = Locale.objects.get_or_create(language_code="en")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if not Site.objects.exists():
        root = Page.get_first_root_node()
        Site.objects.create(hostname="localhost", port=80, root_page=root, is_default_site=True)


def department(slug: str, name: str | None = None, short: str = "") -> Department:
    from civicstat.plans.permissions import ensure_department_group

    dep, _ = Department.objects.get_or_create(
        slug=slug, defaults={"name": name or slug.replace("-", " ").title(), "short_name": short}
    )
    ensure_department_group(dep)
    return dep


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_plan(slug="test-plan", title="Test Plan", archived=False):
    from civicstat.plans.models import PlanPage, StatusOption

    home: HomePage = ensure_home_page()
    plan = PlanPage(title=title, slug=slug, archived=archived, start_date=dt.date(2023, 7, 1))
    home.add_child(instance=plan)
    publish(plan)
    for kind, rows in (("initiative", INITIATIVE_STATUSES), ("measure", MEASURE_STATUSES)):
        for order, (key, label, colour, icon) in enumerate(rows):
            StatusOption.objects.create(
                plan=plan,
                kind=kind,
                key=key,
                label=label,
                colour=colour,
                icon=icon,
                sort_order=order,
            )
    return plan


def make_goal(plan, number="2", title="Create a Safer Community Together", **fields):
    from civicstat.plans.models import GoalPage

    goal = GoalPage(title=title, number=number, slug=f"goal-{number}", **fields)
    plan.add_child(instance=goal)
    return publish(goal)


def make_objective(goal, number="2.1", title="Reduce Harm"):
    from civicstat.plans.models import ObjectivePage

    objective = ObjectivePage(
        title=title, number=number, slug=f"objective-{number.replace('.', '-')}"
    )
    goal.add_child(instance=objective)
    return publish(objective)


def make_initiative(
    objective,
    number="2.11",
    title="Familiar neighbors",
    departments=(),
    status="in_progress",
    **fields,
):
    from civicstat.plans.models import InitiativePage

    plan = objective.get_parent().get_parent().specific
    page = InitiativePage(
        title=title,
        number=number,
        slug=f"initiative-{number.replace('.', '-')}",
        status=plan.status_options.get(kind="initiative", key=status) if status else None,
        **fields,
    )
    page.departments = list(departments)
    objective.add_child(instance=page)
    return publish(page)


def make_user(username: str, *, groups=(), superuser=False, password="pw"):
    User = get_user_model()
    user = User.objects.create_user(
        username=username,
        password=password,
        is_staff=True,
        is_superuser=superuser,
        first_name=username.title(),
    )
    user.groups.add(*groups)
    return user
