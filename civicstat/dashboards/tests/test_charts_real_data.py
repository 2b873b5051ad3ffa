"""A chart of real calls (Seattle Police "Call Data", one beat, 2018–2023): yearly counts by call
source, computed here with pandas, drawn, summarised and tabulated; the summary and the table
are checked against the pandas counts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pandas as pd
import pytest

from civicstat.dashboards.charts import COLUMNS, ChartKind, ChartOptions, build_chart

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def counts(shared_data) -> pd.DataFrame:
    path = (
        shared_data
        / "seattle-spd-calls-sample"
        / "seattle_spd_call_data_sectorC_sample_2018-2023.csv"
    )
    calls = pd.read_csv(path)
    queued = pd.to_datetime(calls["Original Time Queued"], format="%m/%d/%Y %I:%M:%S %p")
    return calls.groupby([queued.dt.year.rename("year"), "Call Type"]).size().unstack(fill_value=0)


def published(counts: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for year, by_type in counts.iterrows():
        span = {
            "period_start": date(year, 1, 1),
            "period_end": date(year + 1, 1, 1),
            "period_label": str(year),
            "suppressed": False,
            "status": "",
            "target": float("nan"),
        }
        rows.append({**span, "breakdown": "", "value": float(by_type.sum())})
        rows += [{**span, "breakdown": k, "value": float(v)} for k, v in by_type.items()]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def test_real_calls_chart_summary_and_table_agree_with_pandas(counts):
    options = ChartOptions(title="Calls in beat C3", unit="calls", breakdown_label="call source")
    chart = build_chart(published(counts), options, chart_id="seattle-c3")
    totals = counts.sum(axis=1)
    first, last = int(totals.iloc[0]), int(totals.iloc[-1])
    verb = "rose" if last > first else "fell" if last < first else None
    assert verb is not None
    latest = counts.iloc[-1]
    highest = " and ".join(sorted(latest[latest == latest.max()].index))
    lowest = " and ".join(sorted(latest[latest == latest.min()].index))
    # The peak and the low are named when the first-to-latest sentence does not already give them.
    extremes = ""
    for value, phrase in ((totals.max(), "It peaked at"), (totals.min(), "Its lowest was")):
        if value not in (first, last):
            years = [str(y) for y in totals.index[totals == value]]
            named = years[0] if len(years) == 1 else f"{', '.join(years[:-1])} and {years[-1]}"
            extremes += f"{phrase} {value} in {named}. "
    assert chart.summary == (
        f"Calls in beat C3 {verb} from {first} in 2018 to {last} in 2023. {extremes}"
        "No target is set. "
        f"In 2023, {highest} had the highest value ({latest.max()}) and {lowest} the lowest "
        f"({latest.min()})."
    )
    assert chart.kind is ChartKind.LINE
    assert chart.table.headers == ("Period", "Overall", *sorted(counts.columns))
    assert [row[1] for row in chart.table.rows] == [f"{int(v):,}" for v in totals]
    assert [row[0] for row in chart.table.rows] == [str(y) for y in counts.index]
    legend = [
        "".join(t.itertext())
        for t in ET.fromstring(chart.svg).iter("{http://www.w3.org/2000/svg}text")
    ]
    for call_type in counts.columns:
        assert call_type in legend
