"""Who may edit what, and who approves.

- The performance office approves and publishes everything in the plan and every measure.
- Each department has a staff group whose members may edit only the initiatives, data pages and
  measures their department owns; their changes go to the performance office for approval before they are public.
Page permissions are granted per initiative page, kept in step with each initiative's departments.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowContentType,
    WorkflowPage,
    WorkflowTask,
)

from civicstat.core.models import Department
from civicstat.core.services import ensure_home_page

PERFORMANCE_OFFICE = "Performance office"
WORKFLOW_NAME = "Performance office review"
TASK_NAME = "Performance office approval"

_PAGE_PERMISSIONS_OFFICE = ("add", "change", "publish", "lock", "unlock")


def _perm(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _page_permission(kind: str) -> Permission:
    return Permission.objects.get(
        content_type=ContentType.objects.get_for_model(Page), codename=f"{kind}_page"
    )


def department_group_name(department: Department) -> str:
    return f"{department.name} staff"


@transaction.atomic
def setup_groups_and_workflow() -> Group:
    """Create (or bring up to date) the groups, their permissions and the review workflow."""
    home = ensure_home_page()
    office, _ = Group.objects.get_or_create(name=PERFORMANCE_OFFICE)
    office.permissions.add(
        _perm("wagtailadmin", "access_admin"),
        *[
            _perm("measures", codename)
            for codename in (
                "add_measure",
                "change_measure",
                "delete_measure",
                "publish_measure",
                "lock_measure",
                "unlock_measure",
                "edit_any_measure",
            )
        ],
        *[_perm("core", f"{action}_department") for action in ("add", "change")],
        *[_perm("plans", f"{action}_statusoption") for action in ("add", "change", "delete")],
    )
    for kind in _PAGE_PERMISSIONS_OFFICE:
        GroupPagePermission.objects.get_or_create(
            group=office, page=home, permission=_page_permission(kind)
        )

    for department in Department.objects.all():
        ensure_department_group(department)

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.set([office])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    from civicstat.measures.models import Measure

    WorkflowContentType.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(Measure), defaults={"workflow": workflow}
    )
    sync_initiative_permissions()
    return office


def ensure_department_group(department: Department) -> Group:
    if department.staff_group is None:
        group, _ = Group.objects.get_or_create(name=department_group_name(department))
        department.staff_group = group
        department.save(update_fields=["staff_group"])
    group = department.staff_group
    group.permissions.add(
        _perm("wagtailadmin", "access_admin"),
        _perm("measures", "change_measure"),
        _perm("measures", "view_measure"),
    )
    return group


def sync_initiative_permissions(pages=None) -> None:
    """Give each department's group "change" on exactly the initiatives and data pages it owns
    (a grant covers the pages below, so a data page under an initiative is its owners' too)."""
    from civicstat.plans.models import DataPage, InitiativePage

    change = _page_permission("change")
    department_groups = {
        d.pk: d.staff_group
        for d in Department.objects.select_related("staff_group")
        if d.staff_group
    }
    everything = [InitiativePage.objects.all(), DataPage.objects.all()]
    querysets = everything if pages is None else [pages]
    for page in (p for qs in querysets for p in qs.prefetch_related("departments")):
        wanted = {
            department_groups[d.pk] for d in page.departments.all() if d.pk in department_groups
        }
        current = GroupPagePermission.objects.filter(
            page=page, permission=change, group__in=department_groups.values()
        )
        for grant in current:
            if grant.group not in wanted:
                grant.delete()
        for group in wanted:
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=change)
