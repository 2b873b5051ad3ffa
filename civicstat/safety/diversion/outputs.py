"""What the eligibility decisions are used for (methods.md §4.3): eligible volume per month, the
share of eligible calls answered by HEART versus police (coverage), and the eligible calls left
to police by hour of day and day of week (the staffing question).

Months, hours and weekdays are read from local wall-clock time (default America/New_York, from
the IANA database, so DST is right), never from the stored UTC instant. Every share comes with
its numerator and denominator. All functions return Ibis expressions over small aggregates.
"""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from civicstat.safety._expr import LOCAL_TIMEZONE, local_time, require_columns

POLICE = "police"
DEFAULT_RESPONDERS: Mapping[str, str] = {
    # program -> who answered; earlier entries win when a call has several responses.
    "community_response_team": "heart",
    "crisis_call_diversion": "heart",
    "co_response": "co_response",
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _month(ts: ir.TimestampValue, tz: str) -> ir.DateValue:
    return local_time(ts, tz).truncate("M").date()


def eligible_by_month(decisions: ir.Table, tz: str = LOCAL_TIMEZONE) -> ir.Table:
    """Per local month: eligible calls, calls decided, and the eligible share of all calls.

    Columns: month (first day, local), eligible_calls, calls, eligible_pct (0–100).
    """
    require_columns(decisions, ("received_at", "eligible"), "decisions", "eligible_by_month")
    d = decisions.mutate(month=_month(decisions.received_at, tz))
    out = d.group_by("month").agg(eligible_calls=d.count(where=d.eligible), calls=d.count())
    return out.mutate(eligible_pct=out.eligible_calls.cast("float64") * 100.0 / out.calls).order_by(
        "month"
    )


def answered_by(
    decisions: ir.Table,
    crisis: ir.Table,
    responders: Mapping[str, str] = DEFAULT_RESPONDERS,
) -> ir.Table:
    """Eligible calls with ``answered_by``: the responder of their first-ranked program response
    (joined by call_id), or ``police`` when no listed program responded.

    Assumption [I]: an eligible call with no linked program response was handled by police.
    """
    require_columns(crisis, ("call_id", "program"), "crisis_responses", "answered_by")
    programs = list(responders)
    rank = ibis.cases(*((crisis.program == p, i) for i, p in enumerate(programs)))
    ranked = (
        crisis.filter(crisis.program.isin(programs) & crisis.call_id.notnull())
        .mutate(_rank=rank)
        .group_by("call_id")
        .agg(_best=ibis._._rank.min())
    )
    responder = ibis.cases(
        *((ranked._best == i, responders[p]) for i, p in enumerate(programs)),
        else_=ibis.null("string"),
    )
    ranked = ranked.select(_call_id=ranked.call_id, _responder=responder)
    eligible = decisions.filter(decisions.eligible)
    joined = eligible.left_join(ranked, eligible.call_id == ranked._call_id)
    return joined.select(*eligible.columns, answered_by=joined._responder.fill_null(POLICE))


def heart_vs_police_share(
    decisions: ir.Table,
    crisis: ir.Table,
    responders: Mapping[str, str] = DEFAULT_RESPONDERS,
    tz: str = LOCAL_TIMEZONE,
) -> ir.Table:
    """Per local month and responder: eligible calls answered and their share (coverage).

    Columns: month, answered_by (heart, co_response, police, ...), calls (numerator),
    eligible_calls (denominator: all eligible calls that month), share_pct (0–100).
    """
    a = answered_by(decisions, crisis, responders)
    a = a.mutate(month=_month(a.received_at, tz))
    counts = a.group_by(["month", "answered_by"]).agg(calls=ibis._.count())
    per_month = ibis.window(group_by=counts.month)
    counts = counts.mutate(eligible_calls=counts.calls.sum().over(per_month))
    return counts.mutate(
        share_pct=counts.calls.cast("float64") * 100.0 / counts.eligible_calls
    ).order_by(["month", "answered_by"])


def left_to_police_by_hour_weekday(
    decisions: ir.Table,
    crisis: ir.Table,
    responders: Mapping[str, str] = DEFAULT_RESPONDERS,
    tz: str = LOCAL_TIMEZONE,
) -> ir.Table:
    """Eligible calls left to police, per local weekday and hour: the full 7 × 24 grid.

    Columns: weekday (0 = Monday), weekday_name, hour (0–23), calls (0 where none),
    eligible_calls (all eligible calls in that cell), police_pct (0–100, NULL when no call).
    """
    a = answered_by(decisions, crisis, responders)
    local = local_time(a.received_at, tz)
    a = a.mutate(
        _weekday=local.day_of_week.index().cast("int64"),
        _hour=local.hour().cast("int64"),
        _police=(a.answered_by == POLICE).cast("int64"),
    )
    cells = a.group_by(["_weekday", "_hour"]).agg(calls=a._police.sum(), eligible_calls=a.count())
    grid = ibis.memtable(
        {
            "weekday": [d for d in range(7) for _ in range(24)],
            "weekday_name": [WEEKDAYS[d] for d in range(7) for _ in range(24)],
            "hour": [h for _ in range(7) for h in range(24)],
        },
        schema={"weekday": "int64", "weekday_name": "string", "hour": "int64"},
    )
    joined = grid.left_join(cells, (grid.weekday == cells._weekday) & (grid.hour == cells._hour))
    calls = joined.calls.fill_null(0).cast("int64")
    eligible = joined.eligible_calls.fill_null(0).cast("int64")
    return joined.select(
        weekday=joined.weekday,
        weekday_name=joined.weekday_name,
        hour=joined.hour,
        calls=calls,
        eligible_calls=eligible,
        police_pct=ibis.ifelse(
            eligible > 0, calls.cast("float64") * 100.0 / eligible, ibis.null("float64")
        ),
    ).order_by(["weekday", "hour"])
