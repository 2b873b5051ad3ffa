"""Exceptions to single dates of a series (RFC 5545 RECURRENCE-ID and EXDATE)."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from civicstat.events import recurrence
from civicstat.events.models.choices import EventStatus
from civicstat.events.models.event import Event


class OccurrenceChange(models.Model):
    """An exception to one date of a series (RFC 5545 RECURRENCE-ID or EXDATE)."""

    event = ParentalKey(Event, on_delete=models.CASCADE, related_name="changes")
    original_start = models.DateTimeField(
        _("date and time it was planned for"),
        help_text=_("The start of the date being changed, as the series planned it."),
    )
    skip = models.BooleanField(
        _("not part of the series"),
        default=False,
        help_text=_(
            "Removes this date from the series altogether (e.g. a holiday). To tell "
            "residents a date is off, set the status to cancelled instead."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EventStatus.choices,
        blank=True,
        help_text=_("Leave empty to keep the series' status."),
    )
    start = models.DateTimeField(_("moved to start"), null=True, blank=True)
    end = models.DateTimeField(_("moved to end"), null=True, blank=True)
    attendance = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("original_start"), FieldPanel("skip"), FieldPanel("status")]),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end"), FieldPanel("attendance")]),
        FieldPanel("note"),
    ]

    class Meta:
        ordering = ["event", "original_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "original_start"], name="unique_occurrence_change"
            )
        ]
        verbose_name = _("change to one date")
        verbose_name_plural = _("changes to single dates")

    def __str__(self):
        return f"{self.event}: {self.original_start:%Y-%m-%d %H:%M}"

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end cannot be before the start.")})
        if self.attendance is not None and self.status not in ("", EventStatus.HELD):
            raise ValidationError({"attendance": _("Attendance is recorded for a held date.")})
        event = self.event if self.event_id else None
        if (
            event is not None
            and event.rrule
            and self.original_start
            and not self._is_a_date_of(event)
        ):
            raise ValidationError(
                {
                    "original_start": _(
                        "This is not one of the series' dates and times; give the start the "
                        "series planned for the date you are changing."
                    )
                }
            )

    def _is_a_date_of(self, event) -> bool:
        moment = self.original_start
        try:
            found = recurrence.expand(
                event.start,
                event.end,
                event.rrule,
                event.timezone,
                moment - timedelta(seconds=1),
                moment + timedelta(seconds=1),
                all_day=event.all_day,
            )
        except recurrence.RecurrenceError:
            return True  # the rule itself is reported on the event
        return any(i.original_start == moment for i in found)

    def as_change(self) -> recurrence.Change:
        return recurrence.Change(
            original_start=self.original_start,
            skip=self.skip,
            status=self.status or None,
            start=self.start,
            end=self.end,
            attendance=self.attendance,
            note=self.note,
        )
