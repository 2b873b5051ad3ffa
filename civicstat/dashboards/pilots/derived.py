"""Derived views for the pilot measures (registered with civicstat.measures.derived).

Imported by the pilot producers (civicstat.dashboards.producers.gunshots), which the dashboards
app imports when it starts, so the views exist wherever a refresh runs. Each is a plain Ibis
expression over warehouse tables: it compiles into the measure's one query, on any backend.

* ``gunshot_alerts_flagged``: ``gunshot_alerts`` plus ``holiday_window``, true for alerts
  detected in the vendor's excluded windows (New Year's Eve and July 4, 48 hours either side,
  methods.md §2.1), in local time, computed with integer date arithmetic only.
* ``gunshot_alert_outcomes``: the same, left-joined to ``gunshot_outcomes`` (one row per alert,
  ``outcome_recorded`` false when no outcome row exists), so outcome totals are counted by the
  month the alert was detected.
* ``crime_incidents_rtm``: ``crime_incidents`` once per published risk terrain zone set, with
  ``rtm_zone_set``, ``rtm_zone`` (``inside``, ``outside``, ``outside study area`` or ``no
  location``), ``rtm_risk_class`` and ``rtm_cell``. The cell of a point comes from the zone set's
  projection polynomial (civicstat.dashboards.pilots.rtm_zones), no spatial extension needed.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import ibis
import ibis.expr.types as ir

from civicstat.measures.derived import register_derived
from civicstat.measures.engine.dialect import dialect_for
from civicstat.warehouse import UnknownDatasetError

US_PER_DAY = 86_400_000_000
ZONES_MISSING = (
    "crime_incidents_rtm needs risk terrain zones in the warehouse: run "
    "`civicstat rtm run CONFIG.yaml --publish KEY` first ({error})"
)
INSIDE, OUTSIDE, OUTSIDE_AREA, NO_LOCATION = (
    "inside",
    "outside",
    "outside study area",
    "no location",
)


def _timezone() -> str:
    try:
        from civicstat.dashboards.pilots.settings import load_pilot_settings

        shots = load_pilot_settings().gunshots
    except Exception:  # settings unreadable: the refresh reports it through the producer
        shots = None
    return shots.evaluation.timezone if shots else "America/New_York"


def _offset_us(tz: str, month: int, day: int) -> int:
    when = dt.datetime(2023, month, day, 12, tzinfo=ZoneInfo(tz))
    offset = when.utcoffset()
    assert offset is not None
    return int(offset.total_seconds() * 1_000_000)


def month_day(day: ir.IntegerValue) -> tuple[ir.IntegerValue, ir.IntegerValue]:
    """Month (1-12) and day of month of the day ``day`` days after 1970-01-01 (H. Hinnant's
    civil_from_days, integer arithmetic only)."""
    z = day + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1_460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (yoe * 365 + yoe // 4 - yoe // 100)
    mp = (doy * 5 + 2) // 153
    dom = doy - (mp * 153 + 2) // 5 + 1
    month = ibis.ifelse(mp < 10, mp + 3, mp - 9)
    return month, dom


def holiday_flag(times: ir.TimestampValue, table: ir.Table, tz: str) -> ir.BooleanValue:
    """True in ``[Dec 29 00:00, Jan 3 00:00)`` and ``[Jul 2 00:00, Jul 7 00:00)`` local time
    (civicstat.safety.gunshots.holidays, 48 hours). Each window is read with the zone's offset
    of its season: no daylight-saving change falls within days of either in the zones this is
    for (the test compares it with the pandas rule, DST dates included)."""
    us = dialect_for(table).epoch_us(times)
    winter_m, winter_d = month_day((us + _offset_us(tz, 12, 31)) // US_PER_DAY)
    summer_m, summer_d = month_day((us + _offset_us(tz, 7, 4)) // US_PER_DAY)
    new_year = ((winter_m == 12) & (winter_d >= 29)) | ((winter_m == 1) & (winter_d <= 2))
    july = (summer_m == 7) & (summer_d >= 2) & (summer_d <= 6)
    return (new_year | july).fill_null(False)


@register_derived(
    "gunshot_alerts_flagged",
    ("gunshot_alerts",),
    "gunshot_alerts with holiday_window (vendor's excluded NYE / July 4 windows)",
)
def gunshot_alerts_flagged(resolve):
    alerts = resolve("gunshot_alerts")
    return alerts.mutate(holiday_window=holiday_flag(alerts.detected_at, alerts, _timezone()))


@register_derived(
    "gunshot_alert_outcomes",
    ("gunshot_alerts", "gunshot_outcomes"),
    "gunshot alerts with their outcome row (left join; outcome_recorded)",
)
def gunshot_alert_outcomes(resolve):
    alerts = resolve("gunshot_alerts_flagged")
    outcomes = resolve("gunshot_outcomes")
    outcomes = outcomes.mutate(outcome_recorded=ibis.literal(True))
    joined = alerts.left_join(outcomes, alerts.alert_id == outcomes.alert_id)
    joined = joined.drop("alert_id_right")
    return joined.mutate(outcome_recorded=joined.outcome_recorded.fill_null(False))


def _poly(c: list[ir.FloatingValue], u: ir.FloatingValue, v: ir.FloatingValue):
    """c0 + c1 u + c2 v + c3 u² + c4 uv + c5 v² + c6 u³ + c7 u²v + c8 uv² + c9 v³."""
    return (
        c[0]
        + c[1] * u
        + c[2] * v
        + c[3] * u * u
        + c[4] * u * v
        + c[5] * v * v
        + c[6] * u * u * u
        + c[7] * u * u * v
        + c[8] * u * v * v
        + c[9] * v * v * v
    )


@register_derived(
    "crime_incidents_rtm",
    ("crime_incidents", "rtm_zone_sets", "rtm_zone_cells"),
    "crime_incidents per risk terrain zone set, inside or outside its high-risk zones",
)
def crime_incidents_rtm(resolve):
    crimes = resolve("crime_incidents")
    try:
        sets = resolve("rtm_zone_sets")
        cells = resolve("rtm_zone_cells")
    except UnknownDatasetError as exc:
        raise UnknownDatasetError(ZONES_MISSING.format(error=exc)) from exc
    keep = [
        "zone_set",
        "cell_size",
        "origin_x",
        "origin_y",
        "n_cols",
        "n_rows",
        "lon0",
        "lat0",
        "lon_min",
        "lon_max",
        "lat_min",
        "lat_max",
    ]
    keep += [f"{axis}_c{i}" for axis in "xy" for i in range(10)]
    both = crimes.cross_join(sets.select(*keep))
    u = both.longitude - both.lon0
    v = both.latitude - both.lat0
    x = _poly([both[f"x_c{i}"] for i in range(10)], u, v)
    y = _poly([both[f"y_c{i}"] for i in range(10)], u, v)
    located = both.longitude.notnull() & both.latitude.notnull()
    in_box = both.longitude.between(both.lon_min, both.lon_max) & both.latitude.between(
        both.lat_min, both.lat_max
    )
    col = ((x - both.origin_x) / both.cell_size).floor().cast("int64")
    row = ((y - both.origin_y) / both.cell_size).floor().cast("int64")
    in_raster = located & in_box & (col >= 0) & (col < both.n_cols) & (row >= 0)
    in_raster = in_raster & (row < both.n_rows)
    placed = both.mutate(
        _col=ibis.ifelse(in_raster, col, ibis.null("int64")),
        _row=ibis.ifelse(in_raster, row, ibis.null("int64")),
        _located=located,
    )
    c = cells.select(
        _set=cells.zone_set,
        _c=cells.col,
        _r=cells.row,
        _cell=cells.cell_id,
        _class=cells.risk_class,
        _in=cells.in_zone,
    )
    joined = placed.left_join(
        c, (placed.zone_set == c._set) & (placed._col == c._c) & (placed._row == c._r)
    )
    zone = ibis.cases(
        (~joined._located, NO_LOCATION),
        (joined._cell.isnull(), OUTSIDE_AREA),
        (joined._in, INSIDE),
        else_=OUTSIDE,
    )
    return joined.select(
        *crimes.columns,
        rtm_zone_set=joined.zone_set,
        rtm_zone=zone,
        rtm_risk_class=joined._class,
        rtm_cell=joined._cell,
    )
