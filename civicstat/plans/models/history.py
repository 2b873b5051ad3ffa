"""Status history: who changed an initiative's status, when, from what to what, and why."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StatusChange(models.Model):
    initiative = models.ForeignKey(
        "plans.InitiativePage",
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="status_history",
    )
    from_status = models.ForeignKey(
        "plans.StatusOption",
        verbose_name=_("from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_status = models.ForeignKey(
        "plans.StatusOption",
        verbose_name=_("to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too, so history survives a deleted account and round-trips through plan files.
    changed_by_name = models.CharField(_("changed by (name)"), max_length=150, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        get_latest_by = "changed_at"
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.initiative}: {self.from_status} → {self.to_status}"
