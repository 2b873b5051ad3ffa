"""The community-safety pages on the full path, at full scale: the synthetic Durham year is
generated and written as CSV files (civicstat/demo/synthetic/cad_demo.py), ingested through the
shipped mappings, the Durham plan imported with the heart and response-time catalogues attached,
and `refresh` run. Then

* the published HEART figures land in the tolerance bands documented in
  params/durham_heart.yaml (``checks``), and agree with the monthly measures; and
* every public URL of the site (crawled from the home page, plus /measures/, /measures.json,
  every measure page and its CSV and JSON, and the calendar feeds) is fetched with the test
  client: none shows a pseudonymous person id or any response- or call-level row.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pandas as pd
import pytest
import yaml

from civicstat.dashboards.tests.safety_helpers import as_dict, figures, number_in, table_starting

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

AS_OF = dt.date(2026, 12, 2)  # three years after the synthetic year: the window is still 2023
PRODUCERS = ["heart", "familiar-neighbors", "diversion", "response-times"]
CATALOGUES = ("heart.yaml", "response_times.yaml")
PARAMS = Path(__file__).resolve().parents[2] / "demo" / "synthetic" / "params" / "durham_heart.yaml"
FIGURES = {  # published analysis figure → the `checks` key in durham_heart.yaml
    "Responses": "responses",
    "Average minutes to scene": "to_scene_mean",
    "Average minutes on scene": "on_scene_mean",
    "Average total minutes": "total_mean",
    "Needed transport": "transport_pct",
    "Needed police backup": "police_backup_pct",
    "Needed EMS support": "ems_support_pct",
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """The synthetic year, written and ingested once for the module (a DuckDB file)."""
    from civicstat.demo.synthetic.cad_demo import CALLS_MAPPING, CRISIS_MAPPING, write_demo_files
    from civicstat.warehouse import Registry, connect, ingest

    root = tmp_path_factory.mktemp("safety-site")
    calls_csv, crisis_csv = write_demo_files(root / "raw")
    url = f"duckdb://{root / 'warehouse.duckdb'}"
    registry = Registry()
    con = connect(url)
    try:
        for dataset, path, mapping in (
            ("calls_for_service", calls_csv, CALLS_MAPPING),
            ("crisis_responses", crisis_csv, CRISIS_MAPPING),
        ):
            report = ingest(
                con, registry.contract(dataset), [path], registry.mapping(mapping), progress=False
            )
            assert report.files[0].quarantined == 0, dataset
    finally:
        con.disconnect()
    crisis = pd.read_csv(crisis_csv, dtype=str, keep_default_na=False)
    calls = pd.read_csv(calls_csv, dtype=str, keep_default_na=False, usecols=["call_id"])
    people = set(crisis.loc[crisis["person_id"] != "", "person_id"])
    assert len(people) > 2000  # pseudonymous ids really are in the warehouse
    return {
        "url": url,
        "people": people,
        "responses": set(crisis["response_id"]),
        "calls": set(calls["call_id"]),
    }


def _site(settings, warehouse, events: bool = False):
    """The Durham plan with the community-safety catalogues, refreshed from ``warehouse``."""
    from civicstat.demo import setup
    from civicstat.measures.catalogue import attach
    from civicstat.measures.services.refresh import refresh
    from civicstat.plans.models import PlanPage

    settings.CIVICSTAT_WAREHOUSE_URL = warehouse["url"]
    setup.load_plans()
    setup.configure_site()
    plan = PlanPage.objects.get(slug=setup.CURRENT_PLAN)
    folder = Path(__file__).resolve().parents[2] / "measures" / "catalogues"
    measures = attach(plan, [folder / name for name in CATALOGUES])
    if events:
        from civicstat.engage.demo import load_demo_engagement
        from civicstat.events.demo import load_demo_events

        load_demo_events(as_of=AS_OF)
        load_demo_engagement(as_of=AS_OF)
    run = refresh(
        as_of=AS_OF, run_sources=False, analyses=PRODUCERS, slugs=[m.slug for m in measures]
    )
    assert run.skipped == [] and run.analyses_count == 8
    return plan, measures


def test_published_heart_figures_land_near_durham(settings, warehouse):
    from civicstat.measures.models import MeasureValue, PublishedAnalysis

    _site(settings, warehouse)
    checks = yaml.safe_load(PARAMS.read_text(encoding="utf-8"))["checks"]
    for program, bands in checks.items():
        stored = PublishedAnalysis.objects.get(key=f"heart/{program}")
        assert stored.period_label == "January to December 2023"
        got = figures(stored)
        for label, name in FIGURES.items():
            band = bands[name]
            value = number_in(got[label].value)
            tolerance = band.get("absolute") or band["relative"] * band["published"]
            assert abs(value - band["published"]) <= tolerance, (program, name, value, band)
    # The monthly measures add up to the yearly figures of the analyses (two computations).
    crt = figures(PublishedAnalysis.objects.get(key="heart/community_response_team"))
    monthly = MeasureValue.objects.filter(measure__slug="crt-responses")
    assert monthly.count() == 12
    assert sum(v.value for v in monthly) == number_in(crt["Responses"].value)
    to_scene = MeasureValue.objects.filter(measure__slug="crt-minutes-to-scene")
    used = sum(v.n_used for v in to_scene)
    mean = sum(v.value * v.n_used for v in to_scene) / used
    assert f"{mean:.2f}" == crt["Average minutes to scene"].value.split()[0]
    assert crt["Average minutes to scene"].note.startswith(f"{used:,} responses")
    assert any(v.exclusions for v in to_scene)  # the planted defects are counted by reason
    # Durham's familiar-neighbor bands: 74 / 19 published; 8 and 4 are withheld (< 11).
    fn = PublishedAnalysis.objects.get(key="familiar-neighbors/heart")
    bands = as_dict(table_starting(fn, "Neighbors served repeatedly"))
    assert abs(int(bands["5 or more responses"]["Neighbors"]) - 74) <= 10
    assert abs(int(bands["10 or more responses"]["Neighbors"]) - 19) <= 4
    assert bands["20 or more responses"]["Neighbors"] == "<11"
    assert bands["40 or more responses"]["Neighbors"] == "<11"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


SKIP = (
    "/admin",
    "/django-admin",
    "/documents",
    "/static",
    "/media",
    "/i18n",
    "/events/internal",
    "/engage/staff",
)
ID_PATTERNS = (re.compile(r"N-[0-9a-f]{10}"), re.compile(r"H\d{10}"), re.compile(r"P\d{10}"))
MAX_PAGES = 600


def _crawl(client, seeds: list[str]) -> dict[str, bytes]:
    seen: dict[str, bytes] = {}
    queue = deque(seeds)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url, follow=True)
        assert response.status_code == 200, (url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen[url] = body
        if "html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(body.decode("utf-8", "replace"))
        for link in parser.links:
            link, _frag = urldefrag(link)
            parsed = urlparse(link)
            if parsed.scheme or parsed.netloc or not parsed.path.startswith("/"):
                continue  # other sites, mailto:, relative fragments
            target = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if target.startswith(SKIP) or re.match(r"^/events/\d{4}/\d+/", target):
                continue  # staff pages; calendar months (covered by the feeds and the list)
            if target not in seen:
                queue.append(target)
    return seen


def test_no_url_shows_person_level_data(client, settings, warehouse):
    _site(settings, warehouse, events=True)
    listing = client.get("/measures.json").json()["measures"]
    mine = [
        m
        for m in listing
        if m["slug"].startswith(("crt-", "co-response-", "heart-", "care-navigation-", "p1-"))
    ]
    assert len(mine) >= 12
    seeds = [
        "/",
        "/measures/",
        "/measures.json",
        "/events/",
        "/events/feeds/",
        "/events/feeds/public.ics",
    ]
    for m in listing:
        seeds += [
            f"/measures/{m['slug']}/",
            f"/measures/{m['slug']}.csv",
            f"/measures/{m['slug']}.json",
        ]
    pages = _crawl(client, seeds)
    # The crawl reached the community-safety pages, their charts and the calendar feeds.
    for path in (
        "/fy2024-2026/create-a-safer-community-together/community-safety/",
        "/fy2024-2026/create-a-safer-community-together/community-safety/community-response-teams/",
        "/fy2024-2026/create-a-safer-community-together/response-times/",
    ):
        assert path in pages, sorted(pages)[:40]
    familiar = [u for u in pages if u.endswith("/familiar-neighbors-data/")]
    assert familiar, "the familiar-neighbors data page was not reached from the home page"
    assert any(u.endswith(".ics") for u in pages) and any(u.endswith(".csv") for u in pages)
    assert b"Neighbors served repeatedly" in pages[familiar[0]]
    known = warehouse["people"] | warehouse["responses"] | warehouse["calls"]
    for url, body in pages.items():
        text = body.decode("utf-8", "replace")
        for pattern in ID_PATTERNS:
            leaked = set(pattern.findall(text)) & known
            assert not leaked, f"{url} shows record-level ids {sorted(leaked)[:5]}"
        # The compiled SQL shown as provenance may NAME the column it counts people by (never a
        # value, checked above); no table, CSV or JSON data field may carry it.
        assert "person_id" not in _without_sql(url, text), url


def _without_sql(url: str, text: str) -> str:
    if url.endswith(".json"):

        def strip(node):
            if isinstance(node, dict):
                return {k: strip(v) for k, v in node.items() if k != "sql"}
            if isinstance(node, list):
                return [strip(v) for v in node]
            return node

        return json.dumps(strip(json.loads(text)))
    return re.sub(r"<pre\b.*?</pre>", "", text, flags=re.S)
