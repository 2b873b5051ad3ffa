"""Each shipped mapping on its real file (../shared/data), compared with an independent pandas
parse; Durham's on a file written in its documented layout."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from civicstat.warehouse import Registry, dataset_table, ingest, quarantine

from .files import write_text

SF_FORMAT = "%m/%d/%Y %I:%M:%S %p"
SF_EXTRACTS = ["sf_fire_calls_2020-04_extract.csv", "sf_fire_calls_2016-12_extract.csv"]


def _utc(text: pd.Series, fmt: str, zone: str) -> pd.Series:
    local = pd.to_datetime(text.where(text != ""), format=fmt)
    return local.dt.tz_localize(zone, ambiguous=np.ones(len(local), bool)).dt.tz_convert("UTC")


@pytest.mark.shared_data
@pytest.mark.parametrize("extract", SF_EXTRACTS)
def test_sf_fire_calls(con: object, registry: Registry, shared_data: Path, extract: str) -> None:
    path = shared_data / "sf-fire-calls" / extract
    report = ingest(
        con, registry.contract("calls_for_service"), [path], registry.mapping("sf-fire-calls")
    ).files[0]
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert (report.rows_read, report.loaded, report.quarantined) == (len(raw), len(raw), 0)
    assert report.unmapped_columns == ()

    got = dataset_table(con, "calls_for_service").to_pandas()
    got = got.set_index(["call_id", "unit_id"]).sort_index()
    raw = raw.set_index(["Call Number", "Unit ID"]).sort_index()
    assert got.index.equals(raw.index)
    chain = {
        "received_at": "Received DtTm",
        "created_at": "Entry DtTm",
        "dispatched_at": "Dispatch DtTm",
        "enroute_at": "Response DtTm",
        "onscene_at": "On Scene DtTm",
        "cleared_at": "Available DtTm",
    }
    for column, source in chain.items():
        expected = _utc(raw[source], SF_FORMAT, "America/Los_Angeles")
        assert got[column].isna().sum() == (raw[source] == "").sum(), column
        assert got[column].dropna().tolist() == expected.dropna().tolist(), column
    assert got["answered_at"].isna().all() and got["closed_at"].isna().all()
    assert int(got["cancelled"].sum()) == int((raw["Call Final Disposition"] == "Cancelled").sum())
    assert set(got["agency"]) == {"fire"}
    location = raw["Location"].str.strip("()").str.split(",", expand=True).astype(float)
    assert np.allclose(got["latitude"], location[0]) and np.allclose(got["longitude"], location[1])
    assert (got["priority"] == raw["Priority"]).all()


@pytest.mark.shared_data
def test_sf_fire_spot_checks_across_the_year(
    con: object, registry: Registry, shared_data: Path
) -> None:
    files = [shared_data / "sf-fire-calls" / e for e in SF_EXTRACTS]
    ingest(con, registry.contract("calls_for_service"), files, registry.mapping("sf-fire-calls"))
    got = dataset_table(con, "calls_for_service").to_pandas().set_index(["call_id", "unit_id"])
    # 04/07/2020 11:53:08 PM is daylight time (UTC-7); 12/31/2016 11:57:56 PM standard (UTC-8).
    assert got.loc[("200983546", "E32"), "received_at"] == pd.Timestamp(
        "2020-04-08 06:53:08", tz="UTC"
    )
    assert got.loc[("200983546", "E32"), "onscene_at"] == pd.Timestamp(
        "2020-04-08 07:00:00", tz="UTC"
    )
    assert got.loc[("163664050", "E39"), "received_at"] == pd.Timestamp(
        "2017-01-01 07:57:56", tz="UTC"
    )
    assert got.loc[("163664050", "E39"), "district"] == "B08"
    assert pd.isna(got.loc[("200983538", "T06"), "onscene_at"])  # blank in the file: NULL, not zero


@pytest.mark.shared_data
def test_seattle_spd_calls(con: object, registry: Registry, shared_data: Path) -> None:
    path = (
        shared_data
        / "seattle-spd-calls-sample"
        / "seattle_spd_call_data_sectorC_sample_2018-2023.csv"
    )
    report = ingest(
        con, registry.contract("calls_for_service"), [path], registry.mapping("seattle-spd-calls")
    ).files[0]
    raw = (
        pd.read_csv(path, dtype=str, keep_default_na=False)
        .set_index("CAD Event Number")
        .sort_index()
    )
    assert (report.rows_read, report.loaded, report.quarantined) == (222, 222, 0)
    got = dataset_table(con, "calls_for_service").to_pandas().set_index("call_id").sort_index()
    assert got.index.equals(raw.index)
    assert (got["unit_id"] == "").all()
    queued = _utc(raw["Original Time Queued"], SF_FORMAT, "America/Los_Angeles")
    assert got["received_at"].tolist() == queued.tolist()
    assert got["created_at"].tolist() == queued.tolist()
    assert got["onscene_at"].isna().sum() == (raw["Arrived Time"] == "").sum() == 36
    assert int(got["self_initiated"].sum()) == int((raw["Call Type"] == "ONVIEW").sum())
    assert got["dispatched_at"].isna().all() and got["cleared_at"].isna().all()
    # 11/04/2023 6:08:26 PM: the day before clocks went back, still daylight time (UTC-7).
    assert got.loc["2023000319821", "received_at"] == pd.Timestamp("2023-11-05 01:08:26", tz="UTC")
    on_view = got[got["source"] == "ONVIEW"]
    assert (on_view["onscene_at"] == on_view["received_at"]).all()  # the portal's quirk, kept


@pytest.mark.shared_data
def test_sf_shotspotter(con: object, registry: Registry, shared_data: Path) -> None:
    path = shared_data / "sf-shotspotter" / "sf_shotspotter_jtl.csv"
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"  # starts with a byte-order mark
    report = ingest(
        con, registry.contract("gunshot_alerts"), [path], registry.mapping("sf-shotspotter")
    ).files[0]
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert (report.rows_read, report.loaded, report.quarantined) == (len(raw), len(raw), 0)
    got = dataset_table(con, "gunshot_alerts").to_pandas().set_index("alert_id")
    assert got.index.is_unique
    with_id = raw[raw["ID"] != ""]
    assert set(with_id["ID"]) <= set(got.index)
    assert got.index.str.startswith("jtl:").sum() == (raw["ID"] == "").sum()
    expected_types = raw["Type"].str.lower().replace("", None).value_counts().to_dict()
    assert got["alert_type"].value_counts().to_dict() == expected_types
    assert got["rounds"].sum() == raw["Rnds"].astype(int).sum()
    assert got["beat"].notna().sum() == (raw["Beat"] != "").sum()

    detected = got["detected_at"]
    key = raw["ID"].where(
        raw["ID"] != "",
        "jtl:" + raw["Date"] + " " + raw["Time"] + " " + raw["Latitude"] + " " + raw["Longitude"],
    )
    local = pd.to_datetime(raw["Date"] + " " + raw["Time"], format="%d-%b-%y %H:%M:%S")
    expected = local.dt.tz_localize(
        "America/Los_Angeles", ambiguous=np.ones(len(local), bool)
    ).dt.tz_convert("UTC")
    assert detected.loc[key].tolist() == expected.tolist()

    def at(date: str, time: str) -> pd.Timestamp:
        row = raw[(raw["Date"] == date) & (raw["Time"] == time)]
        assert len(row) == 1
        return detected.loc[key[row.index[0]]]

    # Clocks went back 3 Nov 2013 at 02:00 PDT: 1:08:09 happened twice (earlier, PDT, kept).
    assert at("3-Nov-13", "1:08:09") == pd.Timestamp("2013-11-03 08:08:09", tz="UTC")
    assert at("3-Nov-13", "2:19:05") == pd.Timestamp("2013-11-03 10:19:05", tz="UTC")  # PST
    # Clocks went forward 9 Mar 2014 at 02:00 PST.
    assert at("9-Mar-14", "0:16:56") == pd.Timestamp("2014-03-09 08:16:56", tz="UTC")  # PST
    assert at("9-Mar-14", "3:15:41") == pd.Timestamp("2014-03-09 10:15:41", tz="UTC")  # PDT


DURHAM_CITY_HALL = (35.9960, -78.9018)  # 101 City Hall Plaza, Durham NC (approx.)


def _state_plane(lat: float, lon: float) -> tuple[float, float]:
    return Transformer.from_crs("EPSG:4326", "EPSG:2264", always_xy=True).transform(lon, lat)


@pytest.mark.parametrize("names", ["full", "shapefile"])
def test_durham_dpd_cfs_layout(con: object, registry: Registry, tmp_path: Path, names: str) -> None:
    x, y = _state_plane(*DURHAM_CITY_HALL)
    assert 1.9e6 < x < 2.1e6 and 7.5e5 < y < 8.5e5  # NC State Plane feet around Durham
    header = (
        "Event Number,Case Number,Call Date,Call Time,Source,Priority,Nature,Address,X,Y,District,Beat,Disposition,Cancelled"
        if names == "full"
        else "Event Numb,Case Numbe,Call Date,Call Time,Source,Priority,Nature,Address,X,Y,District,Beat,Dispositio,Cancelled"
    )
    rows = [
        f"E2021-001,C1,2021-03-14,01:30:00,Wireless 911 Call,1,SHOTS FIRED,100 MAIN ST,{x:.2f},{y:.2f},D1,113,ARREST,N",
        f"E2021-002,,2021-03-14,03:05:10,Phone Call,3,NOISE COMPLAINT,200 MAIN ST,{x + 1000:.2f},{y:.2f},D2,212,NO ACTION,Y",
        "E2021-003,,03/15/2021,1:45 PM,Alarm Line,2,ALARM,300 MAIN ST,0,0,D3,311,FALSE ALARM,No",
        "E2021-004,,2021-11-07T00:00:00.000Z,23:59:59,Texting,2,CHECK WELFARE,,,,D4,,,",
    ]
    path = write_text(tmp_path, "dpd.csv", header + "\n" + "\n".join(rows) + "\n")
    report = ingest(
        con, registry.contract("calls_for_service"), [path], registry.mapping("durham-dpd-cfs")
    ).files[0]
    assert (report.rows_read, report.loaded, report.quarantined) == (4, 4, 0), quarantine(con)[
        "reason"
    ].tolist()
    assert report.unmapped_columns == ()
    for unit_time in ("dispatched_at", "enroute_at", "onscene_at", "cleared_at", "answered_at"):
        assert unit_time in report.absent_columns
    got = dataset_table(con, "calls_for_service").to_pandas().set_index("call_id").sort_index()
    for unit_time in (
        "dispatched_at",
        "enroute_at",
        "onscene_at",
        "cleared_at",
        "created_at",
        "closed_at",
    ):
        assert got[unit_time].isna().all(), unit_time  # absent, never zero
    assert (got["unit_id"] == "").all()
    # 14 Mar 2021: 01:30 EST (UTC-5); 03:05 is after the 02:00 spring-forward, EDT (UTC-4).
    assert got.loc["E2021-001", "received_at"] == pd.Timestamp("2021-03-14 06:30:00", tz="UTC")
    assert got.loc["E2021-002", "received_at"] == pd.Timestamp("2021-03-14 07:05:10", tz="UTC")
    assert got.loc["E2021-003", "received_at"] == pd.Timestamp("2021-03-15 17:45:00", tz="UTC")
    # ArcGIS writes the date at UTC midnight; its date part is the local date.
    assert got.loc["E2021-004", "received_at"] == pd.Timestamp("2021-11-08 04:59:59", tz="UTC")
    assert got.loc["E2021-001", "latitude"] == pytest.approx(DURHAM_CITY_HALL[0], abs=1e-6)
    assert got.loc["E2021-001", "longitude"] == pytest.approx(DURHAM_CITY_HALL[1], abs=1e-6)
    assert (
        0.002 < got.loc["E2021-002", "longitude"] - got.loc["E2021-001", "longitude"] < 0.005
    )  # 1000 ft east
    assert got.loc[["E2021-003", "E2021-004"], "latitude"].isna().all()  # 0 / blank: not geocoded
    assert got["cancelled"].tolist() == [False, True, False, None]
    assert got["call_type"].tolist() == ["SHOTS FIRED", "NOISE COMPLAINT", "ALARM", "CHECK WELFARE"]
    assert got["disposition"].tolist()[:3] == ["ARREST", "NO ACTION", "FALSE ALARM"]
    assert got["self_initiated"].isna().all()


def test_generic_gunshot_alerts_layout(con: object, registry: Registry, tmp_path: Path) -> None:
    text = (
        "incident_id,detection_time,published_at,lat,lon,num_rounds,type,beat,district\n"
        "S1,2024-07-04T23:15:02-04:00,2024-07-04T23:15:40-04:00,35.99,-78.90,12,Multiple Gunshots,113,D1\n"
        "S2,2024-07-05 00:01:00,,35.98,-78.91,1,single gunshot,212,D2\n"
        "S3,2024-07-05 00:02:00,,35.98,-78.91,3,Probable Gunfire,,\n"
    )
    path = write_text(tmp_path, "alerts.csv", text)
    report = ingest(
        con, registry.contract("gunshot_alerts"), [path], registry.mapping("generic-gunshot-alerts")
    ).files[0]
    assert (report.loaded, report.quarantined) == (3, 0)
    got = dataset_table(con, "gunshot_alerts").to_pandas().set_index("alert_id").sort_index()
    assert got["alert_type"].tolist() == ["multiple_gunshots", "single_gunshot", "possible_gunfire"]
    assert got.loc["S1", "detected_at"] == pd.Timestamp("2024-07-05 03:15:02", tz="UTC")
    assert got.loc["S2", "detected_at"] == pd.Timestamp("2024-07-05 04:01:00", tz="UTC")  # EDT
    assert (got.loc["S1", "published_at"] - got.loc["S1", "detected_at"]).total_seconds() == 38
    assert got["rounds"].tolist() == [12, 1, 3]
