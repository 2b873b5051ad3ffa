"""Familiar neighbors (initiative 2.11): how concentrated the HEART responses are on a few people.

Key ``familiar-neighbors/heart``. Everything shown comes from the aggregate results of
:mod:`civicstat.safety.familiar_neighbors` (a count distribution computed inside the warehouse;
no person id or per-person row reaches this module): the bands of people with 5, 10, 20 and 40 or
more responses after small-cell suppression (1–10 withheld, with complementary suppression), the
"x % of neighbors served make up y % of responses" callout, the Lorenz curve on a grid whose
steps each hold at least 11 people, and the Gini coefficient. Counts of people are shown only as
the suppression functions publish them.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
from civicstat.dashboards.analysis.build import NO_DATA, line_spec, number, table
from civicstat.dashboards.producers._safety_common import Window, percent
from civicstat.dashboards.producers.heart import heart_window
from civicstat.safety import familiar_neighbors as fn
from civicstat.safety.privacy import MIN_PUBLIC_COUNT

DATASET = "crisis_responses"
KEY = "familiar-neighbors/heart"
LORENZ_POINTS = 20


@register_analysis("familiar-neighbors", datasets=(DATASET,))
def familiar_neighbors(ctx: AnalysisContext) -> list[Analysis]:
    crisis = ctx.resolve(DATASET)
    return [build(crisis, heart_window(crisis, ctx.as_of))]


def _pct(share: float | None, decimals: int = 1) -> str:
    return NO_DATA if share is None else percent(share * 100.0, decimals)


def publishable_points(points, published: tuple[int, ...] = ()) -> list:
    """The concentration points that may be shown: each top group holds at least 11 people,
    and differs by at least 11 people from every other group shown and from every published
    band count (``published``), so no group of 1–10 people can be worked out by subtraction
    (methods.md §5.5 rules 2 and 3): a top group widened to whole tie groups is itself a band
    ("everyone with at least k responses"). Two shares that reach the same group are one point.
    """
    kept: list = []
    for point in points:
        if not point.publishable:
            continue
        others = [k.people for k in kept]
        if any(abs(point.people - n) < MIN_PUBLIC_COUNT for n in others):
            continue
        if any(0 < abs(point.people - n) < MIN_PUBLIC_COUNT for n in published):
            continue
        kept.append(point)
    return kept


def build(crisis, window: Window | None, programs=fn.DEFAULT_PROGRAMS) -> Analysis:
    title = _("Familiar neighbors: how concentrated crisis responses are")
    if window is None:
        return message_analysis(
            KEY,
            title,
            _("Familiar neighbors"),
            _("No crisis responses have been loaded yet."),
            (DATASET,),
        )
    start, end = window.start, window.end
    dist = fn.count_distribution(crisis, start, end, programs=programs, tz=window.tz)
    bands = fn.public_bands(fn.bands_of(dist))
    conc = fn.concentration_of(dist)
    curve = fn.lorenz_of(dist, LORENZ_POINTS)
    gini = fn.gini_of(dist)
    counts = tuple(n for n in (bands.people, *(b.people for b in bands.bands)) if n is not None)
    shown = publishable_points(conc.points, counts)

    sections = [_callout(conc, shown, bands, dist), _bands(bands), _lorenz(curve, gini, bands)]
    if len(shown) > 1:
        sections.append(
            Section(
                _("Share of responses by the most-served neighbors"),
                (
                    table_block(
                        _("Share of responses that went to the neighbors served most often"),
                        [_("Neighbors served most often"), _("Share of responses")],
                        [[_pct(p.realised_share, 1), _pct(p.count_share, 1)] for p in shown],
                        note=_(
                            "Shares of neighbors are rounded to whole groups: people with the same "
                            "number of responses are never split."
                        ),
                    ),
                ),
            )
        )
    method = _(
        "Responses by community response teams, co-response and crisis call diversion received "
        "in the period are counted per person, inside the warehouse; only the number of people "
        "with each count leaves it. Responses without a person identifier are left out of the "
        "concentration and their share is given. A band is withheld when it holds 1 to 10 "
        "people, and a second band is withheld where the first could be worked out from the "
        "others. The top share of neighbors is published only when it is at least 11 people; "
        "the Lorenz curve is drawn at points at least 11 people apart; the Gini coefficient is "
        "given in its plain and its small-sample (unbiased) form."
    )
    parameters = {
        **window.parameters(),
        "count_unit": "response",
        "programs": list(programs or ()),
        "bands": list(fn.DURHAM_BANDS),
        "shares": list(fn.DURHAM_SHARES),
        "suppress_below": MIN_PUBLIC_COUNT,
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


def _callout(conc, shown, bands, dist) -> Section:
    blocks: list = []
    head = shown[0] if shown else None
    if head is not None:
        people, responses = _pct(head.realised_share, 1), _pct(head.count_share, 0)
        blocks.append(
            Figure(
                _("Share of responses that went to the %(people)s of neighbors served most often")
                % {"people": people},
                responses,
                _("%(people)s of neighbors served make up %(responses)s of responses")
                % {"people": people, "responses": responses},
            )
        )
    else:
        blocks.append(
            TextBlock(
                _(
                    "Too few neighbors were served to publish how concentrated "
                    "the responses are without singling people out."
                )
            )
        )
    blocks.append(
        Figure(
            _("Neighbors served"),
            people_text(bands),
            _("people with at least one response and a person identifier"),
        )
    )
    blocks.append(
        Figure(_("Responses counted"), number(dist.total), _("responses with a person identifier"))
    )
    unidentified = dist.unidentified_share
    blocks.append(
        Figure(
            _("Responses without a person identifier"),
            _pct(unidentified, 1),
            _("%(n)s of %(total)s responses; left out of the concentration")
            % {"n": number(dist.unidentified), "total": number(dist.responses)},
        )
    )
    intro = ""
    if head is not None:
        intro = _("%(people)s of the neighbors served make up %(responses)s of the responses.") % {
            "people": _pct(head.realised_share, 1),
            "responses": _pct(head.count_share, 0),
        }
    return Section(_("Who the responses went to"), tuple(blocks), intro)


def people_text(bands) -> str:
    """The number of neighbors served as published: grouped digits, or its suppression mark."""
    return number(bands.people) if bands.people is not None else bands.people_display


def _band_text(band) -> str:
    return number(band.people) if band.people is not None else band.display


def _band_label(min_count: int) -> str:
    return ngettext("%(n)s or more response", "%(n)s or more responses", min_count) % {
        "n": number(min_count)
    }


def _bands(bands) -> Section:
    rows = [[_band_label(b.min_count), _band_text(b)] for b in bands.bands]
    suppressed = [b for b in bands.bands if b.suppressed]
    note = _(
        "“<%(t)s” marks a band of 1 to %(m)s people, withheld so that nobody can be "
        "recognised; “suppressed” marks a band withheld so that a small band cannot be "
        "worked out from the others."
    ) % {"t": bands.threshold, "m": bands.threshold - 1}
    blocks = [
        table_block(
            _("Neighbors served repeatedly in the period"),
            [_("Responses in the period"), _("Neighbors")],
            rows,
            numeric=(False, True),
            note=note,
        )
    ]
    blocks += [
        Figure(
            _band_label(b.min_count),
            _band_text(b),
            _("withheld") if b.suppressed else "",
            suppressed=b.suppressed,
        )
        for b in bands.bands
    ]
    intro = _(
        "Durham reports the people its crisis teams met 5, 10, 20 and 40 or more times in a year."
    )
    if suppressed:
        intro += " " + ngettext(
            "One band is withheld to protect privacy.",
            "%(n)s bands are withheld to protect privacy.",
            len(suppressed),
        ) % {"n": len(suppressed)}
    return Section(_("Neighbors served repeatedly"), tuple(blocks), intro)


def _lorenz(curve, gini, bands) -> Section:
    blocks: list = []
    if len(curve.population_share) >= 2:
        xs = [round(x * 100, 1) for x in curve.population_share]
        ys = [round(y * 100, 1) for y in curve.count_share]
        half = min(range(len(xs)), key=lambda i: abs(xs[i] - 50))
        title = _("Lorenz curve of responses over neighbors served")
        summary = _(
            "If every neighbor had the same number of responses the curve would follow the "
            "diagonal. The half of neighbors served least often received %(low)s of responses; "
            "the further the curve sags below the diagonal, the more the responses are "
            "concentrated on a few people."
        ) % {"low": percent(ys[half], 1)}
        data = table(
            title,
            [_("Share of neighbors (least served first)"), _("Share of responses")],
            [[percent(x, 1), percent(y, 1)] for x, y in zip(xs, ys, strict=True)],
        )
        spec = line_spec(
            xs,
            ys,
            description=summary,
            x_title=_("Neighbors served (%)"),
            y_title=_("Responses (%)"),
            reference=True,
        )
        blocks.append(
            chart_block(
                spec,
                chart_id="familiar-neighbors-lorenz",
                title=title,
                summary=summary,
                data_table=data,
            )
        )
    if gini.biased is not None:
        blocks.append(
            Figure(
                _("Gini coefficient"),
                number(gini.biased, 2),
                _(
                    "0 means every neighbor had the same number of responses; "
                    "values near 1, that a few had almost all"
                ),
            )
        )
    if gini.unbiased is not None:
        blocks.append(
            Figure(
                _("Gini coefficient, small-sample correction"),
                number(gini.unbiased, 2),
                _("over %(people)s neighbors served") % {"people": people_text(bands)},
            )
        )
    if not blocks:
        blocks.append(
            TextBlock(
                _("Too few neighbors were served to draw the curve without singling people out.")
            )
        )
    return Section(_("How unequal the responses are"), tuple(blocks))
