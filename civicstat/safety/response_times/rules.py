"""Segment definitions and the data-quality rules applied to them (methods.md §3.2–3.3).

The segments are fixed by the standards (their start and end timestamps, methods.md §3.2); what a
city may change is data, read from YAML (``civicstat/safety/rules/segment_rules.yaml`` is the
default, every value there marked [I] in methods.md):

* which calls are in scope (§3.3 rule 1): officer-initiated and cancelled calls are out by default;
  sources and dispositions can be added (mutual aid, test, duplicate);
* which unit types never count as the first arrival (CPSM's "non-administrative unit");
* per segment: a hard cap in seconds (§3.3 rule 5), whether a zero interval is a status-button
  artefact (§3.3 rule 4) and the fallback start timestamp (§3.2, "fallback ..., record which").

Nothing is clipped or imputed (§3.3 rules 3 and 6): an unusable interval keeps its row in the
segment view with its reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from civicstat.safety._config import PACKAGE_DIR, Reader, load_mapping
from civicstat.safety.errors import SafetyConfigError

DEFAULT_RULES_PATH = PACKAGE_DIR / "rules" / "segment_rules.yaml"

# Exclusion reasons, in the order they are tested (the first that applies is recorded).
NO_ARRIVAL = "no_arrival"
MISSING_TIMESTAMP = "missing_timestamp"
NEGATIVE_INTERVAL = "negative_interval"
ZERO_ARTEFACT = "zero_artefact"
OVER_CAP = "over_cap"
EXCLUSION_REASONS = (NO_ARRIVAL, MISSING_TIMESTAMP, NEGATIVE_INTERVAL, ZERO_ARTEFACT, OVER_CAP)

# Scope reasons (a call out of scope has no segment rows), in order of precedence.
SELF_INITIATED = "self_initiated"
CANCELLED = "cancelled"
EXCLUDED_SOURCE = "excluded_source"
EXCLUDED_DISPOSITION = "excluded_disposition"
SCOPE_REASONS = (SELF_INITIATED, CANCELLED, EXCLUDED_SOURCE, EXCLUDED_DISPOSITION)


@dataclass(frozen=True)
class SegmentDefinition:
    """One interval of methods.md §3.2: ``end − start`` on a per-call record.

    ``start``/``end`` name fields of the per-call record built by :func:`segments`:
    call-level ``received_at``, ``answered_at``, ``created_at``, ``first_dispatched_at`` (earliest
    dispatch of any unit) and the first-arriving unit's ``fa_dispatched_at``, ``fa_enroute_at``,
    ``fa_onscene_at``, ``fa_cleared_at``. ``needs_arrival`` segments are reported as
    ``no_arrival`` when no unit reached the scene.
    """

    name: str
    start: str
    end: str
    needs_arrival: bool
    description: str


SEGMENT_DEFINITIONS: tuple[SegmentDefinition, ...] = (
    SegmentDefinition(
        "answer", "received_at", "answered_at", False, "call arrives at the PSAP → answered"
    ),
    SegmentDefinition(
        "processing",
        "answered_at",
        "first_dispatched_at",
        False,
        "answered → first unit dispatched (call processing / dispatch delay)",
    ),
    SegmentDefinition(
        "queue",
        "created_at",
        "first_dispatched_at",
        False,
        "CAD incident created → first unit dispatched (held for a unit)",
    ),
    SegmentDefinition(
        "turnout",
        "fa_dispatched_at",
        "fa_enroute_at",
        True,
        "first-arriving unit dispatched → en route",
    ),
    SegmentDefinition(
        "travel", "fa_enroute_at", "fa_onscene_at", True, "first-arriving unit en route → on scene"
    ),
    SegmentDefinition(
        "response",
        "received_at",
        "fa_onscene_at",
        True,
        "call received → first unit on scene (response time, citizen view)",
    ),
    SegmentDefinition(
        "on_scene",
        "fa_onscene_at",
        "fa_cleared_at",
        True,
        "first-arriving unit on scene → cleared",
    ),
    SegmentDefinition(
        "total",
        "received_at",
        "fa_cleared_at",
        True,
        "call received → first-arriving unit cleared (= response + on scene)",
    ),
)
SEGMENTS = {d.name: d for d in SEGMENT_DEFINITIONS}
START_FIELDS = ("received_at", "answered_at", "created_at", "first_dispatched_at")


@dataclass(frozen=True)
class SegmentRule:
    """Data-quality rules of one segment (methods.md §3.3 rules 4 and 5)."""

    cap_seconds: float | None = None
    zero_is_artefact: bool = False
    fallback_start: str | None = None


@dataclass(frozen=True)
class SegmentRules:
    """Scope and data-quality rules for :func:`~civicstat.safety.response_times.segments`.

    ``segments`` maps each segment computed (in output order) to its :class:`SegmentRule`.
    """

    segments: Mapping[str, SegmentRule] = field(default_factory=dict)
    exclude_self_initiated: bool = True
    exclude_cancelled: bool = True
    exclude_sources: tuple[str, ...] = ()
    exclude_dispositions: tuple[str, ...] = ()
    ignore_unit_types: tuple[str, ...] = ()
    source: str = "<dict>"

    def __post_init__(self) -> None:
        for name, rule in self.segments.items():
            if name not in SEGMENTS:
                raise SafetyConfigError(
                    self.source, f"segments.{name}", f"unknown segment; known: {list(SEGMENTS)}"
                )
            if rule.fallback_start is not None and rule.fallback_start not in START_FIELDS:
                raise SafetyConfigError(
                    self.source,
                    f"segments.{name}.fallback_start",
                    f"expected one of {list(START_FIELDS)}, found {rule.fallback_start!r}",
                )
        # Frozen and hashable in spirit: store a read-only copy.
        object.__setattr__(self, "segments", dict(self.segments))

    @classmethod
    def default(cls) -> SegmentRules:
        """The packaged defaults (methods.md §3.3, all [I])."""
        return cls.from_yaml(DEFAULT_RULES_PATH)

    @classmethod
    def from_yaml(cls, path: str | Path) -> SegmentRules:
        return cls.from_dict(load_mapping(path), source=str(path))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<dict>") -> SegmentRules:
        """Rules from a mapping shaped like ``segment_rules.yaml``."""
        top = Reader(data, source)
        top.check_keys(("version", "description", "scope", "first_arriving", "segments"))
        scope = top.child("scope")
        scope.check_keys(
            (
                "exclude_self_initiated",
                "exclude_cancelled",
                "exclude_sources",
                "exclude_dispositions",
            )
        )
        first = top.child("first_arriving")
        first.check_keys(("ignore_unit_types",))
        seg_map = top.child("segments")
        rules: dict[str, SegmentRule] = {}
        for name in seg_map.data:
            seg = seg_map.child(name)
            seg.check_keys(("cap_seconds", "zero_is_artefact", "fallback_start"))
            fallback = seg.data.get("fallback_start")
            if fallback is not None:
                fallback = seg.text("fallback_start", choices=START_FIELDS)
            rules[str(name)] = SegmentRule(
                cap_seconds=seg.number("cap_seconds", None),
                zero_is_artefact=seg.boolean("zero_is_artefact", False),
                fallback_start=fallback,
            )
        if not rules:
            raise SafetyConfigError(source, "segments", "expected at least one segment")
        return cls(
            segments=rules,
            exclude_self_initiated=scope.boolean("exclude_self_initiated", True),
            exclude_cancelled=scope.boolean("exclude_cancelled", True),
            exclude_sources=tuple(s.lower() for s in scope.texts("exclude_sources")),
            exclude_dispositions=tuple(s.lower() for s in scope.texts("exclude_dispositions")),
            ignore_unit_types=tuple(s.lower() for s in first.texts("ignore_unit_types")),
            source=source,
        )

    def with_segment(self, name: str, **changes: Any) -> SegmentRules:
        """A copy with one segment's rule changed, e.g. ``with_segment("travel", cap_seconds=None)``
        for the sensitivity line without caps (methods.md §3.3 rule 5)."""
        if name not in SEGMENTS:
            raise SafetyConfigError(self.source, f"segments.{name}", "unknown segment")
        current = self.segments.get(name, SegmentRule())
        segments = {**self.segments, name: replace(current, **changes)}
        return replace(self, segments=segments)

    def without_caps(self) -> SegmentRules:
        """The same rules with every cap removed (the "without caps" sensitivity line)."""
        segments = {n: replace(r, cap_seconds=None) for n, r in self.segments.items()}
        return replace(self, segments=segments)
