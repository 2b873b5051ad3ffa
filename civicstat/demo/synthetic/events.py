"""Synthetic years of Durham community safety events (PURE, seeded).

From ``params/durham_events.yaml`` (every number with its source or "assumed"), every month from
July 2024 (the first month the event measures count: FY25, the first full year of the shared
calendar) to three months after the day the demo is built, so the dashboard's history is real
data, not empty months:

* repeating classes as RFC 5545 series: a monthly CPR class (joint: Fire with Emergency
  Communications), monthly Stop the Bleed, weekly tutoring at two sites with the summer off
  (skipped dates), a couple of cancelled dates;
* one-off events per department and month (Poisson), a share of them joint;
* one large all-department event per quarter;
* each October's National Night Out parties and Fire Prevention Week events, sized so that
  October has the 27 joint public events Durham reported;
* staff-only events (a monthly planning meeting of every department, a quarterly exercise);
* held events in the past with an attendance (lognormal; some not recorded), a few cancelled
  ones, and pending offers to assist on some future events.

The result is a list of :class:`SyntheticEvent`; civicstat.events.demo turns it into Event rows.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import yaml

from civicstat.events.recurrence import expand

PARAMS = Path(__file__).with_name("params") / "durham_events.yaml"
DEFAULT_SEED = 2024
NEIGHBORHOODS = (
    "Walltown",
    "Old West Durham",
    "East Durham",
    "Lyon Park",
    "Braggtown",
    "Northgate Park",
    "Trinity Park",
    "Hope Valley",
    "Burch Avenue",
    "Cleveland-Holloway",
    "Merrick-Moore",
    "Few Gardens",
)
FPW_ACTIVITIES = (
    "station open house",
    "school visit",
    "smoke alarm install day",
    "extinguisher demonstration",
    "home escape plan workshop",
    "safety storytime",
)


@dataclass(frozen=True)
class SyntheticChange:
    original_start: datetime
    skip: bool = False
    status: str = ""
    attendance: int | None = None


@dataclass(frozen=True)
class SyntheticEvent:
    uid: str
    title: str
    category: str
    host: str
    start: datetime
    end: datetime
    assisting: tuple[str, ...] = ()
    offered: tuple[str, ...] = ()
    audience: str = "public"
    status: str = "scheduled"
    attendance: int | None = None
    rrule: str = ""
    location: str = ""
    changes: tuple[SyntheticChange, ...] = field(default=())

    @property
    def joint(self) -> bool:
        return len(set(self.assisting) - {self.host}) >= 1


def load_params(path: Path = PARAMS) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def window(first_month: date, months: int) -> list[date]:
    out, current = [], first_month.replace(day=1)
    for _ in range(months):
        out.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return out


def month_count(first_month: date, as_of: date, params: dict) -> int:
    """Months from ``first_month`` through ``params['months_ahead']`` months after ``as_of``'s
    month, and at least ``params['min_months']``."""
    last = as_of.year * 12 + as_of.month - 1 + int(params["months_ahead"])
    first = first_month.year * 12 + first_month.month - 1
    return max(last - first + 1, int(params["min_months"]))


class _Builder:
    def __init__(self, params: dict, first_month: date, as_of: date, seed: int):
        self.p = params
        self.tz = ZoneInfo(params["timezone"])
        self.months = window(first_month, month_count(first_month, as_of, params))
        self.first = datetime.combine(self.months[0], time(0), tzinfo=self.tz)
        last = self.months[-1]
        self.end = datetime.combine(
            date(last.year, last.month, calendar.monthrange(last.year, last.month)[1])
            + timedelta(days=1),
            time(0),
            tzinfo=self.tz,
        )
        self.now = datetime.combine(as_of, time(0), tzinfo=self.tz)
        self.rng = np.random.default_rng(seed)
        self.events: list[SyntheticEvent] = []

    def uid(self) -> str:
        return f"demo-{len(self.events) + 1:04d}@civicstat-demo"

    def at(self, day: date, hhmm: str) -> datetime:
        hour, minute = (int(x) for x in hhmm.split(":"))
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz)

    def attendance(self, mean: float) -> int | None:
        if self.rng.random() >= self.p["attendance_recorded"]:
            return None
        sigma = self.p["attendance_sigma"]
        return max(1, int(round(mean * np.exp(sigma * self.rng.standard_normal() - sigma**2 / 2))))

    def outcome(
        self, start: datetime, mean: float, can_cancel: bool = True
    ) -> tuple[str, int | None]:
        if can_cancel and self.rng.random() < self.p["cancel_probability"]:
            return "cancelled", None
        if start < self.now:
            return "held", self.attendance(mean)
        return "scheduled", None

    def add(self, **fields) -> SyntheticEvent:
        event = SyntheticEvent(uid=self.uid(), **fields)
        self.events.append(event)
        return event

    def series(self) -> None:
        for s in self.p["series"]:
            first_day = self.months[0]
            start = self.at(first_day, s["start"])
            rule = (
                f"{s['rrule']};UNTIL={(self.end - timedelta(seconds=1)).strftime('%Y%m%dT%H%M%S')}"
            )
            hours = timedelta(hours=float(s["hours"]))
            instances = expand(start, start + hours, rule, self.p["timezone"], self.first, self.end)
            if instances:  # the series starts on its first real date
                start = instances[0].start
            changes = []
            breaks = set(s.get("summer_break", []))
            for inst in instances:
                if inst.start.month in breaks:
                    changes.append(SyntheticChange(inst.original_start, skip=True))
                elif inst.start < self.now:
                    changes.append(
                        SyntheticChange(
                            inst.original_start,
                            status="held",
                            attendance=self.attendance(s["attendance_mean"]),
                        )
                    )
            self.add(
                title=s["title"],
                category=s["category"],
                host=s["host"],
                assisting=tuple(s["assisting"]),
                start=start,
                end=start + hours,
                rrule=rule,
                location=s["location"],
                changes=tuple(changes),
            )
        self._cancel_series_dates()

    def years(self) -> float:
        return len(self.months) / 12

    def _cancel_series_dates(self) -> None:
        candidates = [
            (i, c)
            for i, e in enumerate(self.events)
            for c in e.changes
            if not c.skip
            and e.category in ("cpr", "stop-the-bleed")
            and c.original_start.astimezone(self.tz).month not in (10,)
        ]
        n = min(round(self.p["series_cancellations"] * self.years()), len(candidates))
        for k in self.rng.choice(len(candidates), size=n, replace=False) if n else []:
            index, chosen = candidates[int(k)]
            event = self.events[index]
            changes = tuple(
                replace(c, status="cancelled", attendance=None) if c is chosen else c
                for c in event.changes
            )
            self.events[index] = replace(event, changes=changes)

    def one_offs(self) -> None:
        departments = self.p["departments"]
        for month in self.months:
            days = calendar.monthrange(month.year, month.month)[1]
            for host, spec in self.p["one_off"].items():
                for _ in range(int(self.rng.poisson(spec["per_month"]))):
                    category, title = spec["kinds"][int(self.rng.integers(len(spec["kinds"])))]
                    day = month.replace(day=int(self.rng.integers(1, days + 1)))
                    hour = int(self.rng.choice([10, 11, 14, 17, 18]))
                    start = datetime.combine(day, time(hour), tzinfo=self.tz)
                    assisting: tuple[str, ...] = ()
                    if self.rng.random() < self.p["joint_probability"]:
                        others = [d for d in departments if d != host]
                        k = 1 + int(self.rng.random() < 0.3)
                        assisting = tuple(self.rng.choice(others, size=k, replace=False).tolist())
                    status, attendance = self.outcome(start, self.p["attendance_mean"][category])
                    self.add(
                        title=title,
                        category=category,
                        host=host,
                        assisting=assisting,
                        start=start,
                        end=start + timedelta(hours=2),
                        status=status,
                        attendance=attendance,
                        location=self.location(),
                    )

    def location(self) -> str:
        places = self.p["locations"]
        return places[int(self.rng.integers(len(places)))]

    def all_department(self) -> None:
        departments = self.p["departments"]
        for big, month in (
            (big, m)
            for m in self.months
            for big in self.p["all_department"]
            if m.month == big["month"]
        ):
            start = datetime.combine(month.replace(day=big["day"]), time(16), tzinfo=self.tz)
            held = start < self.now
            self.add(
                title=big["title"],
                category=big["category"],
                host="community-safety",
                assisting=tuple(d for d in departments if d != "community-safety"),
                start=start,
                end=start + timedelta(hours=4),
                status="held" if held else "scheduled",
                attendance=big["attendance"] if held else None,
                location="Durham Central Park",
            )

    def october(self) -> None:
        for month in self.months:
            if month.month == 10:
                self._october(month)

    def _october(self, month: date) -> None:
        spec = self.p["october"]
        nno = spec["national_night_out"]
        partners = ["fire", "community-safety", "emergency-communications"]
        for n in range(int(nno["parties"])):
            start = self.at(month.replace(day=nno["day"]), nno["start"])
            status, attendance = self.outcome(
                start, self.p["attendance_mean"]["national-night-out"], can_cancel=False
            )
            self.add(
                title=f"National Night Out: {NEIGHBORHOODS[n % len(NEIGHBORHOODS)]} party",
                category="national-night-out",
                host="police",
                assisting=(partners[n % len(partners)],),
                start=start,
                end=start + timedelta(hours=float(nno["hours"])),
                status=status,
                attendance=attendance,
                location=f"{NEIGHBORHOODS[n % len(NEIGHBORHOODS)]}",
            )
        target = int(spec["fire_prevention_week"]["joint_target"])
        missing = target - self.joint_public_in(month)
        week = fire_prevention_week(month.year)
        for n in range(max(missing, 0)):
            day = week[n % len(week)]
            start = datetime.combine(day, time(10 + 2 * (n // len(week)) % 8), tzinfo=self.tz)
            status, attendance = self.outcome(
                start, self.p["attendance_mean"]["fire-prevention-week"], can_cancel=False
            )
            self.add(
                title=f"Fire Prevention Week: {FPW_ACTIVITIES[n % len(FPW_ACTIVITIES)]}",
                category="fire-prevention-week",
                host="fire",
                assisting=(("police", "emergency-communications")[n % 2],),
                start=start,
                end=start + timedelta(hours=2),
                status=status,
                attendance=attendance,
                location=self.location(),
            )

    def joint_public_in(self, month: date) -> int:
        """Joint, public, not cancelled occurrences so far in ``month``."""
        lo = datetime.combine(month, time(0), tzinfo=self.tz)
        hi = datetime.combine((month + timedelta(days=32)).replace(day=1), time(0), tzinfo=self.tz)
        n = 0
        for e in self.events:
            if e.audience != "public" or not e.joint or e.status == "cancelled":
                continue
            changes = [_change(c) for c in e.changes]
            for inst in expand(e.start, e.end, e.rrule, self.p["timezone"], lo, hi, changes):
                if lo <= inst.start < hi and inst.status != "cancelled":
                    n += 1
        return n

    def internal(self) -> None:
        for item in self.p["internal"]:
            start = self.at(self.months[0], item["start"])
            rule = item["rrule"]
            hours = timedelta(hours=float(item["hours"]))
            instances = expand(start, start + hours, rule, self.p["timezone"], self.first, self.end)
            if instances:
                start = instances[0].start
            until = (self.end - timedelta(seconds=1)).strftime("%Y%m%dT%H%M%S")
            self.add(
                title=item["title"],
                category="training",
                host=item["host"],
                assisting=tuple(item["assisting"]),
                audience="internal",
                start=start,
                end=start + hours,
                rrule=f"{rule};UNTIL={until}",
            )

    def offers(self) -> None:
        """Pending offers to assist on three future single events (for the staff demo)."""
        future = [
            i
            for i, e in enumerate(self.events)
            if not e.rrule
            and e.start > self.now
            and e.audience == "public"
            and not e.joint
            and e.status == "scheduled"
        ]
        for k, index in enumerate(future[:3]):
            event = self.events[index]
            helper = [d for d in self.p["departments"] if d != event.host][k % 4]
            self.events[index] = replace(event, offered=(helper,))


def _change(c: SyntheticChange):
    from civicstat.events.recurrence import Change

    return Change(
        original_start=c.original_start,
        skip=c.skip,
        status=c.status or None,
        attendance=c.attendance,
    )


def fire_prevention_week(year: int) -> list[date]:
    """Sunday to Saturday of the week containing 9 October (NFPA's rule for the week)."""
    ninth = date(year, 10, 9)
    sunday = ninth - timedelta(days=(ninth.weekday() + 1) % 7)
    return [sunday + timedelta(days=i) for i in range(7)]


def generate(
    as_of: date,
    first_month: date | None = None,
    seed: int = DEFAULT_SEED,
    params: dict | None = None,
) -> list[SyntheticEvent]:
    """The synthetic calendar: every month from ``first_month`` (default:
    ``params['first_month']``) to ``params['months_ahead']`` months after ``as_of``'s month;
    events before ``as_of`` are held or cancelled, later ones scheduled."""
    p = params or load_params()
    b = _Builder(p, first_month or p["first_month"], as_of, seed)
    b.series()
    b.one_offs()
    b.all_department()
    b.internal()
    b.october()  # last: sized from everything else in October
    b.offers()
    return sorted(b.events, key=lambda e: (e.start, e.uid))
