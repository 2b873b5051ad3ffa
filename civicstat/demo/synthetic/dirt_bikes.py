"""Synthetic dirt-bike complaints and enforcement contacts for Durham's third 2.13 pilot (PURE,
seeded), from ``params/durham_dirt_bikes.yaml`` (every number there is "assumed": Durham publishes
no counts).

Complaints follow month weights (warm months), hour weights and a weekend factor, and concentrate
in a few districts; enforcement contacts follow complaints (same district, within two days) with
an outcome mix. :func:`write_demo_files` writes ``durham_dirt_bike_reports.csv`` in the canonical
``dirt_bike_reports`` layout for the identity mapping ``civicstat-standard-dirt-bikes``.
"""

from __future__ import annotations

import datetime as dt
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

PARAMS_NAME = "durham_dirt_bikes"
DEFAULT_SEED = 2023
FILE = DemoFile(
    "dirt_bike_reports", "durham_dirt_bike_reports.csv", "civicstat-standard-dirt-bikes"
)


@dataclass(frozen=True, eq=False)
class DirtBikeData:
    """The generated ``dirt_bike_reports`` rows (times tz-aware UTC) and their period."""

    reports: pd.DataFrame
    first_day: dt.date
    last_day: dt.date
    timezone: str


def _shares(p: Params, key: str) -> tuple[list[str], np.ndarray]:
    table = p.get(key)
    if not isinstance(table, dict) or not table:
        raise ParamsError(p.source, key, "expected a mapping of names to shares")
    names = [str(k) for k in table]
    weights = np.array([p.number(f"{key}.{k}") for k in table], dtype=float)
    return names, weights / weights.sum()


def _places(p: Params, rng: np.random.Generator, districts: np.ndarray) -> pd.DataFrame:
    table = p.get("districts")
    spread = p.number("spread_m")
    centre = np.array([table[d]["centre"] for d in districts], dtype=float).reshape(-1, 2)
    lat = centre[:, 1] + rng.normal(0, spread, len(districts)) / 111_200.0
    lon = centre[:, 0] + rng.normal(0, spread, len(districts)) / metres_per_degree_lon(centre[:, 1])
    beat = [str(rng.choice(table[d]["beats"])) for d in districts]
    return pd.DataFrame(
        {"district": districts, "beat": beat, "latitude": lat.round(5), "longitude": lon.round(5)}
    )


def generate_pilot(params: Params | None = None, seed: int = DEFAULT_SEED) -> DirtBikeData:
    """Generate a year of complaints and enforcement contacts (module docstring)."""
    p = params or load_params(PARAMS_NAME)
    rng = np.random.default_rng(seed)
    tz = p.text("period.timezone")
    first, last = p.get("period.first_day"), p.get("period.last_day")
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    months = p.numbers("complaints.month_weights", 12)
    weekend = p.number("complaints.weekend_factor")
    day_w = [months[d.month - 1] * (weekend if d.weekday() >= 5 else 1.0) for d in days]
    n = p.count("complaints.count")
    times = sample_times(rng, n, days, tz, p.numbers("complaints.hour_weights", 24), day_w)
    names = [str(d) for d in p.get("districts")]
    weights = np.array([p.number(f"districts.{d}.weight") for d in names])
    districts = rng.choice(names, size=n, p=weights / weights.sum())
    sources, source_p = _shares(p, "complaints.sources")
    complaints = _places(p, rng, districts).assign(
        reported_at=times,
        kind="complaint",
        outcome=pd.NA,
        source=rng.choice(sources, size=n, p=source_p),
    )
    unknown = rng.random(n) < p.share("not_recorded_district_share")
    complaints.loc[unknown, ["district", "beat"]] = pd.NA

    m = round(p.number("enforcement.contacts_per_complaint") * n)
    follows = rng.choice(np.flatnonzero(~unknown), size=m, replace=False)
    later = pd.to_timedelta(np.round(rng.uniform(600, 2 * 86400, m)), unit="s")
    outcomes, outcome_p = _shares(p, "enforcement.outcome_shares")
    contacts = _places(p, rng, districts[follows]).assign(
        reported_at=complaints["reported_at"].iloc[follows].reset_index(drop=True) + later,
        kind="enforcement_contact",
        outcome=rng.choice(outcomes, size=m, p=outcome_p),
        source=p.text("enforcement.source"),
    )
    end = (pd.Timestamp(last) + pd.Timedelta(days=1)).tz_localize(tz)
    contacts = contacts[contacts["reported_at"] < end]

    reports = pd.concat([complaints, contacts], ignore_index=True)
    reports = reports.sort_values("reported_at", ignore_index=True)
    prefix = p.text("report_prefix")
    reports.insert(0, "report_id", [f"{prefix}{i + 1:05d}" for i in range(len(reports))])
    return DirtBikeData(reports, first, last, tz)


def write_demo_files(out_dir: str | Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write ``durham_dirt_bike_reports.csv`` into ``out_dir`` and return its path in a list."""
    data = generate_pilot(seed=seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    columns = Registry().contract(FILE.dataset).column_names
    path = out / FILE.filename
    csv_frame(data.reports, columns, data.timezone).to_csv(path, index=False, lineterminator="\n")
    return [path]
