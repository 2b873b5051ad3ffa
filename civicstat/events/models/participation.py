"""Departments taking part in another department's event: offered, then accepted or declined."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from civicstat.events.models.choices import AssistStatus
from civicstat.events.models.event import Event


class EventAssist(models.Model):
    """A department taking part in another department's event: offered, then accepted."""

    event = ParentalKey(Event, on_delete=models.CASCADE, related_name="assists")
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="event_assists",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AssistStatus.choices, default=AssistStatus.ACCEPTED
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    offered_at = models.DateTimeField(_("offered at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)

    panels = [FieldRowPanel([FieldPanel("department"), FieldPanel("status"), FieldPanel("note")])]

    class Meta:
        ordering = ["event", "department__name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "department"], name="unique_event_assist")
        ]
        verbose_name = _("assisting department")
        verbose_name_plural = _("assisting departments")

    def __str__(self):
        return f"{self.department} → {self.event}"

    def clean(self):
        if self.event_id and self.department_id == self.event.host_department_id:
            raise ValidationError(
                {"department": _("The hosting department cannot also assist its own event.")}
            )
