"""Forms of the calendar pages: filters (GET) and the offer to assist (POST)."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from civicstat.core.models import Department
from civicstat.events.models import Audience, EventCategory
from civicstat.events.occurrences import CalendarFilter


class CalendarFilterForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("All departments"),
    )
    category = forms.ModelChoiceField(
        label=_("Kind of event"),
        queryset=EventCategory.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All kinds"),
    )

    internal = False

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        hosts = Department.objects.filter(hosted_events__isnull=False)
        helpers = Department.objects.filter(event_assists__status="accepted")
        self.fields["department"].queryset = (hosts | helpers).distinct().order_by("name")

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:  # tie the message to its field for screen readers
                self.fields[name].widget.attrs.update(
                    {"aria-describedby": f"{self[name].auto_id}-error", "aria-invalid": "true"}
                )

    def calendar_filter(self) -> CalendarFilter:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return CalendarFilter(
            audience=None if self.internal else Audience.PUBLIC,
            department=data.get("department"),
            category=data.get("category"),
            joint_only=bool(data.get("joint")),
        )

    @property
    def active(self) -> bool:
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())

    def query(self) -> str:
        """The filters as a query string to carry over to other views ('' when none)."""
        if not self.active:
            return ""
        params = {}
        for name, value in self.cleaned_data.items():
            if value:
                params[name] = getattr(value, "slug", None) or ("1" if value is True else value)
        return "?" + urlencode(params)


class InternalFilterForm(CalendarFilterForm):
    audience = forms.ChoiceField(
        label=_("Audience"),
        required=False,
        choices=[("", _("Public and internal"))] + list(Audience.choices),
    )
    joint = forms.BooleanField(label=_("Joint events only"), required=False)

    internal = True

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("name")

    def calendar_filter(self) -> CalendarFilter:
        base = super().calendar_filter()
        audience = self.cleaned_data.get("audience") if self.is_bound and self.is_valid() else ""
        return CalendarFilter(
            audience=audience or None,
            department=base.department,
            category=base.category,
            joint_only=base.joint_only,
        )


class AssistOfferForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Offer help from"),
        queryset=Department.objects.none(),
        empty_label=None,
    )
    note = forms.CharField(
        label=_("Note to the host"),
        max_length=255,
        required=False,
        help_text=_("For example: two firefighters and the fire-safety trailer."),
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            pk__in=[d.pk for d in departments]
        )
