"""The response-time segment view: one row per (call, segment) (methods.md §3.2–3.3).

Input is a ``calls_for_service`` table (one row per unit response, briefs/datasets.md). The
computation, all inside the backend:

1. **Scope** (§3.3 rule 1): a call is out of scope when it is self-initiated (any unit row says
   so), cancelled (every unit row says so), or its source / disposition is on the rule's list.
   Out-of-scope calls get no segment rows; :func:`scope` and :func:`scope_counts` count them.
2. **First-arriving unit** (§3.2, CPSM): per call, the unit with the earliest ``onscene_at``
   (units of an ignored type never count); ties go to the earlier dispatch, then the smaller
   ``unit_id``; found in one aggregation (an ordered ``argmin``), not a window sort. This is not the first-dispatched unit: call processing uses the earliest dispatch
   of any unit, turnout and travel use the first-arriving unit's own stamps.
3. **Segments**: ``end − start`` in seconds on the instants (UTC), so DST changes never bend an
   interval. Each interval either is usable (``excluded_reason`` NULL) or carries the first
   reason that applies, in this order: ``no_arrival`` (no unit reached the scene),
   ``missing_timestamp``, ``negative_interval`` (never clipped to 0), ``zero_artefact`` (a zero
   turnout/travel from a status button, §3.3 rule 4), ``over_cap`` (§3.3 rule 5). ``seconds``
   keeps the raw value of negative and over-cap intervals so a sensitivity line without caps can
   be drawn; every statistic uses only rows whose ``excluded_reason`` is NULL.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from civicstat.safety._expr import (
    column,
    column_all,
    column_any,
    column_min,
    require_columns,
    seconds_between,
)
from civicstat.safety.response_times.rules import (
    CANCELLED,
    EXCLUDED_DISPOSITION,
    EXCLUDED_SOURCE,
    MISSING_TIMESTAMP,
    NEGATIVE_INTERVAL,
    NO_ARRIVAL,
    OVER_CAP,
    SEGMENTS,
    SELF_INITIATED,
    ZERO_ARTEFACT,
    SegmentRules,
)

DATASET = "calls_for_service"
CALL_ATTRIBUTES = ("priority", "call_type", "source", "district", "beat", "agency")
SEGMENT_COLUMNS = (
    "call_id",
    "segment",
    "seconds",
    "excluded_reason",
    "start_field",
    "unit_id",
    "priority",
    "call_type",
    "source",
    "district",
    "beat",
    "received_at",
    "agency",
)


def _contract_field(name: str) -> str:
    """The contract column a per-call field comes from (``fa_enroute_at`` → ``enroute_at``)."""
    return "dispatched_at" if name == "first_dispatched_at" else name.removeprefix("fa_")


def _lower_in(value: ir.StringValue, options: tuple[str, ...]) -> ir.BooleanValue:
    return value.lower().strip().isin(list(options)).fill_null(False)


def _calls(calls: ir.Table, rules: SegmentRules) -> ir.Table:
    """One row per call: the first-arriving unit's stamps, call-level stamps and scope reason.

    One aggregation: the first-arriving unit's row is the minimum of the key (no arrival,
    arrival, no dispatch, dispatch, unit id) — an ordered ``argmin`` — so no window sort is
    needed.
    """
    require_columns(calls, ("call_id", "unit_id", "received_at"), DATASET, "segments")
    ts_type = calls.received_at.type()
    string = "string"
    c = calls
    unit_type = column(c, "unit_type", string)
    onscene = column(c, "onscene_at", ts_type)
    dispatched = column(c, "dispatched_at", ts_type)
    arrival = onscene
    if rules.ignore_unit_types:
        arrival = ibis.ifelse(
            _lower_in(unit_type, rules.ignore_unit_types), ibis.null(ts_type), onscene
        )
    order = ibis.struct(
        {
            "no_arrival": arrival.isnull(),
            "arrival": arrival,
            "no_dispatch": dispatched.isnull(),
            "dispatched": dispatched,
            "unit_id": c.unit_id,
        }
    )
    lead = ibis.struct(
        {
            "unit_id": c.unit_id,
            "dispatched_at": dispatched,
            "enroute_at": column(c, "enroute_at", ts_type),
            "onscene_at": arrival,
            "cleared_at": column(c, "cleared_at", ts_type),
            "disposition": column(c, "disposition", string).cast(string),
            **{name: column(c, name, string).cast(string) for name in CALL_ATTRIBUTES},
        }
    )
    per_call = c.group_by("call_id").agg(
        _lead=lead.argmin(order),
        received_at=c.received_at.min(),
        answered_at=column_min(c, "answered_at", ts_type),
        created_at=column_min(c, "created_at", ts_type),
        first_dispatched_at=column_min(c, "dispatched_at", ts_type),
        _any_self=column_any(c, "self_initiated"),
        _all_cancelled=column_all(c, "cancelled"),
    )
    lead = per_call._lead
    branches = []
    if rules.exclude_self_initiated:
        branches.append((per_call._any_self, SELF_INITIATED))
    if rules.exclude_cancelled:
        branches.append((per_call._all_cancelled, CANCELLED))
    if rules.exclude_sources:
        branches.append((_lower_in(lead["source"], rules.exclude_sources), EXCLUDED_SOURCE))
    if rules.exclude_dispositions:
        branches.append(
            (_lower_in(lead["disposition"], rules.exclude_dispositions), EXCLUDED_DISPOSITION)
        )
    scope_reason = ibis.cases(*branches, else_=ibis.null(string)) if branches else None
    arrived = lead["onscene_at"].notnull()
    return per_call.select(
        call_id=per_call.call_id,
        received_at=per_call.received_at,
        answered_at=per_call.answered_at,
        created_at=per_call.created_at,
        first_dispatched_at=per_call.first_dispatched_at,
        fa_unit_id=ibis.ifelse(arrived, lead["unit_id"], ibis.null(string)),
        fa_dispatched_at=lead["dispatched_at"],
        fa_enroute_at=lead["enroute_at"],
        fa_onscene_at=lead["onscene_at"],
        fa_cleared_at=lead["cleared_at"],
        scope_reason=scope_reason if scope_reason is not None else ibis.null(string),
        **{name: lead[name] for name in CALL_ATTRIBUTES},
    )


def scope(calls: ir.Table, rules: SegmentRules | None = None) -> ir.Table:
    """One row per call with ``scope_reason`` (NULL when the call is in scope, methods.md §3.3).

    Columns: call_id, received_at, scope_reason, priority, call_type, source, district, beat,
    agency.
    """
    rules = rules or SegmentRules.default()
    per_call = _calls(calls, rules)
    return per_call.select("call_id", "received_at", "scope_reason", *CALL_ATTRIBUTES)


def scope_counts(
    calls: ir.Table, rules: SegmentRules | None = None, by: tuple[str, ...] = ()
) -> ir.Table:
    """Calls by scope reason (``in_scope`` for the calls kept), optionally by call attributes."""
    scoped = scope(calls, rules)
    reason = scoped.scope_reason.fill_null("in_scope")
    return (
        scoped.mutate(scope=reason)
        .group_by(["scope", *by])
        .agg(calls=ibis._.count())
        .order_by(["scope", *by])
    )


def segments(calls: ir.Table, rules: SegmentRules | None = None) -> ir.Table:
    """The long segment view: one row per (in-scope call, segment in ``rules``).

    Columns (``SEGMENT_COLUMNS``): call_id, segment, seconds (float, raw; NULL when a stamp is
    missing), excluded_reason (NULL when usable), start_field (the contract column that started
    the interval, e.g. ``created_at`` when processing fell back from a missing ``answered_at``),
    unit_id (the first-arriving unit for unit-level segments, NULL for call-level ones),
    priority, call_type, source, district, beat, received_at (of the call), agency. Call
    attributes are the first-arriving unit's row's (the first-dispatched row's if none arrived).
    """
    rules = rules or SegmentRules.default()
    per_call = _calls(calls, rules)
    in_scope = per_call.filter(per_call.scope_reason.isnull())

    rows = []
    for name, rule in rules.segments.items():
        definition = SEGMENTS[name]
        start = in_scope[definition.start]
        primary = _contract_field(definition.start)
        start_field = ibis.ifelse(start.notnull(), primary, ibis.null("string"))
        if rule.fallback_start is not None:
            fallback = in_scope[rule.fallback_start]
            start_field = ibis.cases(
                (start.notnull(), primary),
                (fallback.notnull(), _contract_field(rule.fallback_start)),
                else_=ibis.null("string"),
            )
            start = start.coalesce(fallback)
        end = in_scope[definition.end]
        seconds = seconds_between(start, end)

        branches = []
        if definition.needs_arrival:
            branches.append((in_scope.fa_onscene_at.isnull(), NO_ARRIVAL))
        branches += [
            (start.isnull() | end.isnull(), MISSING_TIMESTAMP),
            (seconds < 0, NEGATIVE_INTERVAL),
        ]
        if rule.zero_is_artefact:
            branches.append((seconds == 0, ZERO_ARTEFACT))
        if rule.cap_seconds is not None:
            branches.append((seconds > rule.cap_seconds, OVER_CAP))
        rows.append(
            ibis.struct(
                {
                    "segment": ibis.literal(name),
                    "seconds": seconds,
                    "excluded_reason": ibis.cases(*branches, else_=ibis.null("string")),
                    "start_field": start_field,
                    "unit_id": in_scope.fa_unit_id
                    if definition.needs_arrival
                    else ibis.null("string"),
                }
            )
        )
    # One pass: each call row becomes one row per segment (an unnest, not a union of scans).
    long = in_scope.select(
        "call_id", *CALL_ATTRIBUTES, "received_at", _segment=ibis.array(rows).unnest()
    ).unpack("_segment")
    return long.select(*SEGMENT_COLUMNS)
