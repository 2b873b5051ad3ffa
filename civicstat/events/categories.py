"""The kinds of community safety event Durham's departments run (initiatives 2.21, 2.22).
Migration 0002 adds them to a new database; ensure_categories() restores them (the demo and
tests that flush the database)."""

from __future__ import annotations

DEFAULT_CATEGORIES = (
    ("cpr", "CPR class"),
    ("stop-the-bleed", "Stop the Bleed"),
    ("national-night-out", "National Night Out"),
    ("fire-prevention-week", "Fire Prevention Week"),
    ("open-house", "Open house"),
    ("tutoring", "Tutoring"),
    ("safety-fair", "Community safety fair"),
    ("community-meeting", "Community meeting"),
    ("youth-program", "Youth program"),
    ("training", "Staff training"),
)


def ensure_categories() -> dict:
    from civicstat.events.models import EventCategory

    found = {}
    for order, (slug, name) in enumerate(DEFAULT_CATEGORIES):
        found[slug], _ = EventCategory.objects.get_or_create(
            slug=slug, defaults={"name": name, "sort_order": order}
        )
    return found
