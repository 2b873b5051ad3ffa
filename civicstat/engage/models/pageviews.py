"""Views of department data pages, counted per day without cookies, IP addresses or user agents.

Each row is a count: day, path, owning department, kind of page, views. Nothing about who
viewed the page is stored (civicstat.engage.pageviews explains what is counted).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PageView(models.Model):
    date = models.DateField(_("day"))
    path = models.CharField(_("path"), max_length=255)
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="page_views",
    )
    page_kind = models.CharField(_("kind of page"), max_length=40)
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        ordering = ["date", "path", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "path", "department"], name="unique_page_view_day"
            )
        ]
        verbose_name = _("page views on a day")
        verbose_name_plural = _("page views")

    def __str__(self):
        return f"{self.date} {self.path} {self.department_id}: {self.views}"
