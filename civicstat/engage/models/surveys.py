"""Surveys built with Wagtail's form builder; staff download the answers as CSV in the admin
(Forms → the survey → Download CSV)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField


class SurveyFormField(AbstractFormField):
    page = ParentalKey("engage.SurveyPage", on_delete=models.CASCADE, related_name="form_fields")


class SurveyPage(AbstractEmailForm):
    """A survey: questions made in the admin, answers stored and exportable as CSV."""

    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )
    privacy_note = models.CharField(
        _("privacy note"),
        max_length=300,
        blank=True,
        default=_(
            "Answers are read by city staff and published only as totals. Do not include "
            "personal information you do not want the city to keep."
        ),
    )
    thank_you_text = RichTextField(
        _("thank-you text"), blank=True, features=["bold", "italic", "link"]
    )

    parent_page_types = ["core.HomePage"]
    subpage_types: list[str] = []
    template = "engage/survey_page.html"
    landing_page_template = "engage/survey_page_landing.html"

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        FieldPanel("privacy_note"),
        InlinePanel("form_fields", label=_("Question")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading=_("Email the answers (optional)"),
        ),
    ]

    class Meta:
        verbose_name = _("survey")

    def serve(self, request, *args, **kwargs):
        """Wagtail's form page, with the public forms' rate limit on valid submissions."""
        if request.method == "POST":
            from django.template.response import TemplateResponse

            from civicstat.engage import ratelimit

            form = self.get_form(request.POST, request.FILES, page=self, user=request.user)
            if form.is_valid() and not ratelimit.allow(request, ratelimit.SURVEYS):
                context = self.get_context(request)
                context.update({"form": form, "limited": True})
                return TemplateResponse(request, self.get_template(request), context, status=429)
        return super().serve(request, *args, **kwargs)
