"""Admin form for measures: values typed in by staff are stamped with who entered them and when."""

from __future__ import annotations

from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm


class MeasureAdminForm(WagtailAdminModelForm):
    def save(self, commit=True):
        user = getattr(self, "for_user", None)
        now = timezone.now()
        formset = self.formsets.get("manual_values") if hasattr(self, "formsets") else None
        if formset is not None:
            for form in formset.forms:
                if form in formset.deleted_forms or not form.has_changed():
                    continue
                value = form.instance
                value.entered_at = now
                if user is not None and user.is_authenticated:
                    value.entered_by = user
                    value.entered_by_name = user.get_full_name() or user.get_username()
        return super().save(commit=commit)
