"""Familiar-neighbor analysis (civicstat/dashboards/producers/familiar_neighbors.py) on a
hand-counted population: bands after small-cell suppression, the concentration callout, the
Lorenz curve and the Gini coefficient against numpy, and no person id in anything published."""

from __future__ import annotations

import datetime as dt
import json
import re

import ibis
import numpy as np
import pandas as pd
import pytest

from civicstat.dashboards.producers import familiar_neighbors as producer
from civicstat.dashboards.producers._safety_common import Window, percent
from civicstat.dashboards.tests.safety_helpers import as_dict, charts, figures, table_starting
from civicstat.safety.familiar_neighbors.results import ConcentrationPoint
from civicstat.safety.tests.canonical import load_crisis

NY = "America/New_York"
# responses per person → people: 3 people with 45 responses, 5 with 22, ... (2,400 people).
GROUPS = {45: 3, 22: 5, 11: 14, 5: 60, 2: 318, 1: 2000}
PEOPLE = sum(GROUPS.values())
TOTAL = sum(c * n for c, n in GROUPS.items())  # 3,335 identified responses
START = pd.Timestamp("2023-01-01 08:00", tz=NY)


def _rows() -> list[dict]:
    rows, k = [], 0
    person = 0
    for responses, people in GROUPS.items():
        for _ in range(people):
            person += 1
            for _ in range(responses):
                k += 1
                rows.append(
                    {
                        "response_id": f"R{k}",
                        "program": "community_response_team",
                        "call_id": f"C{k}",
                        "person_id": f"N-{person:010x}",
                        "received_at": START + pd.Timedelta(minutes=131 * k % 500_000),
                    }
                )
    for j in range(100):  # no person identifier: counted apart
        rows.append(
            {
                "response_id": f"U{j}",
                "program": "co_response",
                "received_at": START + pd.Timedelta(days=j),
            }
        )
    # Not counted: a care-navigation follow-up and a response outside the window.
    rows.append(
        {
            "response_id": "F1",
            "program": "care_navigation",
            "person_id": "N-00000000ff",
            "received_at": START,
        }
    )
    rows.append(
        {
            "response_id": "L1",
            "program": "community_response_team",
            "person_id": "N-0000000001",
            "received_at": pd.Timestamp("2024-01-01 00:10", tz=NY),
        }
    )
    return rows


@pytest.fixture(scope="module")
def analysis():
    con = ibis.duckdb.connect()
    crisis = load_crisis(con, _rows())
    assert (
        crisis.filter(crisis.received_at >= pd.Timestamp("2024-01-01", tz=NY)).count().execute()
        == 1
    )
    return producer.build(crisis, Window(dt.date(2023, 1, 1), dt.date(2024, 1, 1)))


def test_bands_are_suppressed_as_published(analysis):
    bands = as_dict(table_starting(analysis, "Neighbors served repeatedly"))
    # Hand count: ≥5: 3+5+14+60 = 82; ≥10: 22; ≥20: 8 and ≥40: 3 are 1–10 people, withheld.
    assert {k: v["Neighbors"] for k, v in bands.items()} == {
        "5 or more responses": "82",
        "10 or more responses": "22",
        "20 or more responses": "<11",
        "40 or more responses": "<11",
    }
    got = figures(analysis)
    assert got["20 or more responses"].suppressed and got["40 or more responses"].suppressed
    assert got["Neighbors served"].value == "2,400"
    assert got["Responses counted"].value == "3,335"
    assert got["Responses without a person identifier"].value == percent(100 * 100 / 3435, 1)


def test_callout_and_concentration_table(analysis):
    # Top 0.5 %: ceil(12) people, widened to the whole tie group of 11 responses: 22 people
    # (the same people as the 10+ band), 3·45 + 5·22 + 14·11 = 399 responses.
    top, share = percent(22 / PEOPLE * 100, 1), percent(399 / TOTAL * 100, 0)
    callout = figures(analysis)[
        f"Share of responses that went to the {top} of neighbors served most often"
    ]
    assert callout.value == share
    assert callout.note == f"{top} of neighbors served make up {share} of responses"
    shares = table_starting(analysis, "Share of responses that went")
    # 1 % reaches the 5-response group (82 people, 699); 5 % and 10 % the same 2-response
    # group (400 people, 1,335): one point, shown once.
    assert shares[1:] == [
        (percent(22 / PEOPLE * 100, 1), percent(399 / TOTAL * 100, 1)),
        (percent(82 / PEOPLE * 100, 1), percent(699 / TOTAL * 100, 1)),
        (percent(400 / PEOPLE * 100, 1), percent(1335 / TOTAL * 100, 1)),
    ]


def test_lorenz_and_gini_match_numpy(analysis):
    counts = np.sort(np.repeat(list(GROUPS), list(GROUPS.values())))
    lorenz = next(c for c in charts(analysis) if c.chart_id == "familiar-neighbors-lorenz")
    cumulative = np.concatenate([[0], np.cumsum(counts)]) / TOTAL
    expected = [
        (percent(j * 5.0, 1), percent(round(cumulative[120 * j] * 100, 1), 1)) for j in range(21)
    ]  # 20 steps of 120 people (each ≥ 11)
    assert list(lorenz.table.rows) == expected
    ranks = np.arange(1, PEOPLE + 1)
    gini = 2 * (ranks * counts).sum() / (PEOPLE * TOTAL) - (PEOPLE + 1) / PEOPLE
    got = figures(analysis)
    assert got["Gini coefficient"].value == f"{gini:.2f}"
    assert got["Gini coefficient, small-sample correction"].value == (
        f"{gini * PEOPLE / (PEOPLE - 1):.2f}"
    )


def test_nothing_person_level_is_published(analysis):
    text = json.dumps(analysis.content()) + json.dumps(dict(analysis.parameters))
    assert re.search(r"N-[0-9a-f]{10}", text) is None  # no person id
    assert re.search(r"\b[RCU]\d+\b", text) is None  # no response or call id either


def test_points_that_would_reveal_a_small_group_are_dropped():
    def point(p, people):
        return ConcentrationPoint(p, people, people / 3000, 0.1, people >= 11)

    kept = producer.publishable_points(
        [point(0.005, 15), point(0.01, 20), point(0.05, 150), point(0.1, 150), point(0.2, 600)]
    )
    # 20 − 15 = 5 people could be derived: the second point goes; 150 twice is one point.
    assert [p.people for p in kept] == [15, 150, 600]
    assert producer.publishable_points([point(0.005, 8)]) == []
    # A top group 5 people short of a published band (19) would reveal those 5: dropped.
    assert [
        p.people
        for p in producer.publishable_points(
            [point(0.005, 14), point(0.01, 30)], published=(2301, 75, 19)
        )
    ] == [30]


def test_too_few_people_publishes_no_callout():
    con = ibis.duckdb.connect()
    crisis = load_crisis(
        con,
        [
            {
                "response_id": f"r{i}",
                "program": "community_response_team",
                "person_id": f"N-{i % 7:010x}",
                "received_at": START + pd.Timedelta(hours=i),
            }
            for i in range(30)
        ],
    )
    got = producer.build(crisis, Window(dt.date(2023, 1, 1), dt.date(2024, 1, 1)))
    content = json.dumps(got.content())
    assert "Too few neighbors were served" in content
    assert figures(got)["Neighbors served"].value == "<11"
    assert "N-0" not in content
