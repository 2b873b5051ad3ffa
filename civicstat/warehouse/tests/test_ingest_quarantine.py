"""A file with bad rows: each bad row is quarantined with its physical line, column and reason;
the good rows load with the values an independent pandas parse gives."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from civicstat.warehouse import Registry, dataset_table, ingest, load_log, quarantine

from .files import write_text

MAPPING = """\
mapping: test-alerts
dataset: gunshot_alerts
source:
  timezone: America/New_York
  timestamp_formats: ["%m/%d/%Y %I:%M:%S %p"]
columns:
  alert_id: Alert
  detected_at: When
  latitude: Lat
  longitude: Lon
  rounds: Shots
  alert_type:
    from: Kind
    values: {Single: single_gunshot, Multiple: multiple_gunshots, Triple: three_shots}
ignore: [Note]
"""

# Physical lines (header = 1) are hand-counted in the comments; quoted notes span lines.
CSV = (
    "Alert,When,Lat,Lon,Shots,Kind,Note\n"  # 1
    'A1,01/05/2023 10:00:00 PM,35.99,-78.90,3,Multiple,"ok"\n'  # 2
    "A2,13/45/2023 01:00:00 AM,35.99,-78.90,1,Single,bad date\n"  # 3
    'A3,01/06/2023 01:00:00 AM,35.98,-78.91,1,Single,"a note\n'  # 4
    'over two lines"\n'  # 5
    "A4,01/06/2023 02:00:00 AM,95.20,-78.90,1,Single,lat out of range\n"  # 6
    "A5,01/06/2023 03:00:00 AM,35.99,-78.90,2,Triple,type not allowed\n"  # 7
    ",01/06/2023 04:00:00 AM,35.99,-78.90,2,Single,no id\n"  # 8
    "A1,01/07/2023 05:00:00 AM,35.99,-78.90,2,Single,duplicate of line 2\n"  # 9
    'A6,01/07/2023 06:00:00 AM,35.99,-78.90,-1,Single,"negative\n'  # 10
    "rounds, with\n"  # 11
    'a three-line note"\n'  # 12
    "A7,01/07/2023 07:00:00 AM,36.01,-78.88,4,Multiple,good\n"  # 13
    "A8,01/07/2023 07:30:00 AM,35.99,-78.90,4\n"  # 14 (too few fields)
    "A9,01/07/2023 08:00:00 AM,36.02,,,Single,x\n"  # 15 (good; blanks are NULL)
    'A10,01/07/2023 09:00:00 AM,35.99,-78.90,two,Single,"""quoted"" word"\n'  # 16
    "A11,01/07/2023 10:00:00 AM,35.99,-78.90,1.5,Single,half a round\n"  # 17
)
EXPECTED_PROBLEMS = {  # line -> (column, fragment of the reason)
    3: (
        "detected_at",
        "detected_at: '13/45/2023 01:00:00 AM' does not match format %m/%d/%Y %I:%M:%S %p",
    ),
    6: ("latitude", "latitude: '95.2' is outside the allowed range [-90, 90]"),
    7: ("alert_type", "alert_type: 'three_shots' is not one of: single_gunshot, multiple_gunshots"),
    8: ("alert_id", "alert_id: required value is missing"),
    9: ("alert_id, ", "duplicate primary key (alert_id='A1'): first seen on line 2"),
    10: ("rounds", "rounds: '-1' is outside the allowed range >= 0"),
    14: (None, "expected 7 fields, found 5"),
    16: ("rounds", "rounds: 'two' is not an integer"),
    17: ("rounds", "rounds: '1.5' is not a whole number"),
}
GOOD_IDS = ["A1", "A3", "A7", "A9"]


@pytest.fixture
def city(tmp_path: Path) -> Registry:
    folder = tmp_path / "city"
    folder.mkdir()
    write_text(folder, "test-alerts.yaml", MAPPING)
    return Registry(extra_paths=[folder])


def test_bad_rows_are_quarantined_with_physical_lines_and_the_rest_load(
    con: object, city: Registry, tmp_path: Path
) -> None:
    path = write_text(tmp_path, "alerts.csv", CSV)
    contract = city.contract("gunshot_alerts")
    report = ingest(con, contract, [path], city.mapping("test-alerts")).files[0]

    assert report.rows_read == 13  # records: lines 2, 3, 4, 6, 7, 8, 9, 10, 13, 14, 15, 16, 17
    assert report.quarantined == len(EXPECTED_PROBLEMS)
    assert report.loaded == len(GOOD_IDS) and report.updated == 0
    assert report.rows_read == report.loaded + report.updated + report.quarantined

    problems = quarantine(con, dataset="gunshot_alerts")
    assert sorted(problems["line"]) == sorted(EXPECTED_PROBLEMS)
    for row in problems.itertuples(index=False):
        column, fragment = EXPECTED_PROBLEMS[row.line]
        assert fragment in row.reason, (row.line, row.reason)
        if column is None:
            assert pd.isna(row.column)
        else:
            assert row.column.startswith(column.rstrip(", "))
        assert row.file == str(path.resolve())
        assert row.load_id == report.load_id
    # The source row is kept with each entry (for a column problem).
    bad_date = problems[problems["line"] == 3].iloc[0]
    assert json.loads(bad_date["record"])["When"] == "13/45/2023 01:00:00 AM"
    assert (
        problems[problems["line"] == 14].iloc[0]["value"]
        == "A8,01/07/2023 07:30:00 AM,35.99,-78.90,4"
    )

    loaded = dataset_table(con, "gunshot_alerts", system_columns=True).to_pandas()
    assert sorted(loaded["alert_id"]) == sorted(GOOD_IDS)
    assert dict(zip(loaded["alert_id"], loaded["_line"], strict=True)) == {
        "A1": 2,
        "A3": 4,
        "A7": 13,
        "A9": 15,
    }
    assert set(loaded["_load_id"]) == {report.load_id}

    log = load_log(con, "gunshot_alerts")
    assert log[["rows_read", "loaded", "updated", "quarantined"]].iloc[0].tolist() == [13, 4, 0, 9]
    assert log["status"].tolist() == ["loaded"]
    # The load log names the file and its content hash (computed here independently) and times it.
    assert Path(log["file"].iloc[0]) == path
    assert log["sha256"].iloc[0] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert log["duration_s"].iloc[0] > 0


def test_loaded_values_equal_an_independent_pandas_parse(
    con: object, city: Registry, tmp_path: Path
) -> None:
    path = write_text(tmp_path, "alerts.csv", CSV)
    ingest(con, city.contract("gunshot_alerts"), [path], city.mapping("test-alerts"))
    loaded = dataset_table(con, "gunshot_alerts").to_pandas().set_index("alert_id").sort_index()

    raw = pd.read_csv(io.StringIO(CSV), dtype=str, on_bad_lines="skip")
    expected = (
        raw[raw["Alert"].isin(GOOD_IDS)].drop_duplicates("Alert").set_index("Alert").sort_index()
    )
    when = pd.to_datetime(expected["When"], format="%m/%d/%Y %I:%M:%S %p")
    when = when.dt.tz_localize("America/New_York").dt.tz_convert("UTC")
    assert loaded["detected_at"].tolist() == when.tolist()
    pd.testing.assert_series_equal(
        loaded["latitude"], expected["Lat"].astype(float), check_names=False, check_index=False
    )
    assert loaded["longitude"].isna().tolist() == expected["Lon"].isna().tolist()
    assert loaded["rounds"].astype("Int64").tolist() == expected["Shots"].astype("Int64").tolist()
    kinds = {"Single": "single_gunshot", "Multiple": "multiple_gunshots"}
    assert loaded["alert_type"].tolist() == expected["Kind"].map(kinds).tolist()
    assert loaded["beat"].isna().all() and loaded["published_at"].isna().all()


def test_a_row_failing_several_columns_has_one_entry_per_column(
    con: object, city: Registry, tmp_path: Path
) -> None:
    text = "Alert,When,Lat,Lon,Shots,Kind,Note\nB1,yesterday,200,-500,-3,Single,x\nB2,01/05/2023 10:00:00 PM,1,1,1,Single,x\n"
    report = ingest(
        con,
        city.contract("gunshot_alerts"),
        [write_text(tmp_path, "b.csv", text)],
        city.mapping("test-alerts"),
    ).files[0]
    assert (report.rows_read, report.loaded, report.quarantined) == (2, 1, 1)
    problems = quarantine(con, load_id=report.load_id)
    assert sorted(problems["column"]) == ["detected_at", "latitude", "longitude", "rounds"]
    assert set(problems["line"]) == {2}
