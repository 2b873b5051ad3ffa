"""Blocks for the crisis-response times of one program (or all of them): the headline figures,
the times table, the exclusions by reason and the distribution charts.

Every block is built from one row of :func:`civicstat.safety.crisis_response.program_summary`
(a pandas Series) and the histograms of usable minutes; nothing here reads a person id.
"""

from __future__ import annotations

import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicstat.dashboards.analysis import Figure, chart_block, figure, table_block
from civicstat.dashboards.analysis.build import NO_DATA, bar_spec, number, table
from civicstat.dashboards.producers._safety_common import (
    Histogram,
    count,
    is_missing,
    minutes,
    percent,
)
from civicstat.safety.crisis_response import EXCLUSION_REASONS, TIMES

TIME_LABELS = {
    "to_scene": gettext_lazy("Minutes to scene"),
    "on_scene": gettext_lazy("Minutes on scene"),
    "total": gettext_lazy("Total minutes"),
}
AVERAGE_LABELS = {
    "to_scene": gettext_lazy("Average minutes to scene"),
    "on_scene": gettext_lazy("Average minutes on scene"),
    "total": gettext_lazy("Average total minutes"),
}
REASON_LABELS = {
    "not_in_person": gettext_lazy("By phone (no scene)"),
    "missing_timestamp": gettext_lazy("Missing time stamp"),
    "negative_interval": gettext_lazy("Negative interval"),
    "over_cap": gettext_lazy("Over the cap"),
}
RATE_LABELS = {
    "transport": gettext_lazy("Needed transport"),
    "police_backup": gettext_lazy("Needed police backup"),
    "ems_support": gettext_lazy("Needed EMS support"),
}
# Histogram bins (minutes): width, start of the open last bin.
BINS = {"to_scene": (5.0, 60.0), "on_scene": (10.0, 120.0)}


def _used_note(row: pd.Series, time: str) -> str:
    used = int(row[f"{time}_n_used"])
    excluded = int(row[f"{time}_n_excluded"])
    return _("%(used)s responses with a usable time; %(excluded)s left out") % {
        "used": number(used),
        "excluded": number(excluded),
    }


def time_figure(row: pd.Series, time: str, statistic: str = "mean") -> Figure:
    value = row[f"{time}_{statistic}"]
    if statistic == "mean":
        label = str(AVERAGE_LABELS[time])
    elif statistic == "median":
        label = _("Median %(time)s") % {"time": str(TIME_LABELS[time]).lower()}
    else:
        label = _("90th percentile %(time)s") % {"time": str(TIME_LABELS[time]).lower()}
    note = _used_note(row, time)
    if statistic == "p90" and is_missing(value) and int(row[f"{time}_n_used"]) > 0:
        note = _("withheld: fewer than 20 usable times (%(note)s)") % {"note": note}
    return Figure(label, minutes(value), note)


def rate_figure(row: pd.Series, name: str, label: str | None = None) -> Figure:
    num, den = int(row[f"{name}_numerator"]), int(row[f"{name}_denominator"])
    label = label or str(RATE_LABELS[name])
    if den == 0:
        return Figure(label, NO_DATA, _("not recorded for any response"))
    if name == "follow_up":
        note = _("%(num)s of %(den)s referrals") % {"num": number(num), "den": number(den)}
    else:
        note = _("%(num)s of %(den)s in-person responses with this recorded") % {
            "num": number(num),
            "den": number(den),
        }
    return Figure(label, percent(row[f"{name}_pct"]), note)


def responses_figure(row: pd.Series, label: str | None = None, note: str = "") -> Figure:
    return figure(label or _("Responses"), int(row["responses"]), note=note)


def times_table(row: pd.Series, caption: str):
    rows = []
    for time in TIMES:
        rows.append(
            [
                str(TIME_LABELS[time]),
                minutes(row[f"{time}_mean"]),
                minutes(row[f"{time}_median"]),
                minutes(row[f"{time}_p90"]),
                count(row[f"{time}_n_used"]),
                count(row[f"{time}_n_excluded"]),
            ]
        )
    return table_block(
        caption,
        [
            _("Time"),
            _("Average"),
            _("Median"),
            _("90th percentile"),
            _("Responses used"),
            _("Left out"),
        ],
        rows,
        note=_("The 90th percentile is withheld when fewer than 20 usable times back it."),
    )


def exclusions_table(row: pd.Series, caption: str):
    rows = []
    for time in TIMES:
        rows.append(
            [
                str(TIME_LABELS[time]),
                *(count(row[f"{time}_excluded_{why}"]) for why in EXCLUSION_REASONS),
                count(row[f"{time}_n_excluded"]),
            ]
        )
    headers = [_("Time"), *(str(REASON_LABELS[why]) for why in EXCLUSION_REASONS), _("Total")]
    return table_block(caption, headers, rows)


def histogram_chart(hist: Histogram | None, row: pd.Series, time: str, *, chart_id: str, who: str):
    """A bar chart of the distribution of usable minutes, with its table and a summary."""
    if hist is None or hist.total == 0:
        return None
    title = _("%(time)s, %(who)s: how the responses were spread") % {
        "time": TIME_LABELS[time],
        "who": who,
    }
    labels = hist.labels
    data = table(
        title,
        [_("Minutes"), _("Responses")],
        [[label, number(n)] for label, n in zip(labels, hist.counts, strict=True)],
    )
    parts = [
        _("Of %(n)s responses with a usable time, half took %(median)s or less")
        % {"n": number(hist.total), "median": minutes(row[f"{time}_median"])}
    ]
    if not is_missing(row[f"{time}_p90"]):
        parts.append(_("nine in ten took %(p90)s or less") % {"p90": minutes(row[f"{time}_p90"])})
    best = max(range(len(hist.counts)), key=lambda k: hist.counts[k])
    parts.append(
        _("the most common range was %(range)s minutes (%(n)s responses)")
        % {"range": labels[best], "n": number(hist.counts[best])}
    )
    summary = "; ".join(parts) + "."
    spec = bar_spec(
        labels, list(hist.counts), description=summary, x_title=_("Minutes"), y_title=_("Responses")
    )
    return chart_block(spec, chart_id=chart_id, title=title, summary=summary, data_table=data)
