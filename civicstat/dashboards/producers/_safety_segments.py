"""Response-time segments in words, and the shipped standards (civicstat/safety/standards.yaml)
applied to the calls: which standards apply to the agencies in the data, which threshold each
segment's "% within" uses, and each standard evaluated as it is defined (a share within a
threshold, or an average)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicstat.dashboards.analysis.build import NO_DATA, number
from civicstat.dashboards.producers._safety_common import percent, seconds_as_minutes
from civicstat.safety.response_times import Standard, summary

SEGMENT_LABELS = {
    "answer": gettext_lazy("Call answering (ring to answer)"),
    "processing": gettext_lazy("Call processing (answer to first dispatch)"),
    "queue": gettext_lazy("Queue (call created to first dispatch)"),
    "turnout": gettext_lazy("Turnout (dispatch to en route)"),
    "travel": gettext_lazy("Travel (en route to on scene)"),
    "response": gettext_lazy("Call received to first unit on scene"),
    "on_scene": gettext_lazy("On scene (arrival to clear)"),
    "total": gettext_lazy("Total (call received to clear)"),
}
REASON_LABELS = {
    "no_arrival": gettext_lazy("No unit arrived"),
    "missing_timestamp": gettext_lazy("Missing time stamp"),
    "negative_interval": gettext_lazy("Negative interval"),
    "zero_artefact": gettext_lazy("Zero from a status button"),
    "over_cap": gettext_lazy("Over the cap"),
}
SCOPE_LABELS = {
    "in_scope": gettext_lazy("In scope"),
    "self_initiated": gettext_lazy("Officer-initiated (out of scope)"),
    "cancelled": gettext_lazy("Cancelled (out of scope)"),
    "excluded_source": gettext_lazy("Excluded source (out of scope)"),
    "excluded_disposition": gettext_lazy("Excluded disposition (out of scope)"),
}
# Which standard gives each segment's "% within" threshold, first applicable wins.
THRESHOLD_PREFERENCE = (
    "nena_answer_15s",
    "nfpa1225_processing_60s",
    "nfpa1710_turnout_ems_60s",
    "nfpa1710_turnout_fire_80s",
    "nfpa1710_travel_first_engine_240s",
    "nfpa1710_travel_als_480s",
    "durham_p1_within_5min",
)
PRIORITY_ORDER = ("P", "E", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9")


def priority_order(values: Iterable) -> list[str]:
    """Priorities most urgent first: Durham's P, then numbers, then anything else by name."""

    def rank(value: str):
        return (PRIORITY_ORDER.index(value), "") if value in PRIORITY_ORDER else (99, value)

    return sorted((str(v) for v in values), key=rank)


def applicable(standard: Standard, agencies: set[str]) -> bool:
    """A standard restricted to some agencies applies when the data holds one of them (lower
    case); one without an agency restriction always applies."""
    wanted = {a.lower() for a in standard.applies_to.get("agency", ())}
    return not wanted or bool(wanted & {a.lower() for a in agencies})


def threshold_standards(standards: Iterable[Standard], agencies: set[str]) -> dict[str, Standard]:
    pool = {s.key: s for s in standards}
    chosen: dict[str, Standard] = {}
    for key in THRESHOLD_PREFERENCE:
        standard = pool.get(key)
        if standard is None or not applicable(standard, agencies):
            continue
        chosen.setdefault(standard.segment, standard)
    return chosen


@dataclass(frozen=True)
class StandardResult:
    standard: Standard
    observed: float | None
    n_used: int

    def _scope(self) -> str:
        parts = []
        if self.standard.applies_to.get("agency"):
            parts.append(", ".join(self.standard.applies_to["agency"]))
        if self.standard.applies_to.get("priority"):
            parts.append(
                _("priority %(p)s") % {"p": ", ".join(self.standard.applies_to["priority"])}
            )
        return "; ".join(parts) or _("all calls")

    def _format(self, value: float | None) -> str:
        if self.standard.statistic == "mean":
            return seconds_as_minutes(value)
        return percent(value, 1)

    def _target(self) -> str:
        s = self.standard
        if s.statistic == "mean":
            return _("average of %(t)s or less") % {"t": seconds_as_minutes(s.target)}
        return _("%(share)s within %(limit)s") % {
            "share": percent(s.target, 0),
            "limit": seconds_as_minutes(s.threshold_seconds),
        }

    def met_text(self) -> str:
        if self.observed is None:
            return _("No data")
        return _("Met") if self.standard.is_met(self.observed) else _("Not met")

    def row(self) -> list[str]:
        label = self.standard.label
        if not self.standard.verified:
            label = _("%(label)s (not verified)") % {"label": label}
        return [
            label,
            self._scope(),
            self._target(),
            self._format(self.observed),
            self.met_text(),
            number(self.n_used) if self.n_used else NO_DATA,
        ]


def evaluate_standard(view, standard: Standard) -> StandardResult:
    """``standard``'s statistic over the segment view, restricted to its priorities (the
    agencies were checked by :func:`applicable`)."""
    rows = view.filter(view.segment == standard.segment)
    priorities = standard.applies_to.get("priority")
    if priorities:
        rows = rows.filter(rows.priority.isin(list(priorities)))
    agencies = standard.applies_to.get("agency")
    if agencies:
        rows = rows.filter(rows.agency.lower().isin([a.lower() for a in agencies]))
    thresholds = (
        {standard.segment: standard.threshold_seconds}
        if standard.threshold_seconds is not None
        else None
    )
    out = summary(rows, by=(), thresholds=thresholds)
    if out.empty or int(out["n_used"].iloc[0]) == 0:
        return StandardResult(standard, None, 0)
    row = out.iloc[0]
    value = row["mean_seconds"] if standard.statistic == "mean" else row["pct_within"]
    return StandardResult(standard, float(value), int(row["n_used"]))
