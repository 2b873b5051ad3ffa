"""Recurrence expansion: wall-clock times across DST changes, exceptions, windows, bad rules.

Expected dates are written out by hand from a calendar; the DST dates are the US rules (2nd
Sunday of March, 1st Sunday of November). One test also compares with recurring_ical_events,
an independent RFC 5545 implementation.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from civicstat.events.recurrence import (
    Change,
    RecurrenceError,
    expand,
    normalise_rule,
    series_end,
)

NY = ZoneInfo("America/New_York")
TZ = "America/New_York"


def ny(*args):
    return datetime(*args, tzinfo=NY)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_monthly_class_keeps_its_wall_clock_time_when_dst_ends():
    # Second Saturday of each month, 10:00-12:00; DST ends on Sunday 1 November 2026.
    start = ny(2026, 10, 10, 10)
    got = expand(
        start,
        start + timedelta(hours=2),
        "FREQ=MONTHLY;BYDAY=2SA",
        TZ,
        utc(2026, 10, 1),
        utc(2027, 1, 1),
    )
    assert [i.start.date() for i in got] == [
        date(2026, 10, 10),
        date(2026, 11, 14),
        date(2026, 12, 12),
    ]
    assert all(i.start.hour == 10 and i.end.hour == 12 for i in got)
    # The UTC instant moves by an hour: 14:00Z in EDT (UTC-4), 15:00Z in EST (UTC-5).
    assert [i.start.astimezone(UTC).hour for i in got] == [14, 15, 15]
    assert [i.original_start for i in got] == [
        utc(2026, 10, 10, 14),
        utc(2026, 11, 14, 15),
        utc(2026, 12, 12, 15),
    ]


def test_weekly_series_with_exceptions_across_the_spring_dst_change():
    # Thursdays 18:00 from 26 Feb 2027; DST starts Sunday 14 March 2027.
    start = ny(2027, 2, 25, 18)
    changes = [
        Change(original_start=ny(2027, 3, 4, 18), skip=True),  # EXDATE
        Change(original_start=ny(2027, 3, 11, 18), status="cancelled"),  # shown, cancelled
        Change(
            original_start=ny(2027, 3, 18, 18),
            start=ny(2027, 3, 19, 17),  # moved a day
            end=ny(2027, 3, 19, 19),
        ),
        Change(original_start=ny(2027, 3, 25, 18), status="held", attendance=31),
    ]
    got = expand(
        start,
        start + timedelta(hours=1, minutes=30),
        "FREQ=WEEKLY;COUNT=6",
        TZ,
        utc(2027, 2, 1),
        utc(2027, 5, 1),
        changes,
    )
    starts = [i.start for i in got]
    assert starts == [
        ny(2027, 2, 25, 18),
        ny(2027, 3, 11, 18),
        ny(2027, 3, 19, 17),
        ny(2027, 3, 25, 18),
        ny(2027, 4, 1, 18),
    ]
    assert [i.start.utcoffset() for i in got] == [timedelta(hours=-5)] * 2 + [
        timedelta(hours=-4)
    ] * 3
    by_day = {i.start.date(): i for i in got}
    assert by_day[date(2027, 3, 11)].status == "cancelled"
    assert by_day[date(2027, 3, 19)].end == ny(2027, 3, 19, 19)
    assert by_day[date(2027, 3, 19)].original_start == ny(2027, 3, 18, 18).astimezone(UTC)
    assert by_day[date(2027, 3, 25)].attendance == 31
    assert by_day[date(2027, 4, 1)].end - by_day[date(2027, 4, 1)].start == timedelta(minutes=90)
    assert not any(i.changed for i in (by_day[date(2027, 2, 25)], by_day[date(2027, 4, 1)]))


def test_a_moved_instance_follows_its_new_date_in_and_out_of_the_window():
    start = ny(2026, 3, 5, 18)
    moved = [Change(original_start=ny(2026, 3, 31, 18), start=ny(2026, 4, 2, 18))]
    march = expand(
        start,
        start + timedelta(hours=1),
        "FREQ=WEEKLY;BYDAY=TU",
        TZ,
        ny(2026, 3, 30),
        ny(2026, 4, 1),
        moved,
    )
    april = expand(
        start,
        start + timedelta(hours=1),
        "FREQ=WEEKLY;BYDAY=TU",
        TZ,
        ny(2026, 4, 1),
        ny(2026, 4, 5),
        moved,
    )
    assert march == []
    assert [i.start for i in april] == [ny(2026, 4, 2, 18)]


def test_all_day_events_last_whole_local_days_over_a_dst_change():
    start = ny(2026, 10, 31)
    got = expand(
        start,
        ny(2026, 11, 1),
        "FREQ=DAILY;COUNT=3",
        TZ,
        ny(2026, 10, 1),
        ny(2026, 12, 1),
        all_day=True,
    )
    assert [(i.start, i.end) for i in got] == [
        (ny(2026, 10, 31), ny(2026, 11, 1)),
        (ny(2026, 11, 1), ny(2026, 11, 2)),
        (ny(2026, 11, 2), ny(2026, 11, 3)),
    ]
    # The day clocks go back lasts 25 hours (aware subtraction in one zone is wall-clock in
    # Python, so compare instants in UTC).
    assert got[1].end.astimezone(UTC) - got[1].start.astimezone(UTC) == timedelta(hours=25)


def test_window_includes_an_instance_that_started_before_it():
    start = ny(2026, 6, 1, 22)
    got = expand(
        start, start + timedelta(hours=4), "FREQ=DAILY", TZ, ny(2026, 6, 3), ny(2026, 6, 4)
    )
    assert [i.start for i in got] == [ny(2026, 6, 2, 22), ny(2026, 6, 3, 22)]


def test_single_event_and_instant():
    start = ny(2026, 6, 1, 9)
    assert len(expand(start, start, "", TZ, ny(2026, 6, 1), ny(2026, 6, 2))) == 1
    assert expand(start, start, "", TZ, ny(2026, 6, 1, 10), ny(2026, 6, 2)) == []


def test_a_local_time_inside_the_spring_gap_takes_the_offset_before_it():
    # 02:30 does not exist on 14 March 2027; RFC 5545 §3.3.5: read with the offset before the gap.
    start = ny(2027, 3, 13, 2, 30)
    got = expand(
        start,
        start + timedelta(minutes=30),
        "FREQ=DAILY;COUNT=3",
        TZ,
        ny(2027, 3, 13),
        ny(2027, 3, 16),
    )
    assert [i.start.astimezone(UTC) for i in got] == [
        utc(2027, 3, 13, 7, 30),
        utc(2027, 3, 14, 7, 30),
        utc(2027, 3, 15, 6, 30),
    ]


def test_until_as_a_local_date_runs_through_that_day():
    assert (
        normalise_rule("RRULE:freq=weekly;until=20261231", TZ)
        == "FREQ=WEEKLY;UNTIL=20270101T045959Z"
    )
    start = ny(2026, 12, 3, 18)
    got = expand(
        start,
        start + timedelta(hours=1),
        "FREQ=WEEKLY;UNTIL=20261231",
        TZ,
        ny(2026, 12, 1),
        ny(2027, 2, 1),
    )
    assert [i.start.day for i in got] == [3, 10, 17, 24, 31]
    assert series_end(start, start + timedelta(hours=1), "FREQ=WEEKLY;UNTIL=20261231", TZ) == ny(
        2026, 12, 31, 19
    ).astimezone(UTC)
    assert series_end(start, start + timedelta(hours=1), "FREQ=WEEKLY", TZ) is None
    assert series_end(start, start + timedelta(hours=1), "", TZ) == utc(2026, 12, 4, 0)


def test_a_timed_instance_lasts_exactly_as_long_over_the_night_clocks_go_back():
    start = ny(2026, 10, 24, 22)  # a 4-hour overnight shift, Saturdays
    got = expand(
        start, ny(2026, 10, 25, 2), "FREQ=WEEKLY;COUNT=2", TZ, ny(2026, 10, 1), ny(2026, 11, 30)
    )
    assert [i.end.astimezone(UTC) - i.start.astimezone(UTC) for i in got] == [
        timedelta(hours=4)
    ] * 2
    assert got[1].end.astimezone(UTC) == utc(2026, 11, 1, 6)  # 01:00 EST, the second 1 am


@pytest.mark.parametrize(
    "rule, expected",
    [
        ("FREQ=HOURLY", "FREQ must be one of"),
        ("FREQ=WEEKLY;COUNT=2;UNTIL=20270101", "COUNT or UNTIL"),
        ("FREQ=WEEKLY;BYDAY=XX", "not a valid RRULE"),
        ("FREQ=WEEKLY;UNTIL=2027-01-01", "UNTIL"),
        ("BYDAY=MO", "FREQ must be one of"),
        ("FREQ=WEEKLY\nEXDATE:20270101", "single RRULE"),
        ("FREQ", "NAME=VALUE"),
    ],
)
def test_bad_rules_are_refused_with_what_was_expected(rule, expected):
    with pytest.raises(RecurrenceError, match=expected):
        normalise_rule(rule, TZ)


def test_same_instances_as_recurring_ical_events():
    """recurring_ical_events (an independent RFC 5545 implementation) agrees on a series with
    an EXDATE across both DST changes of 2026."""
    start = ny(2026, 1, 7, 19)
    rule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;COUNT=30"
    skipped = ny(2026, 3, 18, 19)
    ours = expand(
        start,
        start + timedelta(hours=2),
        rule,
        TZ,
        utc(2026, 1, 1),
        utc(2027, 6, 1),
        [Change(original_start=skipped, skip=True)],
    )
    cal = icalendar.Calendar()
    ev = icalendar.Event()
    ev.add("uid", "x@test")
    ev.add("dtstart", start)
    ev.add("dtend", start + timedelta(hours=2))
    ev.add("rrule", icalendar.vRecur.from_ical(rule))
    ev.add("exdate", skipped)
    cal.add_component(ev)
    theirs = recurring_ical_events.of(cal).between(utc(2026, 1, 1), utc(2027, 6, 1))
    assert [i.start.astimezone(UTC) for i in ours] == sorted(
        e["DTSTART"].dt.astimezone(UTC) for e in theirs
    )
    assert len(ours) == 29


def test_dtstart_is_always_the_first_instance():
    # RFC 5545 §3.3.10: DTSTART counts as the first occurrence even if the rule would skip it
    # (a Monday start for a Saturday class); recurring_ical_events agrees.
    start = ny(2026, 10, 5, 10)
    ours = expand(
        start,
        start + timedelta(hours=1),
        "FREQ=MONTHLY;BYDAY=2SA;COUNT=2",
        TZ,
        ny(2026, 10, 1),
        ny(2027, 1, 1),
    )
    cal = icalendar.Calendar()
    ev = icalendar.Event()
    ev.add("uid", "y@test")
    ev.add("dtstart", start)
    ev.add("dtend", start + timedelta(hours=1))
    ev.add("rrule", icalendar.vRecur.from_ical("FREQ=MONTHLY;BYDAY=2SA;COUNT=2"))
    cal.add_component(ev)
    theirs = recurring_ical_events.of(cal).between(ny(2026, 10, 1), ny(2027, 1, 1))
    assert ours[0].start == start
    assert [i.start.date() for i in ours][:2] == [date(2026, 10, 5), date(2026, 10, 10)]
    assert sorted(e["DTSTART"].dt for e in theirs)[:2] == [i.start for i in ours][:2]
