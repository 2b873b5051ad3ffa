"""The risk map: a Vega-Lite spec built with Altair and rendered to SVG on the server (vl-convert).

Cells above the lowest class are dissolved by class into one (multi)polygon per class, drawn in
the model's metric CRS with an identity projection (north up) over the study area filled in the
lowest class's colour — a few shapes instead of tens of thousands of squares, so the SVG stays
small. The spec carries a text description for
screen readers; the class table in the report is the chart's table equivalent.
"""

from __future__ import annotations

import json

import altair as alt
import numpy as np
import shapely
import vl_convert

from civicstat.safety.risk_terrain.result import RTMResult

# light to dark: lowest class is near-white so the risk classes stand out
_PALETTE = ("#f1f1ef", "#fdd49e", "#fc8d59", "#d7301f", "#7f0000", "#3f0000")


def _class_features(result: RTMResult) -> list[dict]:
    features = []
    g = result.grid
    for rank, label in enumerate(result.class_labels):
        if rank == 0:
            continue  # the lowest class is the filled study-area outline underneath
        idx = np.flatnonzero(result.cells["class_rank"].to_numpy() == rank)
        if len(idx) == 0:
            continue
        shape = shapely.coverage_union_all(g.polygons(idx))
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(shapely.to_geojson(shape)),
                "properties": {
                    "risk_class": label,
                    "rank": rank,
                    "cells": int(len(idx)),
                    "area_share": round(len(idx) / g.n_cells, 4),
                },
            }
        )
    return features


def risk_map_spec(result: RTMResult, width: int = 640) -> dict:
    """The Vega-Lite spec (a plain dict) of the risk map."""
    g = result.grid
    outline = shapely.simplify(g.boundary, g.cell_size / 2)
    minx, miny, maxx, maxy = g.boundary.bounds
    height = int(round(width * (maxy - miny) / (maxx - minx))) if maxx > minx else width
    labels = list(result.class_labels)
    colours = list(_PALETTE[: len(labels)])
    classes = (
        alt.Chart(alt.Data(values=_class_features(result)))
        .mark_geoshape(stroke=None)
        .encode(
            color=alt.Color(
                "properties.risk_class:N",
                title="risk class",
                scale=alt.Scale(domain=labels, range=colours),
                sort=labels,
            ),
            tooltip=[
                alt.Tooltip("properties.risk_class:N", title="class"),
                alt.Tooltip("properties.cells:Q", title="cells"),
                alt.Tooltip("properties.area_share:Q", title="share of area", format=".1%"),
            ],
        )
    )
    boundary = alt.Chart(
        alt.Data(
            values=[
                {
                    "type": "Feature",
                    "geometry": json.loads(shapely.to_geojson(outline)),
                    "properties": {},
                }
            ]
        )
    ).mark_geoshape(fill=_PALETTE[0], stroke="#444444", strokeWidth=0.6)
    top = result.selected[0] if result.selected else None
    description = (
        f"Map of relative risk classes of {result.config.outcome_label} over "
        f"{g.n_cells} cells of {g.cell_size:g} m. "
        + (
            f"Most influential factor: {top.factor} (RRV {top.rrv:.1f}). "
            if top
            else "No risk factor was selected. "
        )
        + f"Highest relative risk score {result.max_rrs:.1f}."
    )
    chart = (
        (boundary + classes)
        .project(type="identity", reflectY=True)
        .properties(
            width=width,
            height=height,
            title=result.config.title or f"Risk terrain: {result.config.name}",
            description=description,
        )
    )
    return chart.to_dict()


def risk_map_svg(result: RTMResult, width: int = 640) -> str:
    """The risk map rendered to an SVG document."""
    return vl_convert.vegalite_to_svg(risk_map_spec(result, width))
