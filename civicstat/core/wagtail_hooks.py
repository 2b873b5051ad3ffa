from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from civicstat.core.models import Department
from civicstat.plans.models import StatusOption


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    list_display = ["name", "short_name", "staff_group"]
    search_fields = ["name"]


class StatusOptionViewSet(SnippetViewSet):
    model = StatusOption
    icon = "tag"
    menu_label = _("Status vocabularies")
    list_display = ["label", "kind", "plan", "colour", "icon", "sort_order"]
    list_filter = ["kind", "plan"]


class PlanSettingsGroup(SnippetViewSetGroup):
    items = (DepartmentViewSet, StatusOptionViewSet)
    menu_icon = "cog"
    menu_label = _("Plan settings")
    menu_order = 220


register_snippet(PlanSettingsGroup)
