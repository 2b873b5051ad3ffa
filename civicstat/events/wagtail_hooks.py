"""Admin for events: the combined event record as a snippet, categories, and a menu link to the
staff calendar."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    DeleteView,
    EditView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from civicstat.events.models import Event, EventCategory
from civicstat.events.permissions import EventPermissionPolicy


class OwnEventMixin:
    """Wagtail checks the model permission; this also checks the event's host department."""

    permission_action = "change"

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, self.permission_action, obj
        ):
            raise PermissionDenied
        return obj


class EventEditView(OwnEventMixin, EditView):
    pass


class EventDeleteView(OwnEventMixin, DeleteView):
    permission_action = "delete"


class EventViewSet(SnippetViewSet):
    model = Event
    icon = "date"
    menu_label = _("Events")
    list_display = ["title", "start", "host_department", "audience", "status"]
    list_filter = ["audience", "status", "category", "host_department"]
    search_fields = ["title"]
    ordering = ["-start"]
    edit_view_class = EventEditView
    delete_view_class = EventDeleteView

    def get_queryset(self, request):
        return self.permission_policy.instances_user_has_any_permission_for(
            request.user, ["change", "view"]
        ).select_related("host_department")


class EventCategoryViewSet(SnippetViewSet):
    model = EventCategory
    icon = "tag"
    menu_label = _("Event categories")


class EventsGroup(SnippetViewSetGroup):
    items = (EventViewSet, EventCategoryViewSet)
    menu_icon = "date"
    menu_label = _("Events")
    menu_order = 220


register_permission_policy(Event, EventPermissionPolicy(Event))
register_snippet(EventsGroup)


@hooks.register("register_admin_menu_item")
def staff_calendar_menu_item():
    return MenuItem(
        _("Staff calendar"), reverse("events:internal-list"), icon_name="calendar", order=221
    )
