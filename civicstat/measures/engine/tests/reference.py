"""An independent pandas computation of a measure, written from the spec's documented meaning
(docs/measures.md) without using the engine's code: periods come from pandas ``tz_convert`` and
``to_period`` (fiscal periods from pandas' own ``Q-JUN``/``Y-JUN`` frequencies), conditions are
evaluated by a separate interpreter, and every window value is recomputed from its rows.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
MISSING = "(not recorded)"


def pandas_freq(grain: str, fy_start: int) -> str:
    fy_end = MONTHS[(fy_start - 2) % 12]
    return {
        "day": "D",
        "week": "W-SUN",
        "month": "M",
        "quarter": "Q",
        "fiscal_quarter": f"Q-{fy_end}",
        "fiscal_year": f"Y-{fy_end}",
        "year": "Y",
    }[grain]


def local_period_start(ts: pd.Series, grain: str, tz: str, fy_start: int) -> pd.Series:
    """Start date of each instant's local period, via pandas alone."""
    local = ts.dt.tz_convert(tz).dt.tz_localize(None)
    periods = local.dt.to_period(pandas_freq(grain, fy_start))
    return periods.dt.start_time.dt.date


def period_grid(first: date, last: date, grain: str, fy_start: int) -> list[date]:
    freq = pandas_freq(grain, fy_start)
    rng = pd.period_range(pd.Period(first, freq), pd.Period(last, freq), freq=freq)
    return [p.start_time.date() for p in rng]


def evaluate(cond: dict | None, df: pd.DataFrame) -> pd.Series:
    """Condition semantics: a comparison involving a missing value is false."""
    if cond is None:
        return pd.Series(True, index=df.index)
    ((op, args),) = cond.items()
    if op in ("and", "or"):
        parts = [evaluate(c, df) for c in args]
        out = parts[0]
        for p in parts[1:]:
            out = (out & p) if op == "and" else (out | p)
        return out
    if op == "not":
        return ~evaluate(args, df)
    if op == "is_null":
        return df[args].isna()
    if op == "not_null":
        return df[args].notna()
    col = df[args[0]]
    present = col.notna()
    if op == "in":
        res = col.isin(args[1])
    elif op == "not_in":
        res = ~col.isin(args[1])
    elif op == "between":
        res = (col >= args[1]) & (col <= args[2])
    else:
        v = args[1]
        res = {
            "eq": lambda: col == v,
            "ne": lambda: col != v,
            "lt": lambda: col < v,
            "le": lambda: col <= v,
            "gt": lambda: col > v,
            "ge": lambda: col >= v,
        }[op]()
    return (present & res.fillna(False)).astype(bool)


def _value(kind: str, agg: dict, rows: pd.DataFrame, value: str | None) -> tuple[float, int]:
    n = len(rows)
    if kind == "rate":
        num = int(rows["_num"].sum())
        den = int(rows["_den"].sum())
        v = num / den * agg.get("scale", 1.0) if den else np.nan
        return v, den
    if kind == "count":
        return float(n), n
    x = rows[value] if value else None
    if kind == "count_distinct":
        return float(x.nunique()), n
    if kind == "sum":
        return float(x.sum()) if n else 0.0, n
    if n == 0:
        return np.nan, 0
    if kind == "mean":
        return float(x.mean()), n
    if kind in ("median", "percentile"):
        p = 0.5 if kind == "median" else agg["p"]
        return float(np.percentile(x.to_numpy(dtype=float), p * 100, method="inverted_cdf")), n
    if kind == "share":
        return float(rows["_cond"].sum()) / n * agg.get("scale", 1.0), n
    raise ValueError(kind)


def prepare(df: pd.DataFrame, spec: dict, as_of: date) -> tuple[pd.DataFrame, list[date]]:
    """The measure's rows (``_ps`` period start, ``_b`` category, ``_reason`` or None) and the
    grid of period starts."""
    d = df.copy()
    for name, definition in (spec.get("derive") or {}).items():
        a, b = definition["seconds_between"]
        d[name] = (d[b] - d[a]).dt.total_seconds()
    grain = spec.get("grain", "month")
    tz = spec.get("timezone", "America/New_York")
    fy = spec.get("fiscal_year_start", 7)
    agg = _agg(spec)
    value = spec.get("value")
    start = date.fromisoformat(spec["periods"]["start"])
    end = spec["periods"].get("end")
    end = date.fromisoformat(end) if end else as_of
    grid = period_grid(start, end, grain, fy)

    d["_ps"] = local_period_start(d[spec["time_column"]], grain, tz, fy)
    keep = d["_ps"].between(grid[0], grid[-1]) & evaluate(spec.get("filter"), d)
    if agg["kind"] == "rate":
        d["_num"] = evaluate(agg["numerator"], d)
        d["_den"] = evaluate(agg.get("denominator"), d)
        keep &= d["_num"] | d["_den"]
    if agg["kind"] == "share":
        d["_cond"] = evaluate(agg["condition"], d)
    d = d[keep].copy()
    breakdown = spec.get("breakdown")
    if breakdown:
        d["_b"] = [MISSING if pd.isna(v) else str(v) for v in d[breakdown]]
    else:
        d["_b"] = ""

    reason = pd.Series(None, index=d.index, dtype=object)
    if spec.get("exclude_by"):
        col = d[spec["exclude_by"]]
        reason = reason.where(col.isna(), col.astype(object))
    for excl in spec.get("exclude_when") or []:
        hit = evaluate(excl["when"], d) & reason.isna()
        reason = reason.where(~hit, excl["reason"])
    if value:
        hit = d[value].isna() & reason.isna()
        reason = reason.where(~hit, f"missing {value}")
    d["_reason"] = reason
    return d, grid


def _agg(spec: dict) -> dict:
    agg = spec["aggregate"]
    return agg if isinstance(agg, dict) else {"kind": agg}


def reference(df: pd.DataFrame, spec: dict, as_of: date) -> pd.DataFrame:
    """period_start, breakdown, value, n_used, n_excluded for the dict-form ``spec``."""
    d, grid = prepare(df, spec, as_of)
    agg = _agg(spec)
    kind = agg["kind"]
    value = spec.get("value")
    fy = spec.get("fiscal_year_start", 7)
    used = d[d["_reason"].isna()]
    excluded = d[d["_reason"].notna()]

    window = spec.get("window") or {"kind": "none"}
    if isinstance(window, str):
        window = {"kind": window}
    index = {p: i for i, p in enumerate(grid)}

    def members(target: date) -> list[date]:
        i = index[target]
        if window["kind"] == "rolling":
            return grid[max(0, i - window["periods"] + 1) : i + 1]
        if window["kind"] == "cumulative":
            reset = window.get("reset", "none")
            if reset == "fiscal_year":
                return [p for p in grid[: i + 1] if _fy(p, fy) == _fy(target, fy)]
            if reset == "year":
                return [p for p in grid[: i + 1] if p.year == target.year]
            return grid[: i + 1]
        return [target]

    categories = sorted(set(d["_b"])) if spec.get("breakdown") else [""]
    used_by = {k: g for k, g in used.groupby(["_ps", "_b"])}
    excluded_by = excluded.groupby(["_ps", "_b"]).size().to_dict()
    empty = used.iloc[0:0]
    out = []
    for target in grid:
        ms = members(target)
        for cat in categories:
            parts = [used_by[(p, cat)] for p in ms if (p, cat) in used_by]
            rows = pd.concat(parts) if parts else empty
            v, n_used = _value(kind, agg, rows, value)
            if n_used < spec.get("min_n", 0):
                v = np.nan
            out.append(
                {
                    "period_start": target,
                    "breakdown": cat,
                    "value": v,
                    "n_used": n_used,
                    "n_excluded": sum(excluded_by.get((p, cat), 0) for p in ms),
                }
            )
    return pd.DataFrame(out)


def reference_exclusions(df: pd.DataFrame, spec: dict, as_of: date) -> dict[tuple, int]:
    """Exclusion counts by (period_start, breakdown, reason), without windows."""
    d, _ = prepare(df, spec, as_of)
    e = d[d["_reason"].notna()]
    counts = e.groupby(["_ps", "_b", "_reason"]).size()
    return {k: int(v) for k, v in counts.items()}


def _fy(d: date, fy_start: int) -> int:
    return pd.Period(d, pandas_freq("fiscal_year", fy_start)).year
