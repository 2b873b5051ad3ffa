"""Places and times for the synthetic pilots: points in a polygon around hotspots, the beat of a
point, and event times following hour-of-day and month weights (all seeded)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry import Polygon

GEOD = pyproj.Geod(ellps="WGS84")


@dataclass(frozen=True)
class DemoFile:
    """One CSV the demo writes: the dataset it feeds, its file name and the mapping to load it
    with (``civicstat ingest <dataset> <file> --mapping <mapping>``)."""

    dataset: str
    filename: str
    mapping: str


@dataclass(frozen=True, eq=False)
class Area:
    """A polygon (lon/lat) with weighted Gaussian hotspots; ``hotspot_share`` of the points come
    from the hotspots, the rest are spread evenly over the polygon."""

    polygon: Polygon
    hotspots: np.ndarray  # (k, 3): lon, lat, weight
    sigma_m: float
    hotspot_share: float

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``(n, 2)`` lon/lat points inside the polygon."""
        out = np.empty((0, 2))
        minx, miny, maxx, maxy = self.polygon.bounds
        weights = self.hotspots[:, 2] / self.hotspots[:, 2].sum()
        while len(out) < n:
            m = 2 * (n - len(out)) + 16
            from_hotspot = rng.random(m) < self.hotspot_share
            which = rng.choice(len(weights), size=m, p=weights)
            east = rng.normal(0, self.sigma_m, m)
            north = rng.normal(0, self.sigma_m, m)
            lon = self.hotspots[which, 0] + east / metres_per_degree_lon(self.hotspots[which, 1])
            lat = self.hotspots[which, 1] + north / 111_200.0
            lon = np.where(from_hotspot, lon, rng.uniform(minx, maxx, m))
            lat = np.where(from_hotspot, lat, rng.uniform(miny, maxy, m))
            inside = shapely.contains_xy(self.polygon, lon, lat)
            out = np.vstack([out, np.column_stack([lon[inside], lat[inside]])])
        return out[:n]


def metres_per_degree_lon(lat: np.ndarray | float) -> np.ndarray:
    return 111_320.0 * np.cos(np.radians(lat))


def move(
    lonlat: np.ndarray, metres: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Each point moved ``metres`` in a random direction (exact geodesic)."""
    azimuth = rng.uniform(0, 360, len(lonlat))
    lon, lat, _ = GEOD.fwd(lonlat[:, 0], lonlat[:, 1], azimuth, metres)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def quadrant_labels(
    lon: np.ndarray, lat: np.ndarray, split_lon: float, split_lat: float
) -> np.ndarray:
    """``northwest``, ``northeast``, ``southwest`` or ``southeast`` of the split lines."""
    north = np.where(lat >= split_lat, "north", "south")
    east = np.where(lon >= split_lon, "east", "west")
    return np.char.add(north.astype(str), east.astype(str))


def sample_times(
    rng: np.random.Generator,
    n: int,
    days: Sequence[dt.date],
    tz: str,
    hour_weights: Sequence[float],
    day_weights: Sequence[float] | None = None,
) -> pd.Series:
    """``n`` tz-aware UTC times on ``days`` (local), whole seconds, sorted.

    A time is local midnight of its day plus an elapsed offset, so DST days are handled exactly
    (a 23- or 25-hour day simply has one hour fewer or more at its end).
    """
    p_day = None if day_weights is None else np.asarray(day_weights) / np.sum(day_weights)
    day_idx = rng.choice(len(days), size=n, p=p_day)
    hw = np.asarray(hour_weights, dtype=float)
    hours = rng.choice(24, size=n, p=hw / hw.sum())
    seconds = hours * 3600 + rng.integers(0, 3600, n)
    midnights = pd.DatetimeIndex([pd.Timestamp(days[i]) for i in day_idx]).tz_localize(tz)
    times = midnights + pd.to_timedelta(seconds, unit="s")
    return (
        pd.Series(times.tz_convert("UTC"))
        .sort_values(ignore_index=True)
        .astype("datetime64[us, UTC]")
    )


def iso_local(times: pd.Series, tz: str) -> pd.Series:
    """ISO 8601 text with the local offset (``2023-01-05T21:13:05-05:00``); empty for missing."""
    return pd.Series(
        ["" if pd.isna(t) else t.tz_convert(tz).isoformat() for t in times],
        index=times.index,
        dtype=object,
    )


def csv_frame(frame: pd.DataFrame, columns: Sequence[str], tz: str) -> pd.DataFrame:
    """``frame`` laid out for a CSV in the canonical layout: the contract's columns in order,
    timestamps as ISO 8601 with offset, booleans ``true``/``false``, missing values empty."""
    out = pd.DataFrame(index=frame.index)
    for column in columns:
        values = frame[column] if column in frame else pd.Series(pd.NA, index=frame.index)
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            out[column] = iso_local(values, tz)
        elif pd.api.types.is_bool_dtype(values.dtype) or str(values.dtype) == "boolean":
            out[column] = values.map(lambda v: "" if pd.isna(v) else ("true" if v else "false"))
        else:
            out[column] = values.astype(object).where(values.notna(), "")
    return out
