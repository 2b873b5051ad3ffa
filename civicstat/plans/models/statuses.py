"""Status vocabularies: per plan, as data, because every city (and every plan) names them differently."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


class StatusKind(models.TextChoices):
    INITIATIVE = "initiative", _("Initiative progress")
    MEASURE = "measure", _("Measure performance")


class StatusIcon(models.TextChoices):
    """Icons drawn by the site's sprite (templates/includes/icons.svg). Shape carries meaning too."""

    CHECK = "check", _("Check mark")
    PROGRESS = "progress", _("Arrow (in progress)")
    PAUSE = "pause", _("Pause")
    CIRCLE_CHECK = "circle-check", _("Circle with check")
    WARNING = "warning", _("Warning triangle")
    CROSS = "cross", _("Cross")
    DOTS = "dots", _("Dots (pending)")
    QUESTION = "question", _("Question mark")
    DASH = "dash", _("Dash")
    CLOCK = "clock", _("Clock")


# Measure statuses are decided by the status rule (methods.md §6) and named by these keys;
# a plan's vocabulary gives each key its label, colour and icon.
MEASURE_STATUS_KEYS = (
    "on_target",
    "close_to_target",
    "needs_improvement",
    "target_pending",
    "insufficient_data",
    "no_status",
    "overdue",
)

HEX_COLOUR = r"^#[0-9a-fA-F]{6}$"


class StatusOption(models.Model):
    """One status a plan uses, with how it is shown: label, colour, icon and order."""

    plan = models.ForeignKey(
        "plans.PlanPage",
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="status_options",
    )
    kind = models.CharField(_("applies to"), max_length=20, choices=StatusKind.choices)
    key = models.SlugField(
        _("key"),
        max_length=40,
        help_text=_("Stable identifier used in plan files; for measures, the status rule's key."),
    )
    label = models.CharField(_("label"), max_length=60)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        help_text=_("Hex colour such as #1b7a3a. Status is never shown by colour alone."),
    )
    icon = models.CharField(_("icon"), max_length=20, choices=StatusIcon.choices)
    description = models.CharField(_("description"), max_length=255, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("plan"),
        FieldPanel("kind"),
        FieldPanel("key"),
        FieldPanel("label"),
        FieldPanel("colour"),
        FieldPanel("icon"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["plan", "kind", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "key"], name="unique_status_key"),
            models.UniqueConstraint(fields=["plan", "kind", "label"], name="unique_status_label"),
        ]
        verbose_name = _("status option")
        verbose_name_plural = _("status options")

    def __str__(self):
        return f"{self.label} ({self.get_kind_display()})"

    def clean(self):
        import re

        if self.colour and not re.match(HEX_COLOUR, self.colour):
            raise ValidationError({"colour": _("Enter a colour as # and six hex digits.")})
        if self.kind == StatusKind.MEASURE and self.key and self.key not in MEASURE_STATUS_KEYS:
            raise ValidationError(
                {
                    "key": _("Measure statuses must use one of the status rule's keys: %(keys)s")
                    % {"keys": ", ".join(MEASURE_STATUS_KEYS)}
                }
            )
