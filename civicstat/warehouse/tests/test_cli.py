"""run_ingest: the summary a person reads, and the exit codes."""

from __future__ import annotations

import io
from pathlib import Path

from civicstat.warehouse import connect, load_log
from civicstat.warehouse.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, run_ingest

from .files import write_bytes, write_text

HEADER = "response_id,program,received_at,in_person\n"


def _run(url: Path, *files: Path, mapping: str | None = None, dataset: str = "crisis_responses"):
    out, err = io.StringIO(), io.StringIO()
    code = run_ingest(f"duckdb://{url}", dataset, list(files), mapping, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_summary_lists_counts_and_the_first_problems(warehouse_path: Path, tmp_path: Path) -> None:
    rows = "".join(f"R{i},co_response,2024-05-01T10:00:00Z,true\n" for i in range(10))
    bad = "".join(f"B{i},outreach,2024-05-01T10:00:00Z,true\n" for i in range(7))
    path = write_text(
        tmp_path, "heart.csv", HEADER + rows + bad + "R0,co_response,not a time,true\n"
    )
    code, out, err = _run(warehouse_path, path)
    assert code == EXIT_OK and err == ""
    assert "rows read 18 · loaded 10 · updated 0 · quarantined 8" in out
    assert "line 12: program: 'outreach' is not one of: community_response_team" in out
    assert out.count("  line ") == 5  # the first five problems
    assert "… 3 more problem(s): see the _quarantine table (load_id = 1)" in out
    assert "not in this file (left NULL): call_id, person_id" in out

    code, out, _ = _run(warehouse_path, path)
    assert code == EXIT_OK
    assert "skipped: same content (sha256) as load 1" in out


def test_a_failed_file_does_not_stop_the_others(warehouse_path: Path, tmp_path: Path) -> None:
    empty = write_bytes(tmp_path, "empty.csv", b"")
    good = write_text(tmp_path, "good.csv", HEADER + "R1,co_response,2024-05-01T10:00:00Z,true\n")
    code, out, err = _run(warehouse_path, empty, good)
    assert code == EXIT_FAILED
    assert f"FAILED {empty}: the file is empty" in err
    assert "loaded 1" in out
    con = connect(warehouse_path)
    assert load_log(con)["status"].tolist() == ["failed", "loaded"]
    con.disconnect()


def test_unknown_names_are_usage_errors(warehouse_path: Path, tmp_path: Path) -> None:
    path = write_text(tmp_path, "x.csv", HEADER)
    code, _, err = _run(warehouse_path, path, dataset="crisis")
    assert code == EXIT_USAGE and "no contract for dataset 'crisis'" in err
    code, _, err = _run(warehouse_path, path, mapping="nope")
    assert code == EXIT_USAGE and "no mapping named 'nope'" in err
    code, _, err = _run(warehouse_path, path, mapping="sf-fire-calls")
    assert (
        code == EXIT_USAGE and "mapping is for 'calls_for_service', not 'crisis_responses'" in err
    )
    assert not warehouse_path.exists()  # nothing opened


def test_progress_bar_only_when_asked(warehouse_path: Path, tmp_path: Path) -> None:
    path = write_text(tmp_path, "p.csv", HEADER + "R1,co_response,2024-05-01T10:00:00Z,true\n")
    err = io.StringIO()  # not a terminal: no bar by default
    run_ingest(warehouse_path, "crisis_responses", [path], stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == ""
    err = io.StringIO()
    other = write_text(tmp_path, "q.csv", HEADER + "R2,co_response,2024-05-01T10:00:00Z,true\n")
    run_ingest(
        warehouse_path, "crisis_responses", [other], stdout=io.StringIO(), stderr=err, progress=True
    )
    assert "q.csv" in err.getvalue() and "rows" in err.getvalue()
