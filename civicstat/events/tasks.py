"""Background work: the combined event record flows into the warehouse after every change.

Runs on the "background" task backend (django-tasks' database queue, worked by
``civicstat db_worker``; immediately in tests), never inside a web request.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django_tasks import task

from civicstat.warehouse import connect

logger = logging.getLogger("civicstat.events")


def export_record(url: str | None = None) -> dict:
    """Replace both event datasets in the warehouse at ``url`` (default: the settings')."""
    from civicstat.events.record import export_events, export_participation

    con = connect(url or settings.CIVICSTAT_WAREHOUSE_URL)
    try:
        loads = [export_events(con), export_participation(con)]
    finally:
        con.disconnect()
    for load in loads:
        logger.info(
            "%s: %s rows exported as load %s (%s removed)",
            load.dataset,
            load.rows,
            load.load_id,
            load.removed,
        )
    return {
        load.dataset: {
            "load_id": load.load_id,
            "rows": load.rows,
            "removed": load.removed,
            "quarantined": load.quarantined,
        }
        for load in loads
    }


@task(backend="background")
def export_event_record() -> dict:
    return export_record()
