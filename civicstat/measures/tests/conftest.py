import datetime as dt

import pandas as pd
import pytest

from civicstat.core import testing as t
from civicstat.measures.models import Measure, MeasureKind
from civicstat.warehouse import Registry, connect, ingest

CALLS = [
    # call_id, received (local), district, priority, call_type, onscene minutes after
    ("C1", "2024-06-03 10:00", "D1", "1", "Welfare Check", 6),
    ("C2", "2024-06-15 23:30", "D2", "2", "Trespass", 12),
    ("C3", "2024-06-30 23:59", "D1", "1", "Assist Person", 4),  # June, local time
    ("C4", "2024-07-01 00:01", "D1", "1", "Welfare Check", 9),  # July, local time (FY2025)
    ("C5", "2024-07-20 14:00", "D2", "3", "Noise", None),
    ("C6", "2024-08-02 08:00", "D2", "1", "Welfare Check", 7),
]


def write_calls(path):
    rows = []
    for call_id, received, district, priority, call_type, minutes in CALLS:
        at = pd.Timestamp(received, tz="America/New_York")
        rows.append(
            {
                "call_id": call_id,
                "unit_id": "U1",
                "received_at": at.isoformat(),
                "onscene_at": (at + pd.Timedelta(minutes=minutes)).isoformat() if minutes else "",
                "priority": priority,
                "call_type": call_type,
                "district": district,
                "cancelled": "false",
                "self_initiated": "false",
            }
        )
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.fixture
def warehouse(tmp_path, settings):
    url = f"duckdb://{tmp_path / 'warehouse.duckdb'}"
    settings.CIVICSTAT_WAREHOUSE_URL = url
    registry = Registry()
    con = connect(url)
    try:
        ingest(
            con,
            registry.contract("calls_for_service"),
            [write_calls(tmp_path / "calls.csv")],
            registry.mapping("civicstat-standard-cfs"),
            progress=False,
        )
    finally:
        con.disconnect()
    return url


def computed_measure(page, slug, spec, **fields):
    measure = Measure.objects.create(
        name=slug.replace("-", " ").title(),
        slug=slug,
        page=page,
        kind=MeasureKind.COMPUTED,
        spec=spec,
        live=True,
        **fields,
    )
    return measure


CALLS_PER_MONTH = {
    "dataset": "calls_for_service",
    "time_column": "received_at",
    "grain": "month",
    "periods": {"start": "2024-06-01", "end": "2024-08-31"},
    "aggregate": "count",
}


@pytest.fixture
def measured(db, warehouse):
    plan = t.make_plan()
    goal = t.make_goal(plan)
    objective = t.make_objective(goal)
    initiative = t.make_initiative(objective, departments=[t.department("police")])
    count = computed_measure(initiative, "calls-per-month", CALLS_PER_MONTH, cadence="month")
    median = computed_measure(
        initiative,
        "median-minutes-to-scene",
        {
            **CALLS_PER_MONTH,
            "derive": {"seconds": {"seconds_between": ["received_at", "onscene_at"]}},
            "aggregate": "median",
            "value": "seconds",
        },
        cadence="month",
        direction="lower_is_better",
        target=600,
    )
    return {
        "initiative": initiative,
        "count": count,
        "median": median,
        "as_of": dt.date(2024, 9, 15),
    }
