"""Re-ingesting: the same content is skipped; a key already loaded is updated, never duplicated;
loads_used follows which loads own rows."""

from __future__ import annotations

from pathlib import Path

from civicstat.warehouse import Registry, dataset_table, ingest, load_log, loads_used

from .files import write_text

HEADER = "response_id,program,received_at,in_person,disposition\n"
ROWS = [
    "R1,community_response_team,2024-05-01T09:12:00-04:00,true,connected to services\n",
    "R2,co_response,2024-05-01 10:00:00,false,referred\n",
    "R3,care_navigation,2024-05-02T08:00:00Z,yes,follow-up\n",
]


def _count(con: object) -> int:
    return int(dataset_table(con, "crisis_responses").count().to_pyarrow().as_py())


def test_the_same_file_twice_is_skipped(con: object, registry: Registry, tmp_path: Path) -> None:
    contract = registry.contract("crisis_responses")
    path = write_text(tmp_path, "heart.csv", HEADER + "".join(ROWS))
    first = ingest(con, contract, [path]).files[0]
    assert (first.status, first.loaded) == ("loaded", 3)

    copy = write_text(tmp_path, "heart-copy.csv", HEADER + "".join(ROWS))  # same bytes, new name
    again = ingest(con, contract, [path, copy]).files
    assert [f.status for f in again] == ["skipped", "skipped"]
    assert all(f.loaded == f.updated == f.rows_read == 0 for f in again)
    assert f"load {first.load_id}" in again[0].message
    assert _count(con) == 3
    log = load_log(con, "crisis_responses")
    assert log["status"].tolist() == ["loaded", "skipped", "skipped"]
    assert log["sha256"].nunique() == 1
    assert [r.load_id for r in loads_used(con, "crisis_responses")] == [first.load_id]


def test_a_modified_file_updates_existing_keys(
    con: object, registry: Registry, tmp_path: Path
) -> None:
    contract = registry.contract("crisis_responses")
    first = ingest(con, contract, [write_text(tmp_path, "a.csv", HEADER + "".join(ROWS))]).files[0]
    changed = ROWS[1].replace("referred", "transported")
    second_text = (
        HEADER
        + changed
        + "R4,crisis_call_diversion,2024-05-03T07:00:00-04:00,false,resolved by phone\n"
    )
    second = ingest(con, contract, [write_text(tmp_path, "b.csv", second_text)]).files[0]
    assert (second.rows_read, second.loaded, second.updated, second.quarantined) == (2, 1, 1, 0)

    table = (
        dataset_table(con, "crisis_responses", system_columns=True)
        .to_pandas()
        .set_index("response_id")
    )
    assert sorted(table.index) == ["R1", "R2", "R3", "R4"]  # no duplicate R2
    assert table.loc["R2", "disposition"] == "transported"
    assert table.loc["R2", "_load_id"] == second.load_id
    assert table.loc["R1", "_load_id"] == first.load_id
    assert [r.load_id for r in loads_used(con, "crisis_responses")] == [
        first.load_id,
        second.load_id,
    ]

    # Replacing every row of the first load drops it from the loads in use.
    third_text = HEADER + ROWS[0] + ROWS[2]
    third = ingest(con, contract, [write_text(tmp_path, "c.csv", third_text)]).files[0]
    assert (third.loaded, third.updated) == (0, 2)
    used = loads_used(con, "crisis_responses")
    assert [r.load_id for r in used] == [second.load_id, third.load_id]
    assert used[0].file == str((tmp_path / "b.csv").resolve()) and used[0].loaded == 1
    assert _count(con) == 4


def test_force_reloads_as_updates(con: object, registry: Registry, tmp_path: Path) -> None:
    contract = registry.contract("crisis_responses")
    path = write_text(tmp_path, "heart.csv", HEADER + "".join(ROWS))
    ingest(con, contract, [path])
    again = ingest(con, contract, [path], force=True).files[0]
    assert (again.status, again.loaded, again.updated) == ("loaded", 0, 3)
    assert _count(con) == 3


def test_duplicate_keys_within_a_file_keep_the_first(
    con: object, registry: Registry, tmp_path: Path
) -> None:
    contract = registry.contract("crisis_responses")
    text = HEADER + ROWS[0] + ROWS[1] + ROWS[0].replace("connected", "second copy") + ROWS[0]
    report = ingest(con, contract, [write_text(tmp_path, "d.csv", text)], chunk_rows=2).files[0]
    assert (report.rows_read, report.loaded, report.quarantined) == (4, 2, 2)
    table = dataset_table(con, "crisis_responses").to_pandas().set_index("response_id")
    assert table.loc["R1", "disposition"] == "connected to services"
