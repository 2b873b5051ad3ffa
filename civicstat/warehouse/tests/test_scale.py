"""More rows than one DuckDB row group (122,880) and more than one chunk: nothing is lost."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from civicstat.warehouse import Registry, dataset_table, ingest, quarantine


@pytest.mark.slow
def test_many_rows_load_and_update_completely(
    con: object, registry: Registry, tmp_path: Path
) -> None:
    n = 130_000
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        {
            "response_id": [f"R{i}" for i in range(n)],
            "program": rng.choice(["co_response", "care_navigation"], n),
            "received_at": (
                pd.Timestamp("2024-01-01", tz="UTC")
                + pd.to_timedelta(rng.integers(0, 10**7, n), unit="s")
            ).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    )
    frame.loc[77_777, "received_at"] = "garbage"
    path = tmp_path / "many.csv"
    frame.to_csv(path, index=False)
    contract = registry.contract("crisis_responses")
    first = ingest(con, contract, [path], chunk_rows=50_000).files[0]
    assert (first.rows_read, first.loaded, first.quarantined) == (n, n - 1, 1)
    assert quarantine(con, load_id=first.load_id)["line"].tolist() == [77_777 + 2]
    again = ingest(con, contract, [path], force=True).files[0]
    assert (again.loaded, again.updated) == (0, n - 1)
    table = dataset_table(con, "crisis_responses")
    assert table.count().to_pyarrow().as_py() == n - 1
    counts = table.group_by("program").agg(n=table.count()).to_pandas().set_index("program")["n"]
    expected = frame.drop(index=77_777)["program"].value_counts()
    assert counts.sort_index().tolist() == expected.sort_index().tolist()
