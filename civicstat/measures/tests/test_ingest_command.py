"""The `civicstat ingest` management command: a thin wrapper over civicstat.warehouse.cli."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from civicstat.warehouse import connect, dataset_table


def test_ingest_command_loads_into_the_configured_warehouse(tmp_path: Path) -> None:
    city = tmp_path / "city"
    city.mkdir()
    (city / "heart.yaml").write_text(
        "mapping: heart\ndataset: crisis_responses\nsource:\n  timestamp_formats: ['%m/%d/%Y %H:%M']\n"
        "columns:\n  response_id: ID\n  program: {constant: care_navigation}\n  received_at: Received\n"
    )
    data = tmp_path / "heart.csv"
    data.write_text("ID,Received\nH1,05/01/2024 09:30\nH2,13/01/2024 09:30\n")
    warehouse = tmp_path / "w.duckdb"
    out = io.StringIO()
    with override_settings(
        CIVICSTAT_WAREHOUSE_URL=f"duckdb://{warehouse}", CIVICSTAT_WAREHOUSE_PATHS=[city]
    ):
        call_command("ingest", "crisis_responses", str(data), "--mapping", "heart", stdout=out)
        assert "rows read 2 · loaded 1 · updated 0 · quarantined 1" in out.getvalue()
        assert (
            "line 3: received_at: '13/01/2024 09:30' does not match format %m/%d/%Y %H:%M"
            in out.getvalue()
        )
        with pytest.raises(CommandError, match="ingest did not complete"):
            call_command(
                "ingest", "crisis_responses", str(tmp_path / "absent.csv"), stderr=io.StringIO()
            )
    con = connect(warehouse)
    assert dataset_table(con, "crisis_responses").to_pandas()["response_id"].tolist() == ["H1"]
    con.disconnect()
