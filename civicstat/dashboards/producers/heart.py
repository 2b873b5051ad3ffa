"""HEART crisis-response programs: the figures the Community Safety Department publishes per
program (responses; average minutes to scene, on scene and in total; % needing transport, police
backup, EMS support), computed from the response records, with medians, 90th percentiles, the
care-navigation follow-up rate, distributions of the times and what was left out, by reason.

Keys: ``heart/all`` and ``heart/<program>`` for the four programs. Everything comes from
:func:`civicstat.safety.crisis_response.program_summary` and the usable minutes of
:func:`~civicstat.safety.crisis_response.responses` (no person id is read).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicstat.dashboards.analysis import (
    Analysis,
    AnalysisContext,
    Figure,
    Section,
    TextBlock,
    figure,
    message_analysis,
    register_analysis,
    table_block,
)
from civicstat.dashboards.analysis.build import NO_DATA, number
from civicstat.dashboards.producers._safety_common import (
    Window,
    combine,
    count,
    data_window,
    histograms,
    local_zone,
    minutes,
    percent,
)
from civicstat.dashboards.producers._safety_times import (
    BINS,
    exclusions_table,
    histogram_chart,
    rate_figure,
    responses_figure,
    time_figure,
    times_table,
)
from civicstat.safety._expr import PERCENTILE_METHOD
from civicstat.safety.crisis_response import (
    ALL_PROGRAMS,
    PROGRAMS,
    CrisisTimeRules,
    program_summary,
    responses,
)

DATASET = "crisis_responses"
CARE = "care_navigation"
DIVERSION = "crisis_call_diversion"
RESPONDING = ("community_response_team", "co_response", DIVERSION)
TITLES = {
    ALL_PROGRAMS: gettext_lazy("HEART crisis response: all programs"),
    "community_response_team": gettext_lazy("Community Response Teams"),
    "co_response": gettext_lazy("Co-Response"),
    DIVERSION: gettext_lazy("Crisis Call Diversion"),
    CARE: gettext_lazy("Care Navigation"),
}


def key(program: str) -> str:
    return f"heart/{program}"


@register_analysis("heart", datasets=(DATASET,))
def heart_programs(ctx: AnalysisContext) -> list[Analysis]:
    crisis = ctx.resolve(DATASET)
    return build(crisis, heart_window(crisis, ctx.as_of))


def heart_window(crisis, as_of) -> Window | None:
    """The reporting window, anchored on the responding programs: care-navigation follow-ups
    come after the response they follow, so they would push the window past the last month of
    responses."""
    responding = crisis.filter(crisis.program.isin(list(RESPONDING)))
    return data_window(responding, as_of, tz=local_zone())


def build(crisis, window: Window | None, rules: CrisisTimeRules | None = None) -> list[Analysis]:
    """The five analyses for the responses of ``crisis`` received in ``window``."""
    rules = rules or CrisisTimeRules()
    programs = (ALL_PROGRAMS, *PROGRAMS)
    if window is None:
        return [_empty(p, _("No crisis responses have been loaded yet.")) for p in programs]
    rows = window.filter(crisis)
    per_program = program_summary(rows, rules).set_index("program")
    responding = program_summary(rows, rules, programs=RESPONDING).set_index("program")
    view = responses(rows, rules)
    hists = {
        time: histograms(
            view, f"minutes_{time}", view[f"{time}_excluded_reason"].isnull(), width, top, "program"
        )
        for time, (width, top) in BINS.items()
    }
    context = _Context(window, rules, per_program, hists)
    out = [_all_programs(context, responding.loc[ALL_PROGRAMS])]
    for program in PROGRAMS:
        if program not in per_program.index:
            out.append(
                _empty(
                    program,
                    _("No responses were recorded in %(period)s.") % {"period": window.label},
                    window,
                )
            )
        elif program == CARE:
            out.append(_care_navigation(context))
        else:
            out.append(_program(context, program))
    return out


@dataclass(frozen=True)
class _Context:
    window: Window
    rules: CrisisTimeRules
    per_program: pd.DataFrame  # program_summary, indexed by program
    hists: dict  # time -> program -> Histogram

    def parameters(self) -> dict:
        rules = self.rules
        return {
            **self.window.parameters(),
            "to_scene_start": rules.to_scene_start,
            "to_scene_cap_minutes": rules.to_scene_cap_minutes,
            "on_scene_cap_minutes": rules.on_scene_cap_minutes,
            "total_cap_minutes": rules.total_cap_minutes,
            "percentile_method": PERCENTILE_METHOD,
        }


def _method(rules: CrisisTimeRules) -> str:
    return _(
        "Each response in the crisis-response records received in the period counts once, under "
        "its program. Minutes to scene run from %(start)s to arrival, minutes on scene from "
        "arrival to clearing, and total minutes from %(start)s to clearing; the department does "
        "not publish which time stamps it uses, so this is our stated choice. A time is left out, "
        "and counted by reason, when the response was by phone, a time stamp is missing, the "
        "interval is negative or it is longer than the cap (%(cap_to)s minutes to scene, "
        "%(cap_on)s on scene, %(cap_total)s in total); nothing is clipped or filled in. Medians "
        "and 90th percentiles are observed values (inverted CDF); the 90th percentile is "
        "withheld when fewer than 20 times back it. Transport, police backup and EMS support "
        "are shares of the in-person responses where the flag was recorded; the follow-up rate "
        "is the share of referrals to care navigation followed up within 48 hours."
    ) % {
        "start": _("dispatch")
        if rules.to_scene_start == "dispatched_at"
        else rules.to_scene_start.removesuffix("_at").replace("_", " "),
        "cap_to": _cap(rules.to_scene_cap_minutes),
        "cap_on": _cap(rules.on_scene_cap_minutes),
        "cap_total": _cap(rules.total_cap_minutes),
    }


def _cap(minutes_cap: float | None) -> str:
    return _("no cap") if minutes_cap is None else number(minutes_cap)


def _headline(
    row: pd.Series, responses_label: str | None = None, responses_note: str = ""
) -> tuple:
    return (
        responses_figure(row, responses_label, responses_note),
        time_figure(row, "to_scene"),
        time_figure(row, "on_scene"),
        time_figure(row, "total"),
        rate_figure(row, "transport"),
        rate_figure(row, "police_backup"),
        rate_figure(row, "ems_support"),
    )


def _time_sections(ctx: _Context, row: pd.Series, hist_key, slug: str, who: str) -> list:
    charts = []
    for time in BINS:
        if isinstance(hist_key, tuple):
            hist = combine([ctx.hists[time].get(p) for p in hist_key])
        else:
            hist = ctx.hists[time].get(hist_key)
        chart = histogram_chart(hist, row, time, chart_id=f"{slug}-{time}-distribution", who=who)
        if chart is not None:
            charts.append(chart)
    intro = _(
        "Response times are skewed: a few long responses pull the average up, so the median "
        "(half of the responses took this long or less) and the 90th percentile (nine in ten) "
        "describe a typical and a slow response better."
    )
    return [
        Section(
            _("Response times"),
            (
                time_figure(row, "to_scene", "median"),
                time_figure(row, "to_scene", "p90"),
                time_figure(row, "on_scene", "median"),
                time_figure(row, "on_scene", "p90"),
                times_table(row, _("Response times, %(who)s") % {"who": who}),
                *charts,
            ),
            intro,
        ),
        Section(
            _("What was left out of the times"),
            (
                exclusions_table(
                    row, _("Responses left out of each time, by reason, %(who)s") % {"who": who}
                ),
            ),
            _(
                "A response is left out of a time only, never dropped: it still counts as a "
                "response and in the other times it supports."
            ),
        ),
    ]


def _follow_up(ctx: _Context, program: str | None = None):
    row = ctx.per_program.loc[program or ALL_PROGRAMS]
    if int(row["follow_up_denominator"]) == 0:
        return None
    return rate_figure(row, "follow_up", _("Referrals followed up within 48 hours"))


def _analysis(ctx: _Context, program: str, sections: list) -> Analysis:
    return Analysis(
        key=key(program),
        title=str(TITLES[program]),
        sections=tuple(sections),
        method=_method(ctx.rules),
        datasets=(DATASET,),
        parameters=ctx.parameters(),
        period_label=ctx.window.label,
    )


def _program(ctx: _Context, program: str) -> Analysis:
    row = ctx.per_program.loc[program]
    who = str(TITLES[program])
    follow = _follow_up(ctx, program)
    if program == DIVERSION or int(row["in_person_responses"]) == 0:
        head = [
            responses_figure(row, _("Calls handled by phone") if program == DIVERSION else None)
        ]
        if follow is not None:
            head.append(follow)
        return _analysis(
            ctx,
            program,
            [
                Section(
                    _("Headline figures"),
                    (
                        *head,
                        TextBlock(
                            _(
                                "Crisis call diversion clinicians work in the 911 center and resolve "
                                "calls by phone, so there is no travel or on-scene time to report."
                            )
                        ),
                    ),
                )
            ],
        )
    head = [*_headline(row)]
    if follow is not None:
        head.append(follow)
    sections = [
        Section(
            _("Headline figures"),
            tuple(head),
            _(
                "The figures the department publishes for this program, computed from "
                "its response records."
            ),
        )
    ]
    sections += _time_sections(ctx, row, program, program.replace("_", "-"), who)
    return _analysis(ctx, program, sections)


def _all_programs(ctx: _Context, responding: pd.Series) -> Analysis:
    care = ctx.per_program.loc[CARE] if CARE in ctx.per_program.index else None
    head = [
        *_headline(
            responding,
            _("Responses by the three responding programs"),
            _("community response teams, co-response and crisis call diversion"),
        )
    ]
    if care is not None:
        head.insert(1, figure(_("Care navigation follow-ups"), int(care["responses"])))
    follow = _follow_up(ctx)
    if follow is not None:
        head.append(follow)
    rows = []
    for program in PROGRAMS:
        if program not in ctx.per_program.index:
            continue
        r = ctx.per_program.loc[program]
        rows.append(
            [
                str(TITLES[program]),
                count(r["responses"]),
                minutes(r["to_scene_mean"]),
                minutes(r["on_scene_mean"]),
                minutes(r["total_mean"]),
                percent(r["transport_pct"]),
                percent(r["police_backup_pct"]),
                percent(r["ems_support_pct"]),
                percent(r["follow_up_pct"]),
            ]
        )
    by_program = table_block(
        _("Figures by program"),
        [
            _("Program"),
            _("Responses"),
            _("Average minutes to scene"),
            _("Average minutes on scene"),
            _("Average total minutes"),
            _("Needed transport"),
            _("Needed police backup"),
            _("Needed EMS support"),
            _("Referrals followed up within 48 hours"),
        ],
        rows,
        note=_(
            "A dash means the figure does not apply (phone calls have no scene) or was not "
            "recorded."
        ),
    )
    sections = [
        Section(
            _("Headline figures"),
            tuple(head),
            _(
                "The three responding programs together; care-navigation follow-ups are "
                "counted separately because they are not dispatched to a scene."
            ),
        ),
        Section(_("By program"), (by_program,)),
        *_time_sections(ctx, responding, RESPONDING, "heart-all", _("all responding programs")),
    ]
    return _analysis(ctx, ALL_PROGRAMS, sections)


def _care_navigation(ctx: _Context) -> Analysis:
    row = ctx.per_program.loc[CARE]
    in_person = int(row["in_person_responses"])
    total = int(row["responses"])
    head = [
        figure(_("Follow-ups"), total),
        _share_figure(_("Follow-ups made in person"), in_person, total),
    ]
    follow = _follow_up(ctx)
    if follow is not None:
        head.append(follow)
    rows = []
    for program in RESPONDING:
        if program not in ctx.per_program.index:
            continue
        r = ctx.per_program.loc[program]
        den = int(r["follow_up_denominator"])
        rows.append(
            [
                str(TITLES[program]),
                count(den),
                count(r["follow_up_numerator"]),
                percent(r["follow_up_pct"]) if den else NO_DATA,
            ]
        )
    sections = [
        Section(
            _("Headline figures"),
            tuple(head),
            _(
                "Care navigators contact the people a crisis team met, to connect them with "
                "services; the department's standard is a follow-up within 48 hours."
            ),
        ),
        Section(
            _("Referrals by the program that made them"),
            (
                table_block(
                    _("Referrals to care navigation and follow-ups within 48 hours"),
                    [
                        _("Referred by"),
                        _("Referrals"),
                        _("Followed up within 48 hours"),
                        _("Share"),
                    ],
                    rows,
                ),
                TextBlock(
                    _("Follow-ups are not dispatched to a scene, so they have no response times.")
                ),
            ),
        ),
    ]
    return _analysis(ctx, CARE, sections)


def _share_figure(label: str, part: int, whole: int) -> Figure:
    if whole == 0:
        return Figure(label, NO_DATA, _("no follow-ups recorded"))
    return Figure(
        label,
        percent(part * 100.0 / whole),
        _("%(part)s of %(whole)s") % {"part": number(part), "whole": number(whole)},
    )


def _empty(program: str, text: str, window: Window | None = None) -> Analysis:
    return message_analysis(
        key(program),
        str(TITLES[program]),
        _("Headline figures"),
        text,
        (DATASET,),
        period_label=window.label if window else "",
    )
