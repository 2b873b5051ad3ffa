"""Loading the run's layers: read, check the geometry type, drop geocoder pile-ups, filter, date,
window and project — counting every feature left out, by reason (DESIGN.md: nothing is dropped
silently).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from civicstat.safety.errors import SafetyInputError
from civicstat.safety.risk_terrain.config import DedupRule, LayerSpec, Window
from civicstat.safety.spatial import Layer, read_csv_points, read_geojson


@dataclass(frozen=True)
class InputSummary:
    """What happened to one input file: rows read, rows used, rows dropped by reason."""

    role: str
    name: str
    path: str
    n_read: int
    n_used: int
    dropped: tuple[tuple[str, int], ...]


@dataclass(frozen=True, eq=False)
class LoadedLayer:
    """A layer in the run's CRS with its event times (tz-aware) when it has a date column."""

    layer: Layer
    times: pd.Series | None
    summary: InputSummary


def read_spec(spec: LayerSpec) -> Layer:
    """Read the file a :class:`LayerSpec` names, in its own CRS."""
    if spec.path.suffix.lower() == ".csv":
        return read_csv_points(spec.path, x=spec.x, y=spec.y, crs=spec.source_crs)
    return read_geojson(spec.path)


def pileup_mask(layer: Layer, rule: DedupRule) -> np.ndarray:
    """True for features at an exact coordinate shared by more than ``rule.max_repeats`` rows
    (or distinct values of ``rule.distinct``): geocoder fall-back points."""
    if layer.kind != "point" or len(layer) == 0:
        return np.zeros(len(layer), dtype=bool)
    xy = layer.xy()
    frame = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1]})
    if rule.distinct is None:
        size = frame.groupby(["x", "y"])["x"].transform("size")
    else:
        if rule.distinct not in layer.attributes.columns:
            raise SafetyInputError(
                layer.source,
                f"deduplicate.distinct names column "
                f"{rule.distinct!r}, which the file does not have",
            )
        frame["v"] = layer.attributes[rule.distinct].to_numpy()
        size = frame.groupby(["x", "y"])["v"].transform("nunique")
    return size.to_numpy() > rule.max_repeats


def _dedup(layer: Layer, rule: DedupRule) -> Layer:
    what = f"distinct {rule.distinct} values" if rule.distinct else "rows"
    reason = f"geocoder pile-up (coordinate shared by more than {rule.max_repeats} {what})"
    return layer.subset(~pileup_mask(layer, rule), reason=reason)


def parse_times(layer: Layer, spec: LayerSpec) -> pd.Series:
    """The date column as tz-aware timestamps in ``spec.timezone`` (NaT where unparseable)."""
    col = spec.date_column
    if col not in layer.attributes.columns:
        raise SafetyInputError(
            layer.source,
            f"expected a date column {col!r}; columns are {list(layer.attributes.columns)}",
        )
    raw = layer.attributes[col]
    times = pd.to_datetime(raw, format=spec.date_format, errors="coerce")
    if getattr(times.dt, "tz", None) is None:
        times = times.dt.tz_localize(spec.timezone, ambiguous="NaT", nonexistent="shift_forward")
    else:
        times = times.dt.tz_convert(spec.timezone)
    return times


def in_window(times: pd.Series, window: Window, timezone: str) -> np.ndarray:
    """True where ``start ≤ t < end`` (local dates of ``window`` in ``timezone``)."""
    start = pd.Timestamp(window.start).tz_localize(timezone)
    end = pd.Timestamp(window.end).tz_localize(timezone)
    return ((times >= start) & (times < end)).to_numpy(dtype=bool)


def load_layer(
    spec: LayerSpec,
    crs: str,
    role: str,
    name: str,
    windows: dict[str, Window] | None = None,
) -> LoadedLayer:
    """Read, check, clean and project one layer (see the module docstring for the order)."""
    layer = read_spec(spec)
    n_read = len(layer) + sum(n for _, n in layer.dropped)
    bad = shapely.is_empty(layer.geometries) | ~shapely.is_valid(layer.geometries)
    if layer.kind == "polygon" and bad.any():
        layer = Layer(
            shapely.make_valid(layer.geometries),
            layer.attributes,
            layer.crs,
            layer.source,
            layer.dropped,
        )
    else:
        layer = layer.subset(~shapely.is_empty(layer.geometries), reason="empty geometry")
    if len(layer) and (shapely.get_type_id(layer.geometries) == 0).all():
        finite = np.isfinite(layer.xy()).all(axis=1)
        layer = layer.subset(finite, reason="coordinates not finite")
    if spec.type != "auto" and layer.kind not in (spec.type, "empty"):
        raise SafetyInputError(
            layer.source, f"expected {spec.type} geometries for {role} {name!r}, found {layer.kind}"
        )
    if layer.kind == "mixed":
        raise SafetyInputError(
            layer.source,
            f"{role} {name!r} mixes points, lines and polygons; "
            "expected one geometry family (split the file or filter it)",
        )
    if spec.deduplicate and spec.deduplicate.scope == "file":
        layer = _dedup(layer, spec.deduplicate)
    if spec.filter:
        layer = layer.query(spec.filter)
    if spec.deduplicate and spec.deduplicate.scope == "filtered":
        layer = _dedup(layer, spec.deduplicate)
    times = None
    if spec.date_column:
        times = parse_times(layer, spec)
        ok = times.notna().to_numpy()
        layer = layer.subset(
            ok, reason=f"{spec.date_column} empty or not a date in format {spec.date_format}"
        )
        times = times[ok].reset_index(drop=True)
        if spec.window and windows:
            keep = in_window(times, windows[spec.window], spec.timezone)
            layer = layer.subset(keep, reason=f"outside the {spec.window} window")
            times = times[keep].reset_index(drop=True)
    layer = layer.to_crs(crs)
    summary = InputSummary(role, name, str(spec.path), n_read, len(layer), layer.dropped)
    return LoadedLayer(layer, times, summary)
