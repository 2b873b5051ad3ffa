"""Site set-up shared by the demo, the plan importer and tests."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Locale, Page, Site


def ensure_home_page():
    """The HomePage, created as the default site's root if there is none yet.

    Wagtail's migrations create a plain "Welcome" page as the site root; when it is still empty it
    is removed and our HomePage takes its place."""
    from civicstat.core.models import HomePage

    home = HomePage.objects.first()
    if home is not None:
        return home
    with transaction.atomic():
        locale, _ = Locale.objects.get_or_create(language_code="en")
        root = Page.get_first_root_node()
        if root is None:
            root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
        site = Site.objects.filter(is_default_site=True).first()
        welcome = site.root_page.specific if site else None
        if (
            welcome is not None
            and type(welcome) is Page
            and welcome.depth == 2
            and not welcome.get_children().exists()
        ):
            site.root_page = root
            site.save()
            welcome.delete()
            root.refresh_from_db()
        home = HomePage(title="Strategic Plan Dashboard", slug="home")
        root.add_child(instance=home)
        home.save_revision().publish()
        if site is None:
            Site.objects.create(
                hostname="localhost",
                port=80,
                root_page=home,
                is_default_site=True,
                site_name="Strategic Plan Dashboard",
            )
        else:
            site.root_page = home
            site.save()
    return home
