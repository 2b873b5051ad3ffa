"""Background work: the refresh runs off the request path (`civicstat db_worker`)."""

from django_tasks import task

from civicstat.measures.services.refresh import RefreshError, refresh


@task(backend="background")
def refresh_task(triggered_by: str = "background task") -> dict:
    try:
        run = refresh(triggered_by=triggered_by)
    except RefreshError as exc:
        return {"status": "failed", "error": str(exc)}
    return {"status": run.status, "run": run.pk, "values": run.values_count}
