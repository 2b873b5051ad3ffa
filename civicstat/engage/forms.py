"""The public forms (event request, question) and the staff forms (triage, tutoring)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicstat.core.models import Department
from civicstat.engage.models import EventRequest, Question, RequestStatus
from civicstat.engage.spam import HoneypotMixin
from civicstat.events.models import Audience, Event

PHONE = re.compile(r"^\+?[0-9 ().-]{7,25}$")
MAX_DAYS_AHEAD = 365


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def requestable_departments():
    """Departments that run public events (all departments on a site without events yet)."""
    hosts = Department.objects.filter(hosted_events__audience=Audience.PUBLIC).distinct()
    return hosts if hosts.exists() else Department.objects.all()


class EventRequestForm(HoneypotMixin, forms.ModelForm):
    class Meta:
        model = EventRequest
        fields = [
            "department",
            "kind",
            "preferred_date",
            "alternative_date",
            "preferred_time",
            "location",
            "expected_attendance",
            "message",
            "organisation",
            "name",
            "email",
            "phone",
        ]
        widgets = {
            "preferred_date": DateInput(),
            "alternative_date": DateInput(),
            "kind": forms.RadioSelect,
            "message": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "preferred_date": _("At least a week ahead helps us plan."),
            "preferred_time": _("For example: weekday evenings, or Saturday 10 am to noon."),
            "location": _("An address, park, school or community centre."),
            "message": _(
                "What the event is, who will be there, and what you hope the department can do."
            ),
            "email": _("We reply to this address. Only the department you ask can see it."),
            "phone": _("Only the department you ask can see it."),
        }
        labels = {"department": _("Which department would you like to ask?")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = requestable_departments()
        self.fields["department"].empty_label = _("Choose a department")
        self.fields["kind"].choices = [c for c in self.fields["kind"].choices if c[0]]
        self.fields["expected_attendance"].widget.attrs.update({"min": 1, "max": 100000})
        self.fields["message"].min_length = 10

    def _check_date(self, name: str) -> date | None:
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        today = timezone.localdate()
        if value < today:
            raise forms.ValidationError(_("Choose a date from today onwards."), code="past")
        if value > today + timedelta(days=MAX_DAYS_AHEAD):
            raise forms.ValidationError(_("Choose a date within the next year."), code="far")
        return value

    def clean_preferred_date(self):
        return self._check_date("preferred_date")

    def clean_alternative_date(self):
        return self._check_date("alternative_date")

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(
                _("Enter a phone number using digits, spaces and + ( ) - only, or leave it empty."),
                code="phone",
            )
        return phone

    def clean_expected_attendance(self):
        value = self.cleaned_data.get("expected_attendance")
        if value is not None and not 1 <= value <= 100000:
            raise forms.ValidationError(_("Enter a number of people from 1 to 100,000."))
        return value

    def clean_message(self):
        message = self.cleaned_data.get("message", "").strip()
        if len(message) < 10:
            raise forms.ValidationError(
                _("Tell us a little more (at least 10 characters)."), code="short"
            )
        return message

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("preferred_date"), cleaned.get("alternative_date")
        if first and second and first == second:
            self.add_error(
                "alternative_date",
                _("Choose a different date from your preferred date, or leave it empty."),
            )
        return cleaned


class QuestionForm(HoneypotMixin, forms.ModelForm):
    class Meta:
        model = Question
        fields = ["text", "display_name", "email"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "text": _("Your question or comment"),
            "display_name": _("Name to show with your question"),
            "email": _("Email, to hear when it is answered (never shown)"),
        }
        help_texts = {
            "text": _(
                "For example: what would explain this change? Staff read every "
                "question; approved questions appear here with an answer."
            )
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_question_%s")  # unique beside other forms on a page
        super().__init__(*args, **kwargs)

    def clean_text(self):
        text = self.cleaned_data.get("text", "").strip()
        if len(text) < 5:
            raise forms.ValidationError(_("Write at least a few words."), code="short")
        return text


class RequestTriageForm(forms.ModelForm):
    class Meta:
        model = EventRequest
        fields = ["status", "staff_note", "event"]
        widgets = {"staff_note": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = Event.objects.filter(
            host_department=self.instance.department
        ).order_by("-start")
        self.fields["event"].required = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == RequestStatus.SCHEDULED and not cleaned.get("event"):
            self.add_error("event", _("Choose the event this request was scheduled as."))
        return cleaned


class ModerationForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer (published with the question)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    action = forms.ChoiceField(
        choices=[("approve", _("Approve and publish")), ("reject", _("Do not publish"))]
    )


class TutoringMonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_("The month the attendance is for (YYYY-MM)."),
    )

    def clean_month(self):
        month = self.cleaned_data["month"].replace(day=1)
        if month > timezone.localdate():
            raise forms.ValidationError(
                _("Attendance can only be entered for this month or earlier.")
            )
        return month


class TutoringRowForm(forms.Form):
    site = forms.CharField(label=_("Site"), max_length=120, required=False)
    attendance = forms.FloatField(
        label=_("Average attendance"), min_value=0, max_value=10000, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("site") and cleaned.get("attendance") is None:
            self.add_error("attendance", _("Enter the average attendance for this site."))
        if cleaned.get("attendance") is not None and not cleaned.get("site"):
            self.add_error("site", _("Name the site."))
        return cleaned


class BaseTutoringFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        sites = [
            f.cleaned_data.get("site", "").strip() for f in self.forms if f.cleaned_data.get("site")
        ]
        if not sites:
            raise forms.ValidationError(_("Enter attendance for at least one site."))
        if len({s.casefold() for s in sites}) != len(sites):
            raise forms.ValidationError(_("Each site can be entered once per month."))


TutoringFormSet = forms.formset_factory(TutoringRowForm, formset=BaseTutoringFormSet, extra=0)
