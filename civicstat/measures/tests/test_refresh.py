"""Refresh: ingest → compute → publish in one transaction, with provenance; failures publish nothing."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from civicstat.measures.models import (
    MeasureChart,
    MeasureComputation,
    MeasureValue,
    RefreshRun,
    RefreshStatus,
)
from civicstat.measures.services.refresh import RefreshError, refresh

pytestmark = pytest.mark.django_db


def published(measure):
    return {
        (v.period_label, v.breakdown): v.value for v in MeasureValue.objects.filter(measure=measure)
    }


def test_refresh_publishes_values_with_provenance(measured):
    run = refresh(as_of=measured["as_of"], run_sources=False)
    assert run.status == RefreshStatus.SUCCEEDED and run.measures_count == 2
    # Hand count of conftest.CALLS, by local month (23:59 on 30 June is June; 00:01 on 1 July is July).
    assert published(measured["count"]) == {
        ("2024-06", ""): 3,
        ("2024-07", ""): 2,
        ("2024-08", ""): 1,
    }
    # Medians of minutes to scene: June [6, 12, 4] -> 6; July [9] (one call has no on-scene) -> 9.
    medians = published(measured["median"])
    assert medians[("2024-06", "")] == 360 and medians[("2024-07", "")] == 540
    july = MeasureValue.objects.get(measure=measured["median"], period_label="2024-07")
    assert july.n_used == 1 and july.exclusions == {"missing seconds": 1}
    assert july.status == "on_target"  # 540 s against a 600 s target, lower is better

    computation = MeasureComputation.objects.get(run=run, measure=measured["median"])
    assert len(computation.spec_hash) == 64
    assert "quantile" in computation.sql.lower() and "calls_for_service" in computation.sql
    assert computation.percentile_method == "inverted_cdf"
    assert [load["dataset"] for load in computation.loads] == ["calls_for_service"]
    assert (
        computation.loads[0]["file"].endswith("calls.csv")
        and len(computation.loads[0]["sha256"]) == 64
    )
    assert MeasureChart.objects.filter(measure=measured["count"]).exists()


def test_a_failing_measure_leaves_everything_published_unchanged(measured):
    refresh(as_of=measured["as_of"], run_sources=False)
    before = sorted(MeasureValue.objects.values_list("measure_id", "period_label", "value"))
    charts_before = sorted(MeasureChart.objects.values_list("measure_id", "rendered_at"))
    broken = measured["median"]
    broken.spec = {**broken.spec, "value": "no_such_column", "derive": {}}
    broken.save()
    with pytest.raises(RefreshError, match="median-minutes-to-scene"):
        refresh(as_of=dt.date(2024, 10, 15), run_sources=False)
    assert sorted(MeasureValue.objects.values_list("measure_id", "period_label", "value")) == before
    assert sorted(MeasureChart.objects.values_list("measure_id", "rendered_at")) == charts_before
    failed = RefreshRun.objects.latest()
    assert failed.status == RefreshStatus.FAILED
    assert "median-minutes-to-scene" in failed.error and "no_such_column" in failed.error
    assert not failed.computations.exists()


def test_refresh_command_reports_and_fails_cleanly(measured):
    out = StringIO()
    call_command("refresh", "--no-sources", stdout=out)
    assert "2 measures" in out.getvalue() and "calls-per-month" in out.getvalue()
    measured["count"].spec = {**measured["count"].spec, "dataset": "missing_dataset"}
    measured["count"].save()
    with pytest.raises(CommandError, match="published values are unchanged"):
        call_command("refresh", "--no-sources", stdout=StringIO())


def test_refresh_in_the_background(measured):
    from civicstat.measures.tasks import refresh_task

    result = refresh_task.enqueue(triggered_by="test")
    assert result.return_value["status"] == RefreshStatus.SUCCEEDED
    assert RefreshRun.objects.latest().triggered_by == "test"


def test_series_validation_refuses_duplicates_and_negative_counts(measured):
    import pandas as pd

    from civicstat.measures.engine import MeasureSpec
    from civicstat.measures.services.refresh import validate

    spec = MeasureSpec.from_dict(measured["count"].spec)

    class FakeSeries:
        def __init__(self, frame):
            self.frame = frame

    base = {
        "period_start": [dt.date(2024, 6, 1)] * 2,
        "period_label": ["2024-06"] * 2,
        "breakdown": ["", ""],
        "value": [1.0, 2.0],
        "n_used": [1, 2],
    }
    with pytest.raises(RefreshError, match="appears twice"):
        validate(measured["count"], spec, FakeSeries(pd.DataFrame(base)))
    negative = {
        **base,
        "period_start": [dt.date(2024, 6, 1), dt.date(2024, 7, 1)],
        "period_label": ["2024-06", "2024-07"],
        "value": [1.0, -2.0],
    }
    with pytest.raises(RefreshError, match="negative count"):
        validate(measured["count"], spec, FakeSeries(pd.DataFrame(negative)))
    rate = MeasureSpec.from_dict(
        {
            **measured["count"].spec,
            "aggregate": {"kind": "rate", "numerator": {"eq": ["cancelled", True]}, "scale": 100},
        }
    )
    no_denominator = {**negative, "value": [50.0, 10.0], "n_used": [2, 0]}
    with pytest.raises(RefreshError, match="2024-07 has no denominator"):
        validate(measured["count"], rate, FakeSeries(pd.DataFrame(no_denominator)))
    validate(
        measured["count"], rate, FakeSeries(pd.DataFrame({**no_denominator, "n_used": [2, 1]}))
    )


def test_a_failing_analysis_producer_leaves_everything_published_unchanged(measured):
    from civicstat.dashboards.analysis import register_analysis
    from civicstat.dashboards.analysis.registry import unregister
    from civicstat.measures.models import PublishedAnalysis

    refresh(as_of=measured["as_of"], run_sources=False)
    before = sorted(MeasureValue.objects.values_list("measure_id", "period_label", "value", "run"))
    charts_before = sorted(MeasureChart.objects.values_list("measure_id", "rendered_at"))
    analyses_before = sorted(PublishedAnalysis.objects.values_list("key", "computed_at"))

    @register_analysis("test-broken", datasets=("calls_for_service",))
    def broken(ctx):
        ctx.resolve("calls_for_service").count().execute()  # reads the data, then fails
        raise ValueError("the pilot area file has no polygons")

    try:
        with pytest.raises(RefreshError, match="test-broken.*no polygons"):
            refresh(as_of=dt.date(2024, 10, 15), run_sources=False)
    finally:
        unregister("test-broken")
    # The measures were computed before the producer failed; none of it was published.
    after = sorted(MeasureValue.objects.values_list("measure_id", "period_label", "value", "run"))
    assert after == before
    assert sorted(MeasureChart.objects.values_list("measure_id", "rendered_at")) == charts_before
    assert sorted(PublishedAnalysis.objects.values_list("key", "computed_at")) == analyses_before
    failed = RefreshRun.objects.latest()
    assert failed.status == RefreshStatus.FAILED and "test-broken" in failed.error
    assert not failed.computations.exists() and not failed.values.exists()
