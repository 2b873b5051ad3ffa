"""Load the synthetic year of events (civicstat.demo.synthetic.events) as Event rows.

Safe to run again: earlier demo events are replaced; events entered by staff or imported from
calendars are left alone. One export to the warehouse follows the commit.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from civicstat.core.models import Department
from civicstat.demo.synthetic.events import DEFAULT_SEED, SyntheticEvent, generate
from civicstat.events.categories import ensure_categories
from civicstat.events.models import (
    AssistStatus,
    Event,
    EventAssist,
    EventSource,
    OccurrenceChange,
)
from civicstat.events.permissions import grant_event_permissions

DEPARTMENTS = {
    "police": ("Police Department", "DPD"),
    "fire": ("Fire Department", "DFD"),
    "community-safety": ("Community Safety Department", "DCSD"),
    "emergency-communications": ("Emergency Communications", "DECC"),
    "parks-recreation": ("Parks & Recreation", "DPR"),
}


def ensure_departments() -> dict[str, Department]:
    from civicstat.plans.permissions import ensure_department_group

    found = {}
    for slug, (name, short) in DEPARTMENTS.items():
        department, _ = Department.objects.get_or_create(
            slug=slug, defaults={"name": name, "short_name": short}
        )
        ensure_department_group(department)
        found[slug] = department
    return found


@transaction.atomic
def load_demo_events(seed: int | None = None, as_of: date | None = None) -> str:
    as_of = as_of or timezone.localdate()
    synthetic = generate(as_of, seed=DEFAULT_SEED if seed is None else seed)
    departments = ensure_departments()
    categories = ensure_categories()
    grant_event_permissions()
    Event.objects.filter(source=EventSource.DEMO).delete()
    for item in synthetic:
        create(item, departments, categories)
    joint = sum(1 for e in synthetic if e.joint and e.audience == "public")
    return (
        f"Loaded {len(synthetic)} demo events ({joint} joint public events or series) "
        f"from {synthetic[0].start:%B %Y} to {synthetic[-1].start:%B %Y}."
    )


def create(item: SyntheticEvent, departments: dict, categories: dict) -> Event:
    event = Event.objects.create(
        uid=item.uid,
        title=item.title,
        category=categories.get(item.category),
        start=item.start,
        end=item.end,
        host_department=departments[item.host],
        audience=item.audience,
        status=item.status,
        attendance=item.attendance,
        rrule=item.rrule,
        location_name=item.location,
        source=EventSource.DEMO,
    )
    for slug in item.assisting:
        EventAssist.objects.create(
            event=event, department=departments[slug], status=AssistStatus.ACCEPTED
        )
    for slug in item.offered:
        EventAssist.objects.create(
            event=event,
            department=departments[slug],
            status=AssistStatus.OFFERED,
            note="We can bring two staff.",
        )
    OccurrenceChange.objects.bulk_create(
        [
            OccurrenceChange(
                event=event,
                original_start=c.original_start,
                skip=c.skip,
                status=c.status,
                attendance=c.attendance,
            )
            for c in item.changes
        ]
    )
    return event
