"""The connection factory: DuckDB files by path or URL (folders created), memory, other URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from civicstat.warehouse import connect


@pytest.mark.parametrize("form", ["path", "pathlike", "url"])
def test_duckdb_file_forms_create_folders(tmp_path: Path, form: str) -> None:
    target = tmp_path / "deep" / "er" / "w.duckdb"
    url = {"path": str(target), "pathlike": target, "url": f"duckdb://{target}"}[form]
    con = connect(url)
    con.raw_sql("CREATE TABLE t AS SELECT 1 AS x")
    con.disconnect()
    assert target.exists()
    again = connect(url, read_only=True)
    assert again.table("t").to_pandas()["x"].tolist() == [1]
    again.disconnect()


def test_relative_duckdb_url_is_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    connect("duckdb://var/w.duckdb").disconnect()
    assert (tmp_path / "var" / "w.duckdb").exists()


@pytest.mark.parametrize("url", [None, "duckdb://", "duckdb://:memory:"])
def test_memory(url: str | None) -> None:
    con = connect(url)
    assert con.name == "duckdb"
    assert con.sql("SELECT 41 + 1 AS x").to_pandas()["x"].tolist() == [42]


def test_other_urls_go_to_ibis(tmp_path: Path) -> None:
    con = connect(f"sqlite://{tmp_path / 'w.sqlite'}")
    assert con.name == "sqlite"


def test_duckdb_sessions_are_utc(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    value = con.sql("SELECT TIMESTAMPTZ '2024-01-01 12:00:00+02:00' AS t").to_pandas()["t"].iloc[0]
    assert str(value.tz) == "UTC" and value.hour == 10
