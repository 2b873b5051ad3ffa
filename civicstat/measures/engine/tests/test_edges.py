"""Period edges counted by hand: fiscal-year ends, DST changes, empty periods, intervals across
DST, and independence from the machine's and the database session's time zone."""

from __future__ import annotations

import os
import time
from datetime import date

import pandas as pd
import pytest

from civicstat.measures.engine import MISSING_CATEGORY, MeasureSpec, resolver_for, run
from civicstat.measures.engine.tests.support import connect

NY = "America/New_York"


def utc(*local: str) -> pd.Series:
    """New York wall-clock times (unambiguous ones) as UTC instants."""
    idx = pd.DatetimeIndex(pd.to_datetime(list(local), format="ISO8601")).tz_localize(NY)
    return pd.Series(idx.tz_convert("UTC").as_unit("us"))


def spec(grain: str, start: str, end: str, **extra) -> MeasureSpec:
    d = {
        "dataset": "t",
        "time_column": "at",
        "grain": grain,
        "periods": {"start": start, "end": end},
        "aggregate": "count",
    }
    d.update(extra)
    return MeasureSpec.from_dict(d)


def counts(con, s: MeasureSpec) -> dict[str, int]:
    f = run(s, resolver_for(con), as_of=date(2030, 1, 1)).frame
    return dict(zip(f["period_label"], f["value"].astype(int), strict=True))


def test_fiscal_year_edge_in_local_time():
    at = pd.concat(
        [
            utc("2023-06-30 23:59:59.999999", "2023-07-01 00:00:00"),
            # 03:30 UTC on 1 July is 23:30 on 30 June in New York
            pd.Series(pd.to_datetime(["2023-07-01 03:30:00"], utc=True).as_unit("us")),
        ],
        ignore_index=True,
    )
    con = connect(t=pd.DataFrame({"at": at}))
    assert counts(con, spec("fiscal_year", "2022-07-01", "2024-06-30")) == {
        "FY2023": 2,
        "FY2024": 1,
    }
    assert counts(con, spec("month", "2023-06-01", "2023-07-31")) == {"2023-06": 2, "2023-07": 1}
    assert counts(con, spec("fiscal_quarter", "2023-04-01", "2023-09-30")) == {
        "FY2023 Q4": 2,
        "FY2024 Q1": 1,
    }
    # A fiscal year starting in October (US federal): all three are in FY2023.
    assert counts(con, spec("fiscal_year", "2023-01-01", "2023-09-30", fiscal_year_start=10)) == {
        "FY2023": 3
    }


def test_days_across_dst_changes():
    at = pd.concat(
        [
            utc(
                "2023-03-11 23:59:59",  # Mar 11 (EST)
                "2023-03-12 00:00:00",  # Mar 12
                "2023-03-12 01:59:59",  # Mar 12, last EST second
                "2023-03-12 03:00:00",  # Mar 12, first EDT second
                "2023-03-12 23:59:59",  # Mar 12 (EDT)
                "2023-03-13 00:00:00",  # Mar 13
                "2023-11-04 23:59:59",  # Nov 4 (EDT)
                "2023-11-05 23:59:59",  # Nov 5 (EST)
                "2023-11-06 00:00:00",  # Nov 6
            ),
            # 01:30 happens twice on 5 November: 05:30 UTC (EDT) and 06:30 UTC (EST)
            pd.Series(pd.to_datetime(["2023-11-05 05:30", "2023-11-05 06:30"], utc=True)),
        ],
        ignore_index=True,
    ).dt.as_unit("us")
    con = connect(t=pd.DataFrame({"at": at}))
    march = counts(con, spec("day", "2023-03-11", "2023-03-13"))
    assert march == {"2023-03-11": 1, "2023-03-12": 4, "2023-03-13": 1}
    november = counts(con, spec("day", "2023-11-04", "2023-11-06"))
    assert november == {"2023-11-04": 1, "2023-11-05": 3, "2023-11-06": 1}
    weeks = counts(con, spec("week", "2023-11-01", "2023-11-07"))
    assert weeks == {"2023-W44": 4, "2023-W45": 1}  # week 44 runs Mon 30 Oct – Sun 5 Nov


def test_intervals_across_fall_back_use_utc():
    # received 01:50 EDT, on scene 01:10 EST (after the clocks went back): 20 minutes later
    received = pd.to_datetime(["2023-11-05 05:50"], utc=True).as_unit("us")
    onscene = pd.to_datetime(["2023-11-05 06:10"], utc=True).as_unit("us")
    con = connect(t=pd.DataFrame({"at": received, "onscene": onscene}))
    s = spec(
        "month",
        "2023-11-01",
        "2023-11-30",
        aggregate="mean",
        value="secs",
        derive={"secs": {"seconds_between": ["at", "onscene"]}},
    )
    f = run(s, resolver_for(con), as_of=date(2024, 1, 1)).frame
    assert f["value"].tolist() == [1200.0]


def test_empty_periods_and_categories_are_present():
    at = utc("2023-01-15 12:00", "2023-01-20 12:00", "2023-04-02 12:00")
    df = pd.DataFrame({"at": at, "x": [1.0, 3.0, 5.0], "d": ["A", None, "B"]})
    con = connect(t=df)
    args = ("month", "2023-01-01", "2023-04-30")
    f = run(spec(*args, aggregate="mean", value="x"), resolver_for(con), as_of=date(2024, 1, 1))
    frame = f.frame.set_index("period_label")
    assert list(frame.index) == ["2023-01", "2023-02", "2023-03", "2023-04"]
    assert frame.loc["2023-01", "value"] == 2.0
    assert frame.loc[["2023-02", "2023-03"], "value"].isna().all()
    assert frame["n_used"].tolist() == [2, 0, 0, 1]
    for agg in ("count", "sum"):
        g = run(spec(*args, aggregate=agg, value="x"), resolver_for(con), as_of=date(2024, 1, 1))
        assert g.frame["value"].tolist()[1:3] == [0.0, 0.0]
    b = run(spec(*args, breakdown="d"), resolver_for(con), as_of=date(2024, 1, 1)).frame
    assert sorted(set(b["breakdown"])) == sorted(["A", "B", MISSING_CATEGORY])
    assert len(b) == 4 * 3
    cell = b.set_index(["period_label", "breakdown"])["value"]
    assert (cell.loc["2023-01", "A"], cell.loc["2023-01", "B"]) == (1.0, 0.0)
    assert cell.loc["2023-01", MISSING_CATEGORY] == 1.0


def test_window_reaches_into_empty_periods():
    at = utc("2023-01-15 12:00", "2023-02-15 12:00")
    con = connect(t=pd.DataFrame({"at": at, "x": [10.0, 20.0]}))
    s = spec(
        "month",
        "2023-01-01",
        "2023-05-31",
        aggregate="median",
        value="x",
        window={"kind": "rolling", "periods": 2},
    )
    f = run(s, resolver_for(con), as_of=date(2024, 1, 1)).frame
    # Jan: {10}; Feb: {10, 20} -> 10 (inverted CDF); Mar: {20}; Apr, May: nothing
    assert f["value"].tolist()[:3] == [10.0, 10.0, 20.0]
    assert f["value"].iloc[3:].isna().all()
    assert f["n_used"].tolist() == [1, 2, 1, 0, 0]


@pytest.fixture
def foreign_clock():
    """The machine in Tokyo."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Tokyo"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


def test_machine_and_session_time_zone_do_not_matter(foreign_clock):
    at = utc("2023-06-30 23:30", "2023-07-01 00:30")
    df = pd.DataFrame({"at": at, "naive": at.dt.tz_localize(None)})
    con = connect(t=df)
    con.raw_sql("SET TimeZone = 'Asia/Tokyo'")
    assert counts(con, spec("month", "2023-06-01", "2023-07-31")) == {"2023-06": 1, "2023-07": 1}
    # a naive timestamp column is read as UTC (dataset contracts store UTC)
    naive = spec("month", "2023-06-01", "2023-07-31", time_column="naive")
    assert counts(con, naive) == {"2023-06": 1, "2023-07": 1}
    # the same instants cut in Tokyo time (from the spec) both fall in July
    tokyo = spec("month", "2023-06-01", "2023-07-31", timezone="Asia/Tokyo")
    assert counts(con, tokyo) == {"2023-06": 0, "2023-07": 2}


def test_date_time_column():
    df = pd.DataFrame({"day": [date(2023, 6, 30), date(2023, 7, 1), date(2023, 7, 1)]})
    con = connect(t=df)
    s = spec("fiscal_year", "2022-07-01", "2024-06-30", time_column="day")
    assert counts(con, s) == {"FY2023": 1, "FY2024": 2}


def test_open_ended_range_runs_through_as_of_and_marks_completeness():
    at = utc("2023-05-10 10:00", "2023-06-10 10:00", "2023-07-05 10:00", "2023-08-01 10:00")
    con = connect(t=pd.DataFrame({"at": at}))
    s = MeasureSpec.from_dict(
        {
            "dataset": "t",
            "time_column": "at",
            "periods": {"start": "2023-05-01"},
            "aggregate": "count",
        }
    )
    series = run(s, resolver_for(con), as_of=date(2023, 7, 20))
    f = series.frame
    assert f["period_label"].tolist() == ["2023-05", "2023-06", "2023-07"]
    assert f["value"].tolist() == [1.0, 1.0, 1.0]  # August is after as_of
    assert f["complete"].tolist() == [True, True, False]
    assert series.latest()["period_label"].tolist() == ["2023-06"]
