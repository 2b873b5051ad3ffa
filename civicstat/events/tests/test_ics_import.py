"""Importing departments' existing calendars: the two real files with their quirks reported,
re-import by UID, broken events reported per event, the command and its errors."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from civicstat.events.ics.importer import CREATED, SKIPPED, UNCHANGED, UPDATED, import_ics
from civicstat.events.models import Audience, Event, EventSource, EventStatus


def real(shared_data: Path, name: str) -> Path:
    return shared_data / "ics-calendars" / name


@pytest.mark.shared_data
def test_iserlohn_council_calendar_imports_with_its_problems_reported(shared_data, deps):
    path = real(shared_data, "iserlohn_sitzungen_alle.ics")
    text = path.read_text(encoding="utf-8")
    vevents = text.count("BEGIN:VEVENT")
    report = import_ics(path.read_bytes(), str(path), deps["fire"])
    assert report.count(CREATED) == vevents == Event.objects.count()
    assert report.skipped == ()
    assert any(
        "VTIMEZONE 'Europe/Berlin' has no STANDARD or DAYLIGHT" in n for n in report.calendar_notes
    )
    assert any("blank lines" in n for n in report.calendar_notes)
    assert all("DTSTAMP is not in UTC" in " ".join(o.notes) for o in report.outcomes)
    # ENTFÄLLT ("cancelled") in the title: imported as cancelled, the word removed.
    cancelled = Event.objects.get(uid="ALLRIS-Sitzung-2002534")
    assert (cancelled.title, cancelled.status) == ("Sportausschuss", EventStatus.CANCELLED)
    assert text.count("ENTFÄLLT - ") == Event.objects.filter(status=EventStatus.CANCELLED).count()
    # 15 Dec 2026 17:00 in Berlin (CET, UTC+1) is 16:00 UTC; the zone is kept for display.
    council = Event.objects.get(uid="ALLRIS-Sitzung-2002434")
    assert council.start == datetime(2026, 12, 15, 16, tzinfo=UTC)
    assert council.timezone == "Europe/Berlin"
    assert council.location_name == ""
    assert (
        Event.objects.get(uid="ALLRIS-Sitzung-2002709").location_name
        == "Mehrzweckraum der Feuerwache, Dortmunder Str. 112"
    )
    assert set(Event.objects.values_list("source", flat=True)) == {EventSource.ICS}
    lines = "\n".join(report.lines())
    assert f"{vevents} events: DTSTAMP is not in UTC" in lines


@pytest.mark.shared_data
def test_durham_civicplus_export_imports_with_its_quirks_reported(shared_data, deps):
    path = real(shared_data, "durham_civicplus_event_10435.ics")
    report = import_ics(
        path.read_bytes(), str(path), deps["police"], base_url="https://www.durhamnc.gov/"
    )
    (outcome,) = report.outcomes
    assert outcome.outcome == CREATED
    notes = " ".join(outcome.notes)
    for expected in (
        "no VTIMEZONE",
        "no DTSTAMP",
        "“ - ”",
        "relative URL resolved",
        "no domain part",
    ):
        assert expected in notes
    event = Event.objects.get(uid="10435")
    assert event.location_name == "101 City Hall Plaza Council Chambers/1st Floor Durham NC 27701"
    assert event.url == "https://www.durhamnc.gov/calendar.aspx?EID=10435"
    assert event.start == datetime(2026, 10, 5, 23, tzinfo=UTC)  # 19:00 EDT
    assert event.host_department == deps["police"]


@pytest.mark.shared_data
def test_reimport_by_uid_updates_instead_of_duplicating(shared_data, deps, tmp_path):
    path = real(shared_data, "iserlohn_feuerwehrausschuss.ics")
    first = import_ics(path.read_bytes(), str(path), deps["fire"])
    n = Event.objects.count()
    assert first.count(CREATED) == n == path.read_text().count("BEGIN:VEVENT")
    event = Event.objects.get(uid="ALLRIS-Sitzung-2002709")
    event.attendance, event.status = 12, EventStatus.HELD  # recorded here, not in the file
    event.save()
    again = import_ics(path.read_bytes(), str(path), deps["fire"])
    assert again.count(UNCHANGED) == n and Event.objects.count() == n
    changed = tmp_path / "changed.ics"
    changed.write_text(
        path.read_text().replace(
            "DTSTART;TZID=Europe/Berlin:20260917T170000",
            "DTSTART;TZID=Europe/Berlin:20260917T180000",
        )
    )
    third = import_ics(changed.read_bytes(), str(changed), deps["fire"])
    assert third.count(UPDATED) == 1 and third.count(UNCHANGED) == n - 1
    assert Event.objects.count() == n
    event.refresh_from_db()
    assert event.start == datetime(2026, 9, 17, 16, tzinfo=UTC)  # 18:00 CEST
    assert (event.attendance, event.status) == (12, EventStatus.HELD)


BROKEN = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
X-WR-TIMEZONE:America/New_York
BEGIN:VEVENT
UID:ok-1@test
DTSTAMP:20260101T000000Z
DTSTART:20261003T100000
DTEND:20261003T120000
SUMMARY:Fire station open house
CATEGORIES:Open house
RRULE:FREQ=YEARLY;COUNT=2
EXDATE:20271003T100000
END:VEVENT
BEGIN:VEVENT
UID:no-start@test
SUMMARY:Nobody knows when
END:VEVENT
BEGIN:VEVENT
UID:bad-rule@test
DTSTART;TZID=America/New_York:20261005T180000
DTEND;TZID=America/New_York:20261005T190000
RRULE:FREQ=SOMETIMES
SUMMARY:Bad rule
CLASS:PRIVATE
END:VEVENT
BEGIN:VEVENT
UID:ok-1@test
DTSTART:20261004T100000
SUMMARY:Same UID again
END:VEVENT
BEGIN:VEVENT
UID:moved@test
RECURRENCE-ID:20261010T100000
DTSTART:20261011T100000
SUMMARY:Orphan change
END:VEVENT
BEGIN:VEVENT
UID:cut@test
DTSTART:20261006T100000
SUMMARY:Cut off
END:VCALENDAR
"""


def test_unreadable_events_are_reported_and_the_rest_imported(deps):
    report = import_ics(BROKEN.encode(), "broken.ics", deps["parks-recreation"])
    by_uid = {o.uid: o for o in report.outcomes}
    assert by_uid["no-start@test"].outcome == SKIPPED
    assert "no DTSTART" in by_uid["no-start@test"].notes[0]
    assert by_uid["moved@test"].outcome == SKIPPED
    assert by_uid["cut@test"].outcome == SKIPPED and "not closed" in by_uid["cut@test"].notes[0]
    duplicates = [o for o in report.outcomes if o.uid == "ok-1@test"]
    assert [o.outcome for o in duplicates] == [CREATED, SKIPPED]
    assert by_uid["bad-rule@test"].outcome == CREATED
    assert any("RRULE cannot be used" in n for n in by_uid["bad-rule@test"].notes)
    bad = Event.objects.get(uid="bad-rule@test")
    assert (bad.rrule, bad.audience) == ("", Audience.INTERNAL)  # CLASS:PRIVATE
    ok = Event.objects.get(uid="ok-1@test")
    assert ok.category.slug == "open-house" and ok.rrule == "FREQ=YEARLY;COUNT=2"
    assert [c.skip for c in ok.changes.all()] == [True]
    assert any("floating time" in n for n in duplicates[0].notes)
    assert Event.objects.count() == 2
    assert [o.line for o in report.outcomes] == sorted(o.line for o in report.outcomes)


def test_command_imports_a_file_and_explains_its_errors(deps, tmp_path, capsys):
    path = tmp_path / "cal.ics"
    path.write_text(BROKEN)
    call_command("events", "import-ics", str(path), "--department", "police")
    out = capsys.readouterr().out
    assert "2 created" in out and "4 could not be read" in out
    assert "NOT IMPORTED: no DTSTART" in out
    with pytest.raises(CommandError, match="name the hosting department"):
        call_command("events", "import-ics", str(path))
    with pytest.raises(CommandError, match="no department 'nope'"):
        call_command("events", "import-ics", str(path), "--department", "nope")
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("events", "import-ics", str(tmp_path / "missing.ics"), "--department", "fire")
    (tmp_path / "not.ics").write_text("hello")
    with pytest.raises(CommandError, match="not an iCalendar file"):
        call_command("events", "import-ics", str(tmp_path / "not.ics"), "--department", "fire")


def test_command_reports_a_url_it_cannot_fetch(deps):
    # Port 9 (discard) on localhost refuses connections: no network is needed to see the error.
    with pytest.raises(CommandError, match="could not be downloaded.*import it by its path"):
        call_command(
            "events", "import-ics", "http://127.0.0.1:9/calendar.ics", "--department", "fire"
        )
