"""Alert counts for the public map, by grid cell or police beat, never at an exact location
(issue 6; methods.md §5.5 rule 1: no addresses in public outputs).

Alerts are not people, so no count is suppressed; the protection is spatial: a grid cell is at
least 250 m on a side (a cell that small still holds several addresses) and each cell is drawn at
its centre, snapped by :func:`civicstat.safety.spatial.coarsen_to_grid`, which never places a
centre on a true location. Beats are drawn at a representative point inside the beat polygon.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis.expr.types as ir
import numpy as np
import pandas as pd
import shapely

from civicstat.safety.gunshots.errors import GunshotDataError
from civicstat.safety.gunshots.frames import Period, pull_alerts
from civicstat.safety.gunshots.results import Exclusion, exclusions
from civicstat.safety.spatial import (
    WGS84,
    Layer,
    assign_to_polygons,
    coarsen_to_grid,
    metric_crs,
    project_xy,
)

MIN_CELL_M = 250.0
"""Smallest grid cell side allowed on a public map, in metres."""

MAP_COLUMNS = ["area_id", "longitude", "latitude", "alerts"]


@dataclass(frozen=True, eq=False)
class AlertMap:
    """``cells``: ``area_id`` (grid cell ``"c{col}_r{row}"`` or beat name), ``longitude`` and
    ``latitude`` of the cell centre or the beat's representative point (NaN when the beat has no
    polygon), ``alerts``. ``unit`` is ``"grid"`` or ``"beat"``."""

    cells: pd.DataFrame
    unit: str
    cell_size_m: float | None
    crs: str | None
    excluded: tuple[Exclusion, ...]


def _located(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    ok = frame["latitude"].notna() & frame["longitude"].notna()
    return frame[ok].reset_index(drop=True), int((~ok).sum())


def alert_counts_by_cell(
    alerts: ir.Table,
    *,
    cell_size_m: float = MIN_CELL_M,
    period: Period | None = None,
    alert_types: Sequence[str] | None = None,
    crs: str = "auto",
) -> AlertMap:
    """Alerts per square cell of ``cell_size_m`` metres (at least 250) in a metric CRS (the local
    UTM zone by default); alerts without coordinates are counted as excluded."""
    if not cell_size_m >= MIN_CELL_M:
        raise GunshotDataError(
            "alert_counts_by_cell",
            f"must be at least {MIN_CELL_M:g} m on a public map, got {cell_size_m}",
            "cell_size_m",
        )
    frame, unlocated = _located(pull_alerts(alerts, period=period, alert_types=alert_types))
    excluded = exclusions({"alert_location_missing": unlocated})
    if frame.empty:
        return AlertMap(_empty(), "grid", cell_size_m, None, excluded)
    lonlat = frame[["longitude", "latitude"]].to_numpy(dtype=float)
    bounds = (*lonlat.min(axis=0), *lonlat.max(axis=0))
    target = metric_crs(crs, bounds)
    snapped = coarsen_to_grid(project_xy(lonlat, WGS84, target), cell_size_m)
    cells = pd.DataFrame(
        {"col": snapped.col, "row": snapped.row, "x": snapped.xy[:, 0], "y": snapped.xy[:, 1]}
    )
    counts = cells.groupby(["col", "row"], sort=True).agg(
        x=("x", "first"), y=("y", "first"), alerts=("x", "size")
    )
    counts = counts.reset_index()
    centre = project_xy(counts[["x", "y"]].to_numpy(), target, WGS84)
    out = pd.DataFrame(
        {
            "area_id": [f"c{c}_r{r}" for c, r in zip(counts["col"], counts["row"], strict=True)],
            "longitude": centre[:, 0],
            "latitude": centre[:, 1],
            "alerts": counts["alerts"].astype("int64"),
        }
    )
    return AlertMap(out, "grid", cell_size_m, target, excluded)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_id": pd.Series(dtype="string"),
            "longitude": pd.Series(dtype="float64"),
            "latitude": pd.Series(dtype="float64"),
            "alerts": pd.Series(dtype="int64"),
        }
    )


def _beat_shapes(beats: Layer, beat_field: str) -> tuple[list[str], np.ndarray]:
    if beat_field not in beats.attributes.columns:
        raise GunshotDataError(
            beats.source,
            f"beat layer has no such field; fields are {list(beats.attributes.columns)}",
            f"field {beat_field!r}",
        )
    layer = beats.to_crs(WGS84)
    names = layer.attributes[beat_field].astype("string")
    keys = sorted(set(names.dropna()))
    shapes = np.empty(len(keys), dtype=object)
    for i, key in enumerate(keys):
        parts = layer.geometries[(names == key).fillna(False).to_numpy(dtype=bool)]
        shapes[i] = shapely.union_all(shapely.make_valid(parts))
    return keys, shapes


def alert_counts_by_beat(
    alerts: ir.Table,
    *,
    beats: Layer | None = None,
    beat_field: str = "beat",
    period: Period | None = None,
    alert_types: Sequence[str] | None = None,
) -> AlertMap:
    """Alerts per beat.

    With a beat polygon layer, each located alert goes to the beat polygon holding it (multi-part
    beats are merged by ``beat_field``) and the beat is drawn at a point inside it; alerts outside
    every beat are excluded. Without one, the alerts' own ``beat`` column is counted and no point
    is given (the page shows a table).
    """
    frame = pull_alerts(alerts, period=period, alert_types=alert_types)
    if beats is None:
        missing = frame["beat"].isna() | (frame["beat"].str.strip() == "")
        counts = frame.loc[~missing, "beat"].value_counts().sort_index()
        out = pd.DataFrame(
            {
                "area_id": counts.index.astype("string"),
                "longitude": np.nan,
                "latitude": np.nan,
                "alerts": counts.to_numpy(dtype="int64"),
            }
        )
        excluded = exclusions({"beat_missing": int(missing.sum())})
        return AlertMap(out.reset_index(drop=True), "beat", None, None, excluded)
    frame, unlocated = _located(frame)
    keys, shapes = _beat_shapes(beats, beat_field)
    idx = assign_to_polygons(frame[["longitude", "latitude"]].to_numpy(dtype=float), shapes)
    inside = idx >= 0
    counts = np.bincount(idx[inside], minlength=len(keys))
    reps = shapely.get_coordinates(shapely.point_on_surface(shapes))
    out = pd.DataFrame(
        {
            "area_id": pd.Series(keys, dtype="string"),
            "longitude": reps[:, 0],
            "latitude": reps[:, 1],
            "alerts": counts.astype("int64"),
        }
    )
    excluded = exclusions(
        {"alert_location_missing": unlocated, "outside_all_beats": int((~inside).sum())}
    )
    return AlertMap(out, "beat", None, WGS84, excluded)
