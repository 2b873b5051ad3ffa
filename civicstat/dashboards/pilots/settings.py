"""Which pilots a city runs and how the refresh evaluates them, read from ``pilots.yaml``.

The shipped file describes Durham's pilots; the Django setting ``CIVICSTAT_PILOTS_FILE`` names a
city's own copy. A problem is reported with the file and the key (``PilotSettingsError``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from shapely.geometry import Polygon

from civicstat.safety.gunshots import MatchRule, Period, PilotConfig

DEFAULT_FILE = Path(__file__).resolve().parent / "pilots.yaml"


class PilotSettingsError(ValueError):
    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source, self.key, self.problem = source, key, problem
        super().__init__(f"{source}: {key}: {problem}")


@dataclass(frozen=True)
class EvaluationPeriod:
    first_day: dt.date
    last_day: dt.date
    label: str
    timezone: str

    @property
    def period(self) -> Period:
        return Period.from_dates(self.first_day, self.last_day, tz=self.timezone, label=self.label)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


@dataclass(frozen=True)
class GunshotSettings:
    evaluation: EvaluationPeriod
    alert_types: tuple[str, ...] | None
    publish_limit_s: float
    response_start: str
    match: MatchRule
    coverage: Polygon | None
    map_cell_m: float

    def pilot_config(self) -> PilotConfig:
        return PilotConfig(
            period=self.evaluation.period,
            tz=self.evaluation.timezone,
            alert_types=self.alert_types,
            publish_limit_s=self.publish_limit_s,
            response_start=self.response_start,
            match_rule=self.match,
            coverage=self.coverage,
            map_cell_m=self.map_cell_m,
        )

    def parameters(self) -> dict[str, Any]:
        """The settings as plain data (published with the analysis)."""
        e = self.evaluation
        return {
            "evaluation_period": [e.first_day.isoformat(), e.last_day.isoformat()],
            "timezone": e.timezone,
            "alert_types": list(self.alert_types) if self.alert_types else "all",
            "publish_limit_seconds": self.publish_limit_s,
            "response_start": self.response_start,
            "match_call_types": list(self.match.call_types),
            "match_window_seconds": self.match.window_s,
            "match_radius_metres": self.match.radius_m,
            "coverage_area": "given" if self.coverage is not None else "none",
            "map_cell_metres": self.map_cell_m,
        }


@dataclass(frozen=True)
class DirtBikeSettings:
    evaluation: EvaluationPeriod


@dataclass(frozen=True)
class PilotSettings:
    gunshots: GunshotSettings | None
    dirt_bikes: DirtBikeSettings | None
    source: str


class _Node:
    def __init__(self, value: Any, source: str, key: str) -> None:
        self.value, self.source, self.key = value, source, key

    def fail(self, problem: str) -> PilotSettingsError:
        return PilotSettingsError(self.source, self.key or "(top)", problem)

    def child(self, name: str, default: Any = ...) -> _Node:
        if not isinstance(self.value, Mapping):
            raise self.fail("expected a mapping")
        key = f"{self.key}.{name}" if self.key else name
        if name not in self.value:
            if default is ...:
                raise PilotSettingsError(self.source, key, "missing")
            return _Node(default, self.source, key)
        return _Node(self.value[name], self.source, key)

    def number(self, minimum: float = 0.0) -> float:
        v = self.value
        if isinstance(v, bool) or not isinstance(v, int | float) or v < minimum:
            raise self.fail(f"expected a number >= {minimum:g}, got {v!r}")
        return float(v)

    def text(self) -> str:
        if not isinstance(self.value, str) or not self.value.strip():
            raise self.fail(f"expected text, got {self.value!r}")
        return self.value.strip()

    def date(self) -> dt.date:
        v = self.value
        if isinstance(v, dt.date):
            return v
        try:
            return dt.date.fromisoformat(str(v))
        except ValueError:
            raise self.fail(f"expected a date YYYY-MM-DD, got {v!r}") from None

    def texts(self) -> tuple[str, ...] | None:
        if self.value is None:
            return None
        if not isinstance(self.value, list) or not all(isinstance(x, str) for x in self.value):
            raise self.fail(f"expected a list of texts, got {self.value!r}")
        return tuple(self.value)


def _period(node: _Node, timezone: str) -> EvaluationPeriod:
    first, last = node.child("first_day").date(), node.child("last_day").date()
    if last < first:
        raise node.fail(f"last_day {last} is before first_day {first}")
    label = node.child("label", "evaluation period").text()
    return EvaluationPeriod(first, last, label, timezone)


def _coverage(node: _Node) -> Polygon | None:
    if node.value is None:
        return None
    try:
        polygon = Polygon([(float(lon), float(lat)) for lon, lat in node.value])
    except (TypeError, ValueError) as exc:
        raise node.fail(f"expected a list of [longitude, latitude] pairs ({exc})") from None
    if not polygon.is_valid or polygon.area <= 0:
        raise node.fail("the points do not make a valid polygon")
    return polygon


def _gunshots(node: _Node) -> GunshotSettings:
    tz = node.child("timezone", "America/New_York").text()
    match = node.child("match", {})
    start = node.child("response_start", "published_at").text()
    if start not in ("published_at", "detected_at"):
        raise node.child("response_start").fail("expected published_at or detected_at")
    return GunshotSettings(
        evaluation=_period(node.child("evaluation_period"), tz),
        alert_types=node.child("alert_types", None).texts(),
        publish_limit_s=node.child("publish_limit_seconds", 60).number(),
        response_start=start,
        match=MatchRule(
            call_types=match.child("call_types", ["SHOTS FIRED"]).texts() or ("SHOTS FIRED",),
            window_s=match.child("window_seconds", 600).number(),
            radius_m=match.child("radius_metres", 250).number(),
        ),
        coverage=_coverage(node.child("coverage", None)),
        map_cell_m=node.child("map_cell_metres", 250).number(250),
    )


def load_pilot_settings(path: str | Path | None = None) -> PilotSettings:
    """Read ``path``; by default the file named by ``CIVICSTAT_PILOTS_FILE`` or the shipped one."""
    if path is None:
        from django.conf import settings

        path = getattr(settings, "CIVICSTAT_PILOTS_FILE", None) or DEFAULT_FILE
    source = str(path)
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise PilotSettingsError(source, "", f"cannot be read as YAML ({exc})") from exc
    root = _Node(doc, source, "")
    if not isinstance(doc, Mapping):
        raise root.fail("expected a mapping with gunshot_detection and/or dirt_bikes")
    unknown = set(doc) - {"gunshot_detection", "dirt_bikes"}
    if unknown:
        raise root.fail(f"unknown section(s) {sorted(unknown)}")
    shots = root.child("gunshot_detection", None)
    bikes = root.child("dirt_bikes", None)
    dirt = None
    if bikes.value is not None:
        tz = bikes.child("timezone", "America/New_York").text()
        dirt = DirtBikeSettings(_period(bikes.child("evaluation_period"), tz))
    return PilotSettings(
        gunshots=None if shots.value is None else _gunshots(shots),
        dirt_bikes=dirt,
        source=source,
    )
