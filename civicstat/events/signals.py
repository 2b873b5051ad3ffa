"""After any change to the event record, export it to the warehouse once the transaction commits.

One export is scheduled per transaction however many rows changed (a calendar import or the
demo loader saves hundreds), and none when the transaction rolls back.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save


def _enqueue() -> None:
    from civicstat.events.tasks import export_event_record

    export_event_record.enqueue()


def schedule_export(**_kwargs) -> None:
    pending = getattr(connection, "run_on_commit", [])
    if any(entry[1] is _enqueue for entry in pending):
        return
    transaction.on_commit(_enqueue)


def connect_signals() -> None:
    from civicstat.events.models import Event, EventAssist, EventCategory, OccurrenceChange

    for model in (Event, EventAssist, OccurrenceChange, EventCategory):
        uid = f"events.export.{model.__name__}"
        post_save.connect(schedule_export, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(schedule_export, sender=model, dispatch_uid=f"{uid}.delete")
