"""Measure pages and open data over HTTP: chart, table, status rule, provenance, CSV and JSON."""

import csv
import io

import pytest
from bs4 import BeautifulSoup

from civicstat.measures.models import MeasureValue
from civicstat.measures.services.refresh import refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def refreshed(measured):
    refresh(as_of=measured["as_of"], run_sources=False)
    return measured


def test_measure_page_shows_chart_table_rule_and_provenance(client, refreshed):
    measure = refreshed["median"]
    response = client.get(f"/measures/{measure.slug}/")
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    svg = page.select_one(".chart__svg svg")
    assert svg is not None and svg.get("role") == "img"
    assert page.select_one(".chart__summary").get_text(strip=True)
    table = page.select_one("section .data-table")
    assert table.caption.get_text(strip=True)
    text = page.get_text(" ", strip=True)
    assert "How the status is decided" in text and "lower is better" in text
    assert "calls.csv" in text  # the source load
    assert "missing seconds" in text  # exclusions by reason
    sql = page.select_one("details.sql pre code").get_text()
    assert "calls_for_service" in sql
    assert page.select_one('a[href$=".csv"]') and page.select_one('a[href$=".json"]')


def test_csv_and_json_downloads_match_published_values(client, refreshed):
    measure = refreshed["count"]
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/measures/{measure.slug}.csv").content.decode()))
    )
    stored = MeasureValue.objects.filter(measure=measure).order_by("period_start")
    assert [(r["period_label"], float(r["value"])) for r in rows] == [
        (v.period_label, v.value) for v in stored
    ]
    data = client.get(f"/measures/{measure.slug}.json").json()
    assert data["measure"]["slug"] == measure.slug
    assert [v["value"] for v in data["values"]] == [v.value for v in stored]
    assert data["provenance"]["loads"][0]["dataset"] == "calls_for_service"
    listing = client.get("/measures.json").json()
    assert {m["slug"] for m in listing["measures"]} >= {
        "calls-per-month",
        "median-minutes-to-scene",
    }


def test_unpublished_and_unknown_measures_are_not_served(client, refreshed):
    measure = refreshed["count"]
    measure.live = False
    measure.save()
    assert client.get(f"/measures/{measure.slug}/").status_code == 404
    assert client.get(f"/measures/{measure.slug}.csv").status_code == 404
    assert measure.slug not in {m["slug"] for m in client.get("/measures.json").json()["measures"]}
    assert client.get("/measures/nothing-here/").status_code == 404
