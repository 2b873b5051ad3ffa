"""Initiative and goal pages show their measures' published charts (SVG, text summary, a link to
the data table) and statuses, read from the publishing database."""

import pytest
from bs4 import BeautifulSoup

from civicstat.measures.models import MeasureChart, MeasureRole
from civicstat.measures.services.refresh import refresh
from civicstat.measures.tests.conftest import CALLS_PER_MONTH, computed_measure

pytestmark = pytest.mark.django_db


def soup(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def card_of(page, measure):
    title = page.find(id=f"measure-{measure.pk}-title")
    assert title is not None, f"no card for {measure.slug}"
    return title.find_parent("article")


def assert_chart_card(card, measure):
    chart = MeasureChart.objects.get(measure=measure)
    svg = card.select_one(".chart__svg svg")
    assert svg is not None and svg.get("role") == "img"
    assert card.select_one(".chart__summary").get_text(strip=True) == chart.summary
    link = card.select_one(".chart__table-link a")
    assert link["href"] == f"/measures/{measure.slug}/#measure-data"
    return chart


def test_initiative_page_shows_each_measure_chart_and_status(client, measured):
    for measure in (measured["count"], measured["median"]):  # reported on, not closed series
        measure.spec = {**measure.spec, "periods": {"start": measure.spec["periods"]["start"]}}
        measure.save()
    refresh(as_of=measured["as_of"], run_sources=False)
    page = soup(client, measured["initiative"].url)
    for measure in (measured["count"], measured["median"]):
        card = card_of(page, measure)
        assert_chart_card(card, measure)
        # The status comes from the latest published value (August 2024).
        assert (
            card.select_one(".status__label")
            .get_text(" ", strip=True)
            .endswith("Target Pending" if measure.target is None else "On Target")
        )
        # The values stop in August 2024, long before today: the card says the next is overdue.
        assert "Overdue" in card.select_one(".measure-card__overdue").get_text()
    # The chart's summary is generated from the values: calls fell from 3 in June to 1 in August.
    summary = card_of(page, measured["count"]).select_one(".chart__summary").get_text()
    assert "3" in summary and "1" in summary and "June 2024" in summary


def test_the_link_leads_to_the_measure_data_table(client, measured):
    refresh(as_of=measured["as_of"], run_sources=False)
    page = soup(client, f"/measures/{measured['count'].slug}/")
    region = page.find(id="measure-data")
    assert region is not None
    rows = [tr.find("th").get_text(strip=True) for tr in region.select("tbody tr")]
    assert rows == ["June 2024", "July 2024", "August 2024"]


def test_goal_page_shows_context_measure_and_headline_charts(client, measured):
    goal = measured["initiative"].get_parent().get_parent().specific
    context = computed_measure(
        goal, "calls-context", CALLS_PER_MONTH, role=MeasureRole.CONTEXT, cadence="month"
    )
    headline = measured["median"]
    headline.headline = True
    headline.save()
    refresh(as_of=measured["as_of"], run_sources=False)
    page = soup(client, goal.url)
    assert_chart_card(card_of(page, context), context)
    row = page.select_one(".initiative-row__measure")
    assert row.select_one(".initiative-row__measure-name").get_text(strip=True) == headline.name
    chart = MeasureChart.objects.get(measure=headline)
    assert row.select_one(".chart__summary").get_text(strip=True) == chart.summary
    assert row.select_one(".chart__svg svg[role=img]") is not None


def test_a_measure_without_published_values_has_no_chart(client, measured):
    page = soup(client, measured["initiative"].url)
    card = card_of(page, measured["count"])
    assert card.select_one(".chart__svg") is None
    assert "No data has been published" in card.get_text()


def test_department_breakdowns_are_named_in_the_chart_and_card(client, measured):
    import datetime as dt

    from civicstat.core import testing as t
    from civicstat.dashboards.publishing import publish_chart
    from civicstat.measures.models import Measure, MeasureKind, MeasureValue, ValueSource

    t.department("emergency-communications", "Emergency Communications")
    police = t.department("police").name  # made by the fixture
    measure = Measure.objects.create(
        name="Vacancy rate",
        slug="vacancy",
        page=measured["initiative"],
        live=True,
        kind=MeasureKind.COMPUTED,
        cadence="quarter",
        value_format="percent",
        spec={**CALLS_PER_MONTH, "breakdown": "department"},
    )
    for code, value in (("emergency_communications", 15.0), ("police", 8.0), ("parks", 3.0)):
        MeasureValue.objects.create(
            measure=measure,
            source=ValueSource.COMPUTED,
            period_start=dt.date(2024, 7, 1),
            period_end=dt.date(2024, 10, 1),
            period_label="2024 Q3",
            breakdown=code,
            value=value,
        )
    chart = publish_chart(measure)
    cells = {cell for row in chart.table["rows"] for cell in row} | set(chart.table["headers"])
    assert {"Emergency Communications", police} <= cells
    assert "parks" in cells  # a code that names no department is shown as it is
    assert "emergency_communications" not in chart.summary
    card = card_of(soup(client, measured["initiative"].url), measure)
    terms = [dt_.get_text(strip=True) for dt_ in card.select(".measure-card__breakdown dt")]
    assert terms == ["Emergency Communications", "parks", police]  # in the order of the codes
    listing = {m["slug"]: m for m in client.get("/measures.json").json()["measures"]}
    assert listing["vacancy"]["latest"] == {
        "period": "2024 Q3",
        "by_category": {"emergency_communications": 15.0, "parks": 3.0, "police": 8.0},
    }
    # The published values keep the codes of the data (CSV, JSON).
    assert set(
        MeasureValue.objects.filter(measure=measure).values_list("breakdown", flat=True)
    ) == {"emergency_communications", "police", "parks"}
