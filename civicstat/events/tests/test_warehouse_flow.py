"""The event record reaches the warehouse off the request path and never collides with a
refresh or another process writing the DuckDB file (DuckDB allows one writer process)."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from civicstat.events import testing as et
from civicstat.events.models import AssistStatus, EventAssist
from civicstat.events.tasks import MAX_ATTEMPTS, export_event_record, export_record, try_export
from civicstat.measures.models import RefreshRun, RefreshStatus
from civicstat.warehouse import connect, dataset_table

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
TASK = "civicstat.events.tasks.export_event_record"


def titles(url) -> list[str]:
    con = connect(url)
    try:
        return sorted(dataset_table(con, "community_events").to_pandas().title)
    finally:
        con.disconnect()


def path_of(url: str) -> Path:
    return Path(url.removeprefix("duckdb://"))


def running_refresh() -> RefreshRun:
    return RefreshRun.objects.create(started_at=timezone.now(), triggered_by="test")


def test_no_export_while_a_refresh_is_running(deps, warehouse_url):
    et.make_event("CPR class", deps["fire"], et.local(2026, 12, 12, 10))
    run = running_refresh()
    assert try_export(warehouse_url) is None
    assert not path_of(warehouse_url).exists()  # the warehouse was not even opened
    run.status, run.finished_at = RefreshStatus.SUCCEEDED, timezone.now()
    run.save()
    assert try_export(warehouse_url)["community_events"]["rows"] == 1
    assert titles(warehouse_url) == ["CPR class"]


def test_a_refresh_that_died_long_ago_does_not_block_the_export(deps, warehouse_url):
    et.make_event("CPR class", deps["fire"], et.local(2026, 12, 12, 10))
    RefreshRun.objects.create(started_at=timezone.now() - timezone.timedelta(days=2))
    assert try_export(warehouse_url) is not None


HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("CREATE TABLE IF NOT EXISTS held (x INTEGER)")
print("holding", flush=True)
sys.stdin.read()  # until the test closes our stdin
con.close()
"""


def test_another_process_writing_the_warehouse_makes_the_export_wait(deps, warehouse_url):
    et.make_event("Stop the Bleed", deps["police"], et.local(2026, 12, 15, 18))
    path = path_of(warehouse_url)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        assert try_export(warehouse_url) is None  # busy: nothing written, no error
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    assert export_record(warehouse_url, wait_s=60)["community_events"]["rows"] == 1
    assert titles(warehouse_url) == ["Stop the Bleed"]


def test_on_the_database_queue_a_busy_export_is_deferred(deps, warehouse_url, settings):
    settings.TASKS = DATABASE_QUEUE
    settings.CIVICSTAT_WAREHOUSE_URL = warehouse_url
    et.make_event("CPR class", deps["fire"], et.local(2026, 12, 12, 10))
    running_refresh()
    result = export_event_record.call()
    assert result["status"] == "deferred" and result["attempt"] == 1
    (queued,) = DBTaskResult.objects.filter(task_path=TASK)
    assert queued.run_after > timezone.now()
    assert queued.args_kwargs["kwargs"] == {"attempt": 2}
    assert not path_of(warehouse_url).exists()
    gave_up = export_event_record.call(attempt=MAX_ATTEMPTS)
    assert gave_up["status"] == "gave up"
    assert DBTaskResult.objects.filter(task_path=TASK).count() == 1  # not enqueued again


@pytest.mark.django_db(transaction=True)
def test_a_web_request_only_queues_the_export(client, warehouse_url):
    """With the production queue: the request that changes an event never opens the warehouse;
    the worker (`civicstat db_worker`) exports afterwards."""
    from civicstat.core import testing as t

    deps = et.departments()
    with override_settings(TASKS=DATABASE_QUEUE, CIVICSTAT_WAREHOUSE_URL=warehouse_url):
        fair = et.make_event("Safety fair", deps["community-safety"], et.local(2026, 12, 5, 10))
        offer = EventAssist.objects.create(
            event=fair, department=deps["fire"], status=AssistStatus.OFFERED
        )
        DBTaskResult.objects.all().delete()  # what the set-up queued
        host = t.make_user("host", groups=[deps["community-safety"].staff_group])
        client.force_login(host)
        response = client.post(f"/events/internal/assist/{offer.pk}/accept/")
        assert response.status_code == 302
        assert not path_of(warehouse_url).exists()  # the request did not touch the warehouse
        (queued,) = DBTaskResult.objects.filter(task_path=TASK, status="READY")
        call_command("db_worker", "--batch", "--no-startup-delay", "--backend", "background")
        queued.refresh_from_db()
        assert queued.status == "SUCCESSFUL"
        assert queued.return_value["community_events"]["rows"] == 1
    con = connect(warehouse_url)
    try:
        rows = dataset_table(con, "community_events").to_pandas()
    finally:
        con.disconnect()
    assert (rows.title.tolist(), rows.joint.tolist()) == (["Safety fair"], [True])
