"""Admin for measures: a snippet with revisions, the review workflow and department ownership."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, SnippetViewSet

from civicstat.measures.models import Measure
from civicstat.measures.permissions import MeasurePermissionPolicy


class MeasureEditView(EditView):
    """Wagtail checks the model permission; this also checks the user owns this measure."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", obj
        ):
            raise PermissionDenied
        return obj


class MeasureViewSet(SnippetViewSet):
    model = Measure
    icon = "table"
    menu_label = _("Measures")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "page", "kind", "cadence", "live"]
    list_filter = ["kind", "cadence", "role", "departments"]
    search_fields = ["name"]
    edit_view_class = MeasureEditView

    def get_queryset(self, request):
        return self.permission_policy.instances_user_has_any_permission_for(
            request.user, ["change", "view"]
        )


register_permission_policy(Measure, MeasurePermissionPolicy(Measure))
register_snippet(MeasureViewSet)
