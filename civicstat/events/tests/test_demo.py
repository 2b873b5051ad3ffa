"""The synthetic calendar: seeded, from the first month the measures count, with the features
Durham reported, loadable."""

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from civicstat.demo.synthetic.events import (
    fire_prevention_week,
    generate,
    load_params,
)
from civicstat.events.demo import load_demo_events
from civicstat.events.measures import specs
from civicstat.events.models import Event, EventAssist, EventSource
from civicstat.events.occurrences import CalendarFilter, occurrences

NY = ZoneInfo("America/New_York")
AS_OF = date(2026, 11, 22)


def dates_of(event, lo, hi):
    """Occurrence starts in [lo, hi) by dateutil directly, minus skipped/cancelled dates."""
    if not event.rrule:
        starts = [event.start]
    else:
        rule = rrulestr(
            event.rrule.replace("UNTIL=", "UNTIL=").split(";UNTIL=")[0],
            dtstart=event.start.replace(tzinfo=None),
        )
        until = datetime.strptime(event.rrule.split("UNTIL=")[1], "%Y%m%dT%H%M%S")
        starts = [d.replace(tzinfo=NY) for d in rule if d <= until][:400]
    off = {c.original_start for c in event.changes if c.skip or c.status == "cancelled"}
    return [s for s in starts if lo <= s < hi and s not in off]


def test_the_year_is_seeded_and_deterministic():
    a, b = generate(AS_OF, seed=7), generate(AS_OF, seed=7)
    assert a == b
    assert generate(AS_OF, seed=8) != a
    months = {(e.start.year, e.start.month) for e in a}
    assert min(months) == (2024, 7) and max(months) <= (2027, 2)  # FY25 to 3 months ahead
    assert len(months) == 32  # every month has events


def test_the_calendar_starts_where_the_event_measures_start(deps):
    first = load_params()["first_month"]
    starts = {spec["periods"]["start"] for spec in specs().values()}
    assert starts == {first.isoformat()}


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_october_has_the_27_joint_events_durham_reported(year):
    events = generate(AS_OF)
    lo, hi = datetime(year, 10, 1, tzinfo=NY), datetime(year, 11, 1, tzinfo=NY)
    joint = [
        d
        for e in events
        if e.joint and e.audience == "public" and e.status != "cancelled"
        for d in dates_of(e, lo, hi)
    ]
    assert len(joint) == 27
    week = fire_prevention_week(year)
    assert week[0].weekday() == 6 and date(year, 10, 9) in week
    fpw = [e for e in events if e.category == "fire-prevention-week" and e.start.year == year]
    assert fpw and all(e.start.date() in week for e in fpw)
    assert (
        sum(e.category == "national-night-out" and e.start.year == year for e in events)
        == 1 + load_params()["october"]["national_night_out"]["parties"]
    )


def test_other_months_have_about_two_joint_events_and_one_big_event_a_quarter():
    events = generate(AS_OF)
    per_month = Counter()
    for e in events:
        if e.joint and e.audience == "public" and e.status != "cancelled":
            for d in dates_of(e, datetime(2024, 7, 1, tzinfo=NY), datetime(2027, 3, 1, tzinfo=NY)):
                per_month[(d.year, d.month)] += 1
    others = [n for (y, m), n in per_month.items() if m != 10]
    assert 1 <= sum(others) / len(others) <= 4  # "in the 2 per month range"
    everyone = [
        e for e in events if len(set(e.assisting) | {e.host}) == 5 and e.audience == "public"
    ]
    # One a quarter: fiscal quarters (July to June) from Q1 FY25 to Q3 FY27 (Jan-Mar 2027).
    quarters = Counter(
        (e.start.year + (e.start.month >= 7), (e.start.month - 7) % 12 // 3) for e in everyone
    )
    assert set(quarters.values()) == {1}
    assert sorted(quarters) == [(fy, q) for fy in (2025, 2026) for q in range(4)] + [
        (2027, 0),
        (2027, 1),
        (2027, 2),
    ]


def test_held_cancelled_attendance_and_internal_events():
    events = generate(AS_OF)
    now = datetime.combine(AS_OF, time(0), tzinfo=NY)
    singles = [e for e in events if not e.rrule]
    assert all(e.status in ("held", "cancelled") for e in singles if e.end < now)
    assert all(
        e.status == "scheduled"
        for e in singles
        if e.start > now + timedelta(days=1) and e.status != "cancelled"
    )
    assert all(e.attendance is None for e in singles if e.status != "held")
    held = [e for e in singles if e.status == "held"]
    assert 0.75 < sum(e.attendance is not None for e in held) / len(held) < 1
    assert any(e.status == "cancelled" for e in singles)
    series_changes = [c for e in events for c in e.changes]
    assert any(c.status == "cancelled" for c in series_changes)
    tutoring = [e for e in events if e.category == "tutoring"]
    assert tutoring and all(
        c.original_start.month not in (6, 7, 8) or c.skip for e in tutoring for c in e.changes
    )
    assert {e.audience for e in events} == {"public", "internal"}
    assert any(e.offered for e in events)


def test_loader_creates_events_and_replaces_its_own(deps):
    staff_event = Event.objects.create(
        title="Staff entry",
        host_department=deps["fire"],
        start=datetime(2026, 12, 1, 15, tzinfo=UTC),
        end=datetime(2026, 12, 1, 16, tzinfo=UTC),
    )
    message = load_demo_events(as_of=AS_OF)
    n = Event.objects.filter(source=EventSource.DEMO).count()
    assert n == len(generate(AS_OF)) and "Loaded" in message
    load_demo_events(as_of=AS_OF)
    assert Event.objects.filter(source=EventSource.DEMO).count() == n
    assert Event.objects.filter(pk=staff_event.pk).exists()
    assert EventAssist.objects.filter(status="offered").exists()
    occ = occurrences(
        datetime(2026, 10, 1, tzinfo=NY), datetime(2026, 11, 1, tzinfo=NY), CalendarFilter()
    )
    assert sum(o.joint and not o.cancelled for o in occ) == 27
