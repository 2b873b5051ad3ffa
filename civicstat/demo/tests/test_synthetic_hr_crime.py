"""The synthetic Durham HR and crime records and the measure specs that run on them.

The generated files go through the same path as a city's exports (write CSV -> ingest with the
named mapping -> DuckDB -> measure engine); each measure is compared with an independent pandas
computation on the generated frames. The vacancy path and the application step are checked on
the engine's results against the parameter file read independently (yaml, not the generator).
"""

from __future__ import annotations

import collections
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
import yaml
from shapely.geometry import shape

from civicstat.demo.synthetic import crime, hr
from civicstat.demo.synthetic.geojson_rows import GeoJSONError, geojson_to_rows, write_geojson_rows
from civicstat.measures.engine import MeasureSpec, Series, run
from civicstat.warehouse import Registry, connect, dataset_table, ingest, quarantine

TZ = "America/New_York"
LAST_DAY = dt.date(2026, 10, 31)
SEED = 11
CRIME_SCALE = 0.1
CATALOGUES = Path(hr.__file__).parents[2] / "measures" / "catalogues"
SPECS = {
    m["slug"]: m["spec"]
    for name in ("workforce.yaml", "crime.yaml")
    for m in yaml.safe_load((CATALOGUES / name).read_text())["measures"]
}
HR_PARAMS = yaml.safe_load((Path(hr.__file__).parent / "params" / "durham_hr.yaml").read_text())
CRIME_PARAMS = yaml.safe_load(
    (Path(crime.__file__).parent / "params" / "durham_crime.yaml").read_text()
)
PART_I = {  # UCR Part I categories of the 2013 file's specific types (FBI UCR summary definitions)
    "violent": {
        "Murder and Nonnegligent Manslaughter",
        "Forcible Rape",
        "Robbery",
        "Aggravated Assault",
    },
    "other": {"Simple Assault", "Intimidation"},
}


def _spec(slug: str, **changes: object) -> MeasureSpec:
    return MeasureSpec.from_dict({**SPECS[slug], **changes})


def _run(con, slug: str, **changes: object) -> Series:
    return run(_spec(slug, **changes), lambda name: dataset_table(con, name), as_of=LAST_DAY)


def _period_starts(freq: str, first: dt.date, last: dt.date) -> list[dt.date]:
    return [p.start_time.date() for p in pd.period_range(first, last, freq=freq)]


def _compare(series: Series, ref: pd.DataFrame) -> None:
    """Engine frame == reference (period_start, breakdown, value, n_used), every cell present."""
    got = series.frame.set_index(["period_start", "breakdown"]).sort_index()
    want = ref.set_index(["period_start", "breakdown"]).sort_index()
    assert list(got.index) == list(want.index)
    np.testing.assert_array_equal(got["n_used"].to_numpy(int), want["n_used"].to_numpy(int))
    np.testing.assert_allclose(got["value"].to_numpy(float), want["value"].to_numpy(float))
    assert (got["n_excluded"] == 0).all()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """HR files at full size and a tenth of the crime volume, written by write_demo_files,
    ingested with their mappings into a DuckDB file; plus the same frames generated again.
    About 8 s (writing ISO times and ingesting ~80,000 rows), so its tests are marked slow."""
    out = tmp_path_factory.mktemp("hr_crime")
    paths = hr.write_demo_files(out, SEED, last_day=LAST_DAY) + crime.write_demo_files(
        out, SEED, last_day=LAST_DAY, scale=CRIME_SCALE
    )
    con = connect(out / "warehouse.duckdb")
    registry = Registry()
    reports = {}
    for spec, path in zip([*hr.FILES.values(), crime.FILE], paths, strict=True):
        contract = registry.contract(spec.dataset)
        assert path.name == spec.filename
        assert path.read_text().splitlines()[0] == ",".join(contract.column_names)
        mapping = registry.mapping(spec.mapping, contract)
        reports[spec.dataset] = ingest(con, contract, [path], mapping, progress=False).files[0]
    people = hr.generate_hr(seed=SEED, last_day=LAST_DAY)
    crimes = crime.generate_crime(seed=SEED, last_day=LAST_DAY, scale=CRIME_SCALE)
    return con, reports, people, crimes


def test_generators_are_deterministic():
    a, b = hr.generate_hr(seed=5, scale=0.1), hr.generate_hr(seed=5, scale=0.1)
    pd.testing.assert_frame_equal(a.positions, b.positions)
    pd.testing.assert_frame_equal(a.applications, b.applications)
    other = hr.generate_hr(seed=6, scale=0.1)
    assert not a.positions["filled"].equals(other.positions["filled"])
    c, d = crime.generate_crime(seed=5, scale=0.05), crime.generate_crime(seed=5, scale=0.05)
    pd.testing.assert_frame_equal(c.incidents, d.incidents)
    assert not c.incidents.equals(crime.generate_crime(seed=6, scale=0.05).incidents)
    assert c.incidents["incident_id"].is_unique and a.applications["application_id"].is_unique
    assert not a.positions.duplicated(["snapshot_date", "position_id"]).any()


def test_end_date_is_a_parameter():
    data = hr.generate_hr(seed=5, scale=0.1, last_day=dt.date(2024, 3, 15))
    assert data.positions["snapshot_date"].max() == dt.date(2024, 2, 29)
    local = data.applications["submitted_at"].dt.tz_convert(TZ)
    assert local.max().date() <= dt.date(2024, 3, 15) and local.min().date() >= dt.date(2022, 1, 1)
    incidents = crime.generate_crime(seed=5, scale=0.05, last_day=dt.date(2023, 1, 31)).incidents
    assert incidents["reported_at"].dt.tz_convert(TZ).max().date() <= dt.date(2023, 1, 31)


@pytest.mark.slow
def test_files_load_without_quarantine(demo):
    _, reports, people, crimes = demo
    sizes = {
        "hr_applications": len(people.applications),
        "hr_positions": len(people.positions),
        "crime_incidents": len(crimes.incidents),
    }
    for dataset, report in reports.items():
        assert (report.loaded, report.quarantined) == (sizes[dataset], 0), dataset
        assert report.unmapped_columns == ()


@pytest.mark.slow
def test_police_recruitment_applications(demo):
    con, _, people, _ = demo
    apps = people.applications
    police = apps[(apps["department"] == "police") & apps["sworn"]]
    years = police["submitted_at"].dt.tz_convert(TZ).dt.year.value_counts()
    starts = _period_starts("Y", dt.date(2022, 1, 1), LAST_DAY)
    counts = [int(years.get(s.year, 0)) for s in starts]
    ref = pd.DataFrame({"period_start": starts, "breakdown": "", "value": counts, "n_used": counts})
    series = _run(con, "police-recruitment-applications")
    _compare(series, ref)
    # The step after the July 2024 salary increases, computed: 2025 (all after) over 2023 (all
    # before) is the parameter's factor, within Poisson noise (about 0.06 here).
    by_year = dict(zip(series.frame["period_start"], series.frame["value"], strict=True))
    factor = HR_PARAMS["applications"]["departments"]["police"]["after_increase"]
    assert by_year[dt.date(2025, 1, 1)] / by_year[dt.date(2023, 1, 1)] == pytest.approx(
        factor, abs=0.2
    )


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("slug", "filled"), [("public-safety-vacancy-rates", False), ("public-safety-staffing", True)]
)
def test_vacancy_and_staffing_shares(demo, slug, filled):
    con, _, people, _ = demo
    pos = people.positions.assign(
        period_start=people.positions["snapshot_date"].map(_quarter_start),
        hit=people.positions["filled"] == filled,
    )
    grouped = pos.groupby(["period_start", "department"])["hit"].agg(["mean", "size"])
    grouped = grouped.reset_index().rename(columns={"department": "breakdown", "size": "n_used"})
    ref = grouped.assign(value=100 * grouped["mean"])
    assert sorted(set(ref["period_start"])) == _period_starts("Q", dt.date(2022, 7, 1), LAST_DAY)
    _compare(_run(con, slug), ref[["period_start", "breakdown", "value", "n_used"]])


def _expected_vacancy(department: str, quarter: dt.date) -> float:
    """The parameter file's vacancy rate (percent) for a department and quarter, read with yaml:
    month-end snapshots in the quarter, each group's path rate weighted by its budget."""
    vacant = total = 0.0
    for m in range(3):
        month = dt.date(quarter.year, quarter.month + m, 1)
        day = (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()
        if not dt.date(2022, 7, 31) <= day <= LAST_DAY:
            continue
        for group in HR_PARAMS["positions"]["groups"].values():
            if group["department"] != department:
                continue
            fy = day.year + (day.month >= 7)
            budgets = {int(k[2:]): v for k, v in group["budgeted"].items()}
            budget = budgets[max(y for y in budgets if y <= fy)]
            x = [p[0].toordinal() for p in group["vacancy_path"]]
            rate = np.interp(day.toordinal(), x, [p[1] for p in group["vacancy_path"]])
            vacant += rate * budget
            total += budget
    return 100 * vacant / total


@pytest.mark.slow
def test_vacancy_path_follows_the_parameters(demo):
    con, *_ = demo
    frame = _run(con, "public-safety-vacancy-rates").frame
    for row in frame.itertuples():
        expected = _expected_vacancy(row.breakdown, row.period_start)
        assert row.value == pytest.approx(expected, abs=1.5), (row.period_label, row.breakdown)
    police = frame[frame["breakdown"] == "police"].set_index("period_start")["value"]
    peak = police[dt.date(2024, 4, 1)]  # the quarter before the July 2024 salary increases
    assert police.idxmax() in (dt.date(2024, 1, 1), dt.date(2024, 4, 1))
    after = police[police.index >= dt.date(2024, 7, 1)]
    assert (after < peak).all()
    assert peak - police[dt.date(2026, 7, 1)] > 5  # percentage points


@pytest.mark.slow
@pytest.mark.parametrize(
    ("slug", "category"),
    [("reported-violent-crimes", "violent"), ("reported-property-crimes", "property")],
)
def test_reported_crimes(demo, slug, category):
    con, _, _, crimes = demo
    inc = crimes.incidents
    local = inc.loc[inc["category"] == category, "reported_at"].dt.tz_convert(TZ)
    months = local.dt.year * 12 + local.dt.month - 1
    counts = months.value_counts()
    starts = _period_starts("M", dt.date(2022, 7, 1), LAST_DAY)
    values = [int(counts.get(s.year * 12 + s.month - 1, 0)) for s in starts]
    ref = pd.DataFrame({"period_start": starts, "breakdown": "", "value": values, "n_used": values})
    _compare(_run(con, slug), ref)


def _expected_offences(category: str, first: dt.date, last: dt.date) -> float:
    """The parameter file's expected count (read with yaml): the 2013 yearly volume x scale x
    (1 + yearly change) ** years, spread over each year by the per-day month weights."""
    volume = CRIME_PARAMS["volume"]
    counts = [r["count"] for r in CRIME_PARAMS["offence_mix"] if r["category"] == category]
    yearly = sum(counts) * 365 / volume["observed_days_2013"] * volume["scale_from_2013"]
    weights = np.array(CRIME_PARAMS["month_weights"][category])
    per_weight = yearly / (weights * [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]).sum()
    days = pd.date_range(first, last, freq="D")
    years = (days - pd.Timestamp(first)).days / 365.25
    trend = (1 + volume["yearly_change"][category]) ** years
    return float(np.sum(per_weight * weights[days.month - 1] * np.asarray(trend)))


@pytest.mark.slow
def test_crime_volume_and_mix_follow_the_parameters(demo):
    _, _, _, crimes = demo
    inc = crimes.incidents
    for category in ("violent", "property", "other"):
        expected = _expected_offences(category, dt.date(2022, 7, 1), LAST_DAY) * CRIME_SCALE
        got = int((inc["category"] == category).sum())
        assert abs(got - expected) < 4 * np.sqrt(expected), category  # Poisson, 4 sd
        mix = [r for r in CRIME_PARAMS["offence_mix"] if r["category"] == category]
        total = sum(r["count"] for r in mix)
        shares = inc.loc[inc["category"] == category, "offence_detail"].value_counts()
        for r in mix:
            p = r["count"] / total
            tolerance = 4 * np.sqrt(p * (1 - p) / got) + 1 / got  # binomial, 4 sd
            assert shares.get(r["detail"], 0) / got == pytest.approx(p, abs=tolerance)


def test_geojson_rows_reject_other_geometries(tmp_path):
    path = tmp_path / "mixed.geojson"
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]}, "properties": {}},
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]},
            "properties": {"a": 1},
        },
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with pytest.raises(GeoJSONError, match=r"mixed\.geojson: feature 1: expected a Point"):
        geojson_to_rows(path)


def _durham_2013(shared_data: Path) -> pd.DataFrame:
    path = shared_data / "durham-crime-2013" / "durham_all_crimes_2013.geojson"
    features = json.loads(path.read_text())["features"]
    rows = []
    for f in features:
        lon, lat = f["geometry"]["coordinates"][:2]
        rows.append({**f["properties"], "lon": lon, "lat": lat})
    return pd.DataFrame(rows)


@pytest.mark.shared_data
def test_durham_crime_2013_through_its_mapping(shared_data, tmp_path):
    geojson = shared_data / "durham-crime-2013" / "durham_all_crimes_2013.geojson"
    csv = write_geojson_rows(geojson, tmp_path / "durham_crime_2013.csv")
    con = connect()
    registry = Registry()
    contract = registry.contract("crime_incidents")
    mapping = registry.mapping("durham-crime-2013", contract)
    report = ingest(con, contract, [csv], mapping, progress=False).files[0]

    raw = _durham_2013(shared_data)
    duplicates = sum(n - 1 for n in collections.Counter(raw["incident_id"]).values())
    assert (report.rows_read, report.quarantined) == (len(raw), duplicates)
    assert report.loaded == raw["incident_id"].nunique()
    assert quarantine(con, dataset="crime_incidents")["reason"].str.contains("duplicate").all()

    first = raw.drop_duplicates("incident_id").set_index("incident_id").sort_index()
    got = dataset_table(con, "crime_incidents").to_pandas().set_index("incident_id").sort_index()
    assert got.index.equals(first.index)
    midnight = pd.to_datetime(first["date"], format="%b %d %Y").dt.tz_localize(TZ)
    assert (got["reported_at"] == midnight.dt.tz_convert("UTC")).all()
    category = first["specific_type"].map(
        lambda t: next((c for c, types in PART_I.items() if t in types), "property")
    )
    assert (got["category"] == category).all()
    assert (got["offence_detail"] == first["specific_type"]).all()
    assert (got.loc[first["title"] == "Robbery", "offence"] == "Robbery").all()
    np.testing.assert_allclose(got["longitude"], first["lon"])
    np.testing.assert_allclose(got["latitude"], first["lat"])
    assert got["district"].isna().all() and got["beat"].isna().all()

    # The violent-crime spec, on the 2013 months (same spec, other periods).
    series = run(
        _spec("reported-violent-crimes", periods={"start": "2013-01-01", "end": "2013-11-30"}),
        lambda name: dataset_table(con, name),
        as_of=dt.date(2013, 12, 31),
    )
    months = midnight[category == "violent"].dt.month.value_counts()
    starts = _period_starts("M", dt.date(2013, 1, 1), dt.date(2013, 11, 30))
    values = [int(months.get(s.month, 0)) for s in starts]
    ref = pd.DataFrame({"period_start": starts, "breakdown": "", "value": values, "n_used": values})
    _compare(series, ref)


@pytest.mark.shared_data
def test_crime_parameters_are_derived_from_durham_2013(shared_data):
    raw = _durham_2013(shared_data)
    counts = raw["specific_type"].value_counts()
    for row in CRIME_PARAMS["offence_mix"]:
        assert counts[row["detail"]] == row["count"], row["detail"]
    assert counts.sum() == sum(r["count"] for r in CRIME_PARAMS["offence_mix"])

    date = pd.to_datetime(raw["date"], format="%b %d %Y")
    assert (date.max() - date.min()).days + 1 == CRIME_PARAMS["volume"]["observed_days_2013"]
    category = raw["specific_type"].map(
        lambda t: next((c for c, types in PART_I.items() if t in types), "property")
    )
    days = pd.Series([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 22], index=range(1, 12))
    for cat in ("violent", "property", "other"):
        per_day = date[category == cat].dt.month.value_counts().sort_index() / days
        weights = (per_day / per_day.mean()).to_numpy()
        np.testing.assert_allclose(CRIME_PARAMS["month_weights"][cat][:11], weights, atol=6e-4)

    beats = json.loads(
        (shared_data / "durham-geo-layers" / "durham_police_beats_converted.geojson").read_text()
    )["features"]
    polygons = [shape(f["geometry"]) for f in beats]
    labels = [(f["properties"]["LAWDIST"], str(f["properties"]["LAWBEAT"])) for f in beats]
    key = raw["lon"].astype(str) + "," + raw["lat"].astype(str)
    kept = raw[key.map(key.value_counts()) < 20].assign(category=category)
    point, poly = shapely.STRtree(polygons).query(
        shapely.points(kept["lon"], kept["lat"]), predicate="within"
    )
    first = pd.Series(poly, index=point).groupby(level=0).first()
    located = kept.iloc[first.index].assign(
        district=[labels[g][0] for g in first], beat=[labels[g][1] for g in first]
    )
    located = located[located["district"].isin(["D1", "D2", "D3", "D4", "D5"])]
    by_district = located.groupby(["category", "district"]).size()
    for cat, table in CRIME_PARAMS["district_counts"].items():
        assert {d: int(by_district[(cat, d)]) for d in table} == table, cat
    by_beat = located.groupby("beat").size()
    assert {b: int(by_beat[b]) for b in CRIME_PARAMS["beats"]} == {
        b: v["count"] for b, v in CRIME_PARAMS["beats"].items()
    }
