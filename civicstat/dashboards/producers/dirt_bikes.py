"""The dirt-bike mitigation pilot page (initiative 2.13): analysis ``dirt-bikes/pilot``.

Complaints per month, complaints by district, enforcement contacts per month and their outcomes
(with small-cell suppression: arrests and seizures count people), from ``dirt_bike_reports``
through civicstat.safety.dirt_bikes, over the evaluation period in the city's pilot settings.
"""

from __future__ import annotations

import pandas as pd
from django.utils.translation import gettext as _

from civicstat.dashboards.analysis import (
    Analysis,
    AnalysisContext,
    Section,
    chart_block,
    figure,
    register_analysis,
)
from civicstat.dashboards.analysis.build import bar_spec, number, table, table_block
from civicstat.dashboards.pilots.charts import period_bars_spec
from civicstat.dashboards.pilots.formatting import month, percent, span
from civicstat.dashboards.pilots.settings import DirtBikeSettings, load_pilot_settings
from civicstat.safety.dirt_bikes import DirtBikePilot, dirt_bike_pilot

KEY = "dirt-bikes/pilot"
OUTCOME_LABELS = {
    "warning": "Warning",
    "citation": "Citation",
    "vehicle_seized": "Vehicle seized",
    "arrest": "Arrest",
    "none": "No action",
    "not recorded": "Not recorded",
    "(total)": "All contacts",
}


def _ends(starts):
    return [(pd.Timestamp(s) + pd.offsets.MonthBegin(1)).date() for s in starts]


def monthly_section(pilot: DirtBikePilot) -> Section:
    m = pilot.monthly
    starts = list(m["month"])
    caption = _("Complaints and enforcement contacts per month")
    data = table(
        caption,
        [_("Month"), _("Complaints"), _("Enforcement contacts")],
        [
            [month(s), number(c), number(e)]
            for s, c, e in zip(starts, m["complaints"], m["enforcement_contacts"], strict=True)
        ],
    )
    counts = [int(c) for c in m["complaints"]]
    top = max(range(len(counts)), key=lambda i: (counts[i], -i)) if counts else None
    summary = (
        _(
            "%(n)s complaints about reckless dirt-bike and ATV riding; the most, %(top_n)s, "
            "in %(top)s. Enforcement contacts: %(c)s."
        )
        % {
            "n": number(sum(counts)),
            "top_n": number(counts[top]),
            "top": month(starts[top]),
            "c": number(pilot.enforcement_contacts),
        }
        if top is not None
        else _("No reports loaded.")
    )
    spec = period_bars_spec(
        starts, _ends(starts), counts, description=summary, y_title=_("Complaints")
    )
    return Section(
        _("Complaints per month"),
        (
            figure(_("Complaints"), pilot.complaints),
            figure(_("Enforcement contacts"), pilot.enforcement_contacts),
            figure(
                _("Contacts per 100 complaints"),
                100 * pilot.enforcement_contacts / pilot.complaints if pilot.complaints else None,
                decimals=1,
            ),
            chart_block(
                spec,
                chart_id="dirt-bike-complaints",
                title=caption,
                summary=summary,
                data_table=data,
            ),
        ),
    )


def district_section(pilot: DirtBikePilot) -> Section:
    d = pilot.by_district
    totals = d.groupby("district")["complaints"].sum().sort_values(ascending=False, kind="stable")
    names = list(totals.index)
    caption = _("Complaints by district")
    data = table(
        caption,
        [_("District"), _("Complaints"), _("Share")],
        [
            [n, number(int(v)), percent(v / totals.sum() if totals.sum() else None)]
            for n, v in totals.items()
        ],
    )
    summary = (
        _("Complaints over the period by police district; %(top)s had the most (%(n)s).")
        % {"top": names[0], "n": number(int(totals.iloc[0]))}
        if names
        else ""
    )
    blocks: list = []
    if names:
        spec = bar_spec(
            names,
            [int(v) for v in totals],
            description=summary,
            y_title=_("Complaints"),
            horizontal=True,
        )
        blocks.append(
            chart_block(
                spec,
                chart_id="dirt-bike-districts",
                title=caption,
                summary=summary,
                data_table=data,
            )
        )
    wide = d.pivot_table(
        index="month", columns="district", values="complaints", aggfunc="sum", fill_value=0
    )
    wide = wide.reindex(columns=names)
    blocks.append(
        table_block(
            _("Complaints by month and district"),
            [_("Month"), *names],
            [
                [month(m), *(number(int(v)) for v in row)]
                for m, row in zip(wide.index, wide.to_numpy(), strict=True)
            ],
        )
    )
    return Section(caption, tuple(blocks))


def outcomes_section(pilot: DirtBikePilot) -> Section:
    rows = []
    for r in pilot.public_outcomes.itertuples(index=False):
        shown = _("Suppressed") if r.suppression else number(int(r.contacts))
        rows.append([_(OUTCOME_LABELS.get(r.outcome, r.outcome)), shown])
    return Section(
        _("Outcomes of enforcement contacts"),
        (
            table_block(
                _("Enforcement contacts by most serious outcome"),
                [_("Outcome"), _("Contacts")],
                rows,
                note=_(
                    "Outcomes count people, so counts from 1 to 10 are suppressed, with other cells "
                    "where needed so that none can be worked out from the total."
                ),
            ),
        ),
    )


def dirt_bike_analysis(pilot: DirtBikePilot, settings: DirtBikeSettings) -> Analysis:
    e = settings.evaluation
    return Analysis(
        key=KEY,
        title=_("Dirt-bike and ATV mitigation"),
        sections=(monthly_section(pilot), district_section(pilot), outcomes_section(pilot)),
        method=_(
            "Counted from the complaint and enforcement records at every data refresh: "
            "months are local calendar months; a complaint without a district is counted "
            "as not recorded, never dropped; outcomes of enforcement contacts go through "
            "small-cell suppression."
        ),
        datasets=("dirt_bike_reports",),
        parameters={
            "evaluation_period": [e.first_day.isoformat(), e.last_day.isoformat()],
            "timezone": e.timezone,
        },
        period_label=_("%(label)s: %(span)s")
        % {"label": e.label, "span": span(e.first_day, e.last_day)},
    )


@register_analysis("dirt-bikes", datasets=("dirt_bike_reports",))
def dirt_bike_page(ctx: AnalysisContext) -> list[Analysis]:
    settings = load_pilot_settings().dirt_bikes
    if settings is None:
        return []
    e = settings.evaluation
    pilot = dirt_bike_pilot(ctx.resolve("dirt_bike_reports"), period=e.period, tz=e.timezone)
    return [dirt_bike_analysis(pilot, settings)]
