"""Synthetic Durham HEART responses linked to the synthetic police calls (PURE, seeded).

From ``params/durham_heart.yaml`` (every number with its source or "assumed"). Each public,
uncancelled call is offered, in this order, to

1. **co-response**: involuntary-commitment calls, and the flagged (weapon, risk to others,
   Priority P) calls of the mental-health types;
2. a **community response team** (CRT): the nine candidate types, unless a weapon, risk to
   others, medical need or Priority P excludes it;
3. **co-response** again for some unflagged mental-health calls no CRT took;
4. **crisis call diversion** (clinicians in the 911 center, by phone);

each taking the call with probability ``rate × call-type propensity × staffing of the local hour``.
In-person responses get dispatch, en-route, on-scene and cleared times (lognormal, with the
program's mean minutes to scene and on scene) and transport / police backup / EMS flags;
identified people get pseudonymous heavy-tailed ids (:mod:`.people`); a share of them is
referred to **care navigation**, whose follow-up row records whether it came within 48 hours.

The frame has the ``crisis_responses`` contract columns in contract order.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from civicstat.demo.synthetic.cad_params import HeartParams, ProgramParams, load_heart_params
from civicstat.demo.synthetic.calls import DEFAULT_SEED
from civicstat.demo.synthetic.people import person_counts, pseudonyms

CRISIS_COLUMNS = (
    "response_id",
    "program",
    "call_id",
    "person_id",
    "received_at",
    "dispatched_at",
    "enroute_at",
    "onscene_at",
    "cleared_at",
    "in_person",
    "transport_needed",
    "police_backup_requested",
    "ems_support_requested",
    "disposition",
    "followed_up_within_48h",
    "call_type",
    "district",
    "beat",
)
CRT, CO, DIVERSION, CARE = (
    "community_response_team",
    "co_response",
    "crisis_call_diversion",
    "care_navigation",
)
_NS = 1_000_000_000


def _call_level(calls: pd.DataFrame, tz: str) -> pd.DataFrame:
    """One row per call: attributes of its first row, flags set when any unit row sets them."""
    first = calls.drop_duplicates("call_id").set_index("call_id")
    out = first[["received_at", "call_type", "priority", "district", "beat"]].copy()
    flags = ["weapon_involved", "medical_need", "risk_to_others", "self_initiated"]
    as_bool = calls[[*flags, "cancelled"]].fillna(False).astype(bool)
    grouped = as_bool.groupby(calls["call_id"].to_numpy(), sort=False)
    out[flags] = grouped[flags].any().reindex(out.index)
    out["cancelled"] = grouped["cancelled"].all().reindex(out.index)
    out["hour"] = out["received_at"].dt.tz_convert(tz).dt.hour
    return out.reset_index()


def _propensity(call_type: pd.Series, table: Mapping[str, float] | None) -> np.ndarray:
    if not table:
        return np.zeros(len(call_type))
    return call_type.map(dict(table)).fillna(0.0).to_numpy(dtype=float)


def _take(
    rng: np.random.Generator,
    level: pd.DataFrame,
    open_: np.ndarray,
    program: ProgramParams,
    propensity: np.ndarray,
) -> np.ndarray:
    p = program.rate * propensity * np.asarray(program.hours)[level["hour"].to_numpy()]
    return open_ & (rng.random(len(level)) < p)


def _assign(rng: np.random.Generator, level: pd.DataFrame, params: HeartParams) -> np.ndarray:
    """The program (or "") that takes each call."""
    progs = params.programs
    public = ~level["self_initiated"].to_numpy() & ~level["cancelled"].to_numpy()
    weapon = level["weapon_involved"].to_numpy()
    risk = level["risk_to_others"].to_numpy()
    flagged = weapon | risk | (level["priority"] == "P").to_numpy()
    taken = np.full(len(level), "", dtype=object)
    types = level["call_type"]

    co = progs[CO]
    co_first = _propensity(types, co.call_types) + np.where(
        flagged, _propensity(types, co.flagged_call_types), 0.0
    )
    hit = _take(rng, level, public, co, np.minimum(co_first, 1.0))
    taken[hit] = CO

    crt = progs[CRT]
    blocked = np.zeros(len(level), dtype=bool)
    for flag in crt.excluded_flags:
        blocked |= level[flag].to_numpy()
    blocked |= level["priority"].isin(crt.excluded_priorities).to_numpy()
    hit = _take(
        rng, level, public & (taken == "") & ~blocked, crt, _propensity(types, crt.call_types)
    )
    taken[hit] = CRT

    unflagged = public & (taken == "") & ~flagged
    hit = _take(rng, level, unflagged, co, _propensity(types, co.remaining_call_types))
    taken[hit] = CO

    div = progs[DIVERSION]
    open_ = public & (taken == "") & ~weapon & ~risk
    hit = _take(rng, level, open_, div, _propensity(types, div.call_types))
    taken[hit] = DIVERSION
    return taken


def _seconds(rng: np.random.Generator, dist, n: int) -> np.ndarray:
    return np.round(dist.sample(rng, n))


def _choice(rng: np.random.Generator, shares: Mapping[str, float], n: int) -> np.ndarray:
    names = list(shares)
    p = np.asarray([shares[k] for k in names], dtype=float)
    return np.asarray(names, dtype=object)[rng.choice(len(names), size=n, p=p / p.sum())]


def generate_heart(
    params: HeartParams | None, calls: pd.DataFrame, seed: int = DEFAULT_SEED
) -> pd.DataFrame:
    """HEART responses for ``calls`` (a :func:`generate_calls` frame), deterministic per seed."""
    params = params or load_heart_params()
    rng = np.random.default_rng([seed, 2])
    level = _call_level(calls, params.timezone)
    taken = _assign(rng, level, params)
    rows = level[taken != ""].reset_index(drop=True)
    program = taken[taken != ""]
    n = len(rows)
    received = rows["received_at"].dt.tz_convert("UTC").dt.as_unit("ns").astype("int64").to_numpy()

    in_person = program != DIVERSION
    dispatched = np.full(n, np.nan)
    enroute = np.full(n, np.nan)
    onscene = np.full(n, np.nan)
    cleared = np.full(n, np.nan)
    transport = np.full(n, np.nan)
    backup = np.full(n, np.nan)
    ems = np.full(n, np.nan)
    disposition = np.empty(n, dtype=object)
    identified = np.zeros(n, dtype=bool)
    for name, prog in params.programs.items():
        mask = program == name
        k = int(mask.sum())
        identified[mask] = rng.random(k) < prog.identified
        disposition[mask] = _choice(rng, prog.dispositions, k)
        if prog.phone is not None:
            cleared[mask] = _seconds(rng, prog.phone, k)
            continue
        d = _seconds(rng, prog.dispatch_delay, k)
        to_scene = _seconds(rng, prog.to_scene, k)
        lo, hi = prog.enroute_fraction
        dispatched[mask] = d
        enroute[mask] = d + np.round(rng.uniform(lo, hi, k) * to_scene)
        onscene[mask] = d + to_scene
        cleared[mask] = d + to_scene + _seconds(rng, prog.on_scene, k)
        transport[mask] = rng.random(k) < prog.transport
        backup[mask] = rng.random(k) < prog.police_backup
        ems[mask] = rng.random(k) < prog.ems_support
    disposition[transport == 1] = "Transported to care"

    defects = params.defects
    u = rng.random(n)
    missing_onscene = in_person & (u < defects["onscene_missing"])
    edge = defects["onscene_missing"] + defects["cleared_missing"]
    missing_cleared = in_person & (u >= defects["onscene_missing"]) & (u < edge)
    before = in_person & (u >= edge) & (u < edge + defects["onscene_before_dispatch"])
    onscene[before] = dispatched[before] - 60
    onscene[missing_onscene] = np.nan
    cleared[missing_cleared] = np.nan

    # People: heavy-tailed counts over the identified responses.
    person = np.full(n, None, dtype=object)
    counts = person_counts(rng, int(identified.sum()), params.survival, params.max_count)
    ids = pseudonyms(rng, len(counts), params.id_prefix)
    person[identified] = rng.permutation(np.repeat(ids, counts))

    # Care navigation: referrals among identified responses, follow-up within 48 h or later.
    referred = identified & (rng.random(n) < params.referral_share)
    delay_h = params.follow_up_delay_hours.sample(rng, int(referred.sum()))
    follow = np.full(n, None, dtype=object)
    follow[referred] = delay_h <= 48.0
    start = np.where(np.isnan(cleared), np.nan_to_num(onscene, nan=0.0), cleared)[referred]
    care = rows[referred].copy()
    care_received = received[referred] + np.round(start + delay_h * 3600).astype("int64") * _NS

    def ts(base: np.ndarray, offset: np.ndarray) -> pd.Series:
        ok = ~np.isnan(offset)
        ns = base + np.where(ok, offset, 0).astype("int64") * _NS
        values = pd.Series(pd.to_datetime(ns, utc=True, unit="ns")).where(ok)
        return values.dt.tz_convert(params.timezone)

    def flag(values: np.ndarray) -> pd.Series:
        return pd.Series([None if np.isnan(v) else bool(v) for v in values], dtype="boolean")

    responses = pd.DataFrame(
        {
            "program": program,
            "call_id": rows["call_id"].to_numpy(),
            "person_id": person,
            "received_at": ts(received, np.zeros(n)),
            "dispatched_at": ts(received, dispatched),
            "enroute_at": ts(received, enroute),
            "onscene_at": ts(received, onscene),
            "cleared_at": ts(received, cleared),
            "in_person": in_person,
            "transport_needed": flag(transport),
            "police_backup_requested": flag(backup),
            "ems_support_requested": flag(ems),
            "disposition": disposition,
            "followed_up_within_48h": pd.Series(follow, dtype="boolean"),
            "call_type": rows["call_type"].to_numpy(),
            "district": rows["district"].to_numpy(),
            "beat": rows["beat"].to_numpy(),
        }
    )
    m = len(care)
    nothing = np.full(m, np.nan)
    follow_ups = pd.DataFrame(
        {
            "program": CARE,
            "call_id": care["call_id"].to_numpy(),
            "person_id": person[referred],
            "received_at": ts(care_received, np.zeros(m)),
            "dispatched_at": ts(care_received, nothing),
            "enroute_at": ts(care_received, nothing),
            "onscene_at": ts(care_received, nothing),
            "cleared_at": ts(care_received, nothing),
            "in_person": rng.random(m) < params.follow_up_in_person_share,
            "transport_needed": flag(nothing),
            "police_backup_requested": flag(nothing),
            "ems_support_requested": flag(nothing),
            "disposition": "Follow-up completed",
            "followed_up_within_48h": pd.Series([None] * m, dtype="boolean"),
            "call_type": care["call_type"].to_numpy(),
            "district": care["district"].to_numpy(),
            "beat": care["beat"].to_numpy(),
        }
    )
    out = pd.concat([responses, follow_ups], ignore_index=True)
    out = out.sort_values(["received_at", "program", "call_id"], kind="stable", ignore_index=True)
    year = int(out["received_at"].dt.year.min()) if len(out) else 0
    out["response_id"] = [f"H{year}{i + 1:06d}" for i in range(len(out))]
    for name in (
        "response_id",
        "program",
        "call_id",
        "person_id",
        "disposition",
        "call_type",
        "district",
        "beat",
    ):
        out[name] = out[name].astype("string")
    out["in_person"] = out["in_person"].astype("boolean")
    for name in ("received_at", "dispatched_at", "enroute_at", "onscene_at", "cleared_at"):
        out[name] = out[name].astype(f"datetime64[us, {params.timezone}]")
    return out[list(CRISIS_COLUMNS)]
