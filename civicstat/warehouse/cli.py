"""The ``civicstat ingest`` command's work, as a pure function (the Django command is a thin
wrapper that passes the warehouse URL and the city's folders from settings)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from typing import TextIO

from civicstat.warehouse.connection import connect
from civicstat.warehouse.errors import UnknownNameError, UnreadableFileError, WarehouseError
from civicstat.warehouse.ingest import ingest
from civicstat.warehouse.queries import quarantine
from civicstat.warehouse.registry import Registry
from civicstat.warehouse.reports import FAILED, SKIPPED, FileReport

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
SHOWN_PROBLEMS = 5


def run_ingest(
    url: str | os.PathLike[str] | None,
    dataset: str,
    files: Sequence[str | os.PathLike[str]],
    mapping_name: str | None = None,
    extra_paths: Iterable[str | os.PathLike[str]] = (),
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    *,
    force: bool = False,
    progress: bool | None = None,
    progress_file: TextIO | None = None,
) -> int:
    """Ingest ``files`` into ``dataset``; print a summary per file; return the exit code:
    0 when every file loaded (or was skipped as already loaded), 1 when a file failed,
    2 for an unknown dataset or mapping, or a contract or mapping file with errors.

    The progress bar goes to ``progress_file`` (default: ``stderr``) when that is a terminal,
    or always with ``progress=True``."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    registry = Registry(extra_paths)
    try:
        contract = registry.contract(dataset)
        mapping = registry.mapping(mapping_name, contract) if mapping_name else None
    except (UnknownNameError, WarehouseError) as exc:
        _say(err, f"error: {exc}")
        return EXIT_USAGE
    if not files:
        _say(err, "error: name at least one file to ingest")
        return EXIT_USAGE
    con = connect(url)
    code = EXIT_OK
    try:
        for file in files:
            try:
                report = ingest(
                    con,
                    contract,
                    [file],
                    mapping,
                    progress,
                    force=force,
                    progress_file=progress_file or err,
                )
            except UnreadableFileError as exc:
                _say(err, f"FAILED {exc}")
                code = EXIT_FAILED
                continue
            except WarehouseError as exc:
                _say(err, f"FAILED {file}: {exc}")
                code = EXIT_FAILED
                continue
            _print_file(con, report.files[0], out)
    finally:
        con.disconnect()
    return code


def _print_file(con: object, report: FileReport, out: TextIO) -> None:
    label = (
        f"load {report.load_id}, mapping {report.mapping}"
        if report.mapping
        else f"load {report.load_id}"
    )
    _say(out, f"{report.file}  ({label})")
    if report.status == SKIPPED:
        _say(out, f"  skipped: {report.message}")
        return
    if report.status == FAILED:  # pragma: no cover - failures raise
        _say(out, f"  failed: {report.message}")
        return
    _say(
        out,
        f"  rows read {report.rows_read:,} · loaded {report.loaded:,} · updated {report.updated:,}"
        f" · quarantined {report.quarantined:,} · {report.duration_s:.1f} s",
    )
    if report.absent_columns:
        _say(out, f"  not in this file (left NULL): {', '.join(report.absent_columns)}")
    if report.unmapped_columns:
        _say(out, f"  ignored source columns: {', '.join(report.unmapped_columns)}")
    if report.quarantined:
        problems = quarantine(con, load_id=report.load_id)  # type: ignore[arg-type]
        for row in problems.head(SHOWN_PROBLEMS).itertuples(index=False):
            _say(out, f"  {report.location} {row.line}: {row.reason}")
        if len(problems) > SHOWN_PROBLEMS:
            _say(
                out,
                f"  … {len(problems) - SHOWN_PROBLEMS:,} more problem(s): see the _quarantine table "
                f"(load_id = {report.load_id})",
            )


def _say(stream: TextIO, text: str) -> None:
    """One line; written whole so Django's OutputWrapper adds no second line ending."""
    stream.write(text + "\n")
