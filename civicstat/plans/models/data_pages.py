"""Data pages: a plan's dashboards beside its narrative (a program's figures, a pilot's
evaluation, response times). They sit under the plan, a goal, an initiative or another data page,
show the published analyses they name and the measures attached to them, and go through the same
review workflow as every other page."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from .pages import NARRATIVE_FEATURES, GoalPage, InitiativePage, PlanContentPage

ANALYSIS_KEY = re.compile(r"^[a-z0-9][a-z0-9_./-]*$")


class DataPage(PlanContentPage):
    summary = models.CharField(
        _("summary"), max_length=300, blank=True, help_text=_("One sentence, shown in listings.")
    )
    body = RichTextField(
        _("description"),
        blank=True,
        features=NARRATIVE_FEATURES,
        help_text=_("What this page covers, in plain words."),
    )
    analysis_keys = models.CharField(
        _("analyses"),
        max_length=500,
        blank=True,
        help_text=_(
            "Keys of the published analyses to show, separated by spaces, e.g. "
            "heart/community_response_team. `civicstat refresh` lists the keys it publishes."
        ),
    )
    departments = ParentalManyToManyField(
        "core.Department", verbose_name=_("departments"), blank=True, related_name="data_pages"
    )

    parent_page_types = [
        "plans.PlanPage",
        "plans.GoalPage",
        "plans.InitiativePage",
        "plans.DataPage",
    ]
    subpage_types = ["plans.DataPage"]

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("analysis_keys"),
        FieldPanel("departments"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = _("data page")

    @property
    def keys(self) -> list[str]:
        return self.analysis_keys.split()

    def clean(self):
        super().clean()
        bad = [key for key in self.keys if not ANALYSIS_KEY.match(key)]
        if bad:
            raise ValidationError(
                {"analysis_keys": _("Not an analysis key: %(keys)s") % {"keys": ", ".join(bad)}}
            )

    @property
    def initiative(self):
        return InitiativePage.objects.ancestor_of(self).specific().first()

    @property
    def goal(self):
        return GoalPage.objects.ancestor_of(self).specific().first()

    def get_context(self, request, *args, **kwargs):
        from civicstat.plans.views import data_page_detail

        context = super().get_context(request, *args, **kwargs)
        context.update(data_page_detail(self))
        return context
