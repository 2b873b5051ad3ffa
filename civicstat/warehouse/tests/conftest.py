"""Fixtures for the warehouse tests: a real DuckDB file per test and small file writers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from civicstat.warehouse import Registry, connect


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    return tmp_path / "var" / "warehouse.duckdb"


@pytest.fixture
def con(warehouse_path: Path) -> Iterator[object]:
    connection = connect(f"duckdb://{warehouse_path}")
    yield connection
    connection.disconnect()


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry()
