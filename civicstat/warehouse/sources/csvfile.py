"""CSV reading with pyarrow: every column as text, streamed in chunks, physical line numbers."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from civicstat.warehouse.errors import UnreadableFileError
from civicstat.warehouse.sources.base import Chunk, RowProblem, SourceFile
from civicstat.warehouse.sources.lines import (
    ascii_compatible,
    csv_record_lines,
    csv_record_lines_slow,
    open_bytes,
)

_SNIFF = 1 << 20


def open_csv(path: Path, encoding: str, delimiter: str, chunk_rows: int) -> SourceFile:
    """Open a CSV file: check it decodes and has a header; yield text chunks."""
    data = open_bytes(path)
    if len(data) == 0:
        raise UnreadableFileError(
            path, "the file is empty; expected a CSV header line naming the columns"
        )
    raw_header = _read_header(path, data, encoding, delimiter)
    header = [h.strip() for h in raw_header]
    lines = _record_lines(path, data, encoding, delimiter)
    total = max(len(lines) - 1, 0) if lines is not None else None
    return SourceFile(
        columns=tuple(header),
        total_rows=total,
        chunks=_chunks(path, raw_header, encoding, delimiter, chunk_rows, lines),
    )


def _read_header(path: Path, data: np.ndarray, encoding: str, delimiter: str) -> list[str]:
    """The header's column names as written (the reader's names); names are compared stripped."""
    codec = codecs.lookup(encoding).name
    decoder = codecs.getincrementaldecoder("utf-8-sig" if codec == "utf-8" else codec)()
    try:
        text = decoder.decode(bytes(data[:_SNIFF]), final=len(data) <= _SNIFF)
    except UnicodeDecodeError as exc:
        raise _decode_error(path, data, encoding, exc.start) from exc
    if "\x00" in text[:4096]:
        raise UnreadableFileError(
            path,
            "holds binary data (NUL bytes), not CSV text; expected a CSV file with a header line",
        )
    try:
        header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    except csv.Error as exc:
        raise UnreadableFileError(path, f"the header line is not CSV ({exc})") from exc
    names = [h.strip() for h in header]
    if not any(names):
        raise UnreadableFileError(
            path, "the first line is empty; expected a CSV header line naming the columns"
        )
    repeated = sorted({h for h in names if names.count(h) > 1})
    if repeated:
        raise UnreadableFileError(
            path, f"the header names column(s) {', '.join(map(repr, repeated))} more than once"
        )
    return header


def _record_lines(path: Path, data: np.ndarray, encoding: str, delimiter: str) -> np.ndarray | None:
    lines = csv_record_lines(data, delimiter) if ascii_compatible(encoding) else None
    if lines is None:
        try:
            lines = csv_record_lines_slow(path, encoding, delimiter)
        except UnicodeDecodeError as exc:
            raise _decode_error(path, data, encoding, _first_bad_byte(data, encoding)) from exc
        except csv.Error:
            return None
    return lines


def _chunks(
    path: Path,
    header: list[str],
    encoding: str,
    delimiter: str,
    chunk_rows: int,
    record_lines: np.ndarray | None,
) -> Iterator[Chunk]:
    invalid: dict[int, RowProblem] = {}

    def on_invalid(row: pacsv.InvalidRow) -> str:
        record = row.number  # 1-based record number, header = 1 (-1 when unknown)
        line = (
            int(record_lines[record - 1])
            if record_lines is not None and 0 < record <= len(record_lines)
            else record
        )
        invalid[record] = RowProblem(
            line=line,
            text=row.text[:500],
            reason=f"expected {row.expected_columns} fields, found {row.actual_columns}",
        )
        return "skip"

    codec = codecs.lookup(encoding).name
    reader_encoding = "utf8" if codec in ("utf-8", "utf-8-sig") else codec
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(
                use_threads=False, block_size=1 << 23, encoding=reader_encoding
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, OSError) as exc:
        raise _arrow_error(path, encoding, exc) from exc

    next_record = 2  # record 1 is the header
    emitted_problems: set[int] = set()
    pending: list[pa.RecordBatch] = []
    pending_rows = 0

    def flush() -> Chunk:
        nonlocal next_record, pending, pending_rows
        table = pa.Table.from_batches(pending)
        n = table.num_rows
        # Record numbers of these rows: the next n record numbers the reader did not skip.
        numbers = np.empty(n, dtype=np.int64)
        filled = 0
        while filled < n:
            if next_record not in invalid:
                numbers[filled] = next_record
                filled += 1
            next_record += 1
        skipped = [r for r in sorted(invalid) if r < next_record and r not in emitted_problems]
        emitted_problems.update(skipped)
        if record_lines is not None and numbers.size and numbers[-1] <= len(record_lines):
            lines = record_lines[numbers - 1]
        else:
            lines = numbers
        frame = table.to_pandas()
        frame.columns = [str(c).strip() for c in frame.columns]
        pending, pending_rows = [], 0
        return Chunk(frame=frame, lines=lines, problems=[invalid[r] for r in skipped])

    try:
        for batch in reader:
            pending.append(batch)
            pending_rows += batch.num_rows
            if pending_rows >= chunk_rows:
                yield flush()
    except pa.ArrowInvalid as exc:
        raise _arrow_error(path, encoding, exc) from exc
    if pending or len(invalid) > len(emitted_problems):
        if not pending:
            pending = [pa.RecordBatch.from_pylist([], schema=reader.schema)]
        # Records skipped after the last row still belong to this file.
        last = flush()
        rest = [invalid[r] for r in sorted(invalid) if r not in emitted_problems]
        last.problems.extend(rest)
        yield last
    seen = max(next_record - 1, max(invalid, default=0))
    if record_lines is not None and seen != len(record_lines):
        raise UnreadableFileError(
            path,
            f"the CSV parser found {seen} records but the line scan {len(record_lines)}, so line "
            "numbers cannot be given reliably; check the file's quoting",
        )


def _arrow_error(path: Path, encoding: str, exc: Exception) -> UnreadableFileError:
    message = str(exc)
    if "UTF8" in message or "UTF-8" in message:
        data = open_bytes(path)
        return _decode_error(path, data, encoding, _first_bad_byte(data, "utf-8"))
    return UnreadableFileError(path, f"cannot be read as CSV ({message.splitlines()[0]})")


def _first_bad_byte(data: np.ndarray, encoding: str) -> int:
    """Offset of the first byte that does not decode, or -1. Blocks end at a newline so that no
    multi-byte character is cut in two."""
    codec = codecs.lookup(encoding).name
    step = 1 << 22
    start = 0
    while start < len(data):
        stop = min(start + step, len(data))
        if stop < len(data):
            cut = np.flatnonzero(np.asarray(data[start:stop]) == 10)
            stop = start + int(cut[-1]) + 1 if cut.size else stop
        try:
            bytes(data[start:stop]).decode(codec)
        except UnicodeDecodeError as exc:
            return start + exc.start
        start = stop
    return -1


def _decode_error(path: Path, data: np.ndarray, encoding: str, offset: int) -> UnreadableFileError:
    if offset < 0:
        return UnreadableFileError(path, f"is not valid {encoding} text")
    line = int(np.count_nonzero(np.asarray(data[:offset]) == 10)) + 1
    byte = int(data[offset])
    return UnreadableFileError(
        path,
        f"is not valid {encoding} text: byte 0x{byte:02x} on line {line} cannot be decoded "
        f"(expected {encoding}; if the file uses another encoding, set source.encoding in the "
        "mapping, e.g. latin-1 or cp1252)",
    )
