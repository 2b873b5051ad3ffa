"""Which 911 calls a civilian crisis team could take (``diversion/durham``): every call decided by
Durham's eligibility rule set (civicstat/safety/rules/durham_heart_eligibility.yaml), each
decision counted by the rule that made it; eligible calls per month; who answered them (HEART,
co-response or police); the eligible calls left to police by hour of day and day of week (the
staffing question); and what changes if one exclusion rule is dropped, over the same calls.
"""

from __future__ import annotations

import ibis
import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicstat.dashboards.analysis import (
    Analysis,
    AnalysisContext,
    Figure,
    Section,
    TextBlock,
    chart_block,
    figure,
    message_analysis,
    register_analysis,
    table_block,
)
from civicstat.dashboards.analysis.build import bar_spec, number, table
from civicstat.dashboards.producers._safety_common import (
    Window,
    data_window,
    eligibility_rules,
    local_zone,
    month_short,
    percent,
    share_of,
)
from civicstat.dashboards.producers._safety_staffing import staffing_section
from civicstat.safety.diversion import (
    CANCELLED,
    ELIGIBLE,
    NOT_ELIGIBLE_TYPE,
    SELF_INITIATED,
    EligibilityRuleSet,
    decide,
    decision_counts,
    eligible_by_month,
    heart_vs_police_share,
    what_if,
)

KEY = "diversion/durham"
DATASETS = ("calls_for_service", "crisis_responses")
RESPONDER_LABELS = {
    "heart": gettext_lazy("HEART (community response team or crisis call diversion)"),
    "co_response": gettext_lazy("Co-response (clinician with an officer)"),
    "police": gettext_lazy("Police"),
}
RESPONDER_ORDER = ("heart", "co_response", "police")


@register_analysis("diversion", datasets=DATASETS)
def diversion(ctx: AnalysisContext) -> list[Analysis]:
    calls = ctx.resolve("calls_for_service")
    crisis = ctx.resolve("crisis_responses")
    return [
        build(calls, crisis, data_window(calls, ctx.as_of, tz=local_zone()), eligibility_rules())
    ]


DECISION_LABELS = {
    ELIGIBLE: gettext_lazy("Eligible call type, no exclusion applies"),
    NOT_ELIGIBLE_TYPE: gettext_lazy("Call type not on the eligible list"),
    SELF_INITIATED: gettext_lazy("Officer-initiated call"),
    CANCELLED: gettext_lazy("Cancelled call"),
}


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _decision_label(ruleset: EligibilityRuleSet, decided_by: str) -> str:
    """The fixed decisions in words; an exclusion by the reason its rule file gives."""
    if decided_by in DECISION_LABELS:
        return str(DECISION_LABELS[decided_by])
    return _sentence(ruleset.reason(decided_by))


def build(
    calls, crisis, window: Window | None, ruleset: EligibilityRuleSet | None = None
) -> Analysis:
    ruleset = ruleset or EligibilityRuleSet.durham()
    title = _("Which 911 calls a civilian team could take")
    if window is None:
        return message_analysis(
            KEY,
            title,
            _("Eligible calls"),
            _("No calls for service have been loaded yet."),
            DATASETS,
        )
    rows = _call_rows(window.filter(calls), ruleset)
    decisions = ibis.memtable(decide(rows, ruleset).to_pyarrow())
    counts = decision_counts(decisions).to_pandas()
    months = eligible_by_month(decisions, window.tz).to_pandas()
    shares = heart_vs_police_share(decisions, crisis, tz=window.tz).to_pandas()

    total = int(counts["calls"].sum())
    eligible = int(counts.loc[counts["decided_by"] == ELIGIBLE, "calls"].sum())
    answered = shares.groupby("answered_by")["calls"].sum()
    sections = [
        _headline(total, eligible, answered),
        _decisions(ruleset, counts),
        _monthly(months, shares),
        staffing_section(decisions, crisis, window.tz),
        _what_if(rows, ruleset),
    ]
    method = _(
        "Each call received in the period is decided once by the rule set, tested in order: "
        "officer-initiated calls are out; then a call whose type is not on the list of eligible "
        "types; then each exclusion in turn (a weapon, a risk to others, a need for medical "
        "care, the highest priority); a call no rule excludes is eligible. A call is counted as "
        "answered by HEART or co-response when a response of that program is linked to it by "
        "call number, and as left to police otherwise. Months, hours and weekdays are local "
        "time. Exclusion flags a source does not record never exclude a call."
    )
    parameters = {
        **window.parameters(),
        "ruleset": ruleset.name,
        "ruleset_version": ruleset.version,
        "eligible_call_types": list(ruleset.eligible_call_types),
        "exclusions": [e.name for e in ruleset.exclusions if e.enabled],
    }
    return Analysis(
        KEY,
        title,
        tuple(sections),
        method=method,
        datasets=DATASETS,
        parameters=parameters,
        period_label=window.label,
    )


def _call_rows(calls, ruleset: EligibilityRuleSet):
    """The columns the decisions read, for the calls in the window, kept in memory: the rule
    set and the what-ifs decide the same calls several times."""
    wanted = {
        "call_id",
        "received_at",
        ruleset.call_type_column,
        "priority",
        "district",
        "beat",
        "source",
        "self_initiated",
        "cancelled",
        *(e.column for e in ruleset.exclusions),
    }
    return ibis.memtable(calls.select(*[c for c in calls.columns if c in wanted]).to_pyarrow())


def _headline(total: int, eligible: int, answered: pd.Series) -> Section:
    def share_figure(label: str, who: str) -> Figure:
        n = int(answered.get(who, 0))
        value = share_of(n, eligible)
        return Figure(
            label,
            percent(value, 1),
            _("%(n)s of %(total)s eligible calls") % {"n": number(n), "total": number(eligible)},
        )

    return Section(
        _("Eligible calls"),
        (
            figure(_("Calls decided"), total, note=_("every call received in the period")),
            figure(
                _("Eligible for a civilian response"),
                eligible,
                note=_("%(share)s of all calls") % {"share": percent(share_of(eligible, total), 1)},
            ),
            share_figure(_("Answered by HEART"), "heart"),
            share_figure(_("Answered by co-response"), "co_response"),
            share_figure(_("Left to police"), "police"),
        ),
    )


def _decisions(ruleset: EligibilityRuleSet, counts: pd.DataFrame) -> Section:
    by_rule = dict(zip(counts["decided_by"], counts["calls"], strict=True))
    rows = [
        [
            _decision_label(ruleset, name),
            _("Yes") if name == ELIGIBLE else _("No"),
            number(int(by_rule.get(name, 0))),
        ]
        for name in ruleset.decisions
    ]
    return Section(
        _("How each call was decided"),
        (
            table_block(
                _("Calls by the rule that decided them"),
                [_("Deciding rule"), _("Eligible"), _("Calls")],
                rows,
                numeric=(False, False, True),
                note=_("Rules are tested in the order shown; the first that applies decides."),
            ),
        ),
        _(
            "The rules are data: the list of eligible call types and each exclusion can be changed "
            "without code."
        ),
    )


def _monthly(months: pd.DataFrame, shares: pd.DataFrame) -> Section:
    labels = [month_short(m) for m in months["month"]]
    pivot = shares.pivot_table(
        index="month", columns="answered_by", values="calls", aggfunc="sum", fill_value=0
    )
    rows, heart_share = [], []
    for month, label in zip(months["month"], labels, strict=True):
        eligible = int(months.loc[months["month"] == month, "eligible_calls"].iloc[0])
        got = {
            who: int(pivot.loc[month, who]) if month in pivot.index and who in pivot.columns else 0
            for who in RESPONDER_ORDER
        }
        share = share_of(got["heart"], eligible)
        heart_share.append(share)
        rows.append(
            [label, number(eligible), *(number(got[w]) for w in RESPONDER_ORDER), percent(share, 1)]
        )
    caption = _("Eligible calls per month and who answered them")
    data = table(
        caption,
        [
            _("Month"),
            _("Eligible calls"),
            _("HEART"),
            _("Co-response"),
            _("Police"),
            _("Share answered by HEART"),
        ],
        rows,
    )
    values = [int(v) for v in months["eligible_calls"]]
    busiest = max(range(len(values)), key=lambda i: values[i]) if values else 0
    summary = (
        _(
            "Between %(low)s and %(high)s calls a month could have gone to a civilian team; the most "
            "came in %(month)s. HEART answered between %(share_low)s and %(share_high)s of them."
        )
        % {
            "low": number(min(values)),
            "high": number(max(values)),
            "month": labels[busiest],
            "share_low": percent(min(s for s in heart_share if s is not None), 1),
            "share_high": percent(max(s for s in heart_share if s is not None), 1),
        }
        if values and any(s is not None for s in heart_share)
        else _("No eligible calls.")
    )
    blocks: list = []
    if rows:
        spec = bar_spec(labels, values, description=summary, y_title=_("Eligible calls"))
        blocks.append(
            chart_block(
                spec,
                chart_id="diversion-eligible-per-month",
                title=_("Eligible calls per month"),
                summary=summary,
                data_table=data,
            )
        )
    else:
        blocks.append(TextBlock(summary))
    return Section(_("Eligible calls month by month"), tuple(blocks))


def _what_if(calls, ruleset: EligibilityRuleSet) -> Section:
    """For each exclusion: the eligible calls if it were dropped; the largest change in detail,
    with every call counted by the rule that decided it under both rule sets."""
    results = []
    for rule in ruleset.exclusions:
        if rule.enabled:
            results.append((rule, what_if(calls, ruleset, ruleset.without_exclusion(rule.name))))
    if not results:
        return Section(
            _("What if a rule changed"), (TextBlock(_("The rule set has no exclusions to drop.")),)
        )
    rows = [
        [
            _("Without: %(reason)s") % {"reason": rule.reason},
            number(r.eligible_a),
            number(r.eligible_b),
            f"{r.change:+,}",
            _("yes") if rule.verified else _("not verified"),
        ]
        for rule, r in results
    ]
    overview = table_block(
        _("Eligible calls if one exclusion were dropped"),
        [
            _("Rule set"),
            _("Eligible now"),
            _("Eligible then"),
            _("Change"),
            _("Exclusion documented by Durham"),
        ],
        rows,
        numeric=(False, True, True, True, False),
    )
    rule, biggest = max(results, key=lambda item: item[1].change)
    other = ruleset.without_exclusion(rule.name)
    now = decision_counts(decide(calls, ruleset)).to_pandas()
    then = decision_counts(decide(calls, other)).to_pandas()
    a = dict(zip(now["decided_by"], now["calls"], strict=True))
    b = dict(zip(then["decided_by"], then["calls"], strict=True))
    detail = table_block(
        _("Calls by deciding rule, now and without “%(reason)s”") % {"reason": rule.reason},
        [_("Deciding rule"), _("Now"), _("Without the exclusion")],
        [
            [
                _decision_label(ruleset, name),
                number(int(a.get(name, 0))),
                number(int(b.get(name, 0))),
            ]
            for name in ruleset.decisions
        ],
    )
    by_type = biggest.by_call_type
    changed = by_type[by_type["change"] != 0]
    type_rows = [
        [
            str(r.call_type),
            number(int(r.eligible_a)),
            number(int(r.eligible_b)),
            f"{int(r.change):+,}",
        ]
        for r in changed.itertuples()
    ]
    blocks = [overview, detail]
    if type_rows:
        blocks.append(
            table_block(
                _("Call types that change without “%(reason)s”") % {"reason": rule.reason},
                [_("Call type"), _("Eligible now"), _("Eligible then"), _("Change")],
                type_rows,
            )
        )
    return Section(
        _("What if a rule changed"),
        tuple(blocks),
        _(
            "The same calls decided again with one exclusion switched off, to show what each rule "
            "keeps from a civilian team."
        ),
    )
