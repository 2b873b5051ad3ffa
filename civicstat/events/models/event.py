"""The combined event record: one row per event or recurring series, for every department.

An event is hosted by one department; other departments take part as *assisting* departments
once the host accepts their offer (or staff add them directly in the admin). An event is
**joint** when two or more departments take part (initiative 2.21's key measure counts them).
A series repeats by an RFC 5545 RRULE in the event's own time zone; exceptions to single
instances (skipped, moved, cancelled, held with an attendance) are :class:`OccurrenceChange`
rows.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.search import index

from civicstat.events import recurrence
from civicstat.events.admin_forms import EventAdminForm
from civicstat.events.models.category import EventCategory
from civicstat.events.models.choices import AssistStatus, Audience, EventSource, EventStatus


def new_uid() -> str:
    """A globally unique iCalendar UID (RFC 5545 §3.8.4.7) for an event created here."""
    return f"{uuid.uuid4()}@civicstat"


def default_time_zone() -> str:
    """The site's zone (settings.TIME_ZONE, America/New_York by default)."""
    return settings.TIME_ZONE


def validate_time_zone(value: str) -> None:
    try:
        recurrence.zone(value)
    except recurrence.RecurrenceError as exc:
        raise ValidationError(str(exc)) from exc


class EventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(audience=Audience.PUBLIC)

    def overlapping(self, start: datetime, end: datetime):
        """Events or series that may have an instance in [start, end)."""
        return self.filter(start__lt=end).filter(
            models.Q(series_end__isnull=True) | models.Q(series_end__gt=start)
        )

    def with_department(self, department):
        """Events the department hosts or assists (accepted offers)."""
        return self.filter(
            models.Q(host_department=department)
            | models.Q(assists__department=department, assists__status=AssistStatus.ACCEPTED)
        ).distinct()


class Event(index.Indexed, ClusterableModel):
    uid = models.CharField(
        _("calendar UID"),
        max_length=255,
        unique=True,
        default=new_uid,
        help_text=_("The iCalendar UID; an import updates the event with the same UID."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        EventCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    all_day = models.BooleanField(_("all day"), default=False)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text=_("Repeats keep this zone's wall-clock time across daylight saving changes."),
    )
    location_name = models.CharField(_("place"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    host_department = models.ForeignKey(
        "core.Department",
        verbose_name=_("hosting department"),
        on_delete=models.PROTECT,
        related_name="hosted_events",
    )
    audience = models.CharField(
        _("audience"),
        max_length=10,
        choices=Audience.choices,
        default=Audience.PUBLIC,
        help_text=_("Internal events appear only on the staff calendar and staff feeds."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EventStatus.choices,
        default=EventStatus.SCHEDULED,
        help_text=_(
            "For a series, the status of every date unless a date's change says "
            "otherwise; a cancelled series cancels every date."
        ),
    )
    attendance = models.PositiveIntegerField(
        _("attendance"),
        null=True,
        blank=True,
        help_text=_(
            "Residents who came, once the event was held (for a series: per date, "
            "under changes to single dates)."
        ),
    )
    rrule = models.CharField(
        _("repeats (RRULE)"),
        max_length=255,
        blank=True,
        help_text=_(
            "An iCalendar rule, e.g. FREQ=MONTHLY;BYDAY=2SA for the second Saturday "
            "of every month, or FREQ=WEEKLY;COUNT=6. Leave empty for a single event."
        ),
    )
    url = models.URLField(_("more information"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=EventSource.choices,
        default=EventSource.MANUAL,
        editable=False,
    )
    source_calendar = models.CharField(
        _("imported from"), max_length=500, blank=True, editable=False
    )
    sequence = models.PositiveIntegerField(_("revision sequence"), default=0, editable=False)
    series_end = models.DateTimeField(_("series ends"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EventQuerySet.as_manager()
    base_form_class = EventAdminForm

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("category"), FieldPanel("audience"), FieldPanel("status")]),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end"), FieldPanel("all_day")]),
                FieldPanel("timezone"),
                FieldPanel("rrule"),
            ],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("location_name"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Where"),
        ),
        FieldPanel("host_department", widget=forms.Select),
        InlinePanel(
            "assists", label=_("Assisting department"), heading=_("Departments taking part")
        ),
        FieldPanel("attendance"),
        InlinePanel(
            "changes",
            label=_("Change to one date"),
            heading=_("Changes to single dates of a series"),
        ),
        FieldRowPanel([FieldPanel("url"), FieldPanel("contact_email")]),
    ]
    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.SearchField("description"),
        index.FilterField("audience"),
    ]

    class Meta:
        ordering = ["start", "title"]
        indexes = [models.Index(fields=["start"]), models.Index(fields=["series_end"])]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self):
        return self.title

    @property
    def slug(self) -> str:
        return slugify(self.title)[:60] or "event"

    @property
    def tzinfo(self):
        return recurrence.zone(self.timezone)

    @property
    def recurring(self) -> bool:
        return bool(self.rrule)

    def clean(self):
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("The end cannot be before the start.")
        if self.rrule:
            try:
                recurrence.normalise_rule(self.rrule, self.timezone)
            except recurrence.RecurrenceError as exc:
                errors["rrule"] = str(exc)
        if self.attendance is not None and self.status != EventStatus.HELD and not self.rrule:
            errors["attendance"] = _("Attendance is recorded once the event is marked held.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Give both latitude and longitude, or neither.")
        if errors:
            raise ValidationError(errors)

    def normalise_times(self) -> None:
        """All-day events run from local midnight to local midnight (end exclusive)."""
        if not self.all_day or self.start is None:
            return
        tz = self.tzinfo
        first = self.start.astimezone(tz).date()
        last = self.end.astimezone(tz).date() if self.end else first
        if self.end is not None and self.end.astimezone(tz).time() != time(0):
            last += timedelta(days=1)
        last = max(last, first + timedelta(days=1))
        self.start = datetime.combine(first, time(0), tzinfo=tz)
        self.end = datetime.combine(last, time(0), tzinfo=tz)

    def save(self, *args, **kwargs):
        self.normalise_times()
        if self.end is None:
            self.end = self.start
        try:
            self.series_end = recurrence.series_end(
                self.start, self.end, self.rrule, self.timezone, self.all_day
            )
        except recurrence.RecurrenceError:
            self.series_end = None
        if self.pk:
            self.sequence += 1
        super().save(*args, **kwargs)

    def department_ids(self) -> list[int]:
        """Host first, then the accepted assisting departments (uses prefetched assists)."""
        ids = [self.host_department_id]
        for assist in self.assists.all():
            if assist.status == AssistStatus.ACCEPTED and assist.department_id not in ids:
                ids.append(assist.department_id)
        return ids

    @property
    def is_joint(self) -> bool:
        return len(self.department_ids()) >= 2

    def recurrence_changes(self) -> list[recurrence.Change]:
        return [c.as_change() for c in self.changes.all()]
