"""The synthetic Durham pilots: deterministic, loadable through the warehouse, and landing near
their documented parameters when computed by civicstat.safety."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyproj
import pytest
import shapely

from civicstat.demo.synthetic import dirt_bikes as bikes
from civicstat.demo.synthetic import gunshots
from civicstat.demo.synthetic.pilot_params import ParamsError, load_params
from civicstat.safety.dirt_bikes import dirt_bike_pilot
from civicstat.safety.gunshots import Period, PilotConfig, gunshot_pilot
from civicstat.warehouse import Registry, connect, dataset_table, ingest

P = load_params(gunshots.PARAMS_NAME)
B = load_params(bikes.PARAMS_NAME)


def test_gunshot_generator_is_deterministic():
    a, b, c = (
        gunshots.generate_pilot(seed=5),
        gunshots.generate_pilot(seed=5),
        gunshots.generate_pilot(seed=6),
    )
    for name in ("alerts", "outcomes", "calls", "confirmed"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert not a.alerts["detected_at"].equals(c.alerts["detected_at"])


def test_dirt_bike_generator_is_deterministic():
    a, b = bikes.generate_pilot(seed=5), bikes.generate_pilot(seed=5)
    pd.testing.assert_frame_equal(a.reports, b.reports)
    assert not a.reports.equals(bikes.generate_pilot(seed=6).reports)


def test_coverage_area_is_about_three_square_miles():
    data = gunshots.generate_pilot()
    area_m2, _ = pyproj.Geod(ellps="WGS84").geometry_area_perimeter(data.coverage)
    assert abs(area_m2) / 2_589_988 == pytest.approx(3.0, rel=0.1)
    lon, lat = data.alerts["longitude"].to_numpy(), data.alerts["latitude"].to_numpy()
    assert shapely.contains_xy(data.coverage, lon, lat).all()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """Both pilots written as CSVs and ingested through their named mappings (the identity
    mapping for calls until ``civicstat-standard-cfs`` exists)."""
    out = tmp_path_factory.mktemp("demo")
    con = connect()
    registry = Registry()
    known = set(registry.mapping_names())
    reports = {}
    paths = gunshots.write_demo_files(out) + bikes.write_demo_files(out)
    specs = [*gunshots.FILES.values(), bikes.FILE]
    for spec, path in zip(specs, paths, strict=True):
        contract = registry.contract(spec.dataset)
        assert path.name == spec.filename
        assert path.read_text().splitlines()[0] == ",".join(contract.column_names)
        mapping = registry.mapping(spec.mapping, contract) if spec.mapping in known else None
        reports[spec.dataset] = ingest(con, contract, [path], mapping, progress=False)
    return con, reports


@pytest.mark.slow
def test_files_load_without_quarantine(warehouse):
    _, reports = warehouse
    for dataset, report in reports.items():
        assert report.files[0].quarantined == 0, dataset
        assert report.files[0].loaded > 0


@pytest.fixture(scope="module")
def pilot(warehouse):
    con, _ = warehouse
    data = gunshots.generate_pilot()
    period = Period.from_dates(P.get("pilot.first_day"), P.get("pilot.last_day"))
    config = PilotConfig(period=period, coverage=data.coverage)
    table = lambda name: dataset_table(con, name)  # noqa: E731
    return gunshot_pilot(
        table("gunshot_alerts"),
        config,
        outcomes=table("gunshot_outcomes"),
        calls=table("calls_for_service"),
        confirmed=table("confirmed_shootings"),
    )


@pytest.mark.slow
def test_gunshot_pilot_lands_near_its_parameters(pilot):
    assert pilot.volume.alerts == P.count("alerts.count_outside_holidays")
    assert dict((e.reason, e.count) for e in pilot.volume.excluded) == {
        "holiday_window": P.count("alerts.count_in_holiday_windows")
    }
    assert pilot.volume.rounds_per_alert == pytest.approx(
        P.number("alerts.rounds_per_alert"), abs=0.02
    )
    assert pilot.published.share == pytest.approx(
        P.share("publish_latency.share_within_60s"), abs=0.03
    )
    _, arrival, _ = pilot.response
    assert arrival.median_s == pytest.approx(P.number("response.arrival_median_s"), abs=30)
    match = pilot.matching
    assert match.share_of_alerts_with_call == pytest.approx(
        P.share("calls_911.share_of_alerts_with_call"), abs=0.01
    )
    assert match.n_call_only == P.count("calls_911.call_only_count")
    yields = pilot.outcomes.set_index("outcome")["total"]
    assert yields["casings"] == P.count("outcomes.casings_total")
    assert yields["firearms_recovered"] == P.count("outcomes.firearms_total")
    assert yields["arrests"] == P.count("outcomes.arrests_total")
    assert yields["victims_located"] == P.count("outcomes.victims_total")
    confirmation = pilot.confirmation.set_index("notification")["share"]
    assert confirmation["alert_only"] == pytest.approx(
        P.share("outcomes.confirmed_share_without_call"), abs=0.02
    )
    assert confirmation["both"] == pytest.approx(
        P.share("outcomes.confirmed_share_with_call"), abs=0.03
    )
    assert pilot.detection.rate == pytest.approx(
        P.share("confirmed_shootings.performance_rate"), abs=0.02
    )
    assert pilot.call_response.median_s == pytest.approx(
        P.number("calls_911.call_arrival_median_s"), abs=45
    )
    assert pilot.alert_map.cells["alerts"].sum() == pilot.volume.alerts + P.count(
        "alerts.count_in_holiday_windows"
    )
    assert pilot.weekly["evaluation_days"].sum() == 365


@pytest.mark.slow
def test_dirt_bike_pilot_lands_near_its_parameters(warehouse):
    con, _ = warehouse
    period = Period.from_dates(B.get("period.first_day"), B.get("period.last_day"))
    pilot = dirt_bike_pilot(dataset_table(con, "dirt_bike_reports"), period=period)
    assert pilot.complaints == B.count("complaints.count")
    expected_contacts = B.number("enforcement.contacts_per_complaint") * B.count("complaints.count")
    assert pilot.enforcement_contacts == pytest.approx(expected_contacts, rel=0.05)
    monthly = pilot.monthly.set_index("month")["complaints"]
    warm = sum(monthly[dt.date(2023, m, 1)] for m in range(5, 10))
    assert warm / monthly.sum() > 0.5  # May–September hold most complaints
    by_district = pilot.by_district.groupby("district")["complaints"].sum().sort_values()
    assert by_district.iloc[-2:].sum() / by_district.sum() > 0.5  # concentrated in two districts
    shares = pilot.outcomes.set_index("outcome")["share"]
    assert shares["warning"] == pytest.approx(
        B.share("enforcement.outcome_shares.warning"), abs=0.1
    )


def test_missing_parameter_is_named(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("pilot: {timezone: America/New_York}\n")
    with pytest.raises(ParamsError, match=r"broken\.yaml: coverage_area\.polygon: missing"):
        gunshots.generate_pilot(load_params(path))
