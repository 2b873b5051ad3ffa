"""Diversion-eligibility rule sets: which calls a civilian team could take, as data (methods.md
§4.3: eligible universe E = calls whose initial call type is in the eligible set, minus the
exclusion flags and configured priorities).

A rule set is read from YAML (``civicstat/safety/rules/durham_heart_eligibility.yaml``) and can
be changed in code for a what-if (:meth:`EligibilityRuleSet.without_exclusion`,
:meth:`~EligibilityRuleSet.with_call_types`, :meth:`~EligibilityRuleSet.with_exclusion`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from civicstat.safety._config import PACKAGE_DIR, Reader, load_mapping
from civicstat.safety.errors import SafetyConfigError

DURHAM_RULES_PATH = PACKAGE_DIR / "rules" / "durham_heart_eligibility.yaml"

# Decisions that are not exclusion names.
ELIGIBLE = "eligible_call_type"
NOT_ELIGIBLE_TYPE = "call_type_not_eligible"
SELF_INITIATED = "self_initiated"
CANCELLED = "cancelled"
RESERVED_NAMES = (ELIGIBLE, NOT_ELIGIBLE_TYPE, SELF_INITIATED, CANCELLED)


def normalise(text: str) -> str:
    """How call types are compared: case-insensitive, surrounding blanks ignored."""
    return " ".join(str(text).split()).lower()


@dataclass(frozen=True)
class ExclusionRule:
    """One exclusion: ``column`` is TRUE (a flag), or its value is in ``values``.

    A NULL (a source without that flag) never excludes: public CAD files do not carry the
    exclusion flags, and a missing flag must not silently shrink the eligible universe.
    """

    name: str
    column: str
    reason: str
    values: tuple[str, ...] | None = None
    sources: tuple[str, ...] = ()
    verified: bool = True
    enabled: bool = True


@dataclass(frozen=True)
class EligibilityRuleSet:
    """Eligible call types plus ordered exclusions; the first exclusion that applies decides."""

    name: str
    eligible_call_types: tuple[str, ...]
    exclusions: tuple[ExclusionRule, ...] = ()
    call_type_column: str = "call_type"
    exclude_self_initiated: bool = True
    exclude_cancelled: bool = False
    version: int = 1
    sources: tuple[str, ...] = ()
    source: str = "<dict>"

    def __post_init__(self) -> None:
        names = [e.name for e in self.exclusions]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise SafetyConfigError(self.source, "exclusions", f"duplicate names {duplicates}")
        clashes = sorted(set(names) & set(RESERVED_NAMES))
        if clashes:
            raise SafetyConfigError(
                self.source, "exclusions", f"names {clashes} are reserved for decisions"
            )
        if not self.eligible_call_types:
            raise SafetyConfigError(
                self.source, "eligible_call_types", "expected at least one call type"
            )

    @property
    def normalised_call_types(self) -> tuple[str, ...]:
        return tuple(sorted({normalise(t) for t in self.eligible_call_types}))

    @property
    def decisions(self) -> tuple[str, ...]:
        """Every value ``decided_by`` can take under this rule set, in test order."""
        scope = (SELF_INITIATED,) * self.exclude_self_initiated + (
            CANCELLED,
        ) * self.exclude_cancelled
        active = tuple(e.name for e in self.exclusions if e.enabled)
        return (*scope, NOT_ELIGIBLE_TYPE, *active, ELIGIBLE)

    def reason(self, decided_by: str) -> str:
        """A sentence for a ``decided_by`` value (for tables and tooltips)."""
        fixed = {
            ELIGIBLE: "eligible call type, no exclusion applies",
            NOT_ELIGIBLE_TYPE: "call type not in the eligible list",
            SELF_INITIATED: "officer-initiated call",
            CANCELLED: "cancelled call",
        }
        if decided_by in fixed:
            return fixed[decided_by]
        for rule in self.exclusions:
            if rule.name == decided_by:
                return rule.reason
        raise SafetyConfigError(self.source, "exclusions", f"no rule named {decided_by!r}")

    # --- what-if edits -------------------------------------------------------------------------

    def without_exclusion(self, name: str) -> EligibilityRuleSet:
        """The same rules with exclusion ``name`` switched off."""
        return self.with_exclusion(name, enabled=False)

    def with_exclusion(self, name: str, **changes: Any) -> EligibilityRuleSet:
        """The same rules with exclusion ``name`` changed (e.g. ``values=("P", "1")``)."""
        if name not in {e.name for e in self.exclusions}:
            raise SafetyConfigError(
                self.source,
                "exclusions",
                f"no exclusion named {name!r}; known: {[e.name for e in self.exclusions]}",
            )
        if "values" in changes and changes["values"] is not None:
            changes["values"] = tuple(str(v) for v in changes["values"])
        exclusions = tuple(replace(e, **changes) if e.name == name else e for e in self.exclusions)
        return replace(self, exclusions=exclusions, name=f"{self.name}*")

    def with_call_types(
        self, add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> EligibilityRuleSet:
        """The same rules with call types added to or removed from the eligible list."""
        drop = {normalise(t) for t in remove}
        kept = [t for t in self.eligible_call_types if normalise(t) not in drop]
        known = {normalise(t) for t in kept}
        kept += [t for t in add if normalise(t) not in known]
        return replace(self, eligible_call_types=tuple(kept), name=f"{self.name}*")

    # --- reading -------------------------------------------------------------------------------

    @classmethod
    def durham(cls) -> EligibilityRuleSet:
        """Durham HEART's rules as packaged."""
        return cls.from_yaml(DURHAM_RULES_PATH)

    @classmethod
    def from_yaml(cls, path: str | Path) -> EligibilityRuleSet:
        return cls.from_dict(load_mapping(path), source=str(path))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<dict>") -> EligibilityRuleSet:
        top = Reader(data, source)
        top.check_keys(
            (
                "name",
                "version",
                "description",
                "call_type_column",
                "eligible_call_types",
                "scope",
                "exclusions",
            )
        )
        types = top.child("eligible_call_types")
        types.check_keys(("values", "sources"))
        scope = top.child("scope")
        scope.check_keys(("exclude_self_initiated", "exclude_cancelled"))
        raw = top.data.get("exclusions") or []
        if not isinstance(raw, list):
            raise top.fail("exclusions", "expected a list of exclusion rules")
        exclusions = []
        for i, item in enumerate(raw):
            r = Reader(item, source, f"exclusions[{i}]")
            r.check_keys(("name", "column", "values", "reason", "sources", "verified", "enabled"))
            values = r.texts("values") if r.data.get("values") is not None else None
            exclusions.append(
                ExclusionRule(
                    name=r.text("name"),
                    column=r.text("column"),
                    reason=r.text("reason"),
                    values=values,
                    sources=r.texts("sources"),
                    verified=r.boolean("verified", True),
                    enabled=r.boolean("enabled", True),
                )
            )
        version = top.number("version", 1)
        return cls(
            name=top.text("name"),
            eligible_call_types=types.texts("values"),
            exclusions=tuple(exclusions),
            call_type_column=top.text("call_type_column", "call_type"),
            exclude_self_initiated=scope.boolean("exclude_self_initiated", True),
            exclude_cancelled=scope.boolean("exclude_cancelled", False),
            version=int(version or 1),
            sources=types.texts("sources"),
            source=source,
        )
