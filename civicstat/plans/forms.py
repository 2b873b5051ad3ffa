"""Forms: the admin form that checks plan numbers, and the public initiative filter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from civicstat.core.models import Department
from civicstat.plans.numbering import number_problem


class NumberedPageForm(WagtailAdminPageForm):
    """Checks a goal/objective/initiative number against its parent's and its siblings'."""

    level: str = ""

    def clean(self):
        cleaned = super().clean()
        number = (cleaned.get("number") or "").strip()
        parent = self.parent_page.specific if self.parent_page else None
        if parent is None and self.instance.pk:
            parent = self.instance.get_parent().specific
        plan = getattr(parent, "plan", None)
        numbered = bool(plan and plan.numbered)
        if not number:
            if numbered:
                self.add_error("number", _("Pages of a numbered plan need a number."))
            return cleaned
        parent_number = getattr(parent, "number", None)
        problem = number_problem(self.instance.numbering_level, number, parent_number)
        if problem:
            self.add_error("number", problem)
            return cleaned
        siblings = type(self.instance).objects.child_of(parent).filter(number=number)
        if self.instance.pk:
            siblings = siblings.exclude(pk=self.instance.pk)
        if siblings.exists():
            self.add_error("number", _("Another page here already has number %s.") % number)
        cleaned["number"] = number
        return cleaned


class InitiativeStatusForm(NumberedPageForm):
    """Each edit starts with an empty status reason, so a reason is never carried over."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status_reason" in self.fields:
            self.initial["status_reason"] = ""
        plan = None
        if self.parent_page is not None:
            plan = getattr(self.parent_page.specific, "plan", None)
        elif self.instance.pk:
            plan = self.instance.plan
        if plan is not None and "status" in self.fields:
            self.fields["status"].queryset = plan.initiative_statuses()

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status is None and "status" in self.fields:
            self.add_error("status", _("Choose the initiative's progress status."))
        return cleaned


class InitiativeFilterForm(forms.Form):
    goal = forms.ModelChoiceField(
        label=_("Goal"), queryset=None, required=False, empty_label=_("All goals")
    )
    status = forms.ModelChoiceField(
        label=_("Status"), queryset=None, required=False, empty_label=_("All statuses")
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=_("All departments"),
        to_field_name="slug",
    )

    def __init__(self, plan, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from civicstat.plans.models import GoalPage

        self.fields["goal"].queryset = GoalPage.objects.child_of(plan).live().order_by("path")
        self.fields["goal"].label_from_instance = lambda goal: goal.numbered_title
        self.fields["goal"].to_field_name = "number"
        self.fields["status"].queryset = plan.initiative_statuses()
        self.fields["status"].to_field_name = "key"
        self.fields["department"].queryset = Department.objects.filter(
            initiatives__in=plan.get_descendants()
        ).distinct()
