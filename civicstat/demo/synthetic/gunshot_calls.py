"""Synthetic residents' 911 shots-fired calls around the Durham pilot's alerts (PURE, seeded).

* Coinciding calls: one for ``share_of_alerts_with_call`` of the alerts (26.9 %, `[TNH-SS]`),
  a little after the alert and near it, always inside the default matching window (±600 s,
  250 m), so the analytics find them;
* 911-only calls: ``call_only_count`` (405, derived from `[DUKE-SS]`) at random times and places
  in the coverage area, kept clear of every alert by a margin beyond the default window.

Every call has one patrol-unit row (``unit_id`` like ``D1-23``) with dispatch and arrival times;
call-to-arrival is about 6.6 minutes (`[ST-DURHAM]` average police response 6:38).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from civicstat.demo.synthetic.pilot_area import Area, metres_per_degree_lon, move, sample_times
from civicstat.demo.synthetic.pilot_params import Params

_MARGIN_S, _MARGIN_M = 660.0, 300.0  # beyond the default ±600 s / 250 m rule


def _seconds(values: np.ndarray) -> pd.Series:
    return pd.Series(pd.to_timedelta(np.round(values), unit="s"))


def _metric(lonlat: np.ndarray, lat0: float) -> np.ndarray:
    return np.column_stack([lonlat[:, 0] * metres_per_degree_lon(lat0), lonlat[:, 1] * 111_200.0])


def _clear_of_alerts(times: pd.Series, lonlat: np.ndarray, alerts: pd.DataFrame) -> np.ndarray:
    """True for candidate calls no alert is near in both time and place (with a margin)."""
    a_ll = alerts[["longitude", "latitude"]].to_numpy(dtype=float)
    lat0 = float(a_ll[:, 1].mean())
    tree = cKDTree(_metric(a_ll, lat0))
    a_t = alerts["detected_at"].astype("int64").to_numpy() / 1e6
    c_t = times.astype("int64").to_numpy() / 1e6
    hits = tree.query_ball_point(_metric(lonlat, lat0), r=_MARGIN_M)
    return np.array(
        [not np.any(np.abs(a_t[h] - c_t[i]) <= _MARGIN_S) for i, h in enumerate(hits)], dtype=bool
    )


def _linked(
    p: Params, rng: np.random.Generator, alerts: pd.DataFrame
) -> tuple[pd.DataFrame, np.ndarray]:
    n = len(alerts)
    k = round(p.share("calls_911.share_of_alerts_with_call") * n)
    chosen = np.sort(rng.choice(n, size=k, replace=False))
    low = p.number("calls_911.seconds_after_alert_min")
    mean = p.number("calls_911.seconds_after_alert_mean")
    after = np.minimum(
        low + rng.gamma(2.0, (mean - low) / 2.0, k), p.number("calls_911.seconds_after_alert_max")
    )
    distance = np.minimum(
        rng.rayleigh(p.number("calls_911.distance_sigma_m"), k),
        p.number("calls_911.distance_max_m"),
    )
    lon, lat = move(alerts[["longitude", "latitude"]].to_numpy(dtype=float)[chosen], distance, rng)
    frame = pd.DataFrame(
        {
            "received_at": alerts["detected_at"].iloc[chosen].reset_index(drop=True)
            + _seconds(after),
            "longitude": lon,
            "latitude": lat,
            "disposition": "LINKED TO SHOTSPOTTER ALERT",
            "call_only": False,
        }
    )
    return frame, chosen


def _call_only(
    p: Params, rng: np.random.Generator, area: Area, alerts: pd.DataFrame, days: list[dt.date]
) -> pd.DataFrame:
    tz = p.text("pilot.timezone")
    hours = p.numbers("alerts.hour_weights", 24)
    m = p.count("calls_911.call_only_count")
    times, places = pd.Series(dtype="datetime64[us, UTC]"), np.empty((0, 2))
    while len(times) < m:
        t = sample_times(rng, m, days, tz, hours)
        xy = area.sample(rng, m)
        ok = _clear_of_alerts(t, xy, alerts)
        times = pd.concat([times, t[ok]], ignore_index=True)
        places = np.vstack([places, xy[ok]])
    keep = np.sort(rng.permutation(len(times))[:m])
    return pd.DataFrame(
        {
            "received_at": times.iloc[keep].reset_index(drop=True),
            "longitude": places[keep, 0],
            "latitude": places[keep, 1],
            "disposition": rng.choice(["UNFOUNDED", "REPORT TAKEN", "GONE ON ARRIVAL"], size=m),
            "call_only": True,
        }
    )


def shots_fired_calls(
    p: Params,
    rng: np.random.Generator,
    area: Area,
    alerts: pd.DataFrame,
    days: list[dt.date],
    beats,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The calls (calls_for_service columns plus a ``call_only`` flag) and, per alert, whether a
    resident's call coincides with it. ``beats(lonlat) -> (beat, district)``."""
    linked, chosen = _linked(p, rng, alerts)
    calls = pd.concat([linked, _call_only(p, rng, area, alerts, days)], ignore_index=True)
    calls = calls.sort_values("received_at", ignore_index=True)
    c = len(calls)
    prefix = p.text("calls_911.call_id_prefix")
    calls.insert(0, "call_id", [f"{prefix}{i + 1:06d}" for i in range(c)])
    calls["latitude"] = calls["latitude"].round(6)
    calls["longitude"] = calls["longitude"].round(6)
    beat, district = beats(calls[["longitude", "latitude"]].to_numpy(dtype=float))

    dispatch = np.exp(rng.normal(np.log(p.number("calls_911.call_dispatch_median_s")), 0.5, c))
    arrive = np.exp(rng.normal(np.log(p.number("calls_911.call_arrival_median_s")), 0.45, c))
    calls["answered_at"] = calls["received_at"] + _seconds(rng.uniform(3, 15, c))
    calls["created_at"] = calls["answered_at"] + _seconds(rng.uniform(30, 90, c))
    calls["dispatched_at"] = np.maximum(
        calls["received_at"] + _seconds(dispatch), calls["created_at"] + pd.Timedelta(seconds=10)
    )
    calls["enroute_at"] = calls["dispatched_at"] + _seconds(rng.uniform(5, 40, c))
    calls["onscene_at"] = np.maximum(
        calls["received_at"] + _seconds(arrive), calls["enroute_at"] + pd.Timedelta(seconds=60)
    )
    calls["cleared_at"] = calls["onscene_at"] + _seconds(rng.uniform(900, 3600, c))
    calls["closed_at"] = calls["cleared_at"]
    units = rng.integers(10, 60, c)
    calls["unit_id"] = [f"{d}-{u}" for d, u in zip(district, units, strict=True)]
    with_call = np.zeros(len(alerts), dtype=bool)
    with_call[chosen] = True
    calls = calls.assign(
        unit_type="PATROL",
        priority="2",  # every gunshot notification is Priority 2 in Durham [DUKE-SS]
        call_type=p.text("calls_911.call_type"),
        final_call_type=p.text("calls_911.call_type"),
        source="911",
        self_initiated=False,
        cancelled=False,
        agency="police",
        district=district,
        beat=beat,
        weapon_involved=True,
        medical_need=False,
        risk_to_others=True,
    )
    return calls, with_call
