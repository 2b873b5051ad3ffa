"""The benchmark's measures in pandas: one function per measure, of the loaded frame.

Derived columns (local periods, interval seconds) come from a derive object: OnDemand computes
them inside each measure from the rows it uses (the same work per measure as each SQL query and
each engine query does); Shared computes every one of them once for all measures.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from bench.measures_data import TZ

SECONDS = {
    "answer_seconds": ("received_at", "answered_at"),
    "processing_seconds": ("answered_at", "dispatched_at"),
    "travel_seconds": ("enroute_at", "onscene_at"),
    "response_seconds": ("received_at", "onscene_at"),
    "on_scene_seconds": ("onscene_at", "cleared_at"),
}

_FREQ = {
    "month": "M",
    "quarter": "Q",
    "fquarter": "Q-JUN",
    "fyear": "Y-JUN",
    "year": "Y",
}


def _local_period(received_at: pd.Series, grain: str) -> pd.Series:
    local = received_at.dt.tz_convert(TZ).dt.tz_localize(None)
    if grain == "day":
        return local.dt.normalize()
    if grain == "week":
        return local.dt.normalize() - pd.to_timedelta(local.dt.day_of_week, unit="D")
    return local.dt.to_period(_FREQ[grain]).dt.start_time


class OnDemand:
    """Derive inside each measure, from the rows it uses."""

    def period(self, df: pd.DataFrame, grain: str) -> pd.Series:
        return _local_period(df["received_at"], grain).rename("period")

    def seconds(self, df: pd.DataFrame, name: str) -> pd.Series:
        a, b = SECONDS[name]
        return (df[b] - df[a]).dt.total_seconds().rename(name)


class Shared(OnDemand):
    """Derive every period column and interval once, for all measures."""

    def prepare(self, df: pd.DataFrame) -> pd.DataFrame:
        for grain in ("day", "week", *_FREQ):
            df[f"p_{grain}"] = _local_period(df["received_at"], grain)
        for name in SECONDS:
            df[name] = super().seconds(df, name)
        return df

    def period(self, df: pd.DataFrame, grain: str) -> pd.Series:
        return df[f"p_{grain}"].rename("period")

    def seconds(self, df: pd.DataFrame, name: str) -> pd.Series:
        return df[name]


PandasFn = Callable[[pd.DataFrame, OnDemand], pd.DataFrame]


def _frame(value: pd.Series, n: pd.Series, breakdown: str | None) -> pd.DataFrame:
    out = pd.DataFrame({"value": value, "n": n}).reset_index()
    return pd.DataFrame(
        {
            "period_start": pd.to_datetime(out["period"]).dt.date,
            "breakdown": out[breakdown].astype(str) if breakdown else "",
            "value": out["value"].astype(float),
            "n": out["n"].astype(int),
        }
    )


def _keys(d: pd.DataFrame, derive: OnDemand, grain: str, breakdown: str | None) -> list:
    period = derive.period(d, grain)
    return [period, d[breakdown]] if breakdown else [period]


def pd_count(grain: str, breakdown: str | None = None) -> PandasFn:
    def fn(df: pd.DataFrame, derive: OnDemand) -> pd.DataFrame:
        g = df.groupby(_keys(df, derive, grain, breakdown), observed=True).size()
        return _frame(g, g, breakdown)

    return fn


def _pct(q: float) -> Callable[[pd.Series], float]:
    return lambda s: float(np.percentile(s.to_numpy(), q * 100, method="inverted_cdf"))


def response_rows(df: pd.DataFrame, derive: OnDemand) -> pd.DataFrame:
    d = df[~df["cancelled"]]
    r = derive.seconds(d, "response_seconds")
    keep = (r >= 0) & r.notna()
    return d[keep].assign(response_seconds=r[keep])


def p1_rows(df: pd.DataFrame, derive: OnDemand) -> pd.DataFrame:
    return response_rows(df[(df["priority"] == "1") & ~df["self_initiated"]], derive)


def _with_seconds(column: str) -> Callable[[pd.DataFrame, OnDemand], pd.DataFrame]:
    def rows(df: pd.DataFrame, derive: OnDemand) -> pd.DataFrame:
        x = derive.seconds(df, column)
        keep = x.notna()
        return df[keep].assign(**{column: x[keep]})

    return rows


def pd_stat(
    grain: str,
    column: str,
    how: str | float,
    breakdown: str | None = None,
    rows: Callable[[pd.DataFrame, OnDemand], pd.DataFrame] | None = None,
) -> PandasFn:
    def fn(df: pd.DataFrame, derive: OnDemand) -> pd.DataFrame:
        d = (rows or _with_seconds(column))(df, derive)
        g = d.groupby(_keys(d, derive, grain, breakdown), observed=True)[column]
        value = g.agg(_pct(how)) if isinstance(how, float) else g.agg(how)
        return _frame(value, g.size(), breakdown)

    return fn


def pd_share(
    grain: str,
    column: str,
    limit: float,
    breakdown: str | None = None,
    rows: Callable[[pd.DataFrame, OnDemand], pd.DataFrame] | None = None,
) -> PandasFn:
    def fn(df: pd.DataFrame, derive: OnDemand) -> pd.DataFrame:
        d = (rows or _with_seconds(column))(df, derive)
        ok = (d[column] <= limit).rename("ok")
        g = ok.groupby(_keys(d, derive, grain, breakdown), observed=True)
        return _frame(g.mean(), g.size(), breakdown)

    return fn


def pd_rate(grain: str, flag: str, breakdown: str | None = None) -> PandasFn:
    def fn(df: pd.DataFrame, derive: OnDemand) -> pd.DataFrame:
        g = df.groupby(_keys(df, derive, grain, breakdown), observed=True)[flag]
        return _frame(g.mean() * 100, g.size(), breakdown)

    return fn


def pd_distinct(grain: str, breakdown: str | None = None) -> PandasFn:
    def fn(df: pd.DataFrame, derive: OnDemand) -> pd.DataFrame:
        g = df.groupby(_keys(df, derive, grain, breakdown), observed=True)["call_id"]
        return _frame(g.nunique(), g.size(), breakdown)

    return fn


def pd_cumulative_fy(df: pd.DataFrame, derive: OnDemand) -> pd.DataFrame:
    n = df.groupby(derive.period(df, "month")).size()
    fy = n.index.to_period("Y-JUN")
    total = n.groupby(fy).cumsum()
    return _frame(total, total, None)


def pd_rolling_median(df: pd.DataFrame, derive: OnDemand) -> pd.DataFrame:
    d = response_rows(df, derive)
    month = derive.period(d, "month")
    months = sorted(month.unique())
    values, ns = {}, {}
    for i, m in enumerate(months):
        x = d.loc[month.isin(months[max(0, i - 2) : i + 1]), "response_seconds"]
        values[m], ns[m] = _pct(0.5)(x), len(x)
    index = pd.Index(months, name="period")
    return _frame(pd.Series(values, index=index), pd.Series(ns, index=index), None)


def pd_rolling_share(df: pd.DataFrame, derive: OnDemand) -> pd.DataFrame:
    d = _with_seconds("answer_seconds")(df, derive)
    ok = (d["answer_seconds"] <= 15).rename("ok")
    g = ok.groupby(derive.period(d, "month")).agg(["sum", "size"])
    r = g.rolling(3, min_periods=1).sum()
    return _frame(r["sum"] / r["size"], r["size"], None)
