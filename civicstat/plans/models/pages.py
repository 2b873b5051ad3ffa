"""The plan hierarchy as a Wagtail page tree: PlanPage > GoalPage > ObjectivePage > InitiativePage."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from civicstat.plans.forms import InitiativeStatusForm, NumberedPageForm
from civicstat.plans.numbering import sort_key

from .statuses import StatusKind

NARRATIVE_FEATURES = ["bold", "italic", "ol", "ul", "link"]


class PlanContentPage(Page):
    """Shared behaviour for the pages of a plan."""

    class Meta:
        abstract = True

    @property
    def plan(self) -> PlanPage | None:
        if isinstance(self, PlanPage):
            return self
        return PlanPage.objects.ancestor_of(self).first()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["plan"] = self.plan
        return context

    def data_pages(self):
        """The data pages right under this page, in tree order."""
        from .data_pages import DataPage

        return list(DataPage.objects.child_of(self).live().specific().order_by("path"))


class NumberedPage(PlanContentPage):
    """Goal, objective and initiative pages carry a plan number such as 2, 2.1 or 2.11."""

    numbering_level = ""

    number = models.CharField(
        _("number"),
        max_length=12,
        blank=True,
        help_text=_("Plan number: 2 for a goal, 2.1 for an objective, 2.11 for an initiative."),
    )

    class Meta:
        abstract = True

    @property
    def numbered_title(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title

    def live_children(self, model):
        children = list(model.objects.child_of(self).live().specific())
        children.sort(key=lambda page: (sort_key(page.number), page.path))
        return children


class PlanPage(RoutablePageMixin, PlanContentPage):
    """A strategic plan (e.g. FY 2024–2026). Status vocabularies are stored per plan."""

    short_title = models.CharField(_("short title"), max_length=80, blank=True)
    period_label = models.CharField(
        _("period"), max_length=40, blank=True, help_text=_("For example: FY 2024–2026")
    )
    start_date = models.DateField(_("starts"), null=True, blank=True)
    end_date = models.DateField(_("ends"), null=True, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    archived = models.BooleanField(
        _("archived"), default=False, help_text=_("An earlier plan kept for the record.")
    )
    numbered = models.BooleanField(
        _("numbered"),
        default=True,
        help_text=_("Goals, objectives and initiatives of this plan carry numbers (2, 2.1, 2.11)."),
    )
    intro = RichTextField(_("introduction"), blank=True, features=NARRATIVE_FEATURES)
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in month"),
        default=7,
        help_text=_("1 = January … 12 = December. Durham's fiscal year starts on 1 July."),
    )

    parent_page_types = ["core.HomePage"]
    subpage_types = ["plans.GoalPage", "plans.DataPage"]

    content_panels = Page.content_panels + [
        FieldPanel("short_title"),
        MultiFieldPanel(
            [
                FieldPanel("period_label"),
                FieldPanel("start_date"),
                FieldPanel("end_date"),
                FieldPanel("adopted_on"),
                FieldPanel("fiscal_year_start_month"),
            ],
            heading=_("Period"),
        ),
        FieldPanel("archived"),
        FieldPanel("numbered"),
        FieldPanel("intro"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = _("plan")

    def goals(self):
        goals = list(GoalPage.objects.child_of(self).live().specific())
        goals.sort(key=lambda page: (sort_key(page.number), page.path))
        return goals

    def statuses(self, kind: str):
        return self.status_options.filter(kind=kind).order_by("sort_order", "pk")

    def initiative_statuses(self):
        return self.statuses(StatusKind.INITIATIVE)

    def measure_statuses(self):
        return self.statuses(StatusKind.MEASURE)

    def measure_status(self, key: str):
        """The vocabulary entry for a measure status key, or None when this plan has none."""
        return next((s for s in self.measure_statuses() if s.key == key), None)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["goals"] = self.goals()
        context["data_pages"] = self.data_pages()
        return context

    @path("initiatives/", name="initiatives")
    def initiative_index(self, request):
        """Every initiative of the plan with its status, filtered by goal, status and department."""
        from civicstat.plans.views import initiative_index

        return self.render(
            request,
            template="plans/initiative_index.html",
            context_overrides=initiative_index(self, request),
        )


class GoalPage(NumberedPage):
    """A goal: its statement, why it matters (with context measures) and its objectives."""

    numbering_level = "goal"
    base_form_class = NumberedPageForm

    statement = models.TextField(_("goal statement"), blank=True)
    why_this_matters = RichTextField(_("why this matters"), blank=True, features=NARRATIVE_FEATURES)

    parent_page_types = ["plans.PlanPage"]
    subpage_types = ["plans.ObjectivePage", "plans.DataPage"]

    content_panels = Page.content_panels + [
        FieldPanel("number"),
        FieldPanel("statement"),
        FieldPanel("why_this_matters"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("statement"),
        index.SearchField("why_this_matters"),
    ]

    class Meta:
        verbose_name = _("goal")

    def objectives(self):
        return self.live_children(ObjectivePage)

    def get_context(self, request, *args, **kwargs):
        from civicstat.plans.views import goal_listing

        context = super().get_context(request, *args, **kwargs)
        context.update(goal_listing(self))
        return context


class ObjectivePage(NumberedPage):
    """An objective groups initiatives under a goal."""

    numbering_level = "objective"
    base_form_class = NumberedPageForm

    summary = models.TextField(_("summary"), blank=True)

    parent_page_types = ["plans.GoalPage"]
    subpage_types = ["plans.InitiativePage"]

    content_panels = Page.content_panels + [FieldPanel("number"), FieldPanel("summary")]

    class Meta:
        verbose_name = _("objective")

    def initiatives(self):
        return self.live_children(InitiativePage)

    @property
    def goal(self):
        return GoalPage.objects.parent_of(self).specific().first()


class InitiativePage(NumberedPage):
    """An initiative: status, owning departments, the five narrative sections and key measures."""

    numbering_level = "initiative"
    base_form_class = InitiativeStatusForm

    status = models.ForeignKey(
        "plans.StatusOption",
        verbose_name=_("progress status"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": StatusKind.INITIATIVE},
    )
    status_reason = models.CharField(
        _("reason for a status change"),
        max_length=255,
        blank=True,
        help_text=_(
            "Optional. If you change the status, say why; it is kept in the status history "
            "when the change is published."
        ),
    )
    departments = ParentalManyToManyField(
        "core.Department", verbose_name=_("owning departments"), related_name="initiatives"
    )
    description = RichTextField(_("Description"), blank=True, features=NARRATIVE_FEATURES)
    key_measures_analysis = RichTextField(
        _("Key Measures & Data Analysis"), blank=True, features=NARRATIVE_FEATURES
    )
    why_important = RichTextField(
        _("Why is it important?"), blank=True, features=NARRATIVE_FEATURES
    )
    what_we_did = RichTextField(
        _("What have we been doing?"), blank=True, features=NARRATIVE_FEATURES
    )

    parent_page_types = ["plans.ObjectivePage"]
    subpage_types = ["plans.DataPage"]

    content_panels = Page.content_panels + [
        FieldPanel("number"),
        MultiFieldPanel(
            [FieldPanel("status"), FieldPanel("status_reason")], heading=_("Progress status")
        ),
        FieldPanel("departments"),
        FieldPanel("description"),
        FieldPanel("key_measures_analysis"),
        FieldPanel("why_important"),
        FieldPanel("what_we_did"),
        InlinePanel("next_steps", heading=_("What's next?"), label=_("Next step")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("description"),
        index.SearchField("key_measures_analysis"),
        index.SearchField("why_important"),
        index.SearchField("what_we_did"),
    ]

    class Meta:
        verbose_name = _("initiative")

    @property
    def objective(self):
        return ObjectivePage.objects.parent_of(self).specific().first()

    @property
    def goal(self):
        return GoalPage.objects.ancestor_of(self).specific().first()

    def get_context(self, request, *args, **kwargs):
        from civicstat.plans.views import initiative_detail

        context = super().get_context(request, *args, **kwargs)
        context.update(initiative_detail(self))
        return context


class NextStep(Orderable):
    """One item of an initiative's "What's next?" list."""

    initiative = ParentalKey(InitiativePage, on_delete=models.CASCADE, related_name="next_steps")
    text = models.CharField(_("step"), max_length=255)
    done = models.BooleanField(_("done"), default=False)

    panels = [FieldPanel("text"), FieldPanel("done")]

    class Meta(Orderable.Meta):
        verbose_name = _("next step")
        verbose_name_plural = _("next steps")

    def __str__(self):
        return self.text
