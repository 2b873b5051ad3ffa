"""Local times become UTC instants correctly around daylight-saving changes (methods.md §0)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from civicstat.warehouse import Registry, dataset_table, ingest, quarantine

from .files import write_text

HEADER = "response_id,program,received_at\n"
# America/New_York, 2023: clocks went forward 12 March 02:00 -> 03:00 and back 5 November
# 02:00 -> 01:00. UTC values worked out by hand from the offsets (EST -5, EDT -4).
CASES = [
    ("R1", "2023-03-12 01:59:59", "2023-03-12 06:59:59"),  # EST
    ("R2", "2023-03-12 03:00:00", "2023-03-12 07:00:00"),  # EDT
    ("R3", "2023-11-05 00:30:00", "2023-11-05 04:30:00"),  # EDT
    ("R4", "2023-11-05 01:30:00", "2023-11-05 05:30:00"),  # ambiguous: earlier (EDT) by default
    ("R5", "2023-11-05 02:30:00", "2023-11-05 07:30:00"),  # EST
    ("R6", "2023-11-05T01:30:00-05:00", "2023-11-05 06:30:00"),  # offset given: exact
    ("R7", "2023-07-01T12:00:00Z", "2023-07-01 12:00:00"),
]
GAP = ("R8", "2023-03-12 02:30:00")  # does not exist in New York


def _mapping(folder: Path, ambiguous: str, nonexistent: str) -> Registry:
    write_text(
        folder,
        "tz.yaml",
        "mapping: tz\ndataset: crisis_responses\n"
        f"source:\n  ambiguous_times: {ambiguous}\n  nonexistent_times: {nonexistent}\n"
        "columns:\n  response_id: response_id\n  program: program\n  received_at: received_at\n",
    )
    return Registry([folder])


def _ingest(con: object, tmp_path: Path, ambiguous: str = "earlier", nonexistent: str = "reject"):
    city = _mapping(tmp_path, ambiguous, nonexistent)
    rows = [*CASES, (GAP[0], GAP[1], None)]
    text = HEADER + "".join(f"{r},co_response,{t}\n" for r, t, _ in rows)
    report = ingest(
        con,
        city.contract("crisis_responses"),
        [write_text(tmp_path, "t.csv", text)],
        city.mapping("tz"),
    )
    got = dataset_table(con, "crisis_responses").to_pandas().set_index("response_id")["received_at"]
    return report.files[0], got


def test_dst_changes_default_rules(con: object, tmp_path: Path) -> None:
    report, got = _ingest(con, tmp_path)
    for rid, _, utc in CASES:
        assert got[rid] == pd.Timestamp(utc, tz="UTC"), rid
    problems = quarantine(con, load_id=report.load_id)
    assert problems["line"].tolist() == [9]
    assert "'2023-03-12 02:30:00' does not exist in America/New_York" in problems["reason"].iloc[0]


def test_ambiguous_later_and_shift_forward(con: object, tmp_path: Path) -> None:
    report, got = _ingest(con, tmp_path, ambiguous="later", nonexistent="shift_forward")
    assert got["R4"] == pd.Timestamp("2023-11-05 06:30:00", tz="UTC")  # EST reading
    assert got["R8"] == pd.Timestamp("2023-03-12 07:00:00", tz="UTC")  # 03:00 EDT
    assert report.quarantined == 0


def test_ambiguous_reject(con: object, tmp_path: Path) -> None:
    report, got = _ingest(con, tmp_path, ambiguous="reject")
    assert "R4" not in got.index
    reasons = quarantine(con, load_id=report.load_id).set_index("line")["reason"]
    assert "is ambiguous in America/New_York" in reasons[5]


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Europe/Berlin"])
def test_intervals_across_the_change_stay_positive(con: object, tmp_path: Path, zone: str) -> None:
    """A call received before the autumn change and closed after it: naive local arithmetic
    says -30 min; the stored UTC instants give the true +30 min."""
    date = "2023-11-05" if zone.startswith("America") else "2023-10-29"
    local_start, local_end = (
        (f"{date} 01:45:00", f"{date} 01:15:00")
        if zone.startswith("America")
        else (f"{date} 02:45:00", f"{date} 02:15:00")
    )
    write_text(
        tmp_path,
        "z.yaml",
        "mapping: z\ndataset: calls_for_service\n"
        f"source:\n  timezone: {zone}\n"
        "columns:\n  call_id: id\n  unit_id: {constant: ''}\n  received_at: start\n"
        "  cleared_at: {from: end, timezone: " + zone + "}\n",
    )
    city = Registry([tmp_path])
    # The end time is the second (standard-time) 01:15 / 02:15: state it with its offset.
    offset = "-08:00" if zone.startswith("America") else "+01:00"
    text = f"id,start,end\nC1,{local_start},{local_end.replace(' ', 'T')}{offset}\n"
    ingest(
        con,
        city.contract("calls_for_service"),
        [write_text(tmp_path, "z.csv", text)],
        city.mapping("z"),
    )
    row = dataset_table(con, "calls_for_service").to_pandas().iloc[0]
    assert (row["cleared_at"] - row["received_at"]).total_seconds() == 30 * 60
