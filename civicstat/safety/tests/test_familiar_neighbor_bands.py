"""Familiar-neighbor band rows: a hand-counted population, local years, and no person id."""

import ibis
import pandas as pd

from civicstat.safety.familiar_neighbors.bands import yearly_band_rows
from civicstat.safety.tests.canonical import load_crisis


def _crisis(counts: dict[str, int], year_start: str, program="community_response_team"):
    rows = []
    for person, n in counts.items():
        for i in range(n):
            rows.append(
                {
                    "person_id": person,
                    "program": program,
                    "received_at": pd.Timestamp(year_start) + pd.Timedelta(hours=3 * i),
                }
            )
    return rows


def test_bands_count_people_by_local_year_and_leave_out_ids():
    rows = _crisis({"p1": 45, "p2": 22, "p3": 12, "p4": 5, "p5": 4}, "2023-03-01T15:00Z")
    # 04:30 UTC on 1 January 2024 is still 31 December 2023 in Durham: counted in 2023.
    rows += [
        {
            "person_id": "p4",
            "program": "co_response",
            "received_at": pd.Timestamp("2024-01-01T04:30Z"),
        }
    ]
    rows += _crisis({"p6": 6}, "2024-02-01T15:00Z")
    rows += _crisis({"p7": 9}, "2023-05-01T15:00Z", program="care_navigation")  # not counted
    for i, row in enumerate(rows):
        row["response_id"] = f"r{i}"
    table = load_crisis(ibis.duckdb.connect(), rows)
    out = yearly_band_rows(table, tz="America/New_York").to_pandas()
    assert "person_id" not in out.columns
    counts = out.groupby([out.year_start.astype(str), "band"]).size().to_dict()
    # Hand count, 2023: p1 45, p2 22, p3 12, p4 6 (5 + the New Year's Eve response), p5 4.
    assert counts == {
        ("2023-01-01", "5 or more responses"): 4,
        ("2023-01-01", "10 or more responses"): 3,
        ("2023-01-01", "20 or more responses"): 2,
        ("2023-01-01", "40 or more responses"): 1,
        ("2024-01-01", "5 or more responses"): 1,
    }
