"""Synthetic Durham ShotSpotter pilot (initiative 2.13), from documented parameters (PURE, seeded).

Durham's alert-level data is not public, so the demo generates a year of alerts (Dec 15 2022 –
Dec 14 2023) in an approximate ~3 sq mi East/Southeast Durham coverage area, from the figures in
``params/durham_shotspotter.yaml`` (each with its methods.md source key or "assumed"):

* ``gunshot_alerts``: times following hour and month weights, extra alerts in the fireworks
  windows, rounds averaging 3.7, publication mostly under 60 s with a tail, dispatch and arrival
  about 5 minutes after the alert;
* ``calls_for_service``: residents' shots-fired calls, one for about 26.9 % of the alerts (within
  the default matching window) plus 911-only calls that match no alert;
* ``gunshot_outcomes`` and ``confirmed_shootings``: see :mod:`.gunshot_outcomes`.

:func:`write_demo_files` writes them as CSVs in the canonical layouts (header = contract column
names, ISO 8601 times with offset) for the identity mappings ``civicstat-standard-gunshot-alerts``,
``civicstat-standard-gunshot-outcomes``, ``civicstat-standard-confirmed-shootings`` and
``civicstat-standard-cfs``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from shapely.geometry import Polygon

from civicstat.demo.synthetic.gunshot_calls import shots_fired_calls
from civicstat.demo.synthetic.gunshot_outcomes import confirmed_shootings, outcomes
from civicstat.demo.synthetic.pilot_area import (
    Area,
    DemoFile,
    csv_frame,
    quadrant_labels,
    sample_times,
)
from civicstat.demo.synthetic.pilot_params import Params, load_params
from civicstat.safety.gunshots.holidays import holiday_windows, in_holiday_window
from civicstat.warehouse import Registry

PARAMS_NAME = "durham_shotspotter"
DEFAULT_SEED = 2023
FILES = {
    "alerts": DemoFile(
        "gunshot_alerts", "durham_gunshot_alerts.csv", "civicstat-standard-gunshot-alerts"
    ),
    "outcomes": DemoFile(
        "gunshot_outcomes", "durham_gunshot_outcomes.csv", "civicstat-standard-gunshot-outcomes"
    ),
    "confirmed": DemoFile(
        "confirmed_shootings",
        "durham_confirmed_shootings.csv",
        "civicstat-standard-confirmed-shootings",
    ),
    "calls": DemoFile(
        "calls_for_service", "durham_shots_fired_calls.csv", "civicstat-standard-cfs"
    ),
}
"""The files :func:`write_demo_files` writes, in order, by :class:`GunshotPilotData` field."""


@dataclass(frozen=True, eq=False)
class GunshotPilotData:
    """The generated tables (canonical columns, times tz-aware UTC) and the pilot's frame."""

    alerts: pd.DataFrame
    outcomes: pd.DataFrame
    calls: pd.DataFrame
    confirmed: pd.DataFrame
    coverage: Polygon
    first_day: dt.date
    last_day: dt.date
    timezone: str


def _area(p: Params) -> Area:
    return Area(
        polygon=Polygon(p.get("coverage_area.polygon")),
        hotspots=np.asarray(p.get("coverage_area.hotspots"), dtype=float),
        sigma_m=p.number("coverage_area.hotspot_sigma_m"),
        hotspot_share=p.share("coverage_area.hotspot_share"),
    )


def _beats(p: Params, lonlat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    labels = quadrant_labels(
        lonlat[:, 0],
        lonlat[:, 1],
        p.number("coverage_area.split_longitude"),
        p.number("coverage_area.split_latitude"),
    )
    table = p.get("coverage_area.beats")
    beat = np.array([str(table[q]["beat"]) for q in labels], dtype=object)
    district = np.array([str(table[q]["district"]) for q in labels], dtype=object)
    return beat, district


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _alert_times(p: Params, rng: np.random.Generator, days: list[dt.date], tz: str) -> pd.Series:
    """Alerts outside the holiday windows (the sourced count) plus those inside (assumed)."""
    hours = p.numbers("alerts.hour_weights", 24)
    months = p.numbers("alerts.month_weights", 12)
    day_w = [months[d.month - 1] for d in days]
    wanted = p.count("alerts.count_outside_holidays")
    times = pd.Series(dtype="datetime64[us, UTC]")
    while len(times) < wanted:
        batch = sample_times(rng, wanted, days, tz, hours, day_w)
        batch = batch[~in_holiday_window(batch, tz=tz)]
        times = pd.concat([times, batch], ignore_index=True)
    times = times.iloc[rng.permutation(len(times))[:wanted]]
    windows = holiday_windows(days[0].year, days[-1].year, tz=tz)
    holiday_days = [d for d in days if _day_in_windows(d, windows, tz)]
    extra = sample_times(rng, p.count("alerts.count_in_holiday_windows"), holiday_days, tz, hours)
    extra = extra[in_holiday_window(extra, tz=tz)]
    return pd.concat([times, extra]).sort_values(ignore_index=True)


def _day_in_windows(day: dt.date, windows: pd.DataFrame, tz: str) -> bool:
    noon = pd.Timestamp(day).tz_localize(tz) + pd.Timedelta(hours=12)
    return bool(((windows["starts_at"] <= noon) & (noon < windows["ends_at"])).any())


def _rounds(p: Params, rng: np.random.Generator, n: int) -> np.ndarray:
    """One round for ``single_gunshot_share`` of alerts, else 2 + negative binomial, with the
    overall mean at ``rounds_per_alert`` (the total is made exact by nudging a few alerts)."""
    single = p.share("alerts.single_gunshot_share")
    mean = p.number("alerts.rounds_per_alert")
    extra_mean = (mean - single) / (1 - single) - 2
    r = 1.5  # dispersion (assumed)
    extra = rng.negative_binomial(r, r / (r + extra_mean), n)
    rounds = np.minimum(np.where(rng.random(n) < single, 1, 2 + extra), 60)
    # Nudge multi-round alerts one round up or down until the total is the documented mean.
    gap = round(mean * n) - int(rounds.sum())
    multi = np.flatnonzero(rounds >= 3 if gap < 0 else rounds >= 2)
    picks = rng.choice(multi, size=min(abs(gap), len(multi)), replace=False)
    rounds[picks] += 1 if gap > 0 else -1
    return rounds


def _seconds(values: np.ndarray) -> pd.TimedeltaIndex:
    return pd.to_timedelta(np.round(values), unit="s")


def _lognormal(rng: np.random.Generator, median: float, sigma: float, n: int) -> np.ndarray:
    return rng.lognormal(np.log(median), sigma, n)


def alerts_frame(p: Params, rng: np.random.Generator, area: Area) -> pd.DataFrame:
    """The gunshot_alerts table (module docstring)."""
    tz = p.text("pilot.timezone")
    days = _days(p.get("pilot.first_day"), p.get("pilot.last_day"))
    detected = _alert_times(p, rng, days, tz)
    n = len(detected)
    lonlat = area.sample(rng, n)
    rounds = _rounds(p, rng, n)
    alert_type = np.where(rounds == 1, "single_gunshot", "multiple_gunshots").astype(object)
    alert_type[rng.random(n) < p.share("alerts.possible_gunfire_share")] = "possible_gunfire"

    within = rng.random(n) < p.share("publish_latency.share_within_60s")
    fast = np.clip(_lognormal(rng, p.number("publish_latency.median_within_s"), 0.3, n), 10, 60)
    slow = np.minimum(
        61 + rng.exponential(p.number("publish_latency.tail_mean_extra_s"), n),
        p.number("publish_latency.tail_max_s"),
    )
    published = detected + _seconds(np.where(within, fast, slow))
    published[rng.random(n) < p.share("publish_latency.missing_share")] = pd.NaT

    alerted = published.fillna(detected + pd.Timedelta(seconds=40))
    d_med = p.number("response.dispatch_median_s")
    dispatch = np.clip(_lognormal(rng, d_med, p.number("response.dispatch_sigma"), n), 5, 1200)
    travel_median = p.number("response.arrival_median_s") - d_med
    travel = np.clip(_lognormal(rng, travel_median, p.number("response.travel_sigma"), n), 30, 2400)
    dispatched = alerted + _seconds(dispatch)
    arrived = dispatched + _seconds(travel)
    dispatched[rng.random(n) < p.share("response.dispatch_missing_share")] = pd.NaT
    arrived[rng.random(n) < p.share("response.arrival_missing_share")] = pd.NaT

    beat, district = _beats(p, lonlat)
    return pd.DataFrame(
        {
            "alert_id": [f"SST-{i + 1:05d}" for i in range(n)],
            "detected_at": detected,
            "published_at": published,
            "dispatched_at": dispatched,
            "first_arrival_at": arrived,
            "latitude": np.round(lonlat[:, 1], 6),
            "longitude": np.round(lonlat[:, 0], 6),
            "rounds": rounds.astype("int64"),
            "alert_type": alert_type,
            "beat": beat,
            "district": district,
        }
    )


def generate_pilot(params: Params | None = None, seed: int = DEFAULT_SEED) -> GunshotPilotData:
    """Generate the pilot's tables from ``params`` (default: the shipped Durham file)."""
    p = params or load_params(PARAMS_NAME)
    rng = np.random.default_rng(seed)
    area = _area(p)
    alerts = alerts_frame(p, rng, area)
    days = _days(p.get("pilot.first_day"), p.get("pilot.last_day"))
    calls, with_call = shots_fired_calls(p, rng, area, alerts, days, lambda xy: _beats(p, xy))
    found = outcomes(p, rng, alerts, with_call)
    confirmed = confirmed_shootings(p, rng, alerts, found, calls)
    return GunshotPilotData(
        alerts=alerts,
        outcomes=found,
        calls=calls,
        confirmed=confirmed,
        coverage=area.polygon,
        first_day=p.get("pilot.first_day"),
        last_day=p.get("pilot.last_day"),
        timezone=p.text("pilot.timezone"),
    )


def write_demo_files(out_dir: str | Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the four CSVs into ``out_dir`` (created if missing) and return their paths."""
    data = generate_pilot(seed=seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    registry = Registry()
    paths = []
    for attr, spec in FILES.items():
        columns = registry.contract(spec.dataset).column_names
        frame = csv_frame(getattr(data, attr), columns, data.timezone)
        path = out / spec.filename
        frame.to_csv(path, index=False, lineterminator="\n")
        paths.append(path)
    return paths
