"""Sections of the gunshot-detection pilot analysis: period and volume, alerts per week and
month, publication within 60 seconds, police response, and what officers found.

Every figure names its numerator and denominator, and every excluded alert is counted by reason
(docs/gunshot-detection.md). Alerts are not people: counts are shown as they are.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.utils.translation import gettext as _

from civicstat.dashboards.analysis import Figure, Section, TextBlock, chart_block, figure
from civicstat.dashboards.analysis.build import number, table, table_block
from civicstat.dashboards.pilots.charts import period_bars_spec
from civicstat.dashboards.pilots.formatting import (
    day,
    duration,
    excluded_note,
    month,
    percent,
    span,
)
from civicstat.safety.gunshots import GunshotPilot

ONE_DAY = dt.timedelta(days=1)


def _highlight(pilot: GunshotPilot) -> tuple[dt.date, dt.date]:
    first, last = pilot.config.period.local_dates(pilot.config.tz)
    return first, last + ONE_DAY


def period_section(pilot: GunshotPilot, data_through: dt.date | None, as_of: dt.date) -> Section:
    first, last = pilot.config.period.local_dates(pilot.config.tz)
    v = pilot.volume
    through = day(data_through) if data_through else _("no alerts loaded")
    text = _(
        "The evaluation period runs from %(first)s to %(last)s (%(days)s days). Figures on this "
        "page cover that period; the weekly and monthly charts show every alert loaded, with the "
        "period shaded. The page is recomputed from the alert records at every data refresh "
        "(at least weekly); this computation used data through %(through)s, refreshed on "
        "%(as_of)s."
    ) % {
        "first": day(first),
        "last": day(last),
        "days": number(v.days),
        "through": through,
        "as_of": day(as_of),
    }
    return Section(
        _("Evaluation period"),
        (
            Figure(_("Data through"), through, _("date of the latest alert loaded")),
            figure(_("Alerts in the evaluation period"), v.alerts, note=excluded_note(v.excluded)),
            figure(
                _("Alerts a day"),
                v.alerts_per_day,
                decimals=1,
                note=_("%(n)s alerts over %(d)s days")
                % {"n": number(v.alerts), "d": number(v.days)},
            ),
            figure(
                _("Rounds per alert"),
                v.rounds_per_alert,
                decimals=1,
                note=_("%(r)s rounds over %(n)s alerts with a round count")
                % {"r": number(v.rounds), "n": number(v.alerts_with_rounds)},
            ),
            TextBlock(text),
        ),
    )


def _series_section(pilot: GunshotPilot, frame: pd.DataFrame, *, grain: str) -> Section:
    weekly = grain == "week"
    key = "week_start" if weekly else "month"
    starts = list(frame[key])
    if weekly:
        ends = [s + dt.timedelta(days=7) for s in starts]
        labels = [
            f"{day(s)} ({y}-W{w:02d})"
            for s, y, w in zip(starts, frame["iso_year"], frame["iso_week"], strict=True)
        ]
    else:
        ends = [(pd.Timestamp(s) + pd.offsets.MonthBegin(1)).date() for s in starts]
        labels = [month(s) for s in starts]
    counts = [int(n) for n in frame["alerts"]]
    first, last = pilot.config.period.local_dates(pilot.config.tz)
    caption = _("Alerts per week") if weekly else _("Alerts per month")
    data = table(
        caption,
        [
            _("Week starting") if weekly else _("Month"),
            _("Alerts"),
            _("Rounds"),
            _("Days in the evaluation period"),
        ],
        [
            [lab, number(n), number(r), number(e)]
            for lab, n, r, e in zip(
                labels, counts, frame["rounds"], frame["evaluation_days"], strict=True
            )
        ],
    )
    if counts:
        top = max(range(len(counts)), key=lambda i: (counts[i], -i))
        summary = _(
            "%(n)s alerts from %(first)s to %(last)s. The busiest %(unit)s was %(top)s with "
            "%(top_n)s alerts. The shaded band marks the evaluation period, %(period)s."
        ) % {
            "n": number(sum(counts)),
            "first": labels[0],
            "last": labels[-1],
            "unit": _("week") if weekly else _("month"),
            "top": labels[top],
            "top_n": number(counts[top]),
            "period": span(first, last),
        }
    else:
        summary = _("No alerts loaded.")
    spec = period_bars_spec(
        starts,
        ends,
        counts,
        description=summary,
        y_title=_("Alerts"),
        highlight=_highlight(pilot),
        highlight_label=_("Evaluation period"),
    )
    chart = chart_block(
        spec, chart_id=f"gunshot-alerts-{grain}", title=caption, summary=summary, data_table=data
    )
    return Section(caption, (chart,))


def weekly_section(pilot: GunshotPilot) -> Section:
    return _series_section(pilot, pilot.weekly, grain="week")


def monthly_section(pilot: GunshotPilot) -> Section:
    return _series_section(pilot, pilot.monthly, grain="month")


def publication_section(pilot: GunshotPilot) -> Section:
    p = pilot.published
    limit = number(p.limit_s)
    monthly = pilot.published_monthly
    starts = list(monthly["month"])
    ends = [(pd.Timestamp(s) + pd.offsets.MonthBegin(1)).date() for s in starts]
    shares = [None if pd.isna(s) else round(100 * float(s), 1) for s in monthly["share"]]
    caption = _("Alerts published within %(s)s seconds, by month") % {"s": limit}
    data = table(
        caption,
        [
            _("Month"),
            _("Within the limit"),
            _("Alerts with a usable time"),
            _("Share"),
            _("Excluded"),
        ],
        [
            [month(m), number(w), number(u), percent(s), number(x)]
            for m, w, u, s, x in monthly[
                ["month", "within", "used", "share", "excluded"]
            ].itertuples(index=False)
        ],
    )
    valid = [(lab, s) for lab, s in zip(starts, shares, strict=True) if s is not None]
    low = min(valid, key=lambda t: t[1]) if valid else None
    summary = _(
        "Share of alerts the vendor published within %(s)s seconds of the shot, month by "
        "month over the evaluation period: %(share)s overall."
    ) % {"s": limit, "share": percent(p.share)}
    if low:
        summary += " " + _("Lowest month: %(m)s at %(v)s%%.") % {
            "m": month(low[0]),
            "v": number(low[1], 1),
        }
    blocks: list = [
        figure(
            _("Published within %(s)s seconds") % {"s": limit},
            None if p.share is None else 100 * p.share,
            decimals=1,
            suffix="%",
            note=_("%(n)s of %(d)s alerts; %(x)s")
            % {
                "n": number(p.numerator),
                "d": number(p.denominator),
                "x": excluded_note(p.excluded),
            },
        )
    ]
    if valid:
        spec = period_bars_spec(
            starts, ends, shares, description=summary, y_title=_("% within the limit"), percent=True
        )
        blocks.append(
            chart_block(
                spec, chart_id="gunshot-published", title=caption, summary=summary, data_table=data
            )
        )
    intro = _(
        "From the time of the detected gunfire to the alert reaching the police; exactly "
        "%(s)s seconds counts as within. The vendor's service levels leave out the New "
        "Year's and July 4 windows (48 hours either side), and so does this measure."
    ) % {"s": limit}
    return Section(_("How fast alerts were published"), tuple(blocks), intro)


SEGMENT_LABELS = {
    "alert_to_dispatch": "Alert to dispatch",
    "alert_to_arrival": "Alert to first officer on scene",
    "dispatch_to_arrival": "Dispatch to first officer on scene",
    "call_to_arrival": "911-only shots-fired call to first officer on scene",
}


def response_section(pilot: GunshotPilot) -> Section:
    summaries = list(pilot.response)
    if pilot.call_response is not None:
        summaries.append(pilot.call_response)
    rows = [
        [
            _(SEGMENT_LABELS.get(s.segment, s.segment)),
            number(s.n_used),
            duration(s.median_s),
            duration(s.p90_s),
            excluded_note(s.excluded),
        ]
        for s in summaries
    ]
    arrival = next(s for s in pilot.response if s.segment == "alert_to_arrival")
    dispatch = next(s for s in pilot.response if s.segment == "alert_to_dispatch")
    block = table_block(
        _("Police response to alerts"),
        [_("Interval"), _("Responses used"), _("Median"), _("90th percentile"), _("Excluded")],
        rows,
        numeric=(False, True, True, True, False),
        note=_(
            "Medians and 90th percentiles are observed values (inverted CDF); the 90th "
            "percentile needs at least 20 responses. Intervals over 60 minutes are left out."
        ),
    )
    intro = _(
        "Measured from the moment the alert was published to the police (from the shot "
        "itself when configured so). The 911-only row is the comparison: residents' "
        "shots-fired calls with no alert, from call to first officer on scene."
    )
    return Section(
        _("Police response"),
        (
            Figure(
                _("Median time, alert to dispatch"),
                duration(dispatch.median_s),
                _("%(n)s alerts") % {"n": number(dispatch.n_used)},
            ),
            Figure(
                _("Median time, alert to first officer on scene"),
                duration(arrival.median_s),
                _("%(n)s alerts") % {"n": number(arrival.n_used)},
            ),
            Figure(
                _("90th percentile, alert to first officer on scene"),
                duration(arrival.p90_s),
                _("9 in 10 arrivals were this fast or faster"),
            ),
            block,
        ),
        intro,
    )


OUTCOME_LABELS = {
    "casings": "Shell casings recovered",
    "firearms_recovered": "Guns recovered",
    "arrests": "Arrests",
    "victims_located": "Gunshot victims located",
    "evidence_found": "Alerts with evidence of gunfire",
    "confirmed_gunfire": "Alerts with gunfire confirmed",
    "reclassified_not_gunfire": "Alerts found not to be gunfire",
}


def outcomes_section(pilot: GunshotPilot) -> Section:
    if pilot.outcomes is None:
        return Section(
            _("What officers found"),
            (TextBlock(_("No outcome records are loaded, so what officers found is not shown.")),),
        )
    y = pilot.outcomes.set_index("outcome")
    n = int(y["alerts"].iloc[0]) if len(y) else 0
    rows = [
        [
            _(OUTCOME_LABELS[o]),
            number(r.total),
            number(r.alerts_with_any),
            number(r.per_alert, 3),
            number(r.alerts),
            number(r.not_recorded),
        ]
        for o, r in y.iterrows()
    ]
    block = table_block(
        _("Outcomes of alerts in the evaluation period"),
        [
            _("Outcome"),
            _("Total"),
            _("Alerts with any"),
            _("Per alert"),
            _("Alerts (denominator)"),
            _("Not recorded"),
        ],
        rows,
        note=_(
            "The denominator is every alert in the period, whether or not an outcome was "
            "recorded for it."
        ),
    )

    def total(o: str) -> Figure:
        return figure(
            _(OUTCOME_LABELS[o]),
            int(y.loc[o, "total"]),
            note=_("at %(k)s of %(n)s alerts")
            % {"k": number(int(y.loc[o, "alerts_with_any"])), "n": number(n)},
        )

    evidence = y.loc["evidence_found"]
    return Section(
        _("What officers found"),
        (
            total("firearms_recovered"),
            total("arrests"),
            total("casings"),
            figure(
                _("Alerts with evidence of gunfire"),
                100 * float(evidence["share_with_any"]),
                decimals=1,
                suffix="%",
                note=_("%(k)s of %(n)s alerts")
                % {"k": number(int(evidence["total"])), "n": number(n)},
            ),
            block,
        ),
    )
