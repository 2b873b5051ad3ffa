"""GeoJSON point features as table rows, for files the warehouse's readers do not take (PURE).

Ingest reads CSV, Parquet and JSON lines (docs/warehouse.md). A GeoJSON ``FeatureCollection`` such
as Durham's 2013 crime points (mapping ``durham-crime-2013``) becomes rows here: one per feature,
its ``properties`` as text columns plus ``longitude`` and ``latitude`` of its ``Point`` geometry.
Write the frame as CSV (:func:`write_geojson_rows`) and ingest it with the mapping.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

GEOMETRY_COLUMNS = ("longitude", "latitude")


class GeoJSONError(ValueError):
    """A GeoJSON file that cannot be turned into point rows; the message names file and feature."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path, self.problem = path, problem
        super().__init__(f"{path}: {problem}")


def geojson_to_rows(path: str | Path) -> pd.DataFrame:
    """One row per feature of a point ``FeatureCollection``: every property (as text, missing
    values empty; keys in order of first appearance) then ``longitude`` and ``latitude`` (WGS 84,
    floats; NaN for a feature without geometry). Raises :class:`GeoJSONError` for a file that is
    not a FeatureCollection, a non-point geometry, or a property named like a geometry column."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeoJSONError(path, f"cannot be read as JSON ({exc})") from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise GeoJSONError(path, "expected a GeoJSON FeatureCollection at the top level")
    features = document.get("features")
    if not isinstance(features, list):
        raise GeoJSONError(path, "'features' is not a list")
    records: list[dict[str, Any]] = []
    for i, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            raise GeoJSONError(path, f"feature {i}: expected an object with 'properties'")
        clash = set(props) & set(GEOMETRY_COLUMNS)
        if clash:
            raise GeoJSONError(
                path, f"feature {i}: property {sorted(clash)[0]!r} clashes with a geometry column"
            )
        row = {k: "" if v is None else str(v) for k, v in props.items()}
        row.update(zip(GEOMETRY_COLUMNS, _point(path, i, feature.get("geometry")), strict=True))
        records.append(row)
    frame = pd.DataFrame.from_records(records)
    if frame.empty:
        return pd.DataFrame(columns=list(GEOMETRY_COLUMNS))
    text = [c for c in frame.columns if c not in GEOMETRY_COLUMNS]
    frame[text] = frame[text].fillna("")
    return frame[[*text, *GEOMETRY_COLUMNS]]


def _point(path: Path, i: int, geometry: object) -> tuple[float, float]:
    if geometry is None:
        return float("nan"), float("nan")
    coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
    ok = (
        isinstance(geometry, dict)
        and geometry.get("type") == "Point"
        and isinstance(coords, list)
        and len(coords) >= 2
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords[:2])
    )
    if not ok:
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        raise GeoJSONError(path, f"feature {i}: expected a Point geometry, found {kind!r}")
    return float(coords[0]), float(coords[1])


def write_geojson_rows(path: str | Path, out: str | Path) -> Path:
    """Write :func:`geojson_to_rows` of ``path`` as a UTF-8 CSV at ``out``; returns ``out``."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    geojson_to_rows(path).to_csv(out, index=False, lineterminator="\n")
    return out
