"""Admin form for events: department staff can only host events for their own departments."""

from __future__ import annotations

from wagtail.admin.forms import WagtailAdminModelForm


class EventAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from civicstat.events.permissions import is_office, staff_departments

        user = getattr(self, "for_user", None)
        if user is not None and not is_office(user) and "host_department" in self.fields:
            self.fields["host_department"].queryset = staff_departments(user)

    def save(self, commit=True):
        user = getattr(self, "for_user", None)
        if self.instance.pk is None and user is not None and user.is_authenticated:
            self.instance.created_by = user
        return super().save(commit=commit)
