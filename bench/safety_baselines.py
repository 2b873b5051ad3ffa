"""Baselines for bench_safety: the response-time summary and the HEART program measures written
by hand as DuckDB SQL and in pandas, with the default rules of civicstat.safety
(civicstat/safety/rules/segment_rules.yaml, CrisisTimeRules) spelled out, and the comparison of
the three results.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BY = ("priority", "call_type")
THRESHOLDS = {"answer": 15.0, "response": 300.0}  # NENA 15 s; Durham's 5-minute P1 goal
REASONS = ("no_arrival", "missing_timestamp", "negative_interval", "zero_artefact", "over_cap")
# segment: (start, fallback start, end, needs arrival, zero is an artefact, cap seconds)
SEGMENTS = {
    "answer": ("received_at", None, "answered_at", False, False, 600.0),
    "processing": ("answered_at", "created_at", "first_dispatch", False, False, 3600.0),
    "turnout": ("d", None, "e", True, True, None),
    "travel": ("e", None, "o", True, True, 3600.0),
    "response": ("received_at", "answered_at", "o", True, False, 1800.0),
    "on_scene": ("o", None, "cl", True, False, None),
    "total": ("received_at", "answered_at", "cl", True, False, None),
}
CRISIS_CAPS = {"to_scene": 240.0, "on_scene": 720.0, "total": 960.0}


def _sql_segment(name: str) -> str:
    start, fallback, end, needs_arrival, zero, cap = SEGMENTS[name]
    begin = f"coalesce({start}, {fallback})" if fallback else start
    s = f"(epoch({end}) - epoch({begin}))"
    reasons = []
    if needs_arrival:
        reasons.append("WHEN o IS NULL THEN 'no_arrival'")
    reasons.append(f"WHEN {s} IS NULL THEN 'missing_timestamp'")
    reasons.append(f"WHEN {s} < 0 THEN 'negative_interval'")
    if zero:
        reasons.append(f"WHEN {s} = 0 THEN 'zero_artefact'")
    if cap is not None:
        reasons.append(f"WHEN {s} > {cap} THEN 'over_cap'")
    return f"{{'segment': '{name}', 's': {s}, 'reason': CASE {' '.join(reasons)} END}}"


SEGMENTS_SQL = f"""
WITH c AS (
  SELECT call_id,
    min(received_at) AS received_at, min(answered_at) AS answered_at,
    min(created_at) AS created_at, min(dispatched_at) AS first_dispatch,
    bool_or(coalesce(self_initiated, false)) AS any_self,
    bool_and(coalesce(cancelled, false)) AS all_cancelled,
    arg_min(
      {{'d': dispatched_at, 'e': enroute_at, 'o': onscene_at, 'cl': cleared_at,
       'priority': priority, 'call_type': call_type}},
      {{'k1': onscene_at IS NULL, 'k2': onscene_at, 'k3': dispatched_at IS NULL,
       'k4': dispatched_at, 'k5': unit_id}}) AS fa
  FROM calls GROUP BY call_id
), s AS (
  SELECT fa.priority AS priority, fa.call_type AS call_type,
    unnest([{", ".join(_sql_segment(n) for n in SEGMENTS)}]) AS x
  FROM (SELECT *, fa.d AS d, fa.e AS e, fa.o AS o, fa.cl AS cl FROM c)
  WHERE NOT any_self AND NOT all_cancelled
), l AS (SELECT priority, call_type, x.segment AS segment, x.s AS s, x.reason AS reason FROM s)
SELECT segment, priority, call_type,
  count(*) AS n_rows,
  count(*) FILTER (WHERE reason IS NULL) AS n_used,
  {", ".join(f"count(*) FILTER (WHERE reason = '{r}') AS excluded_{r}" for r in REASONS)},
  quantile_disc(s, 0.5) FILTER (WHERE reason IS NULL) AS median_seconds,
  quantile_disc(s, 0.9) FILTER (WHERE reason IS NULL) AS p90_seconds,
  avg(s) FILTER (WHERE reason IS NULL) AS mean_seconds,
  count(*) FILTER (WHERE reason IS NULL AND s <= CASE segment
    {" ".join(f"WHEN '{k}' THEN {v}" for k, v in THRESHOLDS.items())} END) AS n_within
FROM l GROUP BY ALL
"""


def _sql_time(name: str, start: str, end: str) -> tuple[str, str]:
    m = f"((epoch({end}) - epoch({start})) / 60.0)"
    reason = (
        f"CASE WHEN in_person = false THEN 'not_in_person' WHEN {m} IS NULL THEN "
        f"'missing_timestamp' WHEN {m} < 0 THEN 'negative_interval' WHEN {m} > "
        f"{CRISIS_CAPS[name]} THEN 'over_cap' END"
    )
    return m, reason


def _program_sql() -> str:
    times = {
        "to_scene": _sql_time("to_scene", "dispatched_at", "onscene_at"),
        "on_scene": _sql_time("on_scene", "onscene_at", "cleared_at"),
        "total": _sql_time("total", "dispatched_at", "cleared_at"),
    }
    cols = ", ".join(f"{m} AS m_{n}, {r} AS r_{n}" for n, (m, r) in times.items())
    aggs = []
    for n in times:
        ok = f"r_{n} IS NULL"
        aggs += [
            f"count(*) FILTER (WHERE {ok}) AS {n}_n_used",
            f"avg(m_{n}) FILTER (WHERE {ok}) AS {n}_mean",
            f"quantile_disc(m_{n}, 0.5) FILTER (WHERE {ok}) AS {n}_median",
            f"quantile_disc(m_{n}, 0.9) FILTER (WHERE {ok}) AS {n}_p90",
        ]
    for n, flag in (
        ("transport", "transport_needed"),
        ("police_backup", "police_backup_requested"),
        ("ems_support", "ems_support_requested"),
    ):
        rec = f"coalesce(in_person, false) AND {flag} IS NOT NULL"
        aggs += [
            f"count(*) FILTER (WHERE {rec} AND {flag}) AS {n}_numerator",
            f"count(*) FILTER (WHERE {rec}) AS {n}_denominator",
        ]
    aggs += [
        "count(*) FILTER (WHERE followed_up_within_48h) AS follow_up_numerator",
        "count(*) FILTER (WHERE followed_up_within_48h IS NOT NULL) AS follow_up_denominator",
    ]
    return f"""
SELECT coalesce(program, 'all') AS program, count(*) AS responses, {", ".join(aggs)}
FROM (SELECT *, {cols} FROM crisis)
GROUP BY GROUPING SETS ((program), ())
"""


PROGRAM_SQL = _program_sql()


# --- pandas ------------------------------------------------------------------------------------


def _seconds(end: pd.Series, start: pd.Series) -> np.ndarray:
    return (end - start).dt.total_seconds().to_numpy()


def pandas_segments(calls: pd.DataFrame) -> pd.DataFrame:
    """The segment summary by priority and call type, in pandas (first-arriving unit by sort)."""
    df = calls
    flags = pd.DataFrame(
        {
            "self": df["self_initiated"].fillna(False).astype(bool),
            "cancelled": df["cancelled"].fillna(False).astype(bool),
        }
    )
    g = flags.groupby(df["call_id"], sort=False)
    out_of_scope = g["self"].any() | g["cancelled"].all()
    per_call = df.groupby("call_id", sort=False).agg(
        received_at=("received_at", "min"),
        answered_at=("answered_at", "min"),
        created_at=("created_at", "min"),
        first_dispatch=("dispatched_at", "min"),
    )
    lead = (
        df.sort_values(["call_id", "onscene_at", "dispatched_at", "unit_id"], na_position="last")
        .drop_duplicates("call_id")
        .set_index("call_id")
    )
    c = per_call.join(lead[["dispatched_at", "enroute_at", "onscene_at", "cleared_at", *BY]])
    c = c.rename(
        columns={"dispatched_at": "d", "enroute_at": "e", "onscene_at": "o", "cleared_at": "cl"}
    )
    c = c[~out_of_scope.reindex(c.index).to_numpy()]
    arrived = c["o"].notna().to_numpy()
    # Long form, kept small: categorical keys and an integer reason code (0 = usable).
    priority = c["priority"].astype("category")
    call_type = c["call_type"].astype("category")
    parts = []
    for code, (start, fallback, end, needs_arrival, zero, cap) in enumerate(SEGMENTS.values()):
        begin = c[start] if fallback is None else c[start].fillna(c[fallback])
        s = _seconds(c[end], begin)
        rules = [(~arrived if needs_arrival else None, 1), (np.isnan(s), 2), (s < 0, 3)]
        rules += [(s == 0 if zero else None, 4), (s > cap if cap is not None else None, 5)]
        reason = np.select(
            [m for m, _ in rules if m is not None],
            [r for m, r in rules if m is not None],
            default=0,
        ).astype(np.int8)
        parts.append(
            pd.DataFrame(
                {
                    "segment": np.full(len(s), code, dtype=np.int8),
                    "priority": priority.to_numpy(),
                    "call_type": call_type.to_numpy(),
                    "s": s,
                    "reason": reason,
                }
            )
        )
    long = pd.concat(parts, ignore_index=True)
    long["segment"] = pd.Categorical.from_codes(long["segment"], categories=list(SEGMENTS))
    for key in BY:
        long[key] = long[key].astype("category")
    keys = ["segment", *BY]
    counts = pd.crosstab([long[k] for k in keys], long["reason"])
    usable = long[long["reason"] == 0]
    threshold = usable["segment"].map(THRESHOLDS).astype(float)
    usable = usable.assign(within=(usable["s"] <= threshold))

    def stats(values: pd.Series) -> pd.Series:
        v = values.to_numpy()
        return pd.Series(
            {
                "median_seconds": np.percentile(v, 50, method="inverted_cdf"),
                "p90_seconds": np.percentile(v, 90, method="inverted_cdf"),
                "mean_seconds": v.mean(),
            }
        )

    grouped = usable.groupby(keys, observed=True)
    summary = grouped["s"].apply(stats).unstack()
    summary["n_within"] = grouped["within"].sum()
    out = pd.DataFrame(index=counts.index)
    out["n_rows"] = counts.sum(axis=1)
    out["n_used"] = counts.get(0, 0)
    for code, r in enumerate(REASONS, start=1):
        out[f"excluded_{r}"] = counts.get(code, 0)
    out = out.join(summary)
    out = out.reset_index()
    return out[out["n_rows"] > 0].astype({k: str for k in keys})


def pandas_programs(crisis: pd.DataFrame) -> pd.DataFrame:
    """The HEART program measures per program and for all, in pandas."""
    df = crisis
    in_person = df["in_person"].fillna(False).astype(bool)
    phone = df["in_person"].notna() & ~df["in_person"].fillna(True).astype(bool)
    frame = pd.DataFrame({"program": df["program"]})
    for n, start, end in (
        ("to_scene", "dispatched_at", "onscene_at"),
        ("on_scene", "onscene_at", "cleared_at"),
        ("total", "dispatched_at", "cleared_at"),
    ):
        m = _seconds(df[end], df[start]) / 60.0
        ok = ~phone.to_numpy() & ~np.isnan(m) & (m >= 0) & (m <= CRISIS_CAPS[n])
        frame[f"m_{n}"] = np.where(ok, m, np.nan)
    for n, flag in (
        ("transport", "transport_needed"),
        ("police_backup", "police_backup_requested"),
        ("ems_support", "ems_support_requested"),
    ):
        recorded = in_person & df[flag].notna()
        frame[f"{n}_numerator"] = recorded & df[flag].fillna(False).astype(bool)
        frame[f"{n}_denominator"] = recorded
    follow = df["followed_up_within_48h"]
    frame["follow_up_numerator"] = follow.fillna(False).astype(bool)
    frame["follow_up_denominator"] = follow.notna()

    def one(group: pd.DataFrame) -> pd.Series:
        row = {"responses": len(group)}
        for n in ("to_scene", "on_scene", "total"):
            v = group[f"m_{n}"].dropna().to_numpy()
            row[f"{n}_n_used"] = len(v)
            row[f"{n}_mean"] = v.mean() if len(v) else np.nan
            row[f"{n}_median"] = np.percentile(v, 50, method="inverted_cdf") if len(v) else np.nan
            row[f"{n}_p90"] = np.percentile(v, 90, method="inverted_cdf") if len(v) else np.nan
        for c in group.columns:
            if c.endswith(("_numerator", "_denominator")):
                row[c] = int(group[c].sum())
        return pd.Series(row)

    rows = {p: one(g) for p, g in frame.groupby("program")}
    rows["all"] = one(frame)
    return pd.DataFrame(rows).T.rename_axis("program").reset_index()


# --- agreement -----------------------------------------------------------------------------------


def _aligned(
    a: pd.DataFrame, b: pd.DataFrame, keys: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    a = a.astype({k: str for k in keys}).set_index(keys).sort_index()
    b = b.astype({k: str for k in keys}).set_index(keys).sort_index()
    assert a.index.equals(b.index), f"groups differ: {a.index.symmetric_difference(b.index)[:5]}"
    return a, b


def check_agreement(
    name: str, base: dict[str, pd.DataFrame], other: dict[str, pd.DataFrame]
) -> None:
    """Assert ``other`` has the same groups, counts and statistics as ``base`` (civicstat)."""
    a, b = _aligned(base["segments"], other["segments"], ["segment", *BY])
    for col in ("n_rows", "n_used", "n_within", *(f"excluded_{r}" for r in REASONS)):
        x = a[col].fillna(0).to_numpy(dtype=float)
        y = b[col].fillna(0).to_numpy(dtype=float)
        assert (x == y).all(), f"segments {col}: civicstat vs {name} differ"
    big = a["n_used"].to_numpy() >= 20  # P90 is suppressed below 20 in civicstat
    for col in ("median_seconds", "mean_seconds", "p90_seconds"):
        x, y = a[col].to_numpy(dtype=float), b[col].to_numpy(dtype=float)
        keep = big if col == "p90_seconds" else ~np.isnan(x)
        np.testing.assert_allclose(x[keep], y[keep], rtol=1e-9, err_msg=f"segments {col} {name}")
    a, b = _aligned(base["programs"], other["programs"], ["program"])
    for col in b.columns:
        x, y = a[col].to_numpy(dtype=float), b[col].to_numpy(dtype=float)
        np.testing.assert_allclose(
            x, y, rtol=1e-9, equal_nan=True, err_msg=f"programs {col} {name}"
        )
