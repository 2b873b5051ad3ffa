"""Per-call eligibility decisions and the what-if comparison of two rule sets (methods.md §4.3).

:func:`decide` collapses the unit rows of ``calls_for_service`` to one row per call (call-level
attributes are the minimum over the call's rows, which agree in a well-formed extract; a flag is
TRUE when any row sets it) and gives each call ``eligible`` and ``decided_by``: the name of the
rule that decided it, tested in this order: ``self_initiated`` / ``cancelled`` (when the rule set
excludes them), ``call_type_not_eligible``, each enabled exclusion in file order, and finally
``eligible_call_type``. Everything runs in the backend.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from civicstat.safety._expr import (
    LOCAL_TIMEZONE,
    column_all,
    column_any,
    column_min,
    local_time,
    require_columns,
)
from civicstat.safety.diversion.ruleset import (
    CANCELLED,
    ELIGIBLE,
    NOT_ELIGIBLE_TYPE,
    SELF_INITIATED,
    EligibilityRuleSet,
    ExclusionRule,
    normalise,
)

DATASET = "calls_for_service"
ATTRIBUTES = ("priority", "district", "beat", "source")
DECISION_COLUMNS = (
    "call_id",
    "received_at",
    "call_type",
    *ATTRIBUTES,
    "eligible",
    "decided_by",
)


def _norm(value: ir.StringValue) -> ir.StringValue:
    return value.strip().lower()


def _call_level(calls: ir.Table, rulesets: tuple[EligibilityRuleSet, ...]) -> ir.Table:
    require_columns(calls, ("call_id", "received_at"), DATASET, "decide")
    type_columns = {rs.call_type_column for rs in rulesets}
    for name in type_columns:
        require_columns(calls, (name,), DATASET, "decide")
    rules = {e.column: e for rs in rulesets for e in rs.exclusions}
    c = calls
    metrics: dict[str, ir.Value] = {
        "received_at": c.received_at.min(),
        "self_initiated": column_any(c, "self_initiated"),
        "cancelled": column_all(c, "cancelled"),
    }
    for name in sorted({*ATTRIBUTES, *type_columns}):
        metrics[name] = column_min(c, name, "string")
    for name, rule in rules.items():
        if name in metrics:
            continue
        if rule.values is None:  # a flag: any unit row setting it sets it for the call
            metrics[name] = c[name].max() if name in c.columns else ibis.null("boolean")
        else:
            metrics[name] = column_min(c, name, "string")
    return c.group_by("call_id").agg(**metrics)


def _applies(table: ir.Table, rule: ExclusionRule) -> ir.BooleanValue:
    value = table[rule.column]
    if rule.values is None:
        return value.fill_null(False)
    return _norm(value).isin([normalise(v) for v in rule.values]).fill_null(False)


def _decided_by(table: ir.Table, ruleset: EligibilityRuleSet) -> ir.StringValue:
    branches = []
    if ruleset.exclude_self_initiated:
        branches.append((table.self_initiated, SELF_INITIATED))
    if ruleset.exclude_cancelled:
        branches.append((table.cancelled, CANCELLED))
    call_type = _norm(table[ruleset.call_type_column])
    eligible_type = call_type.isin(list(ruleset.normalised_call_types)).fill_null(False)
    branches.append((~eligible_type, NOT_ELIGIBLE_TYPE))
    for rule in ruleset.exclusions:
        if rule.enabled:
            branches.append((_applies(table, rule), rule.name))
    return ibis.cases(*branches, else_=ELIGIBLE)


def decide(calls: ir.Table, ruleset: EligibilityRuleSet | None = None) -> ir.Table:
    """One row per call: ``DECISION_COLUMNS`` (``eligible`` bool, ``decided_by`` rule name)."""
    ruleset = ruleset or EligibilityRuleSet.durham()
    level = _call_level(calls, (ruleset,))
    decided = _decided_by(level, ruleset)
    return level.select(
        call_id=level.call_id,
        received_at=level.received_at,
        call_type=level[ruleset.call_type_column],
        **{name: level[name] for name in ATTRIBUTES},
        eligible=decided == ELIGIBLE,
        decided_by=decided,
    )


def decision_counts(decisions: ir.Table) -> ir.Table:
    """Calls by ``decided_by`` (how many each rule decided), largest first."""
    return (
        decisions.group_by(["decided_by", "eligible"])
        .agg(calls=ibis._.count())
        .order_by([ibis.desc("calls"), "decided_by"])
    )


@dataclass(frozen=True)
class WhatIf:
    """What changes if rule set ``a`` is replaced by ``b`` over the same calls.

    ``by_call_type`` (call_type, eligible_a, eligible_b, change) and ``by_month`` (month: first
    local day, eligible_a, eligible_b, change) cover every call type / month with an eligible call
    under either rule set; ``transitions`` counts the calls whose deciding rule changed
    (decided_by_a, decided_by_b, calls).
    """

    ruleset_a: str
    ruleset_b: str
    eligible_a: int
    eligible_b: int
    by_call_type: pd.DataFrame
    by_month: pd.DataFrame
    transitions: pd.DataFrame

    @property
    def change(self) -> int:
        return self.eligible_b - self.eligible_a


def what_if(
    calls: ir.Table,
    ruleset_a: EligibilityRuleSet,
    ruleset_b: EligibilityRuleSet,
    tz: str = LOCAL_TIMEZONE,
) -> WhatIf:
    """Both rule sets decided over the same call-level rows; the change in eligible volume."""
    level = _call_level(calls, (ruleset_a, ruleset_b))
    both = level.select(
        call_type=level[ruleset_a.call_type_column],
        month=local_time(level.received_at, tz).truncate("M").date(),
        decided_by_a=_decided_by(level, ruleset_a),
        decided_by_b=_decided_by(level, ruleset_b),
    )
    both = both.mutate(
        a=(both.decided_by_a == ELIGIBLE).cast("int64"),
        b=(both.decided_by_b == ELIGIBLE).cast("int64"),
    )

    def compare(key: str) -> pd.DataFrame:
        df = (
            both.filter((both.a + both.b) > 0)
            .group_by(key)
            .agg(eligible_a=both.a.sum(), eligible_b=both.b.sum())
            .order_by(key)
            .to_pandas()
        )
        df[["eligible_a", "eligible_b"]] = df[["eligible_a", "eligible_b"]].astype("int64")
        df["change"] = df["eligible_b"] - df["eligible_a"]
        return df.reset_index(drop=True)

    by_call_type = compare("call_type")
    by_month = compare("month")
    transitions = (
        both.filter(both.decided_by_a != both.decided_by_b)
        .group_by(["decided_by_a", "decided_by_b"])
        .agg(calls=ibis._.count())
        .order_by([ibis.desc("calls"), "decided_by_a", "decided_by_b"])
        .to_pandas()
        .reset_index(drop=True)
    )
    return WhatIf(
        ruleset_a=ruleset_a.name,
        ruleset_b=ruleset_b.name,
        eligible_a=int(by_call_type["eligible_a"].sum()),
        eligible_b=int(by_call_type["eligible_b"].sum()),
        by_call_type=by_call_type,
        by_month=by_month,
        transitions=transitions,
    )
