"""Sections of the gunshot-detection pilot analysis: alerts and residents' 911 calls, the vendor's
detection-and-location rate, and the public map of alerts by coarse square and by beat.

The map never shows an alert's location: squares are at least 250 m on a side (the pure layer
refuses smaller ones), named by their position in the grid, and only their counts are published.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from civicstat.dashboards.analysis import Section, TextBlock, chart_block, figure
from civicstat.dashboards.analysis.build import number, table, table_block
from civicstat.dashboards.pilots.charts import grid_map_spec
from civicstat.dashboards.pilots.formatting import excluded_note, percent
from civicstat.safety.gunshots import AlertMap, GunshotPilot

NOTIFICATION_LABELS = {
    "alert_only": "Alert only (no resident called)",
    "call_only": "911 call only (no alert)",
    "both": "Alert and 911 call",
    "all": "All alerts",
}


def matching_section(pilot: GunshotPilot) -> Section:
    m = pilot.matching
    if m is None:
        return Section(
            _("Alerts and residents' 911 calls"),
            (
                TextBlock(
                    _(
                        "No calls for service are loaded, so alerts cannot be compared with residents' "
                        "911 calls."
                    )
                ),
            ),
        )
    rule = m.rule
    breakdown = m.breakdown()
    rows = [
        [
            _(NOTIFICATION_LABELS[r.notification]),
            number(r.count),
            number(r.notifications),
            percent(r.share),
        ]
        for r in breakdown.itertuples(index=False)
    ]
    blocks: list = [
        figure(
            _("Alerts that also had a resident's 911 call"),
            None if m.share_of_alerts_with_call is None else 100 * m.share_of_alerts_with_call,
            decimals=1,
            suffix="%",
            note=_("%(k)s of %(n)s alerts") % {"k": number(m.n_both), "n": number(m.n_alerts)},
        ),
        figure(
            _("Gunfire notifications"),
            int(breakdown["count"].sum()),
            note=_("alerts and 911-only calls, each counted once"),
        ),
        table_block(
            _("Gunfire notifications by source"),
            [_("Source"), _("Notifications"), _("All notifications"), _("Share")],
            rows,
            note=_("Alerts excluded: %(a)s. Calls excluded: %(c)s.")
            % {"a": excluded_note(m.excluded_alerts), "c": excluded_note(m.excluded_calls)},
        ),
    ]
    if pilot.confirmation is not None:
        conf = [
            [
                _(NOTIFICATION_LABELS[r.notification]),
                number(r.alerts),
                number(r.confirmed_gunfire),
                percent(r.share),
            ]
            for r in pilot.confirmation.itertuples(index=False)
        ]
        blocks.append(
            table_block(
                _("Gunfire confirmed, by whether a resident also called"),
                [_("Alerts"), _("Number"), _("Gunfire confirmed"), _("Share confirmed")],
                conf,
            )
        )
    intro = _(
        "An alert and a resident's shots-fired call (%(types)s) are taken to be the same "
        "gunfire when the call came within %(w)s seconds of the alert and from within "
        "%(r)s metres of it, both limits included. Each alert and each call is paired at "
        "most once, closest in time first."
    ) % {
        "types": ", ".join(rule.call_types),
        "w": number(rule.window_s),
        "r": number(rule.radius_m),
    }
    return Section(_("Alerts and residents' 911 calls"), tuple(blocks), intro)


def detection_section(pilot: GunshotPilot) -> Section:
    d = pilot.detection
    heading = _("Detection and location rate")
    if d is None:
        return Section(
            heading,
            (
                TextBlock(
                    _(
                        "No verified shootings are loaded, so the vendor's detection-and-location rate "
                        "cannot be computed."
                    )
                ),
            ),
        )
    rows = [
        [
            _("Accurately located (within %(r)s m)") % {"r": number(d.radius_m)},
            number(d.accurately_located),
        ],
        [_("Not detected"), number(d.not_detected)],
        [_("Mislocated"), number(d.mislocated)],
        [_("Excluded"), number(sum(e.count for e in d.excluded))],
    ]
    intro = _(
        "The vendor's guarantee: of the verified, detectable outdoor shootings in the "
        "coverage area, the share it detected and located within %(r)s metres. Holiday "
        "windows, shootings not assessed or not detectable and shootings outside the area "
        "are left out."
    ) % {"r": number(d.radius_m)}
    return Section(
        heading,
        (
            figure(
                _("Detected and accurately located"),
                None if d.rate is None else 100 * d.rate,
                decimals=1,
                suffix="%",
                note=_("%(k)s of %(n)s verified shootings; %(x)s")
                % {
                    "k": number(d.accurately_located),
                    "n": number(d.denominator),
                    "x": excluded_note(d.excluded),
                },
            ),
            table_block(_("Verified shootings by result"), [_("Result"), _("Shootings")], rows),
        ),
        intro,
    )


def _column_name(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (spreadsheet style)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def square_labels(cells) -> list[tuple[int, int, int, str]]:
    """``(column, row, alerts, label)`` per grid cell: columns lettered west to east, rows
    numbered north to south from the map's corner (like a street atlas)."""
    parsed = []
    for area, n in zip(cells["area_id"], cells["alerts"], strict=True):
        col, row = (int(part[1:]) for part in str(area).split("_"))
        parsed.append((col, row, int(n)))
    if not parsed:
        return []
    min_col = min(c for c, _r, _n in parsed)
    max_row = max(r for _c, r, _n in parsed)
    return [(c, r, n, f"{_column_name(c - min_col)}{max_row - r + 1}") for c, r, n in parsed]


def map_section(grid: AlertMap, beats: AlertMap | None) -> Section:
    heading = _("Where the alerts were")
    cells = square_labels(grid.cells)
    side = number(grid.cell_size_m)
    if not cells:
        return Section(heading, (TextBlock(_("No located alerts in the evaluation period.")),))
    ordered = sorted(cells, key=lambda c: (-c[2], c[3]))
    caption = _("Alerts per %(s)s-metre square, evaluation period") % {"s": side}
    data = table(
        caption, [_("Square"), _("Alerts")], [[lab, number(n)] for _c, _r, n, lab in ordered]
    )
    total = sum(c[2] for c in cells)
    summary = _(
        "%(n)s located alerts in %(k)s squares of %(s)s metres, north at the top. The busiest "
        "square, %(top)s, had %(top_n)s alerts; the five busiest held %(five)s of all. Squares "
        "are lettered west to east and numbered north to south."
    ) % {
        "n": number(total),
        "k": number(len(cells)),
        "s": side,
        "top": ordered[0][3],
        "top_n": number(ordered[0][2]),
        "five": percent(sum(c[2] for c in ordered[:5]) / total if total else None),
    }
    min_col, max_col = min(c[0] for c in cells), max(c[0] for c in cells)
    min_row, max_row = min(c[1] for c in cells), max(c[1] for c in cells)
    spec = grid_map_spec(
        cells,
        description=summary,
        value_title=_("Alerts"),
        column_names=[_column_name(i) for i in range(max_col - min_col + 1)],
        row_names=[str(max_row - r + 1) for r in range(min_row, max_row + 1)],
    )
    blocks: list = [
        chart_block(spec, chart_id="gunshot-map", title=caption, summary=summary, data_table=data),
        TextBlock(
            _(
                "The map shows counts per square only, never where an alert was: a square "
                "holds many addresses. Alerts left off the map: %(x)s."
            )
            % {"x": excluded_note(grid.excluded)}
        ),
    ]
    if beats is not None and len(beats.cells):
        rows = [
            [str(a), number(n)]
            for a, n in sorted(
                zip(beats.cells["area_id"], beats.cells["alerts"], strict=True),
                key=lambda t: (-int(t[1]), str(t[0])),
            )
        ]
        blocks.append(
            table_block(
                _("Alerts per police beat, evaluation period"),
                [_("Beat"), _("Alerts")],
                rows,
                note=excluded_note(beats.excluded),
            )
        )
    return Section(heading, tuple(blocks))
