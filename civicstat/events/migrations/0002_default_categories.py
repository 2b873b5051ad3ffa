"""The kinds of community safety event Durham's departments run (initiatives 2.21 and 2.22)."""

from django.db import migrations

CATEGORIES = [
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
]


def add(apps, schema_editor):
    EventCategory = apps.get_model("events", "EventCategory")
    for order, (slug, name) in enumerate(CATEGORIES):
        EventCategory.objects.get_or_create(slug=slug, defaults={"name": name, "sort_order": order})


def remove(apps, schema_editor):
    EventCategory = apps.get_model("events", "EventCategory")
    EventCategory.objects.filter(slug__in=[slug for slug, _ in CATEGORIES], events=None).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
