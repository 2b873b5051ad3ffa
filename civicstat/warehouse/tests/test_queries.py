"""Readers: dataset tables, the load log, quarantine and loads in use, on any connection."""

from __future__ import annotations

from pathlib import Path

import pytest

from civicstat.warehouse import (
    Registry,
    UnknownDatasetError,
    connect,
    dataset_table,
    ingest,
    load_log,
    loads_used,
    quarantine,
)

from .files import write_text


def test_readers_before_any_load(con: object) -> None:
    assert load_log(con).empty
    assert quarantine(con).empty
    with pytest.raises(UnknownDatasetError, match="no table 'gunshot_alerts': ingest a file"):
        dataset_table(con, "gunshot_alerts")


def test_readers_on_a_read_only_connection(
    registry: Registry, warehouse_path: Path, tmp_path: Path
) -> None:
    writer = connect(warehouse_path)
    text = "alert_id,detected_at,rounds\nS1,2024-07-04T23:15:02Z,3\nS2,2024-07-04T23:16:00Z,-2\n"
    ingest(writer, registry.contract("gunshot_alerts"), [write_text(tmp_path, "a.csv", text)])
    ingest(
        writer,
        registry.contract("crisis_responses"),
        [
            write_text(
                tmp_path, "c.csv", "response_id,program,received_at\nR1,co_response,2024-07-04\n"
            )
        ],
    )
    writer.disconnect()

    reader = connect(warehouse_path, read_only=True)
    table = dataset_table(reader, "gunshot_alerts")
    assert "_load_id" not in table.columns and "_line" not in table.columns
    assert list(table.columns) == list(registry.contract("gunshot_alerts").column_names)
    assert table.to_pandas()["alert_id"].tolist() == ["S1"]
    assert load_log(reader)["dataset"].tolist() == ["gunshot_alerts", "crisis_responses"]
    assert load_log(reader, "crisis_responses")["load_id"].tolist() == [2]
    assert quarantine(reader, dataset="crisis_responses").empty
    assert quarantine(reader, load_id=1)["line"].tolist() == [3]
    used = loads_used(reader, "gunshot_alerts")
    assert [(u.load_id, u.loaded, u.quarantined, u.status) for u in used] == [(1, 1, 1, "loaded")]
    assert used[0].started_at.tzinfo is not None and used[0].duration_s > 0
    reader.disconnect()
