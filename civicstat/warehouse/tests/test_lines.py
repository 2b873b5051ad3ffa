"""Physical line numbers of CSV records: the vectorised scan agrees with a line count made
record by record with Python's csv module, and irregular quoting falls back to that reader."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import numpy as np
import pytest

from civicstat.warehouse.sources.lines import csv_record_lines, csv_record_lines_slow, open_bytes


def _reference_lines(text: str) -> list[int]:
    """Start line of each non-empty record: count the newlines consumed before it."""
    starts, consumed = [], 0
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        before = reader.line_num
        try:
            record = next(reader)
        except StopIteration:
            break
        if record:
            starts.append(before + 1)
        consumed = reader.line_num
    assert consumed == reader.line_num
    return starts


def _random_csv(seed: int) -> str:
    rng = random.Random(seed)
    pieces = ["a,b,c\r\n" if seed % 2 else "a,b,c\n"]
    newline = "\r\n" if seed % 2 else "\n"
    for _ in range(rng.randrange(20, 60)):
        fields = []
        for _ in range(3):
            kind = rng.random()
            if kind < 0.15:
                fields.append('"' + "x\n" * rng.randrange(1, 4) + 'y"')
            elif kind < 0.25:
                fields.append('"say ""hi"", ok"')
            elif kind < 0.3:
                fields.append('""')
            else:
                fields.append(str(rng.randrange(1000)))
        pieces.append(",".join(fields) + newline)
        if rng.random() < 0.1:
            pieces.append(newline)  # blank line: no record
    if seed % 3 == 0:
        pieces[-1] = pieces[-1].rstrip("\r\n")  # no final newline
    return "".join(pieces)


@pytest.mark.parametrize("seed", range(12))
def test_fast_scan_matches_record_by_record_count(tmp_path: Path, seed: int) -> None:
    text = _random_csv(seed)
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode())
    fast = csv_record_lines(open_bytes(path))
    assert fast is not None
    assert fast.tolist() == _reference_lines(text)
    assert csv_record_lines_slow(path, "utf-8", ",").tolist() == _reference_lines(text)


@pytest.mark.parametrize(
    "text",
    [
        'a,b\n1,ab"c\n2,x\n',  # a quote inside an unquoted field
        'a,b\n1,"open\n2,x\n',  # an unterminated quoted field
        "a,b\r1,2\r3,4\r",  # old Mac line ends
    ],
)
def test_irregular_files_are_left_to_the_exact_reader(tmp_path: Path, text: str) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode())
    assert csv_record_lines(open_bytes(path)) is None


def test_a_byte_order_mark_before_a_quoted_header(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b'\xef\xbb\xbf"a","b"\n"1","x\ny"\n"2","z"\n')
    assert np.array_equal(csv_record_lines(open_bytes(path)), [1, 2, 4])
