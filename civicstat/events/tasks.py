"""Background work: the combined event record flows into the warehouse after every change.

The export runs as a django-tasks task on the "background" backend (the database queue, worked
by ``civicstat db_worker``), never inside a web request: a request that changes an event only
adds one row to the task queue when its transaction commits (civicstat.events.signals).

DuckDB lets one process at a time write a database file, and a writer shuts out readers in
other processes, so the export steps aside for the commands that open the warehouse themselves:

* while a refresh is running (a RefreshRun with status "running" that started less than
  :data:`STALE_REFRESH` ago) it does not open the warehouse at all: a refresh opens it twice
  (to load the sources, then read-only to compute), and an export in between would make the
  second opening fail. The refresh loads the event record itself as one of its sources;
* when another process holds the file (an ingest, another worker's export), opening it fails at
  once with DuckDB's lock error, which counts as "busy", not as a failure.

When busy, the task enqueues itself again :data:`RETRY_S` later (the database backend runs
deferred tasks), at most :data:`MAX_ATTEMPTS` times. Where deferring is not available (the
immediate backend of the tests, ``civicstat events export``) :func:`export_record` waits and
retries in place for up to :data:`WAIT_S`. The rows are built from the publishing database
before the warehouse is opened, so the write lock is held only while they load.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from civicstat.events.errors import EventsError
from civicstat.warehouse import WarehouseBusyError, connect

logger = logging.getLogger("civicstat.events")

RETRY_S = 30
"""A busy export runs again this many seconds later."""
MAX_ATTEMPTS = 240
"""Deferred attempts before the task gives up (two hours); the next refresh exports anyway."""
WAIT_S = 300
"""How long :func:`export_record` waits in place for the warehouse."""
POLL_S = 1.0
STALE_REFRESH = timedelta(hours=6)
"""A refresh still "running" after this long has died without saying so; it is ignored."""


class WarehouseBusy(EventsError):
    """The warehouse stayed busy (a refresh running, another process writing) too long."""


def running_refresh():
    """The refresh running now, if any (from the publishing database's RefreshRun records)."""
    from civicstat.measures.models import RefreshRun, RefreshStatus

    return (
        RefreshRun.objects.filter(
            status=RefreshStatus.RUNNING,
            finished_at__isnull=True,
            started_at__gte=timezone.now() - STALE_REFRESH,
        )
        .order_by("-started_at")
        .first()
    )


def is_lock_conflict(exc: BaseException) -> bool:
    """Another process has the warehouse open: the factory's WarehouseBusyError, or DuckDB's own
    "Could not set lock on file"."""
    if isinstance(exc, WarehouseBusyError):
        return True
    return type(exc).__name__ == "IOException" and "lock" in str(exc).lower()


def try_export(url: str | None = None) -> dict | None:
    """Export the record now, or return None (having written nothing) when the warehouse is
    busy: a refresh is running, or another process holds the DuckDB file."""
    from civicstat.events.record import record_rows, write_record

    if running_refresh() is not None:
        return None
    rows = record_rows()
    try:
        # No waiting here: when busy, the caller re-queues or polls on its own schedule.
        con = connect(url or settings.CIVICSTAT_WAREHOUSE_URL, lock_wait_s=0)
    except Exception as exc:
        if is_lock_conflict(exc):
            return None
        raise
    try:
        loads = write_record(con, rows)
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


def export_record(url: str | None = None, wait_s: float = WAIT_S) -> dict:
    """Replace both event datasets in the warehouse at ``url`` (default: the settings'),
    waiting up to ``wait_s`` seconds while it is busy; raises WarehouseBusy after that."""
    deadline = time.monotonic() + wait_s
    while True:
        result = try_export(url)
        if result is not None:
            return result
        if time.monotonic() >= deadline:
            refresh = running_refresh()
            why = (
                f"refresh {refresh.pk} (started {refresh.started_at:%Y-%m-%d %H:%M}) is running"
                if refresh is not None
                else "another process holds the warehouse file"
            )
            raise WarehouseBusy(
                f"the event record was not exported: {why}. It is exported by the refresh "
                "itself; or run `civicstat events export` again when the warehouse is free."
            )
        time.sleep(POLL_S)


@task(backend="background")
def export_event_record(attempt: int = 1) -> dict:
    backend = export_event_record.get_backend()
    if not backend.supports_defer:
        return export_record()
    result = try_export()
    if result is not None:
        return result
    if attempt >= MAX_ATTEMPTS:
        logger.error(
            "event record export gave up after %s attempts: the warehouse stayed busy", attempt
        )
        return {"status": "gave up", "attempts": attempt}
    later = timezone.now() + timedelta(seconds=RETRY_S)
    export_event_record.using(run_after=later).enqueue(attempt=attempt + 1)
    logger.info("warehouse busy; event record export deferred to %s", later.isoformat())
    return {"status": "deferred", "attempt": attempt, "run_after": later.isoformat()}
