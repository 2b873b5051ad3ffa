"""The event measures are computed from the combined event record, not counted by hand: the
engine's values equal a count made here from the test's own occurrences, and the combined
event dashboard shows the published values."""

from datetime import date

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from civicstat.core import testing as t
from civicstat.events import testing as et
from civicstat.events.measures import MEASURES_FILE, specs
from civicstat.events.models import Audience, EventStatus
from civicstat.events.tasks import export_record
from civicstat.events.tests.support import compute, publish
from civicstat.measures.catalogue import CatalogueError, attach, load
from civicstat.measures.models import Measure, MeasureKind

AS_OF = date(2026, 11, 30)
MONTHS = {"2026-09": date(2026, 9, 1), "2026-10": date(2026, 10, 1), "2026-11": date(2026, 11, 1)}


@pytest.fixture
def events(deps):
    """Events of Sep–Nov 2026, and (below, written by hand) every one of their occurrences."""
    police, fire, safety = deps["police"], deps["fire"], deps["community-safety"]
    ecc, parks = deps["emergency-communications"], deps["parks-recreation"]
    et.make_event("Porch safety talk", police, et.local(2026, 9, 5, 18), assist=[fire])
    et.make_event(
        "Pool safety day", parks, et.local(2026, 9, 19, 11), status=EventStatus.HELD, attendance=40
    )
    et.make_event(
        "Joint drill", police, et.local(2026, 9, 15, 9), assist=[fire], audience=Audience.INTERNAL
    )
    et.make_event(
        "Block party",
        safety,
        et.local(2026, 9, 26, 15),
        assist=[police],
        status=EventStatus.CANCELLED,
    )
    cpr = et.make_event(
        "CPR class",
        fire,
        et.local(2026, 9, 12, 10),
        assist=[safety],
        rrule="FREQ=MONTHLY;BYDAY=2SA;COUNT=3",
        category_slug="cpr",
    )
    et.change(cpr, et.local(2026, 9, 12, 10), status=EventStatus.HELD, attendance=12)
    et.change(cpr, et.local(2026, 10, 10, 10), status=EventStatus.CANCELLED)
    et.make_event(
        "National Night Out",
        police,
        et.local(2026, 10, 6, 17),
        assist=[fire, safety, ecc],
        status=EventStatus.HELD,
        attendance=300,
    )
    et.make_event(
        "Station open house",
        fire,
        et.local(2026, 10, 17, 11),
        status=EventStatus.HELD,
        attendance=75,
    )
    et.make_event("Coffee with a cop", police, et.local(2026, 10, 24, 9), offered=[parks])
    # (month, audience, cancelled, departments, attendance) for every occurrence, by hand:
    return pd.DataFrame(
        [
            ("2026-09", "public", False, ("police", "fire"), None),
            ("2026-09", "public", False, ("parks-recreation",), 40),
            ("2026-09", "internal", False, ("police", "fire"), None),
            ("2026-09", "public", True, ("community-safety", "police"), None),
            ("2026-09", "public", False, ("fire", "community-safety"), 12),
            ("2026-10", "public", True, ("fire", "community-safety"), None),
            ("2026-11", "public", False, ("fire", "community-safety"), None),
            (
                "2026-10",
                "public",
                False,
                ("police", "fire", "community-safety", "emergency-communications"),
                300,
            ),
            ("2026-10", "public", False, ("fire",), 75),
            ("2026-10", "public", False, ("police",), None),  # an offer not accepted is not joint
        ],
        columns=["month", "audience", "cancelled", "departments", "attendance"],
    )


@pytest.fixture
def computed(events, warehouse_url):
    export_record(warehouse_url)
    by_slug = specs()

    def frame(slug):
        f = compute(warehouse_url, by_slug[slug], AS_OF)
        f = f[f.period_label.isin(MONTHS)]
        return f.set_index(["period_label", "breakdown"]).value.astype(float).to_dict()

    return frame


def hand(events):
    counted = events[(events.audience == "public") & ~events.cancelled].copy()
    counted["joint"] = counted.departments.map(len) >= 2
    return counted


def test_joint_events_per_month_equal_a_hand_count(events, computed):
    counted = hand(events)
    expected = counted[counted.joint].groupby("month").size().reindex(list(MONTHS), fill_value=0)
    got = computed("joint-community-safety-events")
    assert {m: got[(m, "")] for m in MONTHS} == {m: float(n) for m, n in expected.items()}
    assert expected.tolist() == [2, 1, 1]  # and the hand count is what we meant to build


def test_events_per_month_share_and_attendance_equal_a_hand_count(events, computed):
    counted = hand(events)
    per_month = counted.groupby("month").size()
    joint = counted[counted.joint].groupby("month").size().reindex(per_month.index, fill_value=0)
    events_got = computed("community-events-per-month")
    share_got = computed("community-events-joint-share")
    attendance_got = computed("community-event-attendance")
    for month in MONTHS:
        assert events_got[(month, "")] == per_month[month]
        assert share_got[(month, "")] == pytest.approx(100 * joint[month] / per_month[month])
        assert attendance_got[(month, "")] == counted[counted.month == month].attendance.sum()


def test_events_and_attendance_by_department_equal_a_hand_count(events, computed):
    rows = hand(events).explode("departments")
    by_department = rows.groupby(["month", "departments"]).size()
    attendance = rows.groupby(["month", "departments"]).attendance.sum()
    got = computed("community-events-by-department")
    got_attendance = computed("community-event-attendance-by-department")
    for (month, department), n in by_department.items():
        assert got[(month, department)] == n, (month, department)
    assert sum(v for (m, _), v in got.items() if m in MONTHS) == len(rows)
    for (month, department), total in attendance.items():
        if total:
            assert got_attendance[(month, department)] == total, (month, department)


def test_the_event_catalogue_is_read_by_the_generic_loader(deps, tmp_path):
    entries = load(MEASURES_FILE)
    assert [(e.place, e.ref, e.data["slug"]) for e in entries][:2] == [
        ("initiative", "2.21", "joint-community-safety-events"),
        ("initiative", "2.21", "community-events-per-month"),
    ]
    assert {e.data["spec"]["dataset"] for e in entries} == {
        "community_events",
        "community_event_departments",
        "page_views",
    }
    # A broken spec is refused with the file, the measure and the field named.
    bad = tmp_path / "m.yaml"
    bad.write_text(
        "measures:\n- {slug: x, initiative: '2.21', name: X, definition: d, "
        "spec: {dataset: community_events, time_column: starts_at, "
        "aggregate: {kind: medain}, periods: {start: '2024-07-01'}}}\n"
    )
    with pytest.raises(CatalogueError, match=r"m\.yaml.*\n.*measures\[0\].*medain"):
        specs(bad)


@pytest.fixture
def plan(deps):
    plan = t.make_plan()
    goal = t.make_goal(plan)
    objective = t.make_objective(goal, "2.2", "Build trust")
    t.make_initiative(
        objective,
        "2.21",
        "Joint community safety events",
        [deps["fire"], deps["police"], deps["community-safety"]],
    )
    t.make_initiative(objective, "2.23", "Data visibility", [deps["police"]])
    return plan


def test_dashboard_shows_the_published_values(client, plan, computed, warehouse_url, events):
    measures = {m.slug: m for m in attach(plan, MEASURES_FILE)}
    assert {m.kind for m in measures.values()} == {MeasureKind.COMPUTED}
    assert measures["webpage-views"].page.specific.number == "2.23"
    by_slug = specs()
    for slug, measure in measures.items():
        if by_slug[slug]["dataset"] != "page_views":
            publish(measure, compute(warehouse_url, by_slug[slug], AS_OF))
    page = BeautifulSoup(client.get("/events/dashboard/").content, "html.parser")
    monthly = page.select_one("#monthly-heading").find_next("table")
    header = [th.get_text(strip=True) for th in monthly.select("thead th")]
    assert header[:2] == ["Month", "Joint Community Safety Events"]
    rows = {
        tr.th.time["datetime"]: [td.get_text(strip=True) for td in tr.select("td")]
        for tr in monthly.select("tbody tr")
    }
    assert monthly.select_one("tbody th").get_text(strip=True) == "Nov 2026"
    counted = hand(events)
    for month in MONTHS:
        joint = int((counted[counted.month == month].departments.map(len) >= 2).sum())
        assert rows[month][0] == str(joint)
        assert rows[month][1] == str(int((counted.month == month).sum()))
    dept = page.select_one("#dept-heading").find_next("table")
    columns = [th.get_text(strip=True) for th in dept.select("thead th")][1:]
    assert "Fire Department" in columns and "Emergency Communications" in columns
    assert Measure.objects.get(slug="joint-community-safety-events").live
