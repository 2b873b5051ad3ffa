"""Questions and feedback from residents on measure and initiative pages, moderated by staff.

Nothing a resident writes is public until staff approve it; an approved question appears under
its measure or page with the staff answer, if any. The email address is never shown.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class QuestionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Published")
    REJECTED = "rejected", _("Not published")


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=QuestionStatus.APPROVED)

    def about(self, target):
        """Questions on a measure or a page."""
        from civicstat.measures.models import Measure

        if isinstance(target, Measure):
            return self.filter(measure=target)
        return self.filter(page_id=target.pk)


class Question(models.Model):
    measure = models.ForeignKey(
        "measures.Measure",
        verbose_name=_("measure"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="questions",
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="questions",
    )
    text = models.TextField(_("question or comment"), max_length=2000)
    display_name = models.CharField(_("name to show"), max_length=60, blank=True)
    email = models.EmailField(_("email address (never shown)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.PENDING
    )
    answer = models.TextField(_("answer"), blank=True, max_length=4000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_by_department = models.ForeignKey(
        "core.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(measure__isnull=False, page__isnull=True)
                    | Q(measure__isnull=True, page__isnull=False)
                ),
                name="question_about_one_thing",
            )
        ]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text[:60]

    @property
    def target(self):
        return self.measure if self.measure_id else self.page.specific

    @property
    def target_title(self) -> str:
        target = self.target
        return getattr(target, "name", None) or getattr(target, "title", "")

    @property
    def target_url(self) -> str:
        target = self.target
        return getattr(target, "public_url", None) or getattr(target, "url", "") or ""

    @property
    def published(self) -> bool:
        return self.status == QuestionStatus.APPROVED
