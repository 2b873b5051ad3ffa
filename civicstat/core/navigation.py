"""The public site's main navigation: the current plan's goals and the initiative list."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: str  # "page" for this page, "true" for the section containing it, "" otherwise
    content: bool = False  # the label is plan content (a goal's title), not the code's words


def navigation_for(request) -> list[NavItem]:
    from civicstat.core.models import HomePage

    if request is None or request.path.startswith(("/admin/", "/django-admin/")):
        return []
    home = HomePage.objects.live().first()
    plan = home.current_plan() if home else None
    if plan is None:
        return []
    items = [(goal.title, goal.url, True) for goal in plan.goals()]
    items.append((_("All initiatives"), plan.url + plan.reverse_subpage("initiatives"), False))
    path = request.path

    def current(url: str) -> str:
        if path == url:
            return "page"
        return "true" if url and url != "/" and path.startswith(url) else ""

    return [NavItem(label, url, current(url), content) for label, url, content in items]
