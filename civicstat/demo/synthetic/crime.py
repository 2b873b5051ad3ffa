"""Synthetic Durham reported crimes (PURE, seeded), from ``params/durham_crime.yaml``.

The goal's context measure "levels of crime" needs incident-level data from July 2022 to the
demo's today; the project holds Durham's own 2013 Part I crime points, so the offence mix, the
seasonality and the spread over districts and beats are derived from that file (the derivation is
written beside each number in the parameter file) and the volume and trend are assumed.

Per UCR category (violent, property, other) offences arrive at a daily rate: the 2013 yearly
volume x ``scale_from_2013`` x a yearly trend, spread over the year by month weights; the count
over the period is Poisson, days follow the rate and hours the category's hour weights (exact
across DST). Each offence gets a detail (``offence_detail``) and its offence group from the 2013
mix of its category, a district from the category's district counts, a beat in proportion to the
beat counts, and a point near the beat's centre.

:func:`write_demo_files` writes ``durham_crime_incidents.csv`` in the canonical
``crime_incidents`` layout for the identity mapping ``civicstat-standard-crime``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from civicstat.demo.synthetic.pilot_area import (
    DemoFile,
    csv_frame,
    metres_per_degree_lon,
    sample_times,
)
from civicstat.demo.synthetic.pilot_params import Params, ParamsError, load_params
from civicstat.warehouse import Registry

PARAMS_NAME = "durham_crime"
DEFAULT_SEED = 2013
CATEGORIES = ("violent", "property", "other")
FILE = DemoFile("crime_incidents", "durham_crime_incidents.csv", "civicstat-standard-crime")
CRIME_COLUMNS = (
    "incident_id",
    "reported_at",
    "offence",
    "category",
    "offence_detail",
    "district",
    "beat",
    "latitude",
    "longitude",
)
_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


@dataclass(frozen=True, eq=False)
class CrimeData:
    """The generated ``crime_incidents`` rows (``reported_at`` tz-aware UTC) and their period."""

    incidents: pd.DataFrame
    first_day: dt.date
    last_day: dt.date
    timezone: str


@dataclass(frozen=True)
class _Mix:
    """The 2013 offence mix of one category."""

    details: tuple[str, ...]
    offences: tuple[str, ...]
    shares: np.ndarray
    yearly_2013: float


def _date(p: Params, key: str) -> dt.date:
    value = p.get(key)
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ParamsError(p.source, key, f"expected a date written YYYY-MM-DD, got {value!r}")
    return value


def _mixes(p: Params) -> dict[str, _Mix]:
    rows = p.get("offence_mix")
    needed = {"detail", "offence", "category", "count"}
    if not isinstance(rows, list) or not all(
        isinstance(r, Mapping) and set(r) == needed for r in rows
    ):
        raise ParamsError(
            p.source, "offence_mix", "expected a list of {detail, offence, category, count}"
        )
    days = p.number("volume.observed_days_2013")
    out = {}
    for category in CATEGORIES:
        mine = [r for r in rows if r["category"] == category]
        counts = np.array([float(r["count"]) for r in mine])
        if not mine or counts.sum() <= 0:
            raise ParamsError(p.source, "offence_mix", f"no {category} offences with counts")
        out[category] = _Mix(
            details=tuple(str(r["detail"]) for r in mine),
            offences=tuple(str(r["offence"]) for r in mine),
            shares=counts / counts.sum(),
            yearly_2013=float(counts.sum()) * 365 / days,
        )
    return out


def daily_rates(p: Params, category: str, days: list[dt.date]) -> np.ndarray:
    """Expected offences of ``category`` on each day (module docstring). The month weights are
    per day, normalised so that a 365-day year at a constant level sums to the yearly volume."""
    mix = _mixes(p)[category]
    weights = np.array(p.numbers(f"month_weights.{category}", 12))
    level = mix.yearly_2013 * p.number("volume.scale_from_2013")
    change = p.number(f"volume.yearly_change.{category}")
    if change <= -1:
        raise ParamsError(p.source, f"volume.yearly_change.{category}", "must be above -1")
    first = days[0]
    years = np.array([(d - first).days / 365.25 for d in days])
    month = np.array([d.month - 1 for d in days])
    per_day = level * weights[month] / float((weights * _DAYS_IN_MONTH).sum())
    return per_day * (1 + change) ** years


@dataclass(frozen=True)
class _Beats:
    """The beats table: code, district, 2013 count, centre (lon, lat) and spread."""

    codes: np.ndarray
    districts: np.ndarray
    counts: np.ndarray
    centres: np.ndarray  # (k, 2): lon, lat
    sigma_m: np.ndarray

    @classmethod
    def read(cls, p: Params) -> _Beats:
        table = p.get("beats")
        if not isinstance(table, Mapping) or not table:
            raise ParamsError(p.source, "beats", "expected a mapping of beat codes")
        codes = [str(b) for b in table]
        return cls(
            codes=np.array(codes, dtype=object),
            districts=np.array([p.text(f"beats.{b}.district") for b in codes], dtype=object),
            counts=np.array([p.number(f"beats.{b}.count") for b in codes]),
            centres=np.array([p.numbers(f"beats.{b}.centre", 2) for b in codes]),
            sigma_m=np.array([p.number(f"beats.{b}.sigma_m") for b in codes]),
        )


def _places(
    p: Params, rng: np.random.Generator, category: str, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """District, beat, latitude and longitude of ``n`` offences of ``category``."""
    key = f"district_counts.{category}"
    table = p.get(key)
    if not isinstance(table, Mapping) or not table:
        raise ParamsError(p.source, key, "expected a mapping of districts to counts")
    districts = [str(d) for d in table]
    weights = np.array([p.number(f"{key}.{d}") for d in districts])
    district = rng.choice(districts, size=n, p=weights / weights.sum()).astype(object)
    beats = _Beats.read(p)
    which = np.zeros(n, dtype=int)
    for d in districts:
        inside = np.flatnonzero(beats.districts == d)
        if not len(inside):
            raise ParamsError(p.source, "beats", f"no beat in district {d}")
        rows = np.flatnonzero(district == d)
        shares = beats.counts[inside] / beats.counts[inside].sum()
        which[rows] = rng.choice(inside, size=len(rows), p=shares)
    centre, sigma = beats.centres[which], beats.sigma_m[which]
    lat = centre[:, 1] + rng.normal(0, 1, n) * sigma / 111_200.0
    lon = centre[:, 0] + rng.normal(0, 1, n) * sigma / metres_per_degree_lon(centre[:, 1])
    decimals = p.count("ids.coordinate_decimals")
    return district, beats.codes[which], np.round(lat, decimals), np.round(lon, decimals)


def incidents_frame(
    p: Params,
    rng: np.random.Generator,
    first_day: dt.date,
    last_day: dt.date,
    scale: float = 1.0,
) -> pd.DataFrame:
    """The ``crime_incidents`` table (module docstring), by report time."""
    tz = p.text("period.timezone")
    days = [first_day + dt.timedelta(days=i) for i in range((last_day - first_day).days + 1)]
    mixes = _mixes(p)
    parts = []
    for category in CATEGORIES:
        rates = daily_rates(p, category, days) * scale
        n = int(rng.poisson(rates.sum()))
        hours = p.numbers(f"hour_weights.{category}", 24)
        reported = sample_times(rng, n, days, tz, hours, rates)
        mix = mixes[category]
        which = rng.choice(len(mix.details), size=n, p=mix.shares)
        district, beat, lat, lon = _places(p, rng, category, n)
        parts.append(
            pd.DataFrame(
                {
                    "reported_at": reported,
                    "offence": np.array(mix.offences, dtype=object)[which],
                    "category": category,
                    "offence_detail": np.array(mix.details, dtype=object)[which],
                    "district": district,
                    "beat": beat,
                    "latitude": lat,
                    "longitude": lon,
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True).sort_values("reported_at", ignore_index=True)
    year = frame["reported_at"].dt.tz_convert(tz).dt.year
    seq = frame.groupby(year).cumcount() + 1
    prefix = p.text("ids.prefix")
    frame["incident_id"] = [
        f"{prefix}{y % 100:02d}-{s:06d}" for y, s in zip(year, seq, strict=True)
    ]
    return frame[list(CRIME_COLUMNS)]


def generate_crime(
    params: Params | None = None,
    seed: int = DEFAULT_SEED,
    *,
    last_day: dt.date | None = None,
    scale: float = 1.0,
) -> CrimeData:
    """Generate the incidents from ``params`` (default: the shipped Durham file) from
    ``period.first_day`` to ``last_day`` (default: ``period.last_day``); ``scale`` multiplies the
    volume, for small test data."""
    p = params or load_params(PARAMS_NAME)
    first = _date(p, "period.first_day")
    last = last_day or _date(p, "period.last_day")
    if last < first:
        raise ParamsError(p.source, "period.last_day", f"{last} is before {first}")
    rng = np.random.default_rng(seed)
    incidents = incidents_frame(p, rng, first, last, scale)
    return CrimeData(incidents, first, last, p.text("period.timezone"))


def write_demo_files(
    out_dir: str | Path,
    seed: int = DEFAULT_SEED,
    *,
    last_day: dt.date | None = None,
    scale: float = 1.0,
) -> list[Path]:
    """Write the incidents CSV of :func:`generate_crime` into ``out_dir`` (created if missing);
    returns ``[path]`` (load it with :data:`FILE`'s dataset and mapping)."""
    data = generate_crime(seed=seed, last_day=last_day, scale=scale)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    columns = Registry().contract(FILE.dataset).column_names
    path = out / FILE.filename
    csv_frame(data.incidents, columns, data.timezone).to_csv(path, index=False, lineterminator="\n")
    return [path]
