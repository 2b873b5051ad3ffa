"""Typed reading of ``params/durham_calls.yaml`` and ``params/durham_heart.yaml`` (PURE).

The files document where each number comes from; this module turns them into frozen dataclasses
and reports a missing or mistyped key with the file and the key (:class:`ParamsError`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from civicstat.demo.synthetic.pilot_params import Params, ParamsError, load_params

PRIORITIES = ("P", "1", "2", "3")
FLAGS = ("weapon_involved", "medical_need", "risk_to_others")
PROGRAMS = ("community_response_team", "co_response", "crisis_call_diversion")


@dataclass(frozen=True)
class Lognormal:
    """A lognormal interval: ``median_s · exp(sigma · Z)`` seconds."""

    median_s: float
    sigma: float

    @classmethod
    def from_mean(cls, mean_s: float, sigma: float) -> Lognormal:
        """The lognormal with this mean: median = mean · exp(−σ²/2)."""
        return cls(mean_s * float(np.exp(-(sigma**2) / 2)), sigma)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.median_s * np.exp(self.sigma * rng.standard_normal(n))


@dataclass(frozen=True)
class CallType:
    name: str
    calls: float
    profile: str
    eligible: bool
    self_initiated: float
    source: str | None
    flags: Mapping[str, float]
    on_scene_minutes: float


@dataclass(frozen=True)
class Beat:
    beat: str
    district: str
    lat: float
    lon: float
    weight: float


@dataclass(frozen=True)
class CallsParams:
    source: str
    timezone: str
    agency: str
    unit_type: str
    month_weights: tuple[float, ...]
    weekday_weights: tuple[float, ...]
    hour_weights: tuple[float, ...]
    priority_profiles: Mapping[str, Mapping[str, float]]
    sources: Mapping[str, float]
    call_types: tuple[CallType, ...]
    cancel_share: float
    cancel_before_dispatch_share: float
    cancel_disposition: str
    units_per_call: Mapping[str, tuple[float, float, float]]
    intervals: Mapping[str, Lognormal]
    queue: Mapping[str, Lognormal]
    travel: Mapping[str, Lognormal]
    on_scene_sigma: float
    secondary_on_scene_factor: float
    defects: Mapping[str, float]
    dispositions: Mapping[str, float]
    beats: tuple[Beat, ...]
    location_jitter_deg: float


@dataclass(frozen=True)
class ProgramParams:
    name: str
    call_types: Mapping[str, float]
    hours: tuple[float, ...]
    rate: float
    identified: float
    dispositions: Mapping[str, float]
    excluded_flags: tuple[str, ...] = ()
    excluded_priorities: tuple[str, ...] = ()
    flagged_call_types: Mapping[str, float] | None = None
    remaining_call_types: Mapping[str, float] | None = None
    dispatch_delay: Lognormal | None = None
    to_scene: Lognormal | None = None  # seconds
    enroute_fraction: tuple[float, float] = (0.05, 0.25)
    on_scene: Lognormal | None = None  # seconds
    phone: Lognormal | None = None
    transport: float | None = None
    police_backup: float | None = None
    ems_support: float | None = None


@dataclass(frozen=True)
class HeartParams:
    source: str
    timezone: str
    programs: Mapping[str, ProgramParams]
    referral_share: float
    follow_up_delay_hours: Lognormal  # "seconds" field holds hours here
    follow_up_in_person_share: float
    defects: Mapping[str, float]
    survival: tuple[tuple[float, float], ...]
    max_count: int
    id_prefix: str


def _mapping_numbers(p: Params, key: str) -> dict[str, float]:
    value = p.get(key)
    if not isinstance(value, Mapping) or not value:
        raise ParamsError(p.source, key, "expected a mapping of names to numbers")
    out = {}
    for name, number in value.items():
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise ParamsError(p.source, f"{key}.{name}", f"expected a number, got {number!r}")
        out[str(name)] = float(number)
    return out


def _lognormal(p: Params, key: str) -> Lognormal:
    return Lognormal(p.number(f"{key}.median_s"), p.number(f"{key}.sigma"))


def _hours(p: Params, key: str) -> tuple[float, ...]:
    values = p.numbers(key, 24)
    if any(v < 0 for v in values):
        raise ParamsError(p.source, key, "hour weights must be >= 0")
    return tuple(values)


def load_calls_params(path: str | Path = "durham_calls") -> CallsParams:
    """The calls parameters (default: the packaged ``params/durham_calls.yaml``)."""
    p = load_params(path)
    profiles = {}
    for name in p.get("priority_profiles"):
        shares = _mapping_numbers(p, f"priority_profiles.{name}")
        unknown = set(shares) - set(PRIORITIES)
        if unknown:
            raise ParamsError(
                p.source, f"priority_profiles.{name}", f"unknown priorities {unknown}"
            )
        profiles[str(name)] = shares
    defaults = _mapping_numbers(p, "flag_defaults")
    types = []
    raw_types = p.get("call_types")
    if not isinstance(raw_types, list) or not raw_types:
        raise ParamsError(p.source, "call_types", "expected a list of call types")
    for i, raw in enumerate(raw_types):
        item = Params(raw, f"{p.source}: call_types[{i}]")
        profile = item.text("profile")
        if profile not in profiles:
            raise ParamsError(item.source, "profile", f"unknown profile {profile!r}")
        flags = dict(defaults)
        if "flags" in raw:
            flags.update(_mapping_numbers(item, "flags"))
        types.append(
            CallType(
                name=item.text("name"),
                calls=item.number("calls"),
                profile=profile,
                eligible=bool(raw.get("eligible", False)),
                self_initiated=item.share("self_initiated") if "self_initiated" in raw else 0.0,
                source=item.text("source") if "source" in raw else None,
                flags=flags,
                on_scene_minutes=item.number("on_scene_minutes"),
            )
        )
    units = {}
    for priority in PRIORITIES:
        shares = p.numbers(f"units_per_call.{priority}", 3)
        units[priority] = (shares[0], shares[1], shares[2])
    beats = []
    for i, raw in enumerate(p.get("beats")):
        item = Params(raw, f"{p.source}: beats[{i}]")
        beats.append(
            Beat(
                beat=item.text("beat"),
                district=item.text("district"),
                lat=item.number("lat"),
                lon=item.number("lon"),
                weight=item.number("weight"),
            )
        )
    intervals = {
        name: _lognormal(p, f"intervals.{name}")
        for name in (
            "answer",
            "entry",
            "extra_unit_dispatch",
            "turnout",
            "cancelled_en_route",
            "close_after_clear",
        )
    }
    return CallsParams(
        source=p.source,
        timezone=p.text("timezone"),
        agency=p.text("agency"),
        unit_type=p.text("unit_type"),
        month_weights=tuple(p.numbers("calendar.month_weights", 12)),
        weekday_weights=tuple(p.numbers("calendar.weekday_weights", 7)),
        hour_weights=_hours(p, "calendar.hour_weights"),
        priority_profiles=profiles,
        sources=_mapping_numbers(p, "sources"),
        call_types=tuple(types),
        cancel_share=p.share("cancellation.share"),
        cancel_before_dispatch_share=p.share("cancellation.before_dispatch_share"),
        cancel_disposition=p.text("cancellation.disposition"),
        units_per_call=units,
        intervals=intervals,
        queue={k: _lognormal(p, f"intervals.queue_by_priority.{k}") for k in PRIORITIES},
        travel={k: _lognormal(p, f"intervals.travel_by_priority.{k}") for k in PRIORITIES},
        on_scene_sigma=p.number("intervals.on_scene_sigma"),
        secondary_on_scene_factor=p.number("intervals.secondary_unit_on_scene_factor"),
        defects={k: p.share(f"defects.{k}") for k in p.get("defects")},
        dispositions=_mapping_numbers(p, "dispositions"),
        beats=tuple(beats),
        location_jitter_deg=p.number("location_jitter_deg"),
    )


def _program(p: Params, name: str) -> ProgramParams:
    key = f"programs.{name}"
    raw: Mapping[str, Any] = p.get(key)
    kwargs: dict[str, Any] = {}
    if name != "crisis_call_diversion":
        sigma_to, sigma_on = p.number(f"{key}.to_scene_sigma"), p.number(f"{key}.on_scene_sigma")
        kwargs.update(
            dispatch_delay=_lognormal(p, f"{key}.dispatch_delay"),
            to_scene=Lognormal.from_mean(p.number(f"{key}.to_scene_mean_minutes") * 60, sigma_to),
            on_scene=Lognormal.from_mean(p.number(f"{key}.on_scene_mean_minutes") * 60, sigma_on),
            enroute_fraction=tuple(p.numbers(f"{key}.enroute_fraction", 2)),
            transport=p.share(f"{key}.transport"),
            police_backup=p.share(f"{key}.police_backup"),
            ems_support=p.share(f"{key}.ems_support"),
        )
    else:
        kwargs["phone"] = _lognormal(p, f"{key}.phone_minutes")
    if "excluded_flags" in raw:
        kwargs["excluded_flags"] = tuple(str(f) for f in raw["excluded_flags"])
        unknown = set(kwargs["excluded_flags"]) - set(FLAGS)
        if unknown:
            raise ParamsError(p.source, f"{key}.excluded_flags", f"unknown flags {unknown}")
    if "excluded_priorities" in raw:
        kwargs["excluded_priorities"] = tuple(str(v) for v in raw["excluded_priorities"])
    for optional in ("flagged_call_types", "remaining_call_types"):
        if optional in raw:
            kwargs[optional] = _mapping_numbers(p, f"{key}.{optional}")
    return ProgramParams(
        name=name,
        call_types=_mapping_numbers(p, f"{key}.call_types"),
        hours=_hours(p, f"{key}.hours"),
        rate=p.share(f"{key}.rate"),
        identified=p.share(f"{key}.identified"),
        dispositions=_mapping_numbers(p, f"{key}.dispositions"),
        **kwargs,
    )


def load_heart_params(path: str | Path = "durham_heart") -> HeartParams:
    """The HEART parameters (default: the packaged ``params/durham_heart.yaml``)."""
    p = load_params(path)
    survival = []
    for i, point in enumerate(p.get("people.survival")):
        ok = isinstance(point, list) and len(point) == 2
        if not ok or not all(isinstance(v, int | float) for v in point):
            raise ParamsError(p.source, f"people.survival[{i}]", "expected [count, share]")
        survival.append((float(point[0]), float(point[1])))
    counts = [c for c, _ in survival]
    shares = [s for _, s in survival]
    if survival[0] != (1.0, 1.0) or counts != sorted(counts) or shares != sorted(shares)[::-1]:
        raise ParamsError(
            p.source, "people.survival", "expected [1, 1.0] first, counts rising, shares falling"
        )
    return HeartParams(
        source=p.source,
        timezone=p.text("timezone"),
        programs={name: _program(p, name) for name in PROGRAMS},
        referral_share=p.share("care_navigation.referral_share"),
        follow_up_delay_hours=Lognormal(
            p.number("care_navigation.delay_hours.median"),
            p.number("care_navigation.delay_hours.sigma"),
        ),
        follow_up_in_person_share=p.share("care_navigation.in_person_share"),
        defects={k: p.share(f"defects.{k}") for k in p.get("defects")},
        survival=tuple(survival),
        max_count=p.count("people.max_count"),
        id_prefix=p.text("people.id_prefix"),
    )
