"""Synthetic Durham-like police calls for service, one row per unit response (PURE, seeded).

From ``params/durham_calls.yaml`` (every number with its source or "assumed"):

* call volumes per call type (Poisson), spread over the year by month, weekday and hour weights;
  a time is local midnight plus elapsed seconds, so the DST days are exact (the skipped spring
  hour never occurs, the repeated autumn hour occurs twice); times are whole seconds, tz-aware;
* priority from the call type's profile, beat/district by weight with a location around the
  beat's point, source (911, phone, text, alarm, officer-initiated), diversion exclusion flags;
* one to three units per call with the CAD chain received → answered → created → dispatched →
  en route → on scene → cleared, lognormal intervals; officer-initiated calls are on view (one
  unit, dispatched = en route = on scene = received, no answer time); cancelled calls (before or
  after dispatch); calls where no unit arrived; later units cancelled en route;
* a small share of defects (missing answer/en-route stamps, zero turnout or travel, on scene
  before en route), so the response-time exclusion rules have something to exclude.

The frame has the ``calls_for_service`` contract columns in contract order.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from civicstat.demo.synthetic.cad_params import PRIORITIES, CallsParams, load_calls_params

DEFAULT_SEED = 20230627  # HEART's launch day, 2022-06-27, shifted into the demo year
DEFAULT_YEAR = 2023

CALL_COLUMNS = (
    "call_id",
    "unit_id",
    "received_at",
    "answered_at",
    "created_at",
    "dispatched_at",
    "enroute_at",
    "onscene_at",
    "cleared_at",
    "closed_at",
    "priority",
    "call_type",
    "final_call_type",
    "source",
    "self_initiated",
    "disposition",
    "cancelled",
    "agency",
    "unit_type",
    "district",
    "beat",
    "latitude",
    "longitude",
    "weapon_involved",
    "medical_need",
    "risk_to_others",
)
TIMESTAMPS = CALL_COLUMNS[2:10]


def _choice(rng: np.random.Generator, shares: dict[str, float], n: int) -> np.ndarray:
    names = list(shares)
    p = np.asarray([shares[k] for k in names], dtype=float)
    return np.asarray(names, dtype=object)[rng.choice(len(names), size=n, p=p / p.sum())]


def _received(rng: np.random.Generator, n: int, year: int, params: CallsParams) -> np.ndarray:
    """``n`` local times of ``year`` as UTC nanoseconds (int64), sorted."""
    days = pd.date_range(dt.date(year, 1, 1), dt.date(year, 12, 31), freq="D")
    weights = (
        np.asarray(params.month_weights)[days.month - 1]
        * np.asarray(params.weekday_weights)[days.day_of_week]
    )
    day = rng.choice(len(days), size=n, p=weights / weights.sum())
    hw = np.asarray(params.hour_weights)
    seconds = rng.choice(24, size=n, p=hw / hw.sum()) * 3600 + rng.integers(0, 3600, n)
    midnights = days.tz_localize(params.timezone).tz_convert("UTC").as_unit("ns").asi8
    return np.sort(midnights[day] + seconds.astype("int64") * 1_000_000_000)


def _draw(rng: np.random.Generator, dist, n: int) -> np.ndarray:
    return np.round(dist.sample(rng, n))


def generate_calls(
    params: CallsParams | None = None, seed: int = DEFAULT_SEED, year: int = DEFAULT_YEAR
) -> pd.DataFrame:
    """A Durham-like year of police calls (one row per unit response), deterministic per seed."""
    params = params or load_calls_params()
    rng = np.random.default_rng(seed)
    types = params.call_types
    counts = rng.poisson([t.calls for t in types])
    type_idx = rng.permutation(np.repeat(np.arange(len(types)), counts))
    n = len(type_idx)
    received = _received(rng, n, year, params)

    # --- call-level attributes ------------------------------------------------------------
    self_init = rng.random(n) < np.asarray([t.self_initiated for t in types])[type_idx]
    priority = np.empty(n, dtype=object)
    profiles = np.asarray([t.profile for t in types], dtype=object)[type_idx]
    for name, shares in params.priority_profiles.items():
        mask = profiles == name
        priority[mask] = _choice(rng, dict(shares), int(mask.sum()))
    beat_w = np.asarray([b.weight for b in params.beats])
    beat_idx = rng.choice(len(params.beats), size=n, p=beat_w / beat_w.sum())
    jitter = params.location_jitter_deg
    lat = np.asarray([b.lat for b in params.beats])[beat_idx] + rng.normal(0, jitter, n)
    lon = np.asarray([b.lon for b in params.beats])[beat_idx] + rng.normal(0, jitter, n)
    source = _choice(rng, dict(params.sources), n)
    alarm = np.asarray([t.source is not None for t in types])[type_idx]
    source[alarm] = np.asarray([t.source or "" for t in types], dtype=object)[type_idx][alarm]
    source[self_init] = "officer-initiated"
    flags = {
        flag: rng.random(n) < np.asarray([t.flags.get(flag, 0.0) for t in types])[type_idx]
        for flag in ("weapon_involved", "medical_need", "risk_to_others")
    }
    public = ~self_init
    cancelled = public & (rng.random(n) < params.cancel_share)
    before_dispatch = cancelled & (rng.random(n) < params.cancel_before_dispatch_share)
    no_arrival = public & ~cancelled & (rng.random(n) < params.defects["no_arrival"])

    # --- call-level stamps, seconds after received ----------------------------------------
    iv = params.intervals
    answered = np.where(public, _draw(rng, iv["answer"], n), np.nan)
    created = np.where(public, answered + _draw(rng, iv["entry"], n), 0.0)
    queue = np.zeros(n)
    for p in PRIORITIES:
        mask = priority == p
        queue[mask] = _draw(rng, params.queue[p], int(mask.sum()))
    first_dispatch = np.where(public, created + queue, 0.0)
    answered[public & (rng.random(n) < params.defects["answer_missing"])] = np.nan

    # --- unit rows ---------------------------------------------------------------------------
    n_units = np.ones(n, dtype=int)
    for p in PRIORITIES:
        mask = public & ~before_dispatch & (priority == p)
        n_units[mask] = 1 + rng.choice(3, size=int(mask.sum()), p=params.units_per_call[p])
    call = np.repeat(np.arange(n), n_units)
    rank = np.arange(len(call)) - np.repeat(np.cumsum(n_units) - n_units, n_units)
    m = len(call)
    pri = priority[call]
    dispatched = first_dispatch[call] + np.where(
        rank > 0, _draw(rng, iv["extra_unit_dispatch"], m), 0.0
    )
    enroute = dispatched + _draw(rng, iv["turnout"], m)
    travel = np.zeros(m)
    for p in PRIORITIES:
        mask = pri == p
        travel[mask] = _draw(rng, params.travel[p], int(mask.sum()))
    onscene = enroute + travel
    median_on = np.asarray([t.on_scene_minutes * 60 for t in types])[type_idx][call]
    on_scene = np.round(median_on * np.exp(params.on_scene_sigma * rng.standard_normal(m)))
    on_scene = np.where(rank > 0, np.round(on_scene * params.secondary_on_scene_factor), on_scene)
    on_view = self_init[call]
    dispatched[on_view] = enroute[on_view] = onscene[on_view] = 0.0
    cleared = onscene + on_scene

    never_arrived = (
        (cancelled[call] & ~before_dispatch[call])
        | no_arrival[call]
        | ((rank > 0) & (rng.random(m) < params.defects["secondary_unit_cancelled"]))
    ) & ~on_view
    onscene[never_arrived] = np.nan
    cleared[never_arrived] = enroute[never_arrived] + _draw(
        rng, iv["cancelled_en_route"], int(never_arrived.sum())
    )
    no_unit = before_dispatch[call]
    for stamps in (dispatched, enroute, onscene, cleared):
        stamps[no_unit] = np.nan

    # Defects on units that did arrive (public calls), mutually exclusive.
    d = params.defects
    arrived = ~np.isnan(onscene) & ~on_view
    u = rng.random(m)
    edges = np.cumsum(
        [d["enroute_missing"], d["turnout_zero"], d["travel_zero"], d["travel_negative"]]
    )
    enroute_missing = arrived & (u < edges[0])
    turnout_zero = arrived & (u >= edges[0]) & (u < edges[1])
    travel_zero = arrived & (u >= edges[1]) & (u < edges[2])
    travel_negative = arrived & (u >= edges[2]) & (u < edges[3])
    enroute[turnout_zero] = dispatched[turnout_zero]
    onscene[travel_zero] = enroute[travel_zero]
    onscene[travel_negative] = enroute[travel_negative] - _draw(
        rng, iv["extra_unit_dispatch"], int(travel_negative.sum())
    )
    enroute[enroute_missing] = np.nan

    last_clear = pd.Series(cleared).groupby(call).max().reindex(range(n)).to_numpy()
    closed = np.where(np.isnan(last_clear), created, last_clear) + _draw(
        rng, iv["close_after_clear"], n
    )

    # --- assemble -----------------------------------------------------------------------------
    def stamp(offset_s: np.ndarray, rows: np.ndarray | None = None) -> pd.Series:
        base = received if rows is None else received[rows]
        ns = base + np.where(np.isnan(offset_s), 0, offset_s).astype("int64") * 1_000_000_000
        values = pd.to_datetime(ns, utc=True, unit="ns").where(~np.isnan(offset_s))
        return (
            pd.Series(values)
            .dt.tz_convert(params.timezone)
            .astype(f"datetime64[us, {params.timezone}]")
        )

    type_names = np.asarray([t.name for t in types], dtype=object)
    call_type = type_names[type_idx]
    final = call_type.copy()
    changed = rng.random(n) < d["final_type_changed"]
    final[changed] = type_names[rng.integers(0, len(types), int(changed.sum()))]
    disposition = _choice(rng, dict(params.dispositions), n)
    disposition[cancelled] = params.cancel_disposition
    district = np.asarray([b.district for b in params.beats], dtype=object)[beat_idx]
    beat = np.asarray([b.beat for b in params.beats], dtype=object)[beat_idx]
    call_ids = np.asarray([f"P{year}{i + 1:06d}" for i in range(n)], dtype=object)
    unit_base = rng.integers(0, 40, n)[call]
    unit_ids = np.asarray(
        [
            f"{dd}-{(b + r) % 40 + 10:02d}"
            for dd, b, r in zip(district[call], unit_base, rank, strict=True)
        ],
        dtype=object,
    )
    unit_ids[no_unit] = ""

    frame = pd.DataFrame(
        {
            "call_id": call_ids[call],
            "unit_id": unit_ids,
            "received_at": stamp(np.zeros(m), call),
            "answered_at": stamp(answered[call], call),
            "created_at": stamp(created[call], call),
            "dispatched_at": stamp(dispatched, call),
            "enroute_at": stamp(enroute, call),
            "onscene_at": stamp(onscene, call),
            "cleared_at": stamp(cleared, call),
            "closed_at": stamp(closed[call], call),
            "priority": priority[call],
            "call_type": call_type[call],
            "final_call_type": final[call],
            "source": source[call],
            "self_initiated": self_init[call],
            "disposition": disposition[call],
            "cancelled": cancelled[call],
            "agency": params.agency,
            "unit_type": params.unit_type,
            "district": district[call],
            "beat": beat[call],
            "latitude": np.round(lat[call], 5),
            "longitude": np.round(lon[call], 5),
            **{flag: values[call] for flag, values in flags.items()},
        }
    )
    for name in (
        "call_id",
        "unit_id",
        "priority",
        "call_type",
        "final_call_type",
        "source",
        "disposition",
        "agency",
        "unit_type",
        "district",
        "beat",
    ):
        frame[name] = frame[name].astype("string")
    for name in (
        "self_initiated",
        "cancelled",
        "weapon_involved",
        "medical_need",
        "risk_to_others",
    ):
        frame[name] = frame[name].astype("boolean")
    return frame[list(CALL_COLUMNS)]
