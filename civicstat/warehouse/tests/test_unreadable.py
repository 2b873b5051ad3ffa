"""Files that cannot be read fail with a message naming the file and what was expected, load
nothing (also when the problem is deep inside the file) and are logged as failed."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

from civicstat.warehouse import (
    MissingColumnsError,
    Registry,
    UnreadableFileError,
    dataset_table,
    ingest,
    load_log,
    quarantine,
)

from .files import write_bytes, write_text

HEADER = "response_id,program,received_at\n"


def _row(i: int) -> str:
    return f"R{i},co_response,2024-05-01T09:{i % 60:02d}:00-04:00\n"


def _assert_nothing_loaded(con: object, path: Path) -> None:
    log = load_log(con, "crisis_responses")
    assert log["status"].tolist() == ["failed"]
    assert str(path.resolve()) == log["file"].iloc[0]
    assert path.name in log["message"].iloc[0]
    assert (log[["rows_read", "loaded", "updated", "quarantined"]].iloc[0] == 0).all()
    assert dataset_table(con, "crisis_responses").count().to_pyarrow().as_py() == 0
    assert quarantine(con, dataset="crisis_responses").empty


@pytest.mark.parametrize(
    ("name", "data", "error", "fragments"),
    [
        (
            "latin1.csv",
            (HEADER + _row(1) + "R2,co_response,2024-05-01T09:00:00-04:00 Café\n").encode(
                "latin-1"
            ),
            UnreadableFileError,
            ["is not valid utf-8 text", "byte 0xe9 on line 3", "source.encoding"],
        ),
        ("empty.csv", b"", UnreadableFileError, ["the file is empty", "header"]),
        (
            "missing.csv",
            b"response_id,received_at\nR1,2024-05-01T09:00:00Z\n",
            MissingColumnsError,
            [
                "missing required column 'program' (for program)",
                "the file has columns 'response_id', 'received_at'",
            ],
        ),
        (
            "junk.csv",
            bytes(random.Random(7).randrange(256) for _ in range(4000)),
            UnreadableFileError,
            ["junk.csv"],
        ),
        ("nul.csv", b"response_id\x00\x00\x01\x02,program\n", UnreadableFileError, ["binary data"]),
        (
            "junk.parquet",
            b"PAR1 not really a parquet file",
            UnreadableFileError,
            ["is not a Parquet file"],
        ),
        (
            "array.jsonl",
            b'[{"response_id": "R1"}]\n',
            UnreadableFileError,
            ["line 1 holds a JSON list"],
        ),
        (
            "broken.jsonl",
            b'{"response_id": "R1", "program": "co_response", "received_at": "2024-05-01"}\n{"response_id": \n',
            UnreadableFileError,
            ["line 2 is not JSON"],
        ),
        ("data.xlsx", b"PK\x03\x04", UnreadableFileError, ["unknown extension '.xlsx'"]),
        (
            "twice.csv",
            b"response_id,program,received_at, program\nR1,co_response,2024-05-01,x\n",
            UnreadableFileError,
            ["the header names column(s) 'program' more than once"],
        ),
    ],
)
def test_unreadable_files_fail_clearly_and_load_nothing(
    con: object,
    registry: Registry,
    tmp_path: Path,
    name: str,
    data: bytes,
    error: type,
    fragments: list[str],
) -> None:
    path = write_bytes(tmp_path, name, data)
    with pytest.raises(error) as caught:
        ingest(con, registry.contract("crisis_responses"), [path])
    message = str(caught.value)
    assert str(path) in message and "nothing was loaded" in message
    for fragment in fragments:
        assert fragment in message, message
    _assert_nothing_loaded(con, path)


def test_a_missing_file_fails_clearly(con: object, registry: Registry, tmp_path: Path) -> None:
    path = tmp_path / "absent.csv"
    with pytest.raises(UnreadableFileError, match="absent.csv: cannot be opened"):
        ingest(con, registry.contract("crisis_responses"), [path])
    assert load_log(con, "crisis_responses")["status"].tolist() == ["failed"]


def test_a_bad_byte_deep_in_the_file_rolls_back_the_rows_already_staged(
    con: object, registry: Registry, tmp_path: Path
) -> None:
    body = "".join(_row(i) for i in range(1, 60))
    data = (HEADER + body).encode() + b"R99,co_response,\xff\xfe\n" + _row(100).encode()
    path = write_bytes(tmp_path, "late.csv", data)
    with pytest.raises(UnreadableFileError, match="on line 61"):
        # Small chunks: 50 good rows are staged before the reader meets the bad byte.
        ingest(con, registry.contract("crisis_responses"), [path], chunk_rows=10)
    _assert_nothing_loaded(con, path)


def test_files_before_a_failed_file_stay_loaded(
    con: object, registry: Registry, tmp_path: Path
) -> None:
    good = write_text(tmp_path, "good.csv", HEADER + _row(1))
    bad = write_bytes(tmp_path, "bad.csv", b"")
    with pytest.raises(UnreadableFileError):
        ingest(con, registry.contract("crisis_responses"), [good, bad])
    log = load_log(con, "crisis_responses")
    assert log["status"].tolist() == ["loaded", "failed"]
    assert dataset_table(con, "crisis_responses").to_pandas()["response_id"].tolist() == ["R1"]


def test_a_header_only_file_loads_no_rows(con: object, registry: Registry, tmp_path: Path) -> None:
    report = ingest(
        con, registry.contract("crisis_responses"), [write_text(tmp_path, "h.csv", HEADER)]
    ).files[0]
    assert (report.status, report.rows_read, report.loaded) == ("loaded", 0, 0)
    assert isinstance(dataset_table(con, "crisis_responses").to_pandas(), pd.DataFrame)


def test_ingest_needs_a_duckdb_warehouse(registry: Registry, tmp_path: Path) -> None:
    from civicstat.warehouse import UnsupportedBackendError, connect

    con = connect(f"sqlite://{tmp_path / 'w.sqlite'}")
    with pytest.raises(UnsupportedBackendError, match="ingest writes to DuckDB warehouses"):
        ingest(con, registry.contract("crisis_responses"), [write_text(tmp_path, "a.csv", HEADER)])
