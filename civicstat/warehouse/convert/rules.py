"""Evaluating one column rule on a chunk of source rows, before type parsing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from civicstat.warehouse.convert import problems
from civicstat.warehouse.convert.bind import Binding
from civicstat.warehouse.convert.text import as_text, clean, is_text
from civicstat.warehouse.mappings import ColumnRule, SourceOptions

_NUMBER = r"[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?"
# RE2 patterns for pyarrow.compute.extract_regex (vectorised): "(lat, lon)" or "POINT (lon lat)".
_PAIR = rf"^\(?\s*(?P<a>{_NUMBER})\s*[,;]?\s*(?P<b>{_NUMBER})\s*\)?$"
_WKT = rf"^(?i:POINT)\s*\(\s*(?P<a>{_NUMBER})\s+(?P<b>{_NUMBER})\s*\)$"


@dataclass
class Raw:
    """A rule's values before type parsing (text, or typed when the file typed them)."""

    values: pd.Series
    problems: pd.DataFrame
    source: str  # the source column(s), for messages


def evaluate(
    rule: ColumnRule, frame: pd.DataFrame, binding: Binding, options: SourceOptions
) -> Raw:
    """The rule's values for every row of ``frame``; rows that fail here carry a problem."""
    raw = _evaluate(rule, frame, binding, options)
    if rule.values is not None or rule.has_otherwise:
        raw.values = _map_values(rule, as_text(raw.values))
    if rule.fallback is not None and binding.available(rule.fallback):
        other = evaluate(rule.fallback, frame, binding, options)
        base = as_text(raw.values)
        flagged = np.zeros(len(frame), dtype=bool)
        flagged[raw.problems["row"].to_numpy(dtype=np.int64)] = True
        use = base.isna().to_numpy(dtype=bool) & ~flagged
        base = base.where(~use, as_text(other.values))
        extra = other.problems[other.problems["row"].isin(np.flatnonzero(use))]
        raw = Raw(base, problems.concat([raw.problems, extra]), f"{raw.source} or {other.source}")
    return raw


def _nulls(rule: ColumnRule, options: SourceOptions) -> tuple[str, ...]:
    return rule.null_values if rule.null_values is not None else options.null_values


def _text(
    frame: pd.DataFrame, name: str | None, rule: ColumnRule, options: SourceOptions
) -> pd.Series:
    if name is None or name not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="str")
    return clean(as_text(frame[name]), _nulls(rule, options), options.strip)


def _evaluate(
    rule: ColumnRule, frame: pd.DataFrame, binding: Binding, options: SourceOptions
) -> Raw:
    if rule.kind == "constant":
        return Raw(
            pd.Series(rule.constant, index=frame.index, dtype="str"),
            problems.empty(),
            "constant",
        )
    if rule.kind == "column":
        name = binding.column(rule.sources)
        if name is not None and name in frame.columns and not is_text(frame[name]):
            return Raw(frame[name], problems.empty(), repr(name))
        return Raw(_text(frame, name, rule, options), problems.empty(), repr(name))
    if rule.kind == "datetime":
        date_name, time_name = binding.column(rule.date), binding.column(rule.time)
        date = _text(frame, date_name, rule, options)
        time = _text(frame, time_name, rule, options)
        has_date = date.notna().to_numpy(dtype=bool)
        has_time = time.notna().to_numpy(dtype=bool)
        found = [
            problems.quoted(
                has_date & ~has_time, rule.target, date, f"has no time ({time_name!r} is empty)"
            ),
            problems.quoted(
                has_time & ~has_date, rule.target, time, f"has no date ({date_name!r} is empty)"
            ),
        ]
        return Raw(date + " " + time, problems.concat(found), f"{date_name!r} + {time_name!r}")
    if rule.kind == "template":
        return _template(rule, frame, binding, options)
    if rule.kind == "point":
        return _point(rule, frame, binding, options)
    if rule.kind == "project":
        return _project(rule, frame, binding, options)
    raise AssertionError(rule.kind)


def _map_values(rule: ColumnRule, text: pd.Series) -> pd.Series:
    table = dict(rule.values or ())
    keys = text
    if rule.ignore_case:
        table = {k.casefold(): v for k, v in table.items()}
        keys = text.str.casefold()
    known = keys.isin(list(table)).to_numpy(dtype=bool)
    mapped = keys.map(table).astype("str")
    if rule.has_otherwise:
        fill = pd.Series(rule.otherwise, index=text.index, dtype="str")
        rest = fill.where(text.notna(), pd.NA)
    else:
        rest = text
    return mapped.where(known, rest)


def _template(
    rule: ColumnRule, frame: pd.DataFrame, binding: Binding, options: SourceOptions
) -> Raw:
    pieces = re.split(r"\{[^{}]+\}", rule.template)
    out = pd.Series(pieces[0], index=frame.index, dtype="str")
    names = []
    for piece, group in zip(pieces[1:], rule.template_fields, strict=True):
        name = binding.column(group)
        names.append(repr(name))
        out = out + _text(frame, name, rule, options) + piece
    return Raw(out, problems.empty(), " + ".join(names))


def _point(rule: ColumnRule, frame: pd.DataFrame, binding: Binding, options: SourceOptions) -> Raw:
    name = binding.column(rule.point)
    text = _text(frame, name, rule, options)
    pair_a, pair_b = _extract(text, _PAIR)
    wkt_lon, wkt_lat = _extract(text, _WKT)
    lat, lon = (pair_a, pair_b) if rule.order == "lat_lon" else (pair_b, pair_a)
    is_wkt = wkt_lon.notna()
    lat = lat.where(~is_wkt, wkt_lat)
    lon = lon.where(~is_wkt, wkt_lon)
    value = lat if rule.part == "latitude" else lon
    bad = (text.notna() & value.isna()).to_numpy(dtype=bool)
    example = "'(37.77, -122.42)'" if rule.order == "lat_lon" else "'(-122.42, 37.77)'"
    found = problems.quoted(
        bad, rule.target, text, f"is not a point like {example} or 'POINT (lon lat)'"
    )
    return Raw(value.astype("str"), found, repr(name))


def _extract(text: pd.Series, pattern: str) -> tuple[pd.Series, pd.Series]:
    """Groups a and b of an RE2 pattern, vectorised with pyarrow (missing where no match)."""
    matched = pc.extract_regex(pa.array(text, type=pa.string(), from_pandas=True), pattern=pattern)
    a = pc.struct_field(matched, "a").to_pandas()
    b = pc.struct_field(matched, "b").to_pandas()
    return (pd.Series(a.to_numpy(), index=text.index, dtype="str"),
            pd.Series(b.to_numpy(), index=text.index, dtype="str"))  # fmt: skip


@lru_cache(maxsize=16)
def _transformer(crs: str):  # noqa: ANN202 - pyproj type
    from pyproj import Transformer

    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def _project(
    rule: ColumnRule, frame: pd.DataFrame, binding: Binding, options: SourceOptions
) -> Raw:
    x_name, y_name = binding.column(rule.x), binding.column(rule.y)
    x_text, y_text = _text(frame, x_name, rule, options), _text(frame, y_name, rule, options)
    x = pd.to_numeric(x_text, errors="coerce").astype("float64")
    y = pd.to_numeric(y_text, errors="coerce").astype("float64")
    shown = x_text.fillna("") + ", " + y_text.fillna("")
    x_bad = (x_text.notna() & x.isna()).to_numpy(dtype=bool)
    y_bad = (y_text.notna() & y.isna()).to_numpy(dtype=bool)
    one_missing = (x_text.isna() ^ y_text.isna()).to_numpy(dtype=bool)
    ok = x.notna().to_numpy(dtype=bool) & y.notna().to_numpy(dtype=bool)
    lon = np.full(len(frame), np.nan)
    lat = np.full(len(frame), np.nan)
    if ok.any():
        lon[ok], lat[ok] = _transformer(rule.crs).transform(x.to_numpy()[ok], y.to_numpy()[ok])
    value = lat if rule.part == "latitude" else lon
    failed = ok & ~np.isfinite(value)
    found = problems.concat(
        [
            problems.quoted(
                x_bad | y_bad, rule.target, shown, f"is not a number pair ({x_name!r}, {y_name!r})"
            ),
            problems.quoted(
                one_missing, rule.target, shown, f"needs both {x_name!r} and {y_name!r}"
            ),
            problems.quoted(
                failed,
                rule.target,
                shown,
                f"cannot be projected from {rule.crs} to latitude/longitude",
            ),
        ]
    )
    return Raw(
        pd.Series(np.where(failed, np.nan, value), index=frame.index),
        found,
        f"{x_name!r}, {y_name!r}",
    )
