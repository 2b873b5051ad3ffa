"""911 and emergency response times (``response-times/calls``), segment by segment (methods.md
§3): call answering, call processing, turnout, travel, call received to first unit on scene, on
scene and total, as median, 90th percentile, average and % within a threshold, overall, by
priority and for the busiest call types; against the NENA, NFPA and Durham standards shipped in
civicstat/safety/standards.yaml; with the calls out of scope and the intervals left out, by
reason, and the averages with and without the caps.

All statistics come from :func:`civicstat.safety.response_times.summary` over
:func:`~civicstat.safety.response_times.segments` (first-arriving unit, default rules).
"""

from __future__ import annotations

import ibis
import pandas as pd
from django.utils.translation import gettext as _

from civicstat.dashboards.analysis import (
    Analysis,
    AnalysisContext,
    Figure,
    Section,
    TextBlock,
    chart_block,
    message_analysis,
    register_analysis,
    table_block,
)
from civicstat.dashboards.analysis.build import NO_DATA, bar_spec, number, table
from civicstat.dashboards.producers._safety_common import (
    Window,
    count,
    data_window,
    is_missing,
    local_zone,
    percent,
    seconds_as_minutes,
    segment_rules,
)
from civicstat.dashboards.producers._safety_segments import (
    REASON_LABELS,
    SCOPE_LABELS,
    SEGMENT_LABELS,
    applicable,
    evaluate_standard,
    priority_order,
    threshold_standards,
)
from civicstat.safety._expr import PERCENTILE_METHOD
from civicstat.safety.response_times import (
    EXCLUSION_REASONS,
    SegmentRules,
    load_standards,
    scope_counts,
    segments,
    summary,
)

KEY = "response-times/calls"
DATASET = "calls_for_service"
TOP_CALL_TYPES = 10
HEADLINE = "response"
HEADLINE_PRIORITY = "1"  # Durham's response-time targets are for Priority-1 calls


@register_analysis("response-times", datasets=(DATASET,))
def response_times(ctx: AnalysisContext) -> list[Analysis]:
    calls = ctx.resolve(DATASET)
    return [build(calls, data_window(calls, ctx.as_of, tz=local_zone()), segment_rules())]


def _time(value) -> str:
    return seconds_as_minutes(value)


def _within(row) -> str:
    if is_missing(row["pct_within"]):
        return NO_DATA
    return _("%(pct)s within %(limit)s") % {
        "pct": percent(row["pct_within"], 1),
        "limit": _time(row["threshold_seconds"]),
    }


def _segment_row(row, first: list[str]) -> list[str]:
    return [
        *first,
        _time(row["median_seconds"]),
        _time(row["p90_seconds"]),
        _time(row["mean_seconds"]),
        _within(row),
        count(row["n_used"]),
        count(row["n_excluded"]),
    ]


STAT_HEADERS = (
    "Median",
    "90th percentile",
    "Average",
    "Within the threshold",
    "Calls used",
    "Left out",
)


def _stat_headers() -> list[str]:
    return [_(h) for h in STAT_HEADERS]


def build(
    calls, window: Window | None, rules: SegmentRules | None = None, top_n: int = TOP_CALL_TYPES
) -> Analysis:
    rules = rules or SegmentRules.default()
    title = _("911 and emergency response times")
    if window is None:
        return message_analysis(
            KEY,
            title,
            _("Response times"),
            _("No calls for service have been loaded yet."),
            (DATASET,),
        )
    rows = window.filter(calls)
    # The segment view is computed once and kept in memory: every table below reads it.
    view = ibis.memtable(segments(rows, rules).to_pyarrow())
    agencies = {str(a) for a in view.select("agency").distinct().to_pandas()["agency"].dropna()}
    standards = load_standards()
    chosen = threshold_standards(standards, agencies)
    thresholds = {segment: s.threshold_seconds for segment, s in chosen.items()}
    overall = summary(view, by=(), thresholds=thresholds).set_index("segment")
    by_priority = summary(view, by=("priority",), thresholds=thresholds)
    scope = scope_counts(rows, rules).to_pandas()

    sections = [
        _headline(overall, by_priority, scope),
        _segments_section(overall, rules),
        _priority_section(by_priority),
        _standards_section(view, standards, agencies),
        _call_types_section(view, thresholds, top_n),
        _left_out_section(overall, scope, rules),
        _sensitivity_section(view, rules, overall),
    ]
    method = _(
        "Each call received in the period is followed from the 911 call to its first-arriving "
        "unit (the unit that reached the scene first, not the first dispatched). Officer-"
        "initiated and cancelled calls are out of scope. Each interval is computed on the UTC "
        "instants, so clock changes never bend it; an interval is left out of its segment, and "
        "counted by reason, when the unit never arrived, a time stamp is missing, the interval "
        "is negative, a zero turnout or travel comes from a status button, or it is longer "
        "than the cap; nothing is clipped or filled in. Medians and 90th percentiles are "
        "observed values (inverted CDF); the 90th percentile is withheld when fewer than 20 "
        "intervals back it. Times are minutes:seconds."
    )
    parameters = {
        **window.parameters(),
        "rules": rules.source,
        "caps_seconds": {n: r.cap_seconds for n, r in rules.segments.items()},
        "thresholds": {seg: s.key for seg, s in chosen.items()},
        "percentile_method": PERCENTILE_METHOD,
    }
    return Analysis(
        KEY,
        title,
        tuple(sections),
        method=method,
        datasets=(DATASET,),
        parameters=parameters,
        period_label=window.label,
    )


def _headline(overall: pd.DataFrame, by_priority: pd.DataFrame, scope: pd.DataFrame) -> Section:
    in_scope = int(scope.loc[scope["scope"] == "in_scope", "calls"].sum())
    out = int(scope.loc[scope["scope"] != "in_scope", "calls"].sum())
    blocks: list = [
        Figure(
            _("Calls in scope"),
            number(in_scope),
            _("%(out)s officer-initiated or cancelled calls not counted") % {"out": number(out)},
        )
    ]
    if HEADLINE in overall.index:
        row = overall.loc[HEADLINE]
        note = _("%(n)s calls with a usable time") % {"n": number(int(row["n_used"]))}
        blocks += [
            Figure(
                _("Median time from call to first unit on scene"),
                _time(row["median_seconds"]),
                note,
            ),
            Figure(
                _("90th percentile time from call to first unit on scene"),
                _time(row["p90_seconds"]),
                note,
            ),
        ]
        p1 = by_priority[
            (by_priority["priority"] == HEADLINE_PRIORITY) & (by_priority["segment"] == HEADLINE)
        ]
        if len(p1) and not is_missing(p1.iloc[0]["threshold_seconds"]):
            r = p1.iloc[0]
            p1_note = _("%(n)s Priority-%(p)s calls with a usable time") % {
                "n": number(int(r["n_used"])),
                "p": HEADLINE_PRIORITY,
            }
            blocks += [
                Figure(
                    _("Priority-%(p)s calls: average time to first unit on scene")
                    % {"p": HEADLINE_PRIORITY},
                    _time(r["mean_seconds"]),
                    p1_note,
                ),
                Figure(
                    _("Priority-%(p)s calls reached within %(limit)s")
                    % {"p": HEADLINE_PRIORITY, "limit": _time(r["threshold_seconds"])},
                    percent(r["pct_within"], 1),
                    p1_note,
                ),
            ]
        if int(row["n_used"]) == 0:
            blocks.append(
                TextBlock(
                    _(
                        "This source publishes no arrival times, so response times cannot be computed "
                        "from it: they are shown as missing, never as zero."
                    )
                )
            )
    return Section(_("Headline figures"), tuple(blocks))


def _segments_section(overall: pd.DataFrame, rules: SegmentRules) -> Section:
    rows = [
        _segment_row(overall.loc[name], [str(SEGMENT_LABELS[name])])
        for name in rules.segments
        if name in overall.index
    ]
    return Section(
        _("Segment by segment"),
        (
            table_block(
                _("Response-time segments, all calls in scope"),
                [_("Segment"), *_stat_headers()],
                rows,
            ),
        ),
        _(
            "Each segment counts the calls whose two time stamps it can use, so the numbers of "
            "calls differ from segment to segment."
        ),
    )


def _priority_section(by_priority: pd.DataFrame) -> Section:
    table_rows, chart_labels, chart_values = [], [], []
    priorities = priority_order(by_priority["priority"].dropna().unique())
    for priority in priorities:
        part = by_priority[by_priority["priority"] == priority].set_index("segment")
        label = _("Priority %(p)s") % {"p": priority}
        for segment in SEGMENT_LABELS:
            if segment in part.index:
                table_rows.append(
                    _segment_row(part.loc[segment], [label, str(SEGMENT_LABELS[segment])])
                )
        if HEADLINE in part.index and not is_missing(part.loc[HEADLINE, "median_seconds"]):
            chart_labels.append(label)
            chart_values.append(round(float(part.loc[HEADLINE, "median_seconds"]) / 60.0, 2))
    blocks: list = []
    if chart_labels:
        caption = _("Median minutes from call to first unit on scene, by priority")
        summary_text = _(
            "The median wait ran from %(low)s for %(fast)s to %(high)s for %(slow)s."
        ) % {
            "low": _time(min(chart_values) * 60),
            "fast": chart_labels[chart_values.index(min(chart_values))],
            "high": _time(max(chart_values) * 60),
            "slow": chart_labels[chart_values.index(max(chart_values))],
        }
        data = table(
            caption,
            [_("Priority"), _("Median (minutes:seconds)")],
            [[lab, _time(v * 60)] for lab, v in zip(chart_labels, chart_values, strict=True)],
        )
        spec = bar_spec(chart_labels, chart_values, description=summary_text, y_title=_("Minutes"))
        blocks.append(
            chart_block(
                spec,
                chart_id="response-times-by-priority",
                title=caption,
                summary=summary_text,
                data_table=data,
            )
        )
    blocks.append(
        table_block(
            _("Response-time segments by priority"),
            [_("Priority"), _("Segment"), *_stat_headers()],
            table_rows,
            numeric=(False, False, True, True, True, False, True, True),
        )
    )
    return Section(_("By priority"), tuple(blocks))


def _standards_section(view, standards, agencies) -> Section:
    rows = []
    for standard in standards:
        if not applicable(standard, agencies):
            continue
        result = evaluate_standard(view, standard)
        rows.append(result.row())
    if not rows:
        return Section(
            _("Against the standards"),
            (TextBlock(_("No shipped standard applies to these calls' agencies.")),),
        )
    return Section(
        _("Against the standards"),
        (
            table_block(
                _("Response times against national and local standards"),
                [
                    _("Standard"),
                    _("Calls it applies to"),
                    _("Target"),
                    _("Observed"),
                    _("Met?"),
                    _("Calls used"),
                ],
                rows,
                numeric=(False, False, False, True, False, True),
                note=_(
                    "“Not verified” marks figures the standards' sources could not "
                    "confirm; they are shown for reference."
                ),
            ),
        ),
        _(
            "Ready-made targets: NENA for answering 911 calls, NFPA 1225 and 1221 for call "
            "processing, NFPA 1710 for fire and EMS turnout and travel, and Durham's own police "
            "targets."
        ),
    )


def _call_types_section(view, thresholds, top_n: int) -> Section:
    response = view.filter(view.segment == HEADLINE)
    table_df = summary(response, by=("call_type",), thresholds=thresholds)
    table_df = table_df.sort_values(["n_rows", "call_type"], ascending=[False, True]).head(top_n)
    rows = [_segment_row(r, [str(r["call_type"])]) for _, r in table_df.iterrows()]
    return Section(
        _("The busiest call types"),
        (
            table_block(
                _("Time from call to first unit on scene, %(n)s busiest call types") % {"n": top_n},
                [_("Call type"), *_stat_headers()],
                rows,
            ),
        ),
    )


def _left_out_section(overall: pd.DataFrame, scope: pd.DataFrame, rules) -> Section:
    scope_rows = [
        [str(SCOPE_LABELS.get(r.scope, r.scope)), number(int(r.calls))] for r in scope.itertuples()
    ]
    reason_rows = []
    for name in rules.segments:
        if name in overall.index:
            row = overall.loc[name]
            reason_rows.append(
                [
                    str(SEGMENT_LABELS[name]),
                    *(count(row[f"excluded_{r}"]) for r in EXCLUSION_REASONS),
                    count(row["n_excluded"]),
                ]
            )
    return Section(
        _("What was left out"),
        (
            table_block(_("Calls by scope"), [_("Scope"), _("Calls")], scope_rows),
            table_block(
                _("Intervals left out of each segment, by reason"),
                [_("Segment"), *(str(REASON_LABELS[r]) for r in EXCLUSION_REASONS), _("Total")],
                reason_rows,
            ),
        ),
        _(
            "Nothing is dropped silently: every call out of scope and every interval left out of "
            "a segment is counted here."
        ),
    )


def _sensitivity_section(view, rules: SegmentRules, overall: pd.DataFrame) -> Section:
    # An over-cap interval has no earlier exclusion reason (reasons are tested in order and
    # the cap comes last), so counting it as usable is exactly the rules without caps.
    reason = view.excluded_reason
    uncapped_view = view.mutate(
        excluded_reason=ibis.ifelse(reason == "over_cap", ibis.null("string"), reason)
    )
    uncapped = summary(uncapped_view, by=()).set_index("segment")
    table_rows = []
    for name, rule in rules.segments.items():
        if rule.cap_seconds is None or name not in overall.index:
            continue
        a, b = overall.loc[name], uncapped.loc[name]
        table_rows.append(
            [
                str(SEGMENT_LABELS[name]),
                _time(rule.cap_seconds),
                _time(a["mean_seconds"]),
                _time(b["mean_seconds"]),
                _time(a["median_seconds"]),
                _time(b["median_seconds"]),
                count(a["excluded_over_cap"]),
            ]
        )
    return Section(
        _("With and without the caps"),
        (
            table_block(
                _("Averages and medians with and without the caps"),
                [
                    _("Segment"),
                    _("Cap"),
                    _("Average with cap"),
                    _("Average without cap"),
                    _("Median with cap"),
                    _("Median without cap"),
                    _("Over the cap"),
                ],
                table_rows,
            ),
        ),
        _(
            "Very long intervals are usually records left open; the caps keep them out of the "
            "figures. This table shows how much they would move the averages and medians."
        ),
    )
