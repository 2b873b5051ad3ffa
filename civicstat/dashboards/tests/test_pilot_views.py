"""The pilot measures' derived views and settings: the SQL holiday flag against the pandas rule
(civicstat.safety.gunshots.in_holiday_window), alerts joined to their outcomes without losing
any, and the shipped settings in step with the demo's synthetic pilot."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from civicstat.dashboards.pilots import derived
from civicstat.dashboards.pilots.settings import DEFAULT_FILE, load_pilot_settings
from civicstat.dashboards.tests import pilot_data as d
from civicstat.demo.synthetic.pilot_params import PARAMS_DIR
from civicstat.measures.derived import resolver
from civicstat.safety.gunshots import in_holiday_window
from civicstat.warehouse import connect


@pytest.mark.parametrize("tz", ["America/New_York", "America/Los_Angeles"])
def test_holiday_flag_in_sql_matches_the_pandas_rule(tz):
    rng = np.random.default_rng(2)
    start = pd.Timestamp("2015-01-01", tz="UTC").value // 1000
    micros = start + rng.integers(0, 12 * 365 * 86_400 * 10**6, 100_000)
    times = list(pd.to_datetime(micros, unit="us", utc=True))
    for year in range(2015, 2027):  # every window edge, one microsecond either side
        for month, day in ((12, 29), (1, 3), (7, 2), (7, 7), (3, 12), (11, 5)):
            edge = pd.Timestamp(year=year, month=month, day=day).tz_localize(tz)
            times += [edge + pd.Timedelta(microseconds=s) for s in (-1, 0, 1)]
    frame = pd.DataFrame({"t": pd.Series(pd.to_datetime(times, utc=True))})
    con = connect(None)
    try:
        con.con.register("frame", frame)
        con.con.execute("CREATE TABLE times AS SELECT * FROM frame")
        table = con.table("times")
        got = table.mutate(h=derived.holiday_flag(table.t, table, tz)).to_pandas()
    finally:
        con.disconnect()
    want = in_holiday_window(got["t"], tz=tz)
    assert want.sum() > 1000
    np.testing.assert_array_equal(got["h"].astype(bool).to_numpy(), want.to_numpy())


def test_alert_outcomes_view_keeps_every_alert(tmp_path):
    url = f"duckdb://{tmp_path / 'w.duckdb'}"
    d.load(url, "gunshot_alerts", d.alerts_frame(), tmp_path)
    d.load(url, "gunshot_outcomes", d.outcomes_frame(), tmp_path)
    con = connect(url, read_only=True)
    try:
        view = resolver(con)("gunshot_alert_outcomes").to_pandas().set_index("alert_id")
    finally:
        con.disconnect()
    assert sorted(view.index) == sorted(d.ALERTS)
    assert set(view.index[view["outcome_recorded"]]) == {"A1", "A3", "A7"}
    assert view.loc["A1", "firearms_recovered"] == 1 and pd.isna(view.loc["A2", "casings"])
    assert not view["holiday_window"].any()


def test_shipped_settings_use_the_demo_coverage_area():
    shipped = load_pilot_settings(DEFAULT_FILE)
    params = yaml.safe_load((PARAMS_DIR / "durham_shotspotter.yaml").read_text())
    assert list(shipped.gunshots.coverage.exterior.coords)[:-1] == [
        tuple(p) for p in params["coverage_area"]["polygon"]
    ]
    e = shipped.gunshots.evaluation
    assert (e.first_day, e.last_day) == (params["pilot"]["first_day"], params["pilot"]["last_day"])
