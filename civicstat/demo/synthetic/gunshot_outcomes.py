"""Synthetic outcomes of the Durham pilot's alerts and its verified shootings (PURE, seeded).

* ``gunshot_outcomes`` (one row per alert, a few alerts without a row): gunfire confirmed for 9 %
  of alerts without a resident call and about 39 % with one (Duke: 83 % of alerts unconfirmed,
  91 % without a call, `[DUKE-SS]`); totals of casings (1,446), firearms (21), arrests (23) and
  victims (26) spread over the confirmed alerts; about 3 % of alerts reclassified as not gunfire
  (`[WUNC-SS]`).
* ``confirmed_shootings`` (columns in :mod:`civicstat.safety.gunshots.detection`): one verified
  incident per confirmed alert, mostly within 25 m of the alert, a few mislocated, plus missed
  detectable incidents sized so the vendor rate lands near 94 % (`[ABC11-SS-APR23]`) and some
  undetectable ones (indoors, vehicles), placed at 911-only calls.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from civicstat.demo.synthetic.pilot_area import move
from civicstat.demo.synthetic.pilot_params import Params
from civicstat.safety.gunshots.holidays import in_holiday_window


def _spread(rng: np.random.Generator, total: int, candidates: np.ndarray, n: int) -> np.ndarray:
    """``total`` items over ``candidates`` (row positions), as counts for all ``n`` rows."""
    counts = np.zeros(n, dtype=np.int64)
    if total and len(candidates):
        np.add.at(counts, rng.choice(candidates, size=total, replace=True), 1)
    return counts


def outcomes(
    p: Params, rng: np.random.Generator, alerts: pd.DataFrame, with_call: np.ndarray
) -> pd.DataFrame:
    """The gunshot_outcomes table (module docstring)."""
    n = len(alerts)
    confirmed = np.zeros(n, dtype=bool)
    for group, key in ((with_call, "with_call"), (~with_call, "without_call")):
        rows = np.flatnonzero(group)
        k = round(p.share(f"outcomes.confirmed_share_{key}") * len(rows))
        confirmed[rng.choice(rows, size=k, replace=False)] = True
    evidence = confirmed & (rng.random(n) >= p.share("outcomes.witness_only_share"))
    reclassified = np.zeros(n, dtype=bool)
    k = round(p.share("outcomes.false_positive_share") * n)
    reclassified[rng.choice(np.flatnonzero(~confirmed), size=k, replace=False)] = True

    with_casings = np.flatnonzero(
        evidence & (rng.random(n) < p.share("outcomes.casings_share_of_evidence"))
    )
    casings = np.zeros(n, dtype=np.int64)
    total = p.count("outcomes.casings_total")
    if len(with_casings):
        casings[with_casings] = 1
        weights = alerts["rounds"].to_numpy(dtype=float)[with_casings]
        extra = rng.multinomial(max(0, total - len(with_casings)), weights / weights.sum())
        casings[with_casings] += extra
    evidence_rows = np.flatnonzero(evidence)
    firearms = _spread(rng, p.count("outcomes.firearms_total"), evidence_rows, n)
    arrests = _spread(rng, p.count("outcomes.arrests_total"), np.flatnonzero(confirmed), n)
    victims = _spread(rng, p.count("outcomes.victims_total"), evidence_rows, n)

    low, high = p.numbers("outcomes.recorded_after_arrival_h", 2)
    seen = alerts["first_arrival_at"].fillna(alerts["detected_at"] + pd.Timedelta(minutes=10))
    recorded = seen + pd.to_timedelta(np.round(rng.uniform(low, high, n) * 3600), unit="s")
    frame = pd.DataFrame(
        {
            "alert_id": alerts["alert_id"],
            "recorded_at": recorded,
            "evidence_found": evidence,
            "casings": casings,
            "firearms_recovered": firearms,
            "arrests": arrests,
            "victims_located": victims,
            "confirmed_gunfire": confirmed,
            "reclassified_not_gunfire": reclassified,
        }
    )
    quiet = np.flatnonzero(~confirmed & ~reclassified)
    dropped = rng.choice(
        quiet, size=round(p.share("outcomes.not_recorded_share") * n), replace=False
    )
    return frame.drop(index=dropped).reset_index(drop=True)


def _seconds(values: np.ndarray) -> pd.Series:
    return pd.Series(pd.to_timedelta(np.round(values), unit="s"))


def confirmed_shootings(
    p: Params,
    rng: np.random.Generator,
    alerts: pd.DataFrame,
    found: pd.DataFrame,
    calls: pd.DataFrame,
) -> pd.DataFrame:
    """The confirmed_shootings table (module docstring)."""
    tz = p.text("pilot.timezone")
    hit = found.loc[found["confirmed_gunfire"], ["alert_id", "casings", "victims_located"]]
    detected = alerts.merge(hit, on="alert_id").reset_index(drop=True)
    m = len(detected)
    mislocated = np.zeros(m, dtype=bool)
    k = round(p.share("confirmed_shootings.mislocated_share_of_detected") * m)
    mislocated[rng.choice(m, size=k, replace=False)] = True
    lo, hi = p.numbers("confirmed_shootings.mislocated_range_m", 2)
    far = rng.uniform(lo, hi, m)
    near = rng.uniform(0.5, p.number("confirmed_shootings.accurate_max_m"), m)
    lon, lat = move(
        detected[["longitude", "latitude"]].to_numpy(float), np.where(mislocated, far, near), rng
    )
    verification = np.where(
        detected["victims_located"] > 0,
        "victim",
        np.where(detected["casings"] > 0, "casings", "witness"),
    )
    linked = pd.DataFrame(
        {
            "occurred_at": detected["detected_at"] - _seconds(rng.uniform(0, 3, m)),
            "latitude": lat,
            "longitude": lon,
            "alert_id": detected["alert_id"],
            "detectable": True,
            "verification": verification,
        }
    )

    counted = ~in_holiday_window(detected["detected_at"], tz=tz).to_numpy()
    n_acc = int((counted & ~mislocated).sum())
    n_mis = int((counted & mislocated).sum())
    rate = p.share("confirmed_shootings.performance_rate")
    n_missed = max(0, round(n_acc / rate) - n_acc - n_mis) if rate else 0
    n_hidden = p.count("confirmed_shootings.not_detectable_count")

    call_only = calls[calls["call_only"]]
    call_only = call_only[~in_holiday_window(call_only["received_at"], tz=tz).to_numpy()]
    take = rng.choice(len(call_only), size=min(len(call_only), n_missed + n_hidden), replace=False)
    base = call_only.iloc[take].reset_index(drop=True)
    k = len(base)
    lon, lat = move(base[["longitude", "latitude"]].to_numpy(float), rng.uniform(10, 80, k), rng)
    missed = pd.DataFrame(
        {
            "occurred_at": base["received_at"] - _seconds(rng.uniform(30, 180, k)),
            "latitude": lat,
            "longitude": lon,
            "alert_id": pd.Series(pd.NA, index=range(k), dtype="string"),
            "detectable": np.arange(k) < n_missed,
            "verification": rng.choice(["casings", "victim", "damage"], size=k),
        }
    )
    out = pd.concat([linked, missed], ignore_index=True).sort_values(
        "occurred_at", ignore_index=True
    )
    prefix = p.text("confirmed_shootings.incident_prefix")
    out.insert(0, "incident_id", [f"{prefix}{i + 1:05d}" for i in range(len(out))])
    out["latitude"] = out["latitude"].round(6)
    out["longitude"] = out["longitude"].round(6)
    return out
