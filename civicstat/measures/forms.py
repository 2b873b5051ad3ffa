"""Admin form for measures: the computation spec edited as YAML and checked by the engine, and
values typed in by staff stamped with who entered them and when."""

from __future__ import annotations

import yaml
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm


class SpecYAMLField(forms.CharField):
    """A computation spec shown and edited as YAML; stored as JSON; validated by the engine."""

    widget = forms.Textarea(attrs={"rows": 16, "class": "monospace", "spellcheck": "false"})

    def prepare_value(self, value):
        if isinstance(value, dict):
            return yaml.safe_dump(value, sort_keys=False, allow_unicode=True)
        return value or ""

    def to_python(self, value):
        text = super().to_python(value)
        if not text or not text.strip():
            return None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = _(" at line %(line)s") % {"line": mark.line + 1} if mark else ""
            raise ValidationError(_("This is not valid YAML%(where)s.") % {"where": where}) from exc
        if not isinstance(data, dict):
            raise ValidationError(_("A spec is a mapping (dataset:, aggregate:, grain: …)."))
        return data

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        from civicstat.measures.specs import spec_problems

        problems = spec_problems(value)
        if problems:
            raise ValidationError(
                [f"{path}: {message}" if path else message for path, message in problems]
            )


class MeasureAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "spec" in self.fields:
            old = self.fields["spec"]
            self.fields["spec"] = SpecYAMLField(
                label=old.label,
                required=False,
                help_text=_(
                    "YAML: dataset, filter, aggregate, time_column, grain … "
                    "(see docs/measures.md). Checked before it can be saved."
                ),
            )

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
