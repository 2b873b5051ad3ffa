"""Shared models: city departments and site-wide settings."""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class DepartmentQuerySet(models.QuerySet):
    def for_user(self, user):
        """Departments whose staff group the user belongs to."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(staff_group__in=user.groups.all())


class Department(index.Indexed, models.Model):
    """A city department that owns initiatives and measures (a snippet)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    short_name = models.CharField(
        _("short name"), max_length=20, blank=True, help_text=_("Abbreviation, e.g. DPD.")
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("public contact email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    staff_group = models.OneToOneField(
        Group,
        verbose_name=_("staff group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="department",
        help_text=_(
            "Members of this group may edit this department's initiatives and measures; "
            "their changes are approved by the performance office before they are published."
        ),
    )

    objects = DepartmentQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("short_name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        MultiFieldPanel([FieldPanel("email"), FieldPanel("website")], heading=_("Contact")),
        FieldPanel("staff_group"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """What the public pages say about who publishes them."""

    organisation_name = models.CharField(
        _("organisation name"), max_length=120, default="City of Durham"
    )
    credit = models.TextField(
        _("footer credit"),
        blank=True,
        help_text=_("The office responsible for the dashboard, one line per unit."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)

    panels = [FieldPanel("organisation_name"), FieldPanel("credit"), FieldPanel("contact_email")]

    class Meta:
        verbose_name = _("site settings")

    @property
    def credit_lines(self) -> list[str]:
        return [line.strip() for line in self.credit.splitlines() if line.strip()]


class HomePage(Page):
    """The site root: introduces the current plan and lists its goals."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["plans.PlanPage"]
    max_count = 1

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("home page")

    def plans(self):
        from civicstat.plans.models import PlanPage

        return PlanPage.objects.child_of(self).live().specific().order_by("-start_date", "path")

    def current_plan(self):
        return next((plan for plan in self.plans() if not plan.archived), None)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        plans = list(self.plans())
        context["plan"] = next((p for p in plans if not p.archived), None)
        context["archived_plans"] = [p for p in plans if p.archived]
        context["goals"] = context["plan"].goals() if context["plan"] else []
        return context
