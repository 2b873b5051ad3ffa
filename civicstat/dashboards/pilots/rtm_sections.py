"""Sections of a published risk terrain model: the model, the risk factors chosen, the risk
map, the validation on a later window and the high-risk zones (assembled by ``rtm_report``)."""

from __future__ import annotations

import datetime as dt
import math

from django.utils.translation import gettext as _

from civicstat.dashboards.analysis import Section, TextBlock, chart_block, figure
from civicstat.dashboards.analysis.build import number, table, table_block
from civicstat.dashboards.charts.theme import config as theme_config
from civicstat.safety.risk_terrain import RTMResult, high_risk_zones
from civicstat.safety.risk_terrain.chart import risk_map_spec

TOP_CELLS = 20
METHOD_LABELS = {
    "rtm": "Risk terrain model",
    "kde": "Kernel density hot spots",
    "prior_counts": "Last period's counts",
}


def _pct(x: float | None, decimals: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return number(100 * x, decimals, "%")


def _ratio(x: float | None, suppressed: bool = False) -> str:
    if suppressed:
        return _("Suppressed")
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return number(x, 2)


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%b %Y}"


def window_label(w) -> str:
    return f"{_day(w.start)} – {_day(w.end - dt.timedelta(days=1))}"


def _factor_name(name: str) -> str:
    return name.replace("_", " ")


def _op_label(op: str) -> str:
    return {"proximity": _("proximity"), "density": _("high density")}.get(op, op)


def model_section(result: RTMResult) -> Section:
    cfg, m = result.config, result.model
    c = result.candidates
    figures = (
        figure(
            _("Cells modelled"),
            result.grid.n_cells,
            note=_("squares of %(size)s m") % {"size": number(result.cell_size)},
        ),
        figure(
            _("Training-window events (%(label)s)") % {"label": cfg.outcome_label},
            m.n_events,
            note=window_label(cfg.train),
        ),
        figure(
            _("Risk factors tested"),
            len(result.factors),
            note=_("%(n)s candidate variables") % {"n": number(len(c))},
        ),
        figure(
            _("Risk factors selected"),
            len(result.selected),
            note=_("%(family)s count model") % {"family": m.family},
        ),
        figure(
            _("Highest relative risk score"),
            result.max_rrs,
            decimals=1,
            note=_("times the risk of the lowest-risk cells"),
        ),
    )
    text = " ".join(line for line in _narrative_lines(result) if line)
    return Section(_("The model"), (*figures, TextBlock(text)))


def _narrative_lines(result: RTMResult) -> list[str]:
    cfg = result.config
    lines = [
        _(
            "%(n)s %(label)s events from %(window)s were counted in %(cells)s cells of %(size)s m "
            "(half an average block of %(block)s m)."
        )
        % {
            "n": number(result.model.n_events),
            "label": cfg.outcome_label,
            "window": window_label(cfg.train),
            "cells": number(result.grid.n_cells),
            "size": number(result.cell_size),
            "block": number(result.block_length),
        },
    ]
    if result.selected:
        top = result.selected[0]
        lines.append(
            _(
                "The strongest factor is %(factor)s: a cell under its influence has %(rrv)s times "
                "the risk of a cell that is not, other factors equal."
            )
            % {"factor": _factor_name(top.factor), "rrv": number(top.rrv, 1)}
        )
    else:
        lines.append(_("No factor raised the risk enough to be selected; every cell scores 1."))
    return lines


def factors_section(result: RTMResult) -> Section:
    chosen = table_block(
        _("Risk factors chosen, strongest first"),
        [
            _("Factor"),
            _("Measured as"),
            _("Spatial influence"),
            _("Blocks"),
            _("RRV"),
            _("95% interval"),
            _("p-value"),
            _("Cells affected"),
        ],
        [
            [
                _factor_name(s.factor),
                _op_label(s.operationalisation),
                f"{number(s.distance)} m",
                number(s.blocks, 1),
                number(s.rrv, 2),
                f"{number(s.rrv_low, 2)} – {number(s.rrv_high, 2)}",
                "< 0.001" if s.p_value < 0.001 else number(s.p_value, 3),
                number(s.cells),
            ]
            for s in result.selected
        ],
        numeric=(False, False, True, True, True, True, True, True),
        note=_(
            "RRV (relative risk value) = exp(coefficient): how many times the risk of a cell "
            "within the factor's spatial influence is, compared with a cell outside it."
        ),
    )
    chosen_names = {s.factor for s in result.selected}
    tested = table_block(
        _("Every risk factor tested"),
        [_("Factor"), _("Features"), _("Tested as"), _("Why"), _("Selected")],
        [
            [
                _factor_name(f.name),
                number(f.n_features),
                f.operationalisation,
                f.reason,
                _("yes") if f.name in chosen_names else _("no"),
            ]
            for f in result.factors
        ],
        numeric=(False, True, False, False, False),
    )
    blocks = (chosen, tested) if result.selected else (tested,)
    intro = _(
        "Each factor was turned into yes/no variables (near a feature, or in a dense area "
        "of them) at distances of half a block up to %(max)s blocks; an elastic-net "
        "screen with spatially blocked cross-validation kept the promising ones and "
        "stepwise selection by BIC chose the final model."
    ) % {"max": number(result.config.model.max_spatial_influence_blocks, 1)}
    return Section(_("Risk factors"), blocks, intro)


def _class_table(result: RTMResult):
    rows = []
    for r in result.class_summary.itertuples(index=False):
        rows.append(
            [
                r[0].replace("_", " "),
                number(r.cells),
                _pct(r.area_share),
                number(r.train_events),
                _pct(r.train_share),
                number(r.test_events),
                _pct(r.test_share),
            ]
        )
    return table(
        _("Risk classes: share of the area and of the events"),
        [
            _("Risk class"),
            _("Cells"),
            _("Share of area"),
            _("Training events"),
            _("Share"),
            _("Test events"),
            _("Share"),
        ],
        rows,
    )


def map_section(result: RTMResult, chart_id: str) -> Section:
    spec = risk_map_spec(result)
    spec.pop("title", None)  # the figure's caption carries it
    spec["config"] = {**spec.get("config", {}), **theme_config()}
    top = result.selected[0] if result.selected else None
    summary = _(
        "%(cells)s cells of %(size)s m shaded by risk class, north up. The highest class covers "
        "%(share)s of the area and held %(test)s of the test-window events."
    ) % {
        "cells": number(result.grid.n_cells),
        "size": number(result.cell_size),
        "share": _pct(float(result.class_summary["area_share"].iloc[-1])),
        "test": _pct(float(result.class_summary["test_share"].iloc[-1])),
    }
    if top:
        summary += " " + _("Strongest factor: %(f)s (RRV %(rrv)s).") % {
            "f": _factor_name(top.factor),
            "rrv": number(top.rrv, 1),
        }
    chart = chart_block(
        spec,
        chart_id=chart_id,
        title=_("Relative risk of %(label)s") % {"label": result.config.outcome_label},
        summary=summary,
        data_table=_class_table(result),
    )
    cells = result.cells.sort_values(
        ["rrs", "train_count", "cell_id"], ascending=[False, False, True]
    ).head(TOP_CELLS)
    top_rows = [
        [
            str(i + 1),
            f"{int(c.col)} / {int(c.row)}",
            number(c.lat, 4),
            number(c.lon, 4),
            number(c.rrs, 1),
            str(c.risk_class).replace("_", " "),
            number(c.train_count),
            number(c.test_count),
        ]
        for i, c in enumerate(cells.itertuples(index=False))
    ]
    top_table = table_block(
        _("The %(n)s highest-risk cells") % {"n": TOP_CELLS},
        [
            _("Rank"),
            _("Column / row"),
            _("Centre latitude"),
            _("Centre longitude"),
            _("Relative risk score"),
            _("Risk class"),
            _("Training events"),
            _("Test events"),
        ],
        top_rows,
        numeric=(True, False, True, True, True, False, True, True),
        note=_(
            "Cells are counted from the south-west corner of the model's grid; the centre is "
            "the middle of the square, not the place of any event."
        ),
    )
    return Section(_("Risk map"), (chart, top_table))


def validation_section(result: RTMResult) -> Section:
    cfg = result.config
    v = result.validation
    n_test = int(v["N"].iloc[0]) if len(v) else 0
    rows = []
    for r in v.itertuples(index=False):
        rows.append(
            [
                METHOD_LABELS.get(r.method, r.method),
                str(r.cut),
                _pct(r.coverage),
                f"{number(r.n_t, 1)} / {number(r.N)}",
                _pct(r.hit_rate),
                _ratio(r.pai, r.suppressed),
                _ratio(r.pei, r.suppressed),
                _ratio(r.rri, r.suppressed),
            ]
        )
    block = table_block(
        _("Hit rate, PAI and PEI on the test window"),
        [
            _("Ranking"),
            _("Top cells"),
            _("Share of area"),
            _("Events in them / all"),
            _("Hit rate"),
            _("PAI"),
            _("PEI"),
            _("RRI"),
        ],
        rows,
        numeric=(False, False, True, True, True, True, True, True),
        note=_(
            "PAI = hit rate ÷ share of area; PEI = PAI ÷ the best PAI possible for that area; "
            "RRI = predicted ÷ observed events in the top cells. Ties in a ranking are split "
            "pro rata, so event counts can be fractional."
        ),
    )
    five = v[v["cut"] == "5%"].set_index("method") if len(v) else v
    figures = tuple(
        figure(
            _("PAI of %(method)s, top 5%% of the area") % {"method": METHOD_LABELS[m]},
            None if bool(five.loc[m, "suppressed"]) else float(five.loc[m, "pai"]),
            decimals=2,
            suppressed=bool(five.loc[m, "suppressed"]),
        )
        for m in ("rtm", "kde", "prior_counts")
        if m in five.index
    )
    intro = _(
        "The model was fitted on %(train)s and tested on %(n)s events of the later window "
        "%(test)s, which it never saw. Each ranking picks the cells it rates highest; the "
        "table says how many test-window events fell in them."
    ) % {"train": window_label(cfg.train), "n": number(n_test), "test": window_label(cfg.test)}
    return Section(_("How well it predicted a later period"), (*figures, block), intro)


def zones_section(result: RTMResult) -> Section:
    zones = high_risk_zones(result)
    rank = result.class_labels.index(zones.min_class)
    part = result.class_summary[result.class_summary["rank"] >= rank]
    text = _(
        "The high-risk zones are the cells of the class “%(cls)s” and above. The warehouse "
        "keeps them, so measures can count events inside and outside the zones each "
        "month."
    ) % {"cls": zones.min_class.replace("_", " ")}
    return Section(
        _("High-risk zones"),
        (
            figure(_("Zone cells"), zones.n_cells),
            figure(
                _("Share of the area"),
                100 * float(part["area_share"].sum()),
                decimals=1,
                suffix="%",
            ),
            figure(
                _("Share of training-window events"),
                100 * float(part["train_share"].sum()),
                decimals=1,
                suffix="%",
            ),
            figure(
                _("Share of test-window events"),
                100 * float(part["test_share"].sum()),
                decimals=1,
                suffix="%",
            ),
            TextBlock(text),
        ),
    )
