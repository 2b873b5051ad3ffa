"""The combined event record flows into the warehouse: one row per occurrence (and per
participating department), replaced on each export, exported after every committed change."""

from datetime import UTC

import pandas as pd
import pytest
from django.db import connection, transaction
from django.test import override_settings

from civicstat.events import testing as et
from civicstat.events.models import Audience, Event, EventStatus
from civicstat.events.signals import _enqueue
from civicstat.events.tasks import export_record
from civicstat.warehouse import connect, dataset_table, load_log


def table(url, name) -> pd.DataFrame:
    con = connect(url)
    try:
        return dataset_table(con, name).to_pandas()
    finally:
        con.disconnect()


def log(url, name) -> pd.DataFrame:
    con = connect(url)
    try:
        return load_log(con, name)
    finally:
        con.disconnect()


@pytest.fixture
def record(deps):
    cpr = et.make_event(
        "CPR class",
        deps["fire"],
        et.local(2026, 9, 12, 10),
        rrule="FREQ=MONTHLY;BYDAY=2SA;COUNT=3",
        category_slug="cpr",
        assist=[deps["community-safety"]],
    )
    et.change(cpr, et.local(2026, 10, 10, 10), status=EventStatus.CANCELLED)
    et.change(cpr, et.local(2026, 11, 14, 10), status=EventStatus.HELD, attendance=14)
    drill = et.make_event(
        "Drill", deps["police"], et.local(2026, 9, 3, 9), audience=Audience.INTERNAL
    )
    fair = et.make_event(
        "Fair",
        deps["parks-recreation"],
        et.local(2026, 10, 3, 10),
        status=EventStatus.HELD,
        attendance=120,
        assist=[deps["police"], deps["emergency-communications"]],
    )
    return {"cpr": cpr, "drill": drill, "fair": fair}


def test_one_row_per_occurrence_with_departments_and_status(record, warehouse_url):
    result = export_record(warehouse_url)
    events = table(warehouse_url, "community_events").set_index("occurrence_id")
    cpr = record["cpr"]
    # 3 CPR dates, the drill and the fair: written out by hand.
    expected = {
        f"{cpr.uid}/20260912T140000Z",
        f"{cpr.uid}/20261010T140000Z",
        f"{cpr.uid}/20261114T150000Z",
        record["drill"].uid,
        record["fair"].uid,
    }
    assert set(events.index) == expected
    assert result["community_events"]["rows"] == 5
    oct_cpr = events.loc[f"{cpr.uid}/20261010T140000Z"]
    assert (oct_cpr.status, oct_cpr.joint, oct_cpr.departments) == (
        "cancelled",
        True,
        "fire;community-safety",
    )
    nov_cpr = events.loc[f"{cpr.uid}/20261114T150000Z"]
    assert (nov_cpr.status, nov_cpr.attendance) == ("held", 14)
    assert nov_cpr.starts_at == pd.Timestamp("2026-11-14T15:00", tz=UTC)
    assert pd.isna(events.loc[f"{cpr.uid}/20260912T140000Z"].attendance)
    fair = events.loc[record["fair"].uid]
    assert (fair.department_count, fair.host_department, fair.attendance) == (
        3,
        "parks-recreation",
        120,
    )
    assert events.loc[record["drill"].uid].audience == "internal"
    assert not events.loc[record["drill"].uid].joint
    part = table(warehouse_url, "community_event_departments")
    # Participation rows: 3 CPR dates x 2 departments + drill x 1 + fair x 3.
    assert len(part) == 3 * 2 + 1 + 3
    fair_rows = part[part.occurrence_id == record["fair"].uid].sort_values("department")
    assert list(fair_rows.department) == ["emergency-communications", "parks-recreation", "police"]
    assert list(fair_rows.role) == ["assisting", "host", "assisting"]
    assert set(fair_rows.attendance) == {120}


def test_export_replaces_the_dataset_and_logs_what_it_removed(record, warehouse_url):
    export_record(warehouse_url)
    record["fair"].delete()
    record["cpr"].rrule = "FREQ=MONTHLY;BYDAY=2SA;COUNT=2"
    record["cpr"].save()
    export_record(warehouse_url)
    events = table(warehouse_url, "community_events")
    assert len(events) == 3 and record["fair"].uid not in set(events.occurrence_id)
    loads = log(warehouse_url, "community_events")
    assert list(loads.status) == ["loaded", "loaded"]
    assert "2 rows of earlier loads" in loads.message.iloc[-1]  # the fair and the 3rd CPR date
    assert "0 rows of earlier loads" in loads.message.iloc[0]
    part = table(warehouse_url, "community_event_departments")
    assert len(part) == 2 * 2 + 1


def test_a_committed_change_exports_once_in_the_background(deps, warehouse_url):
    connection.run_on_commit[:] = [e for e in connection.run_on_commit if e[1] is not _enqueue]
    with override_settings(CIVICSTAT_WAREHOUSE_URL=warehouse_url):
        with transaction.atomic():
            for day in (1, 2, 3):
                et.make_event(f"Class {day}", deps["fire"], et.local(2026, 12, day, 10))
        # The test's own transaction never commits: look at what waits for the commit.
        pending = [entry[1] for entry in connection.run_on_commit if entry[1] is _enqueue]
        assert len(pending) == 1  # three events, their assists and saves: one export
        pending[0]()
        assert len(table(warehouse_url, "community_events")) == 3


@pytest.mark.django_db(transaction=True)
def test_every_committed_change_reaches_the_warehouse(warehouse_url):
    """Autocommit, as in a running site: each save and delete commits and exports."""
    deps = et.departments()
    with override_settings(CIVICSTAT_WAREHOUSE_URL=warehouse_url):
        for day in (1, 2, 3):
            et.make_event(f"Class {day}", deps["fire"], et.local(2026, 12, day, 10))
        assert sorted(table(warehouse_url, "community_events").title) == [
            "Class 1",
            "Class 2",
            "Class 3",
        ]
        Event.objects.get(title="Class 2").delete()
        assert sorted(table(warehouse_url, "community_events").title) == ["Class 1", "Class 3"]
        event = Event.objects.get(title="Class 3")
        event.status = EventStatus.CANCELLED
        event.save()
        rows = table(warehouse_url, "community_events").set_index("title")
        assert rows.loc["Class 3"].status == "cancelled"


def test_a_rolled_back_change_exports_nothing(deps, warehouse_url):
    # Drop exports the fixtures scheduled, so only this test's changes count.
    connection.run_on_commit[:] = [e for e in connection.run_on_commit if e[1] is not _enqueue]
    with pytest.raises(RuntimeError), transaction.atomic():
        et.make_event("Never", deps["fire"], et.local(2026, 12, 1, 10))
        assert sum(e[1] is _enqueue for e in connection.run_on_commit) == 1
        raise RuntimeError
    assert not any(e[1] is _enqueue for e in connection.run_on_commit)
