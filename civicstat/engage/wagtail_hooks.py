"""Admin menu: links to the staff queues for what residents send, and the tutoring form."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem


@hooks.register("register_admin_menu_item")
def residents_menu():
    menu = Menu(
        items=[
            MenuItem(_("Event requests"), reverse("engage:staff-requests"), icon_name="mail"),
            MenuItem(_("Questions to review"), reverse("engage:staff-questions"), icon_name="help"),
            MenuItem(_("Tutoring attendance"), reverse("engage:staff-tutoring"), icon_name="form"),
        ]
    )
    return SubmenuMenuItem(_("Residents"), menu, icon_name="group", order=230)
