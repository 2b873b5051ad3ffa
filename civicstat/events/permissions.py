"""Who may use the staff calendar and manage events.

Staff of every department see the internal calendar (public and internal events) and may offer
their department's help with any event; an event's hosting department accepts or declines
offers and edits the event. The performance office and superusers see and edit everything.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from wagtail.permission_policies.base import ModelPermissionPolicy

from civicstat.core.models import Department

PERFORMANCE_OFFICE = "Performance office"  # civicstat.plans.permissions.PERFORMANCE_OFFICE
EVENT_MODELS = ("event", "eventcategory")
LOGIN_URL = "wagtailadmin_login"


def staff_departments(user):
    return Department.objects.for_user(user)


def is_office(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.groups.filter(name=PERFORMANCE_OFFICE).exists()
    )


def can_use_internal(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return is_office(user) or staff_departments(user).exists()


def internal_required(view):
    """Signed in (else to the admin login) and staff of a department (else 403)."""

    @login_required(login_url=LOGIN_URL)
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_use_internal(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def can_manage(user, event) -> bool:
    """Edit the event and decide on offers: its host's staff, the office, superusers."""
    if is_office(user):
        return True
    return staff_departments(user).filter(pk=event.host_department_id).exists()


def grant_event_permissions() -> None:
    """Department staff groups may add, change and delete events (narrowed to their own by the
    policy below) and view categories; the performance office may manage both fully."""
    perms = {p.codename: p for p in Permission.objects.filter(content_type__app_label="events")}
    staff = [perms[f"{a}_event"] for a in ("add", "change", "delete", "view")]
    staff.append(perms["view_eventcategory"])
    for department in Department.objects.exclude(staff_group=None).select_related("staff_group"):
        department.staff_group.permissions.add(*staff)
    office = Group.objects.filter(name=PERFORMANCE_OFFICE).first()
    if office is not None:
        office.permissions.add(
            *[perms[f"{a}_{m}"] for a in ("add", "change", "delete", "view") for m in EVENT_MODELS]
        )


class EventPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, narrowed per event to the user's departments' hosted events."""

    def _owns(self, user, instance) -> bool:
        return can_manage(user, instance)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        allowed = [a for a in actions if self.user_has_permission(user, a)]
        if not allowed:
            return False
        if set(allowed) <= {"view"}:
            return True
        return self._owns(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = self.model._default_manager.all()
        if not any(self.user_has_permission(user, a) for a in actions):
            return queryset.none()
        if is_office(user) or set(actions) <= {"view"}:
            return queryset
        return queryset.filter(host_department__in=staff_departments(user))
