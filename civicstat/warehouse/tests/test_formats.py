"""CSV, Parquet and JSON lines load the same records to the same values; locations are lines
(CSV, JSON lines) or row numbers (Parquet)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from civicstat.warehouse import Registry, connect, dataset_table, ingest, quarantine

from .files import write_text


def _records() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 60
    start = pd.Timestamp("2024-03-09 20:00", tz="America/New_York")
    received = start + pd.to_timedelta(rng.integers(0, 3 * 24 * 3600, n), unit="s")
    return pd.DataFrame(
        {
            "response_id": [f"R{i:03d}" for i in range(n)],
            "program": rng.choice(["community_response_team", "co_response", "care_navigation"], n),
            "call_id": [f"C{i}" if i % 3 else None for i in range(n)],
            "person_id": [f"P{i % 7}" for i in range(n)],
            "received_at": received,
            "onscene_at": received + pd.to_timedelta(rng.integers(60, 1800, n), unit="s"),
            "in_person": rng.random(n) < 0.8,
            "disposition": rng.choice(["resolved", "referred, with note", 'said "thanks"'], n),
        }
    )


def _load(tmp_path: Path, name: str, registry: Registry) -> pd.DataFrame:
    con = connect(tmp_path / f"{name}.duckdb")
    report = ingest(con, registry.contract("crisis_responses"), [tmp_path / name]).files[0]
    assert (report.loaded, report.quarantined) == (60, 0)
    table = dataset_table(con, "crisis_responses").to_pandas().sort_values("response_id")
    con.disconnect()
    return table.reset_index(drop=True)


def test_csv_parquet_and_jsonl_load_the_same_values(registry: Registry, tmp_path: Path) -> None:
    records = _records()
    records.to_csv(tmp_path / "r.csv", index=False)  # ISO times with offsets
    records.to_parquet(tmp_path / "r.parquet", index=False)  # typed: tz-aware times, booleans
    text = records.assign(
        received_at=records["received_at"].map(lambda t: t.isoformat()),
        onscene_at=records["onscene_at"].map(lambda t: t.isoformat()),
    ).to_json(orient="records", lines=True)
    (tmp_path / "r.jsonl").write_text(text)

    csv, parquet, jsonl = (_load(tmp_path, n, registry) for n in ("r.csv", "r.parquet", "r.jsonl"))
    pd.testing.assert_frame_equal(csv, parquet)
    pd.testing.assert_frame_equal(csv, jsonl)

    expected = records.sort_values("response_id").reset_index(drop=True)
    assert csv["received_at"].tolist() == expected["received_at"].dt.tz_convert("UTC").tolist()
    assert csv["in_person"].tolist() == expected["in_person"].tolist()
    assert csv["disposition"].tolist() == expected["disposition"].tolist()
    assert csv["call_id"].isna().tolist() == expected["call_id"].isna().tolist()
    assert csv["dispatched_at"].isna().all()


def test_naive_parquet_times_are_read_in_the_contract_zone(
    registry: Registry, tmp_path: Path
) -> None:
    frame = pd.DataFrame(
        {
            "response_id": ["R1", "R2"],
            "program": ["co_response", "co_response"],
            "received_at": pd.to_datetime(["2024-07-01 12:00:00", "2024-01-15 12:00:00"]),
        }
    )
    frame.to_parquet(tmp_path / "naive.parquet", index=False)
    con = connect(tmp_path / "w.duckdb")
    ingest(con, registry.contract("crisis_responses"), [tmp_path / "naive.parquet"])
    got = dataset_table(con, "crisis_responses").to_pandas().sort_values("response_id")
    # America/New_York: EDT (UTC-4) in July, EST (UTC-5) in January.
    assert got["received_at"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2024-07-01 16:00",
        "2024-01-15 17:00",
    ]


def test_parquet_problems_are_located_by_row_number(
    con: object, registry: Registry, tmp_path: Path
) -> None:
    frame = pd.DataFrame(
        {
            "response_id": ["R1", "R2", "R3"],
            "program": ["co_response", "outreach", "co_response"],
            "received_at": ["2024-05-01T10:00:00Z", "2024-05-01T11:00:00Z", "not a time"],
        }
    )
    frame.to_parquet(tmp_path / "p.parquet", index=False)
    report = ingest(con, registry.contract("crisis_responses"), [tmp_path / "p.parquet"]).files[0]
    assert report.location == "row"
    problems = quarantine(con, load_id=report.load_id)
    assert problems[["line", "column"]].values.tolist() == [[2, "program"], [3, "received_at"]]


def test_jsonl_problems_are_located_by_physical_line(
    con: object, registry: Registry, tmp_path: Path
) -> None:
    text = (
        '{"response_id": "R1", "program": "co_response", "received_at": "2024-05-01T10:00:00Z"}\n'
        "\n"
        '{"response_id": "R2", "program": "co_response", "received_at": "2024-05-01T10:00:00Z", "in_person": "maybe"}\n'
        '{"response_id": 3, "program": "co_response", "received_at": "2024-05-01T10:00:00Z", "in_person": false}\n'
        '{"response_id": "R4", "program": "co_response"}\n'
    )
    report = ingest(
        con, registry.contract("crisis_responses"), [write_text(tmp_path, "j.jsonl", text)]
    ).files[0]
    assert (report.rows_read, report.loaded, report.quarantined) == (4, 2, 2)
    problems = quarantine(con, load_id=report.load_id)
    assert problems[["line", "column"]].values.tolist() == [[3, "in_person"], [5, "received_at"]]
    table = dataset_table(con, "crisis_responses").to_pandas().set_index("response_id")
    assert table.loc["3", "in_person"] == False  # noqa: E712 - numeric id read as text "3"


@pytest.mark.parametrize(("suffix", "delimiter"), [(".tsv", "\t"), (".txt", ";")])
def test_other_delimiters(registry: Registry, tmp_path: Path, suffix: str, delimiter: str) -> None:
    folder = tmp_path / "city"
    folder.mkdir()
    mapping = (
        "mapping: semi\ndataset: crisis_responses\nsource:\n  delimiter: ';'\n"
        "columns:\n  response_id: id\n  program: program\n  received_at: at\n"
    )
    write_text(folder, "semi.yaml", mapping)
    city = Registry([folder])
    text = (
        delimiter.join(["id", "program", "at"])
        + "\n"
        + delimiter.join(["R1", "co_response", "2024-05-01"])
        + "\n"
    )
    path = write_text(tmp_path, f"x{suffix}", text)
    con = connect(tmp_path / "w.duckdb")
    mapping_obj = city.mapping("semi") if delimiter == ";" else None
    if mapping_obj is None:
        path = write_text(
            tmp_path,
            f"x{suffix}",
            text.replace("id\t", "response_id\t").replace("\tat", "\treceived_at"),
        )
    report = ingest(con, city.contract("crisis_responses"), [path], mapping_obj).files[0]
    assert (report.loaded, report.quarantined) == (1, 0)


def test_header_names_are_compared_without_surrounding_spaces(
    con: object, registry: Registry, tmp_path: Path
) -> None:
    text = " response_id , program ,received_at\nR1, co_response ,2024-05-01T10:00:00Z\n"
    report = ingest(
        con, registry.contract("crisis_responses"), [write_text(tmp_path, "s.csv", text)]
    ).files[0]
    assert (report.loaded, report.quarantined) == (1, 0)
    row = dataset_table(con, "crisis_responses").to_pandas().iloc[0]
    assert (row["response_id"], row["program"]) == ("R1", "co_response")


def test_a_declared_encoding_is_read(con: object, tmp_path: Path) -> None:
    folder = tmp_path / "city"
    folder.mkdir()
    write_text(
        folder,
        "latin.yaml",
        "mapping: latin\ndataset: crisis_responses\nsource:\n  encoding: latin-1\n"
        "columns:\n  response_id: id\n  program: program\n  received_at: at\n  disposition: note\n",
    )
    city = Registry([folder])
    text = 'id,program,at,note\nR1,co_response,2024-05-01,"Café\nsecond line"\nR2,co_response,bad,Señor\n'
    path = tmp_path / "latin.csv"
    path.write_bytes(text.encode("latin-1"))
    report = ingest(con, city.contract("crisis_responses"), [path], city.mapping("latin")).files[0]
    assert (report.loaded, report.quarantined) == (1, 1)
    assert dataset_table(con, "crisis_responses").to_pandas()["disposition"].tolist() == [
        "Café\nsecond line"
    ]
    assert quarantine(con, load_id=report.load_id)["line"].tolist() == [4]


def test_irregular_quoting_still_gives_physical_lines(
    con: object, registry: Registry, tmp_path: Path
) -> None:
    # A quote inside an unquoted field defeats the fast scan; the exact reader takes over.
    text = (
        "response_id,program,received_at,disposition\n"
        'R1,co_response,2024-05-01,said "hi" twice\n'
        'R2,co_response,2024-05-01,"two\nlines"\n'
        "R3,co_response,never,x\n"
    )
    report = ingest(
        con, registry.contract("crisis_responses"), [write_text(tmp_path, "q.csv", text)]
    ).files[0]
    assert (report.loaded, report.quarantined) == (2, 1)
    assert quarantine(con, load_id=report.load_id)["line"].tolist() == [5]
    table = dataset_table(con, "crisis_responses").to_pandas().set_index("response_id")
    assert table.loc["R1", "disposition"] == 'said "hi" twice'
