"""Residents asking a department to attend their event or meet their neighborhood.

A request's contact details (name, email, phone) are shown only to staff of the department
asked (civicstat.engage.permissions.can_see_contact).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    EVENT = "event", _("Come to our event")
    MEETING = "meeting", _("Meet our neighborhood or group")
    CLASS = "class", _("Teach a class (CPR, Stop the Bleed, fire safety…)")
    OTHER = "other", _("Something else")


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_REVIEW = "in_review", _("Being looked at")
    SCHEDULED = "scheduled", _("Scheduled")
    DECLINED = "declined", _("Declined")
    CLOSED = "closed", _("Closed")


class EventRequest(models.Model):
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department asked"),
        on_delete=models.PROTECT,
        related_name="event_requests",
    )
    kind = models.CharField(_("what you would like"), max_length=10, choices=RequestKind.choices)
    name = models.CharField(_("your name"), max_length=120)
    email = models.EmailField(_("your email address"))
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    organisation = models.CharField(
        _("neighborhood, group or organization"), max_length=160, blank=True
    )
    preferred_date = models.DateField(_("preferred date"))
    alternative_date = models.DateField(_("another date that would work"), null=True, blank=True)
    preferred_time = models.CharField(_("time of day"), max_length=80, blank=True)
    location = models.CharField(_("where"), max_length=255)
    expected_attendance = models.PositiveIntegerField(
        _("how many people you expect"), null=True, blank=True
    )
    message = models.TextField(_("tell us about it"), max_length=4000)
    language = models.CharField(_("language for our reply"), max_length=10, default="en")
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    staff_note = models.TextField(_("staff notes"), blank=True)
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("scheduled event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["department", "status"])]
        verbose_name = _("event request")
        verbose_name_plural = _("event requests")

    def __str__(self):
        return f"{self.reference} → {self.department}"

    @property
    def reference(self) -> str:
        return f"R-{self.pk:05d}" if self.pk else "R-new"

    @property
    def open(self) -> bool:
        return self.status in (RequestStatus.NEW, RequestStatus.IN_REVIEW)
