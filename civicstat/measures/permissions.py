"""Measures belong to departments: department staff may edit only their own department's measures."""

from __future__ import annotations

from wagtail.permission_policies.base import ModelPermissionPolicy

ANY_DEPARTMENT = "measures.edit_any_measure"


class MeasurePermissionPolicy(ModelPermissionPolicy):
    """Model permissions as usual, narrowed per measure to the user's departments.

    Users with ``edit_any_measure`` (the performance office) and superusers act on every measure.
    Viewing is not narrowed: every published measure is public anyway."""

    def _owns(self, user, instance) -> bool:
        if user.is_superuser or user.has_perm(ANY_DEPARTMENT):
            return True
        return instance.departments.filter(staff_group__in=user.groups.all()).exists()

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
        if user.is_superuser or user.has_perm(ANY_DEPARTMENT) or set(actions) <= {"view"}:
            return queryset
        return queryset.filter(departments__staff_group__in=user.groups.all()).distinct()
