"""JSON lines reading: one object per line, read in chunks with pandas, physical line numbers."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from civicstat.warehouse.errors import UnreadableFileError
from civicstat.warehouse.sources.base import Chunk, SourceFile
from civicstat.warehouse.sources.lines import newline_positions, nonblank_lines, open_bytes


def open_jsonl(path: Path, encoding: str, chunk_rows: int) -> SourceFile:
    """Open a JSON lines file. Its columns are the keys of the first object; a key missing from
    a later object (or met only later) reads as missing in that row."""
    data = open_bytes(path)
    if len(data) == 0:
        raise UnreadableFileError(
            path, "the file is empty; expected JSON lines (one object per line)"
        )
    newlines = newline_positions(data)
    line_starts = np.concatenate(([0], newlines + 1))
    line_starts = line_starts[line_starts < len(data)]
    first = _first_object(path, data, encoding)
    return SourceFile(
        columns=tuple(str(k) for k in first),
        total_rows=None,
        chunks=_chunks(path, data, line_starts, encoding, chunk_rows),
        columns_vary=True,
    )


def _first_object(path: Path, data: np.ndarray, encoding: str) -> dict:
    head = bytes(data[: 1 << 20])
    for number, raw in enumerate(head.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw.decode(encoding).lstrip("\ufeff"))
        except UnicodeDecodeError as exc:
            raise UnreadableFileError(
                path, f"line {number} is not valid {encoding} text ({exc.reason})"
            ) from exc
        except json.JSONDecodeError as exc:
            raise UnreadableFileError(
                path,
                f"line {number} is not JSON ({exc.msg}); expected JSON lines (one object per line)",
            ) from exc
        if not isinstance(value, dict):
            raise UnreadableFileError(
                path,
                f"line {number} holds a JSON {type(value).__name__}; expected one object per line",
            )
        return value
    raise UnreadableFileError(
        path, "holds no JSON object; expected JSON lines (one object per line)"
    )


def _chunks(
    path: Path, data: np.ndarray, line_starts: np.ndarray, encoding: str, chunk_rows: int
) -> Iterator[Chunk]:
    for first in range(0, len(line_starts), chunk_rows):
        start = int(line_starts[first])
        last = first + chunk_rows
        stop = int(line_starts[last]) if last < len(line_starts) else len(data)
        raw = bytes(data[start:stop])
        lines = nonblank_lines(data, start, stop, first + 1)
        try:
            frame = pd.read_json(io.BytesIO(raw), lines=True, dtype=False, encoding=encoding)
        except (ValueError, UnicodeDecodeError) as exc:
            raise _locate_error(path, raw, encoding, first + 1) from exc
        if len(frame) != len(lines):
            text = raw.split(b"\n")
            lines = np.asarray(
                [first + 1 + i for i, t in enumerate(text) if t.strip()], dtype=np.int64
            )
        frame.columns = [str(c) for c in frame.columns]
        yield Chunk(frame=frame, lines=lines)


def _locate_error(path: Path, raw: bytes, encoding: str, first_line: int) -> UnreadableFileError:
    for offset, text in enumerate(raw.split(b"\n")):
        if not text.strip():
            continue
        number = first_line + offset
        try:
            value = json.loads(text.decode(encoding).lstrip("\ufeff"))
        except UnicodeDecodeError as exc:
            return UnreadableFileError(
                path, f"line {number} is not valid {encoding} text ({exc.reason})"
            )
        except json.JSONDecodeError as exc:
            return UnreadableFileError(
                path, f"line {number} is not JSON ({exc.msg}); expected one object per line"
            )
        if not isinstance(value, dict):
            return UnreadableFileError(
                path,
                f"line {number} holds a JSON {type(value).__name__}; expected one object per line",
            )
    return UnreadableFileError(path, "cannot be read as JSON lines")
