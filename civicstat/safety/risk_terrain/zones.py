"""High-risk zones as a breakdown for measures (e.g. robberies inside vs outside RTM zones).

A zone set is the cells of a risk class and above (``zones.min_class`` in the configuration,
"highest" by default). It needs only the raster geometry (CRS, origin, cell size) and the zone
cells, so it can be saved in ``report.json`` and rebuilt by a measure refresh without rerunning
the model (:func:`load_zones`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from civicstat.safety.errors import SafetyInputError
from civicstat.safety.risk_terrain.result import RTMResult
from civicstat.safety.spatial import WGS84, project_geometries, project_xy


@dataclass(frozen=True, eq=False)
class HighRiskZones:
    """Zone cells (``cols``, ``rows``) of a raster anchored at ``origin`` in ``crs``."""

    crs: str
    cell_size: float
    origin: tuple[float, float]
    n_cols: int
    n_rows: int
    cols: np.ndarray
    rows: np.ndarray
    min_class: str
    _mask: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        mask = np.zeros((self.n_rows, self.n_cols), dtype=bool)
        mask[np.asarray(self.rows, dtype=np.int64), np.asarray(self.cols, dtype=np.int64)] = True
        object.__setattr__(self, "_mask", mask)

    @property
    def n_cells(self) -> int:
        return len(self.cols)

    def contains_xy(self, xy: np.ndarray) -> np.ndarray:
        """True for projected points inside a zone cell."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        col = np.floor((xy[:, 0] - self.origin[0]) / self.cell_size)
        row = np.floor((xy[:, 1] - self.origin[1]) / self.cell_size)
        ok = (col >= 0) & (col < self.n_cols) & (row >= 0) & (row < self.n_rows)
        out = np.zeros(len(xy), dtype=bool)
        out[ok] = self._mask[row[ok].astype(np.int64), col[ok].astype(np.int64)]
        return out

    def contains_lonlat(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """True for WGS84 points inside a zone cell."""
        xy = np.column_stack([np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)])
        return self.contains_xy(project_xy(xy, WGS84, self.crs))

    def polygons(self) -> BaseGeometry:
        """The zone cells dissolved into (multi)polygons, in the zone CRS."""
        x0 = self.origin[0] + self.cols * self.cell_size
        y0 = self.origin[1] + self.rows * self.cell_size
        boxes = shapely.box(x0, y0, x0 + self.cell_size, y0 + self.cell_size)
        return shapely.coverage_union_all(boxes) if len(boxes) else shapely.Polygon()

    def to_geojson(self) -> dict:
        """A FeatureCollection with the dissolved zones in WGS84 lon/lat."""
        geom = project_geometries(np.array([self.polygons()], dtype=object), self.crs, WGS84)[0]
        feature = {
            "type": "Feature",
            "properties": {"min_class": self.min_class, "cells": self.n_cells},
            "geometry": json.loads(shapely.to_geojson(geom)),
        }
        return {"type": "FeatureCollection", "features": [feature]}

    def to_dict(self) -> dict:
        return {
            "crs": self.crs,
            "cell_size": self.cell_size,
            "origin": list(self.origin),
            "n_cols": self.n_cols,
            "n_rows": self.n_rows,
            "min_class": self.min_class,
            "cells": [[int(c), int(r)] for c, r in zip(self.cols, self.rows, strict=True)],
        }

    @classmethod
    def from_dict(cls, data: dict, source: str = "zones") -> HighRiskZones:
        try:
            cells = np.asarray(data["cells"], dtype=np.int64).reshape(-1, 2)
            return cls(
                str(data["crs"]),
                float(data["cell_size"]),
                tuple(data["origin"]),
                int(data["n_cols"]),
                int(data["n_rows"]),
                cells[:, 0],
                cells[:, 1],
                str(data["min_class"]),
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise SafetyInputError(
                source,
                f"expected a zones object with crs, cell_size, "
                f"origin, n_cols, n_rows, min_class and cells ({exc})",
            ) from exc


def high_risk_zones(result: RTMResult, min_class: str | None = None) -> HighRiskZones:
    """The cells in ``min_class`` (default: the configured zone class) or any higher class."""
    label = min_class or result.zone_class
    if label not in result.class_labels:
        raise SafetyInputError(
            "high_risk_zones",
            f"{label!r} is not a risk class; expected one of {list(result.class_labels)}",
        )
    rank = result.class_labels.index(label)
    cells = result.cells[result.cells["class_rank"] >= rank]
    g = result.grid
    return HighRiskZones(
        g.crs,
        g.cell_size,
        g.origin,
        g.n_cols,
        g.n_rows,
        cells["col"].to_numpy(),
        cells["row"].to_numpy(),
        label,
    )


def load_zones(report_dir: str | Path) -> HighRiskZones:
    """The zones saved in ``report_dir/report.json`` by ``write_report``."""
    path = Path(report_dir) / "report.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SafetyInputError(path, f"cannot be read as an RTM report ({exc})") from exc
    if "zones" not in data:
        raise SafetyInputError(path, "expected a 'zones' entry (an RTM report.json)")
    return HighRiskZones.from_dict(data["zones"], str(path))


def zone_breakdown(
    zones: HighRiskZones,
    lon: np.ndarray,
    lat: np.ndarray,
    times: pd.Series,
    freq: str = "M",
    timezone: str = "America/New_York",
) -> pd.DataFrame:
    """Events per local calendar period (pandas ``freq``) inside and outside the zones:
    columns ``period, inside, outside, total, inside_share``."""
    times = pd.Series(times).reset_index(drop=True)
    if getattr(times.dt, "tz", None) is None:
        raise SafetyInputError("zone_breakdown", "expected tz-aware event times (methods.md §0)")
    inside = zones.contains_lonlat(lon, lat)
    period = times.dt.tz_convert(timezone).dt.tz_localize(None).dt.to_period(freq)
    frame = pd.DataFrame({"period": period, "zone": np.where(inside, "inside", "outside")})
    table = (
        frame.groupby(["period", "zone"])
        .size()
        .unstack("zone", fill_value=0)
        .reindex(columns=["inside", "outside"], fill_value=0)
        .reset_index()
    )
    table.columns.name = None
    table["total"] = table["inside"] + table["outside"]
    table["inside_share"] = table["inside"] / table["total"]
    return table
