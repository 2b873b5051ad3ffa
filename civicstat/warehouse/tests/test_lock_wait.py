"""DuckDB lets one process write a file at a time: an opener waits for a short writer to let go,
and after its limit says clearly which file is busy."""

import subprocess
import sys
import textwrap

import pytest

from civicstat.warehouse import WarehouseBusyError, connect


def _hold(path, seconds: float) -> subprocess.Popen:
    """Another process that opens the file for writing and keeps it for ``seconds``."""
    code = textwrap.dedent(f"""
        import sys, time, duckdb
        con = duckdb.connect({str(path)!r})
        con.execute("create table if not exists t as select 1 as x")
        print("holding", flush=True)
        time.sleep({seconds})
        con.close()
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "holding"
    return proc


def test_an_opener_waits_for_a_short_writer(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    holder = _hold(path, 1.5)
    try:
        con = connect(path, lock_wait_s=30)
        assert con.sql("select x from t").to_pandas()["x"].tolist() == [1]
        con.disconnect()
        assert holder.poll() == 0  # the holder had finished before the open succeeded
    finally:
        holder.kill()


def test_a_busy_file_is_reported_after_the_limit(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    holder = _hold(path, 20)
    try:
        with pytest.raises(WarehouseBusyError, match="warehouse.duckdb is held by another process"):
            connect(f"duckdb://{path}", lock_wait_s=0.5)
    finally:
        holder.kill()
        holder.wait()
