"""Alternative (civilian) crisis-response measures: the figures Durham publishes per HEART program
(methods.md §4.1, §4.3; seed deck "Community Safety Department").

Derived view :func:`responses` (one row per response, in the backend) gives each response three
times in minutes, each with its exclusion reason:

* ``minutes_to_scene``: ``start → onscene_at``. The start is configurable
  (:class:`CrisisTimeRules.to_scene_start`); the default is ``dispatched_at`` (team dispatched →
  on scene), methods.md §4.3 "Response time: dispatch→arrival" [I]. Durham does not publish which
  stamps its "minutes to scene" uses, so this is a documented choice, not a fact.
* ``minutes_on_scene``: ``onscene_at → cleared_at``.
* ``minutes_total``: ``start → cleared_at`` (= to scene + on scene when both are usable).

Reasons, first that applies: ``not_in_person`` (phone-only responses have no scene),
``missing_timestamp``, ``negative_interval``, ``over_cap`` (caps are [I] defaults, configurable).
Raw minutes are kept on excluded rows; statistics use rows whose reason is NULL.

:func:`program_summary` returns, per program and for all programs together: responses, mean /
median / P90 of each time (``inverted_cdf``, P90 suppressed below 20 values, methods.md §0,
§3.4), and the rates % transport, % police backup, % EMS support (denominator: in-person
responses with the flag recorded) and care-navigation follow-up within 48 h (denominator:
responses where the flag applies, i.e. is not NULL), each with numerator and denominator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from civicstat.safety._expr import (
    MIN_N_FOR_P90,
    PERCENTILE_METHOD,
    column,
    quantile,
    require_columns,
    seconds_between,
)
from civicstat.safety.errors import SafetyConfigError

DATASET = "crisis_responses"
ALL_PROGRAMS = "all"
PROGRAMS = ("community_response_team", "co_response", "crisis_call_diversion", "care_navigation")

NOT_IN_PERSON = "not_in_person"
MISSING_TIMESTAMP = "missing_timestamp"
NEGATIVE_INTERVAL = "negative_interval"
OVER_CAP = "over_cap"
EXCLUSION_REASONS = (NOT_IN_PERSON, MISSING_TIMESTAMP, NEGATIVE_INTERVAL, OVER_CAP)

TIMES = ("to_scene", "on_scene", "total")
RATES = {
    "transport": "transport_needed",
    "police_backup": "police_backup_requested",
    "ems_support": "ems_support_requested",
}
START_CHOICES = ("received_at", "dispatched_at", "enroute_at")


@dataclass(frozen=True)
class CrisisTimeRules:
    """How response times are measured. Caps (minutes) are [I] defaults; None = no cap."""

    to_scene_start: str = "dispatched_at"
    to_scene_cap_minutes: float | None = 240.0
    on_scene_cap_minutes: float | None = 720.0
    total_cap_minutes: float | None = 960.0

    def __post_init__(self) -> None:
        if self.to_scene_start not in START_CHOICES:
            raise SafetyConfigError(
                "CrisisTimeRules",
                "to_scene_start",
                f"expected one of {list(START_CHOICES)}, found {self.to_scene_start!r}",
            )


RESPONSE_COLUMNS = (
    "response_id",
    "program",
    "call_id",
    "received_at",
    "in_person",
    "transport_needed",
    "police_backup_requested",
    "ems_support_requested",
    "followed_up_within_48h",
    "call_type",
    "district",
    "beat",
    *(f"minutes_{t}" for t in TIMES),
    *(f"{t}_excluded_reason" for t in TIMES),
)


def responses(crisis: ir.Table, rules: CrisisTimeRules | None = None) -> ir.Table:
    """One row per response with minutes to scene, on scene, total and their exclusion reasons.

    Columns: ``RESPONSE_COLUMNS``. ``person_id`` is deliberately not carried (person-level data
    stays in the warehouse table, methods.md §5.5).
    """
    rules = rules or CrisisTimeRules()
    require_columns(crisis, ("response_id", "program", "received_at"), DATASET, "responses")
    c = crisis
    ts_type = c.received_at.type()
    start = column(c, rules.to_scene_start, ts_type)
    onscene = column(c, "onscene_at", ts_type)
    cleared = column(c, "cleared_at", ts_type)
    in_person = column(c, "in_person", "boolean")
    phone_only = in_person.notnull() & ~in_person

    def timed(begin, end, cap):
        minutes = seconds_between(begin, end) / 60.0
        branches = [
            (phone_only, NOT_IN_PERSON),
            (begin.isnull() | end.isnull(), MISSING_TIMESTAMP),
            (minutes < 0, NEGATIVE_INTERVAL),
        ]
        if cap is not None:
            branches.append((minutes > cap, OVER_CAP))
        return minutes, ibis.cases(*branches, else_=ibis.null("string"))

    to_scene, to_scene_reason = timed(start, onscene, rules.to_scene_cap_minutes)
    on_scene, on_scene_reason = timed(onscene, cleared, rules.on_scene_cap_minutes)
    total, total_reason = timed(start, cleared, rules.total_cap_minutes)
    return c.select(
        response_id=c.response_id,
        program=c.program,
        call_id=column(c, "call_id", "string"),
        received_at=c.received_at,
        in_person=in_person,
        transport_needed=column(c, "transport_needed", "boolean"),
        police_backup_requested=column(c, "police_backup_requested", "boolean"),
        ems_support_requested=column(c, "ems_support_requested", "boolean"),
        followed_up_within_48h=column(c, "followed_up_within_48h", "boolean"),
        call_type=column(c, "call_type", "string"),
        district=column(c, "district", "string"),
        beat=column(c, "beat", "string"),
        minutes_to_scene=to_scene,
        minutes_on_scene=on_scene,
        minutes_total=total,
        to_scene_excluded_reason=to_scene_reason,
        on_scene_excluded_reason=on_scene_reason,
        total_excluded_reason=total_reason,
    )


def _metrics(r: ir.Table) -> dict[str, ir.Value]:
    metrics: dict[str, ir.Value] = {
        "responses": r.count(),
        "in_person_responses": r.count(where=r.in_person.fill_null(False)),
    }
    for t in TIMES:
        value = r[f"minutes_{t}"]
        reason = r[f"{t}_excluded_reason"]
        usable = reason.isnull()
        metrics[f"{t}_n_used"] = r.count(where=usable)
        for why in EXCLUSION_REASONS:
            metrics[f"{t}_excluded_{why}"] = r.count(where=reason == why)
        metrics[f"{t}_mean"] = value.mean(where=usable)
        metrics[f"{t}_median"] = quantile(value, 0.5, where=usable)
        metrics[f"{t}_p90"] = quantile(value, 0.9, where=usable)
    in_person = r.in_person.fill_null(False)
    for name, flag in RATES.items():
        recorded = in_person & r[flag].notnull()
        metrics[f"{name}_numerator"] = r.count(where=recorded & r[flag])
        metrics[f"{name}_denominator"] = r.count(where=recorded)
    follow = r.followed_up_within_48h
    metrics["follow_up_numerator"] = r.count(where=follow.fill_null(False))
    metrics["follow_up_denominator"] = r.count(where=follow.notnull())
    return metrics


def program_summary(
    crisis: ir.Table,
    rules: CrisisTimeRules | None = None,
    programs: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Durham's published program measures, computed; one row per program plus ``all``.

    ``crisis`` is a ``crisis_responses`` table (already filtered to the period wanted);
    ``programs`` restricts the programs reported (and the ``all`` row) when given.

    Columns: program, responses, in_person_responses; for each of to_scene / on_scene / total:
    ``_n_used``, ``_excluded_<reason>``, ``_n_excluded``, ``_mean``, ``_median``, ``_p90``
    (minutes); for transport / police_backup / ems_support / follow_up: ``_numerator``,
    ``_denominator``, ``_pct`` (0–100, NULL when the denominator is 0); percentile_method.
    """
    view = responses(crisis, rules)
    if programs is not None:
        view = view.filter(view.program.isin(list(programs)))
    metrics = _metrics(view)
    per_program = view.group_by("program").agg(**metrics)
    overall = view.aggregate(**metrics).mutate(program=ibis.literal(ALL_PROGRAMS))
    table = ibis.union(per_program, overall.select(*per_program.columns)).to_pandas()

    for t in TIMES:
        table[f"{t}_n_excluded"] = sum(table[f"{t}_excluded_{why}"] for why in EXCLUSION_REASONS)
        for stat in ("mean", "median", "p90"):
            table[f"{t}_{stat}"] = table[f"{t}_{stat}"].astype("float64")
        table[f"{t}_p90"] = table[f"{t}_p90"].mask(table[f"{t}_n_used"] < MIN_N_FOR_P90)
    for name in (*RATES, "follow_up"):
        num, den = table[f"{name}_numerator"], table[f"{name}_denominator"]
        table[f"{name}_pct"] = (num / den.where(den > 0) * 100.0).astype("float64")
    table["percentile_method"] = PERCENTILE_METHOD

    order = {p: i for i, p in enumerate((*PROGRAMS, ALL_PROGRAMS))}
    table["_order"] = table["program"].map(order).fillna(len(order))
    table = table.sort_values(["_order", "program"]).drop(columns="_order")
    columns = ["program", "responses", "in_person_responses"]
    for t in TIMES:
        columns += [f"{t}_n_used", f"{t}_n_excluded"]
        columns += [f"{t}_excluded_{why}" for why in EXCLUSION_REASONS]
        columns += [f"{t}_mean", f"{t}_median", f"{t}_p90"]
    for name in (*RATES, "follow_up"):
        columns += [f"{name}_numerator", f"{name}_denominator", f"{name}_pct"]
    columns.append("percentile_method")
    return table[columns].reset_index(drop=True)
