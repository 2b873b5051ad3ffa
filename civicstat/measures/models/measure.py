"""Measures: what is measured, for which initiative or goal, against what target, and how.

A measure is a Wagtail snippet with revisions and the moderation workflow, so a department's change
to a target, status rule or manual value is approved by the performance office before it is public.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index

from civicstat.measures.forms import MeasureAdminForm


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher_is_better", _("Higher is better")
    LOWER_IS_BETTER = "lower_is_better", _("Lower is better")
    TARGET_RANGE = "target_range", _("Within a target range")
    INFORMATIONAL = "informational", _("Informational (no status)")


class ToleranceMode(models.TextChoices):
    RELATIVE = "relative", _("Relative (share of the target)")
    ABSOLUTE = "absolute", _("Absolute (in the measure's unit)")


class Cadence(models.TextChoices):
    WEEKLY = "week", _("Weekly")
    MONTHLY = "month", _("Monthly")
    QUARTERLY = "quarter", _("Quarterly")
    FISCAL_QUARTERLY = "fiscal_quarter", _("Fiscal quarterly")
    FISCAL_YEARLY = "fiscal_year", _("Fiscal yearly")
    YEARLY = "year", _("Yearly")


class MeasureKind(models.TextChoices):
    MANUAL = "manual", _("Entered by staff")
    COMPUTED = "computed", _("Computed from data")


class MeasureRole(models.TextChoices):
    KEY = "key", _("Key measure of an initiative")
    CONTEXT = "context", _("Context measure of a goal")


class ValueFormat(models.TextChoices):
    NUMBER = "number", _("Number")
    PERCENT = "percent", _("Percentage")
    MINUTES = "minutes", _("Minutes")
    SECONDS = "seconds", _("Seconds")
    CURRENCY = "currency", _("Dollars")


class SuppressionShape(models.TextChoices):
    TABLE = "table", _("Categories and their total")
    CUMULATIVE = "cumulative", _("Nested bands (5+, 10+, 20+ …)")


class MeasureQuerySet(models.QuerySet):
    def live(self):
        return self.filter(live=True)

    def for_page(self, page):
        return self.filter(page=page).order_by("sort_order", "name")


class Measure(
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    index.Indexed,
    ClusterableModel,
):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    definition = models.TextField(
        _("definition in plain words"),
        blank=True,
        help_text=_("What is counted or timed, over which records, and what is left out."),
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("initiative or goal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measures",
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MeasureRole.choices, default=MeasureRole.KEY
    )
    headline = models.BooleanField(
        _("headline"), default=False, help_text=_("Shown with its initiative on the goal page.")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    departments = ParentalManyToManyField(
        "core.Department",
        verbose_name=_("owning departments"),
        blank=True,
        related_name="measures",
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=MeasureKind.choices, default=MeasureKind.MANUAL
    )
    unit = models.CharField(
        _("unit"), max_length=40, blank=True, help_text=_("For example: events, minutes, %")
    )
    value_format = models.CharField(
        _("value format"), max_length=10, choices=ValueFormat.choices, default=ValueFormat.NUMBER
    )
    decimals = models.PositiveSmallIntegerField(_("decimal places"), default=0)
    cadence = models.CharField(
        _("reporting cadence"), max_length=20, choices=Cadence.choices, default=Cadence.MONTHLY
    )
    counts_people = models.BooleanField(
        _("counts people"),
        default=False,
        help_text=_(
            "Counts of people are suppressed when between 1 and 10, with complementary suppression."
        ),
    )
    suppression_shape = models.CharField(
        _("how counts of people relate"),
        max_length=12,
        choices=SuppressionShape.choices,
        default=SuppressionShape.TABLE,
        help_text=_(
            "Decides which cells must also be hidden so a suppressed one cannot be "
            "worked out from the others."
        ),
    )
    grace_days = models.PositiveSmallIntegerField(
        _("days allowed after a period ends"),
        default=30,
        help_text=_("A period's value is overdue this many days after the period ends."),
    )
    # Status rule (methods.md §6)
    direction = models.CharField(
        _("direction"), max_length=20, choices=Direction.choices, default=Direction.HIGHER_IS_BETTER
    )
    target = models.FloatField(_("target"), null=True, blank=True)
    target_low = models.FloatField(_("target range: low"), null=True, blank=True)
    target_high = models.FloatField(_("target range: high"), null=True, blank=True)
    tolerance = models.FloatField(
        _("close-to-target tolerance"),
        default=0.10,
        help_text=_("0.10 means within 10% of the target (relative) or 0.10 units (absolute)."),
    )
    tolerance_mode = models.CharField(
        _("tolerance mode"),
        max_length=10,
        choices=ToleranceMode.choices,
        default=ToleranceMode.RELATIVE,
    )
    min_n = models.PositiveIntegerField(
        _("minimum records"),
        default=1,
        help_text=_("Below this many records a period's status is Insufficient Data."),
    )
    # Computed measures (issue: measures engine): the spec the engine compiles.
    spec = models.JSONField(_("computation spec"), null=True, blank=True)
    source_note = models.TextField(
        _("source"), blank=True, help_text=_("Where the data comes from and who maintains it.")
    )

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="measure")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="measure",
        for_concrete_model=False,
    )

    objects = MeasureQuerySet.as_manager()
    base_form_class = MeasureAdminForm

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("definition"),
        MultiFieldPanel(
            [
                FieldPanel("page"),
                FieldRowPanel(
                    [FieldPanel("role"), FieldPanel("headline"), FieldPanel("sort_order")]
                ),
                FieldPanel("departments"),
            ],
            heading=_("Where it belongs"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("kind"), FieldPanel("cadence")]),
                FieldRowPanel(
                    [FieldPanel("unit"), FieldPanel("value_format"), FieldPanel("decimals")]
                ),
                FieldRowPanel([FieldPanel("counts_people"), FieldPanel("suppression_shape")]),
                FieldPanel("grace_days"),
                FieldPanel("spec"),
                FieldPanel("source_note"),
            ],
            heading=_("What is measured"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("direction"),
                FieldRowPanel(
                    [FieldPanel("target"), FieldPanel("target_low"), FieldPanel("target_high")]
                ),
                FieldRowPanel([FieldPanel("tolerance"), FieldPanel("tolerance_mode")]),
                FieldPanel("min_n"),
                InlinePanel("period_targets", label=_("Target for a period")),
            ],
            heading=_("Target and status rule"),
        ),
        InlinePanel("manual_values", label=_("Value"), heading=_("Values entered by staff")),
        InlinePanel("annotations", label=_("Marked event"), heading=_("Marked events on charts")),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        permissions = [("edit_any_measure", _("Can edit measures of any department"))]

    def __str__(self):
        return self.name

    @property
    def public_url(self) -> str:
        """The measure's public page (chart, table, method), once the dashboards app serves it."""
        from django.urls import NoReverseMatch, reverse

        try:
            return reverse("dashboards:measure", args=[self.slug])
        except NoReverseMatch:
            return ""

    @property
    def revisions(self):
        return self._revisions

    def clean(self):
        errors = {}
        if self.direction == Direction.TARGET_RANGE:
            if self.target_low is None or self.target_high is None:
                errors["target_low"] = _("A target range needs a low and a high value.")
            elif self.target_low > self.target_high:
                errors["target_high"] = _("The high end must not be below the low end.")
        if self.tolerance is not None and self.tolerance < 0:
            errors["tolerance"] = _("The tolerance cannot be negative.")
        if self.kind == MeasureKind.COMPUTED and not self.spec:
            errors["spec"] = _("A computed measure needs a computation spec.")
        if errors:
            raise ValidationError(errors)


class MeasureTarget(Orderable):
    """A target for one period, overriding the measure's standing target."""

    measure = ParentalKey(Measure, on_delete=models.CASCADE, related_name="period_targets")
    period_start = models.DateField(_("period starts"))
    target = models.FloatField(_("target"))

    panels = [FieldRowPanel([FieldPanel("period_start"), FieldPanel("target")])]

    class Meta(Orderable.Meta):
        verbose_name = _("period target")


class ManualValue(Orderable):
    """A value typed in by staff. It says who entered it and when."""

    measure = ParentalKey(Measure, on_delete=models.CASCADE, related_name="manual_values")
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(
        _("period ends (exclusive)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for one period of the measure's cadence."),
    )
    period_label = models.CharField(
        _("period label"),
        max_length=40,
        blank=True,
        help_text=_("Leave empty to name the period from the cadence (e.g. 2023-12)."),
    )
    breakdown = models.CharField(
        _("breakdown"),
        max_length=120,
        blank=True,
        help_text=_("Leave empty for the measure's overall value; or a site, district, band…"),
    )
    value = models.FloatField(_("value"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    entered_by_name = models.CharField(
        _("entered by (name)"), max_length=150, blank=True, editable=False
    )
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True, editable=False)

    panels = [
        FieldRowPanel([FieldPanel("period_start"), FieldPanel("breakdown"), FieldPanel("value")]),
        FieldRowPanel([FieldPanel("period_end"), FieldPanel("period_label"), FieldPanel("note")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("value entered by staff")
        verbose_name_plural = _("values entered by staff")


class MeasureAnnotation(Orderable):
    """An event marked on the measure's chart, such as a pilot's start date."""

    measure = ParentalKey(Measure, on_delete=models.CASCADE, related_name="annotations")
    date = models.DateField(_("date"))
    label = models.CharField(_("label"), max_length=120)

    panels = [FieldRowPanel([FieldPanel("date"), FieldPanel("label")])]

    class Meta(Orderable.Meta):
        verbose_name = _("marked event")
