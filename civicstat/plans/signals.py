"""Keep the status history: when an initiative is published with a new status, record the change."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone
from wagtail.signals import page_published

from civicstat.plans.models import DataPage, InitiativePage, StatusChange


@receiver(page_published)
def record_status_change(sender, instance, revision=None, **kwargs):
    page = instance.specific
    if not isinstance(page, InitiativePage):
        return
    last = page.status_history.order_by("-changed_at", "-pk").first()
    previous = last.to_status if last else None
    if previous == page.status:
        return
    user = getattr(revision, "user", None)
    StatusChange.objects.create(
        initiative=page,
        from_status=previous,
        to_status=page.status,
        changed_at=page.last_published_at or timezone.now(),
        changed_by=user,
        changed_by_name=(user.get_full_name() or user.get_username()) if user else "",
        reason=page.status_reason,
    )


@receiver(page_published)
def keep_department_permissions(sender, instance, **kwargs):
    """An initiative's or data page's departments may have changed: grant their groups edit
    rights."""
    page = instance.specific
    if isinstance(page, InitiativePage | DataPage):
        from civicstat.plans.permissions import sync_initiative_permissions

        sync_initiative_permissions(type(page).objects.filter(pk=page.pk))
