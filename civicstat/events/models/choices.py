"""Vocabularies of the event record."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal (staff only)")


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    HELD = "held", _("Held")


class AssistStatus(models.TextChoices):
    OFFERED = "offered", _("Offered, waiting for the host")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class EventSource(models.TextChoices):
    MANUAL = "manual", _("Entered by staff")
    ICS = "ics", _("Imported from a calendar file")
    DEMO = "demo", _("Synthetic demo data")


class DepartmentRole(models.TextChoices):
    HOST = "host", _("Host")
    ASSISTING = "assisting", _("Assisting")
