"""The benchmark's measures, each written three ways: as a MeasureSpec (the engine), as hand-written
DuckDB SQL (the floor), and in pandas (what an analyst would write).

Every variant returns, per measure, a frame ``period_start`` (date), ``breakdown`` (str, ``""``
without one), ``value`` (float), ``n`` (rows used).
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.measures_data import PERIOD_END, PERIOD_START, TZ
from bench.measures_pandas import (
    SECONDS,
    PandasFn,
    p1_rows,
    pd_count,
    pd_cumulative_fy,
    pd_distinct,
    pd_rate,
    pd_rolling_median,
    pd_rolling_share,
    pd_share,
    pd_stat,
    response_rows,
)


@dataclass(frozen=True)
class BenchMeasure:
    name: str
    spec: dict
    sql: str
    pandas: PandasFn


def _spec(grain: str, aggregate, *, seconds: tuple[str, ...] = (), **extra) -> dict:
    spec = {
        "dataset": "calls",
        "time_column": "received_at",
        "timezone": TZ,
        "grain": grain,
        "periods": {"start": PERIOD_START, "end": PERIOD_END},
        "aggregate": aggregate,
        **extra,
    }
    if seconds:
        spec["derive"] = {s: {"seconds_between": list(SECONDS[s])} for s in seconds}
    return spec


RESPONSE_EXCLUSIONS = [
    {"reason": "cancelled", "when": {"eq": ["cancelled", True]}},
    {"reason": "negative interval", "when": {"lt": ["response_seconds", 0]}},
]

# --- hand-written SQL pieces -----------------------------------------------------------------
# Templates use {month}, {quarter}, {fyear}, {week}, {day}, {year} for the local period start;
# SQL_STYLES fills them two ways: with DuckDB's time-zone conversion (what one writes by hand),
# and with the zone's UTC offsets written out for this data's range (the fastest hand-written form).
_TZ_LOCAL = f"timezone('{TZ}', received_at)"
# New York offsets between July 2021 and July 2023 (DST ends/starts at these UTC instants)
_LOCAL_US = (
    "(epoch_us(received_at) + CASE"
    " WHEN epoch_us(received_at) < 1636264800000000 THEN -14400000000"  # 2021-11-07 06:00 UTC
    " WHEN epoch_us(received_at) < 1647154800000000 THEN -18000000000"  # 2022-03-13 07:00 UTC
    " WHEN epoch_us(received_at) < 1667714400000000 THEN -14400000000"  # 2022-11-06 06:00 UTC
    " WHEN epoch_us(received_at) < 1678604400000000 THEN -18000000000"  # 2023-03-12 07:00 UTC
    " ELSE -14400000000 END)"
)
_OFFSET_LOCAL = f"make_timestamp({_LOCAL_US})"


def _periods(local: str) -> dict[str, str]:
    return {
        "month": f"date_trunc('month', {local})::DATE",
        "quarter": f"date_trunc('quarter', {local})::DATE",
        "fyear": f"make_date(year({local} + INTERVAL 6 MONTH)::INT - 1, 7, 1)",
        "week": f"date_trunc('week', {local})::DATE",
        "day": f"{local}::DATE",
        "year": f"date_trunc('year', {local})::DATE",
    }


SQL_STYLES = {"sql": _periods(_TZ_LOCAL), "sql-offsets": _periods(_OFFSET_LOCAL)}

RANGE = (
    "received_at >= TIMESTAMPTZ '2021-07-01 04:00:00+00' "
    "AND received_at < TIMESTAMPTZ '2023-07-01 04:00:00+00'"
)


def seconds(a: str, b: str) -> str:
    """b - a in seconds. Not ``epoch(b - a)``: subtracting TIMESTAMPTZ values goes through ICU
    calendar arithmetic in DuckDB and is 20 times slower."""
    return f"((epoch_us({b}) - epoch_us({a})) / 1e6)"


RESPONSE = seconds("received_at", "onscene_at")
ANSWER = seconds("received_at", "answered_at")
RESPONSE_OK = f"NOT cancelled AND {RESPONSE} >= 0"
MONTH, QUARTER, FYEAR, WEEK, DAY, YEAR = (
    "{month}",
    "{quarter}",
    "{fyear}",
    "{week}",
    "{day}",
    "{year}",
)


def render(template: str, style: str) -> str:
    """The hand-written SQL of one measure in one style of period cutting."""
    return template.format(**SQL_STYLES[style])


def _count_sql(period: str, breakdown: str = "''") -> str:
    return f"""
        SELECT {period} AS period_start, {breakdown} AS breakdown,
               count(*)::DOUBLE AS value, count(*) AS n
        FROM calls WHERE {RANGE} GROUP BY ALL"""


def catalogue() -> list[BenchMeasure]:
    """At least 20 measures: counts, distinct counts, means, medians, p90, shares, rates, sums,
    by day/week/month/quarter/fiscal quarter/fiscal year/year, with and without breakdowns, a
    fiscal-year cumulative and two rolling windows."""
    resp = {"seconds": ("response_seconds",), "value": "response_seconds"}
    resp_excl = {**resp, "exclude_when": RESPONSE_EXCLUSIONS}
    p1 = {"and": [{"eq": ["priority", "1"]}, {"eq": ["self_initiated", False]}]}
    m: list[BenchMeasure] = [
        BenchMeasure("calls_month", _spec("month", "count"), _count_sql(MONTH), pd_count("month")),
        BenchMeasure(
            "calls_month_district",
            _spec("month", "count", breakdown="district"),
            _count_sql(MONTH, "district"),
            pd_count("month", "district"),
        ),
        BenchMeasure("calls_week", _spec("week", "count"), _count_sql(WEEK), pd_count("week")),
        BenchMeasure("calls_day", _spec("day", "count"), _count_sql(DAY), pd_count("day")),
        BenchMeasure(
            "calls_type_fy",
            _spec("fiscal_year", "count", breakdown="call_type"),
            _count_sql(FYEAR, "call_type"),
            pd_count("fyear", "call_type"),
        ),
        BenchMeasure(
            "distinct_calls_month",
            _spec("month", "count_distinct", value="call_id"),
            f"""SELECT {MONTH} AS period_start, '' AS breakdown,
                   count(DISTINCT call_id)::DOUBLE AS value, count(call_id) AS n
                FROM calls WHERE {RANGE} GROUP BY ALL""",
            pd_distinct("month"),
        ),
        BenchMeasure(
            "distinct_calls_quarter_district",
            _spec("quarter", "count_distinct", value="call_id", breakdown="district"),
            f"""SELECT {QUARTER} AS period_start, district AS breakdown,
                   count(DISTINCT call_id)::DOUBLE AS value, count(call_id) AS n
                FROM calls WHERE {RANGE} GROUP BY ALL""",
            pd_distinct("quarter", "district"),
        ),
        BenchMeasure(
            "p1_mean_response_month",
            _spec("month", "mean", filter=p1, **resp_excl),
            f"""SELECT {MONTH} AS period_start, '' AS breakdown,
                   avg({RESPONSE}) AS value, count(*) AS n
                FROM calls WHERE {RANGE} AND priority = '1' AND NOT self_initiated
                  AND {RESPONSE_OK} GROUP BY ALL""",
            pd_stat("month", "response_seconds", "mean", rows=p1_rows),
        ),
        BenchMeasure(
            "p1_median_response_month",
            _spec("month", "median", filter=p1, **resp_excl),
            f"""SELECT {MONTH} AS period_start, '' AS breakdown,
                   quantile_disc({RESPONSE}, 0.5) AS value, count(*) AS n
                FROM calls WHERE {RANGE} AND priority = '1' AND NOT self_initiated
                  AND {RESPONSE_OK} GROUP BY ALL""",
            pd_stat("month", "response_seconds", 0.5, rows=p1_rows),
        ),
        BenchMeasure(
            "p90_response_month_district",
            _spec("month", {"kind": "percentile", "p": 0.9}, breakdown="district", **resp_excl),
            f"""SELECT {MONTH} AS period_start, district AS breakdown,
                   quantile_disc({RESPONSE}, 0.9) AS value, count(*) AS n
                FROM calls WHERE {RANGE} AND {RESPONSE_OK} GROUP BY ALL""",
            pd_stat("month", "response_seconds", 0.9, "district", rows=response_rows),
        ),
        BenchMeasure(
            "p90_response_priority_year",
            _spec("year", {"kind": "percentile", "p": 0.9}, breakdown="priority", **resp_excl),
            f"""SELECT {YEAR} AS period_start, priority AS breakdown,
                   quantile_disc({RESPONSE}, 0.9) AS value, count(*) AS n
                FROM calls WHERE {RANGE} AND {RESPONSE_OK} GROUP BY ALL""",
            pd_stat("year", "response_seconds", 0.9, "priority", rows=response_rows),
        ),
        BenchMeasure(
            "p90_answer_quarter",
            _spec(
                "quarter",
                {"kind": "percentile", "p": 0.9},
                seconds=("answer_seconds",),
                value="answer_seconds",
            ),
            f"""SELECT {QUARTER} AS period_start, '' AS breakdown,
                   quantile_disc({ANSWER}, 0.9) AS value, count(*) AS n
                FROM calls WHERE {RANGE} AND answered_at IS NOT NULL GROUP BY ALL""",
            pd_stat("quarter", "answer_seconds", 0.9),
        ),
        BenchMeasure(
            "answered_15s_share_month",
            _spec(
                "month",
                {"kind": "share", "condition": {"le": ["answer_seconds", 15]}},
                seconds=("answer_seconds",),
                value="answer_seconds",
            ),
            f"""SELECT {MONTH} AS period_start, '' AS breakdown,
                   avg(({ANSWER} <= 15)::INT) AS value, count(*) AS n
                FROM calls WHERE {RANGE} AND answered_at IS NOT NULL GROUP BY ALL""",
            pd_share("month", "answer_seconds", 15),
        ),
        BenchMeasure(
            "p1_within_5min_share_fy_district",
            _spec(
                "fiscal_year",
                {"kind": "share", "condition": {"le": ["response_seconds", 300]}},
                filter=p1,
                breakdown="district",
                **resp_excl,
            ),
            f"""SELECT {FYEAR} AS period_start, district AS breakdown,
                   avg(({RESPONSE} <= 300)::INT) AS value, count(*) AS n
                FROM calls WHERE {RANGE} AND priority = '1' AND NOT self_initiated
                  AND {RESPONSE_OK} GROUP BY ALL""",
            pd_share("fyear", "response_seconds", 300, "district", rows=p1_rows),
        ),
        BenchMeasure(
            "cancelled_rate_month",
            _spec(
                "month", {"kind": "rate", "numerator": {"eq": ["cancelled", True]}, "scale": 100}
            ),
            f"""SELECT {MONTH} AS period_start, '' AS breakdown,
                   100.0 * count(*) FILTER (WHERE cancelled) / count(*) AS value, count(*) AS n
                FROM calls WHERE {RANGE} GROUP BY ALL""",
            pd_rate("month", "cancelled"),
        ),
        BenchMeasure(
            "self_initiated_rate_quarter_district",
            _spec(
                "quarter",
                {"kind": "rate", "numerator": {"eq": ["self_initiated", True]}, "scale": 100},
                breakdown="district",
            ),
            f"""SELECT {QUARTER} AS period_start, district AS breakdown,
                   100.0 * count(*) FILTER (WHERE self_initiated) / count(*) AS value,
                   count(*) AS n
                FROM calls WHERE {RANGE} GROUP BY ALL""",
            pd_rate("quarter", "self_initiated", "district"),
        ),
        BenchMeasure(
            "on_scene_seconds_sum_month",
            _spec("month", "sum", seconds=("on_scene_seconds",), value="on_scene_seconds"),
            f"""SELECT {MONTH} AS period_start, '' AS breakdown,
                   sum({seconds("onscene_at", "cleared_at")}) AS value, count(*) AS n
                FROM calls WHERE {RANGE} AND cleared_at IS NOT NULL AND onscene_at IS NOT NULL
                GROUP BY ALL""",
            pd_stat("month", "on_scene_seconds", "sum"),
        ),
        BenchMeasure(
            "mean_travel_fiscal_quarter",
            _spec("fiscal_quarter", "mean", seconds=("travel_seconds",), value="travel_seconds"),
            f"""SELECT {QUARTER} AS period_start, '' AS breakdown,
                   avg({seconds("enroute_at", "onscene_at")}) AS value, count(*) AS n
                FROM calls WHERE {RANGE} AND onscene_at IS NOT NULL AND enroute_at IS NOT NULL
                GROUP BY ALL""",
            pd_stat("fquarter", "travel_seconds", "mean"),
        ),
        BenchMeasure(
            "median_processing_beat_quarter",
            _spec(
                "quarter",
                "median",
                seconds=("processing_seconds",),
                value="processing_seconds",
                breakdown="beat",
            ),
            f"""SELECT {QUARTER} AS period_start, beat AS breakdown,
                   quantile_disc({seconds("answered_at", "dispatched_at")}, 0.5) AS value, count(*) AS n
                FROM calls WHERE {RANGE} AND dispatched_at IS NOT NULL
                  AND answered_at IS NOT NULL GROUP BY ALL""",
            pd_stat("quarter", "processing_seconds", 0.5, "beat"),
        ),
        BenchMeasure(
            "calls_cumulative_fy_month",
            _spec("month", "count", window={"kind": "cumulative", "reset": "fiscal_year"}),
            f"""WITH m AS (
                  SELECT {MONTH} AS period_start, count(*) AS n FROM calls WHERE {RANGE}
                  GROUP BY ALL)
                SELECT period_start, '' AS breakdown,
                  sum(n) OVER w::DOUBLE AS value, sum(n) OVER w AS n
                FROM m WINDOW w AS (
                  PARTITION BY year(period_start + INTERVAL 6 MONTH) ORDER BY period_start)""",
            pd_cumulative_fy,
        ),
        BenchMeasure(
            "median_response_rolling3_month",
            _spec("month", "median", window={"kind": "rolling", "periods": 3}, **resp_excl),
            f"""WITH r AS (
                  SELECT {MONTH} AS m, {RESPONSE} AS x FROM calls
                  WHERE {RANGE} AND {RESPONSE_OK}),
                w AS (
                  SELECT (m + to_months(k))::DATE AS period_start, x
                  FROM r, unnest([0, 1, 2]) AS u(k))
                SELECT period_start, '' AS breakdown, quantile_disc(x, 0.5) AS value,
                  count(*) AS n
                FROM w WHERE period_start <= DATE '{PERIOD_END}' GROUP BY ALL""",
            pd_rolling_median,
        ),
        BenchMeasure(
            "answered_15s_share_rolling3_month",
            _spec(
                "month",
                {"kind": "share", "condition": {"le": ["answer_seconds", 15]}},
                seconds=("answer_seconds",),
                value="answer_seconds",
                window={"kind": "rolling", "periods": 3},
            ),
            f"""WITH m AS (
                  SELECT {MONTH} AS period_start, count(*) FILTER ({ANSWER} <= 15) AS c,
                    count(*) AS n
                  FROM calls WHERE {RANGE} AND answered_at IS NOT NULL GROUP BY ALL)
                SELECT period_start, '' AS breakdown, sum(c) OVER w / sum(n) OVER w AS value,
                  sum(n) OVER w AS n
                FROM m WINDOW w AS (ORDER BY period_start ROWS 2 PRECEDING)""",
            pd_rolling_share,
        ),
    ]
    return m
