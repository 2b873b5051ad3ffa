"""Published analyses: blocks round-trip as data, producers run inside the refresh with their
provenance, a producer without data is skipped and recorded, and a data page renders what was
published (figures, chart with summary and table, method) or says it is not computed yet."""

import datetime as dt

import pytest

from civicstat.core import testing as t
from civicstat.dashboards.analysis import (
    Analysis,
    ChartBlock,
    Section,
    TextBlock,
    chart_block,
    figure,
    register_analysis,
)
from civicstat.dashboards.analysis.blocks import AnalysisError
from civicstat.dashboards.analysis.build import bar_spec, number, table
from civicstat.dashboards.analysis.registry import unregister
from civicstat.measures.models import PublishedAnalysis, RefreshStatus
from civicstat.measures.services.analyses import save_analysis
from civicstat.measures.services.refresh import refresh
from civicstat.plans.models import DataPage


def calls_by_priority_analysis(counts: dict[str, int]) -> Analysis:
    categories = sorted(counts)
    data = table(
        "Calls by priority", ["Priority", "Calls"], [[c, number(counts[c])] for c in categories]
    )
    chart = chart_block(
        bar_spec(categories, [counts[c] for c in categories], description="Calls by priority"),
        chart_id="calls-by-priority",
        title="Calls by priority",
        summary=f"Priority {max(counts, key=counts.get)} had the most calls.",
        data_table=data,
    )
    return Analysis(
        key="test/calls",
        title="Calls by priority",
        sections=(
            Section(
                "Volume",
                (
                    figure("Calls", sum(counts.values()), note="all priorities"),
                    chart,
                    TextBlock("Counted from the calls table."),
                ),
            ),
        ),
        method="Every call counted once, by its priority.",
        datasets=("calls_for_service",),
    )


def test_blocks_round_trip_as_json_data():
    analysis = calls_by_priority_analysis({"1": 4, "2": 1, "3": 1})
    sections = Analysis.sections_from(analysis.content())
    assert sections == analysis.sections
    chart = sections[0].blocks[1]
    assert isinstance(chart, ChartBlock)
    assert chart.svg.startswith("<svg") and 'role="img"' in chart.svg
    assert chart.table.rows == (("1", "4"), ("2", "1"), ("3", "1"))
    assert sections[0].figures[0].value == "6"


def test_a_chart_without_summary_or_table_rows_is_refused():
    empty = table("Nothing", ["A", "B"], [])
    with pytest.raises(AnalysisError, match="empty data table"):
        ChartBlock("c", "t", "<svg/>", "summary", empty)
    full = table("One", ["A", "B"], [["x", "1"]])
    with pytest.raises(AnalysisError, match="no text summary"):
        ChartBlock("c", "t", "<svg/>", "  ", full)


def test_numbers_are_formatted_for_reading():
    assert number(7746) == "7,746"
    assert number(11.255, 2) == "11.26"  # half up, not banker's rounding
    assert number(None) == "—"
    assert figure("Share", 7.41, decimals=2, suffix="%").value == "7.41%"
    assert figure("People", 4, suppressed=True).value == "Suppressed"


@pytest.fixture
def test_producer():
    """A producer of this test only, counting the warehouse's calls by priority."""

    @register_analysis("test-calls", datasets=("calls_for_service",))
    def produce(ctx):
        calls = ctx.resolve("calls_for_service")
        frame = calls.group_by("priority").aggregate(n=calls.count()).to_pandas()
        return [calls_by_priority_analysis(dict(zip(frame.priority, frame.n, strict=True)))]

    @register_analysis("test-absent", datasets=("gunshot_alerts_never_loaded",))
    def absent(ctx):  # pragma: no cover - must not run
        raise AssertionError("a producer without data ran")

    yield
    unregister("test-calls")
    unregister("test-absent")


@pytest.mark.django_db
def test_refresh_publishes_analyses_with_provenance_and_records_skips(measured, test_producer):
    run = refresh(
        as_of=measured["as_of"], run_sources=False, analyses=["test-calls", "test-absent"]
    )
    assert run.status == RefreshStatus.SUCCEEDED
    stored = PublishedAnalysis.objects.get(key="test/calls")
    assert stored.run == run and stored.producer == "test-calls"
    # conftest.CALLS: priorities 1, 2, 1, 1, 3, 1 → four of priority 1.
    assert stored.sections[0].blocks[1].table.rows == (("1", "4"), ("2", "1"), ("3", "1"))
    assert [load["dataset"] for load in stored.loads] == ["calls_for_service"]
    assert stored.loads[0]["file"].endswith("calls.csv")
    assert run.analyses_count == 1
    assert run.skipped == [
        {"producer": "test-absent", "reason": "no data loaded for gunshot_alerts_never_loaded"}
    ]


@pytest.mark.django_db
def test_data_page_renders_published_analysis_and_missing_one(client):
    plan = t.make_plan()
    goal = t.make_goal(plan)
    page = DataPage(
        title="Calls dashboard",
        slug="calls",
        summary="Calls by priority.",
        analysis_keys="test/calls test/not-yet",
    )
    goal.add_child(instance=page)
    t.publish(page)
    save_analysis(
        calls_by_priority_analysis({"1": 2, "2": 5}),
        producer="test",
        run=None,
        loads=[
            {"dataset": "calls_for_service", "load_id": 3, "file": "calls.csv", "rows_loaded": 7}
        ],
        when=dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC),
    )
    html = client.get(page.url).content.decode()
    assert "<h1>Calls dashboard</h1>" in html
    assert "Calls by priority" in html and 'role="img"' in html
    assert "Priority 2 had the most calls." in html  # the chart's text summary
    assert "<caption>Calls by priority</caption>" in html  # its data table
    assert '<th scope="row">2</th>' in html
    assert "Every call counted once" in html and "calls.csv" in html  # method, provenance
    assert "Not computed yet" in html  # test/not-yet has no published analysis
    goal_html = client.get(goal.url).content.decode()
    assert f'href="{page.url}"' in goal_html  # listed under "Dashboards and data"


@pytest.mark.django_db
def test_a_refresh_started_in_another_language_publishes_in_the_sites(measured):
    """Analyses and charts are stored formatted: a refresh started by staff reading the site in
    Spanish still writes them in the site's language (LANGUAGE_CODE), for every reader."""
    from django.utils import translation
    from django.utils.translation import gettext

    seen = {}

    @register_analysis("test-language", datasets=("calls_for_service",))
    def produce(ctx):
        seen["language"] = translation.get_language()
        seen["phrase"] = gettext("Skip to main content")
        return [calls_by_priority_analysis({"1": 4, "2": 1})]

    try:
        with translation.override("es"):
            run = refresh(as_of=measured["as_of"], run_sources=False, analyses=["test-language"])
    finally:
        unregister("test-language")
    assert run.status == RefreshStatus.SUCCEEDED
    assert seen == {"language": "en", "phrase": "Skip to main content"}
    chart = measured["count"].chart
    assert "June 2024" in chart.summary and "junio" not in chart.summary


def test_producers_without_data_publish_a_sentence_not_an_error():
    """Before any data is loaded (no reporting window), each safety producer publishes its
    page's analysis as one section saying what is missing."""
    from civicstat.dashboards.producers import diversion, familiar_neighbors, heart, response_times

    results = [
        response_times.build(None, None),
        familiar_neighbors.build(None, None),
        diversion.build(None, None, None),
        *heart.build(None, None),
    ]
    assert [a.key for a in results] == [
        response_times.KEY,
        familiar_neighbors.KEY,
        diversion.KEY,
        *(heart.key(p) for p in (heart.ALL_PROGRAMS, *heart.PROGRAMS)),
    ]
    for analysis in results:
        assert len(analysis.sections) == 1
        (block,) = analysis.sections[0].blocks
        assert isinstance(block, TextBlock) and block.text.endswith("have been loaded yet.")
        assert analysis.datasets
