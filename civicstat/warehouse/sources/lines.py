"""Physical line numbers of records, found with vectorised scans of the raw bytes.

Quarantine entries name the physical line a record starts on (the header is line 1), which
differs from the record number as soon as a quoted field holds a newline. The fast path scans the
bytes in blocks with NumPy: newlines outside quotes end records; a quote's parity (how many quotes
precede it) says whether it opens or closes a field. It only trusts that parity when every quote
sits where RFC 4180 allows (an opening quote at a field start, a closing quote before a
delimiter, line end or an escaped quote); otherwise, and for encodings whose newline is not the
byte 0x0A, the caller falls back to Python's csv module, which is exact but slower.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import numpy as np

BLOCK = 1 << 26  # 64 MiB per scan block
_NL, _CR, _QUOTE = 10, 13, 34
# Encodings in which every byte 0x0A is a newline and every 0x22 a quote.
_ASCII_SAFE = {"utf-8", "utf-8-sig", "ascii", "latin-1", "iso8859-1", "cp1252", "iso8859-15"}


def ascii_compatible(encoding: str) -> bool:
    """Whether newline and quote bytes can be found without decoding."""
    return codecs.lookup(encoding).name in _ASCII_SAFE


def open_bytes(path: Path) -> np.ndarray:
    """The file as a read-only uint8 array (memory-mapped; empty array for an empty file)."""
    if path.stat().st_size == 0:
        return np.zeros(0, dtype=np.uint8)
    return np.memmap(path, dtype=np.uint8, mode="r")


def _positions(data: np.ndarray, byte: int) -> np.ndarray:
    parts = [
        np.flatnonzero(data[start : start + BLOCK] == byte) + start
        for start in range(0, len(data), BLOCK)
    ]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def newline_positions(data: np.ndarray) -> np.ndarray:
    """Offsets of every newline byte."""
    return _positions(data, _NL)


def csv_record_lines(data: np.ndarray, delimiter: str = ",") -> np.ndarray | None:
    """Start line (1-based) of every non-empty CSV record, the header included; None when the
    quoting is irregular and the fast scan cannot be trusted."""
    n = len(data)
    newlines = newline_positions(data)
    returns = _positions(data, _CR)
    if returns.size and not (data[np.minimum(returns + 1, n - 1)] == _NL)[returns < n - 1].all():
        return None  # lone carriage returns end lines too (old Mac files): use the exact reader
    quotes = _positions(data, _QUOTE)
    if quotes.size and not _regular_quotes(data, quotes, ord(delimiter)):
        return None
    # A newline ends a record when an even number of quotes precede it.
    inside = (np.searchsorted(quotes, newlines) % 2).astype(bool)
    if quotes.size % 2:
        return None  # an unterminated quoted field
    ends = newlines[~inside]
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [n]))
    keep = starts < n  # a final newline opens no record
    starts, stops = starts[keep], stops[keep]
    length = stops - starts
    first = np.where(length > 0, data[np.minimum(starts, n - 1)] if n else 0, 0)
    empty = (length == 0) | ((length == 1) & (first == _CR))
    starts = starts[~empty]
    return np.searchsorted(newlines, starts) + 1


def _regular_quotes(data: np.ndarray, quotes: np.ndarray, delimiter: int) -> bool:
    n = len(data)
    index = np.arange(quotes.size)
    before = np.where(quotes > 0, data[np.maximum(quotes - 1, 0)], _NL)
    after = np.where(quotes < n - 1, data[np.minimum(quotes + 1, n - 1)], _NL)
    prev_adjacent = np.zeros(quotes.size, dtype=bool)
    prev_adjacent[1:] = quotes[1:] == quotes[:-1] + 1
    next_adjacent = np.zeros(quotes.size, dtype=bool)
    next_adjacent[:-1] = quotes[:-1] + 1 == quotes[1:]
    at_field_start = np.isin(before, (delimiter, _NL, _CR)) | prev_adjacent
    at_bom_start = quotes == 3 if n >= 3 and bytes(data[:3]) == codecs.BOM_UTF8 else False
    at_field_end = np.isin(after, (delimiter, _NL, _CR)) | next_adjacent | (quotes == n - 1)
    opening = index % 2 == 0
    ok = np.where(opening, at_field_start | at_bom_start | (quotes == 0), at_field_end)
    return bool(ok.all())


def csv_record_lines_slow(path: Path, encoding: str, delimiter: str) -> np.ndarray:
    """Start line of every non-empty record with Python's csv module (exact for any quoting)."""
    starts: list[int] = []
    with io.open(path, encoding=encoding, newline="") as fh:  # noqa: UP020
        reader = csv.reader(fh, delimiter=delimiter)
        previous_end = 0
        for record in reader:
            if record:
                starts.append(previous_end + 1)
            previous_end = reader.line_num
    # A record that starts with blank physical lines is preceded by empty records, which the
    # reader returns as [] and we skip, so previous_end + 1 is the record's first line.
    return np.asarray(starts, dtype=np.int64)


def nonblank_lines(data: np.ndarray, start: int, stop: int, first_line: int) -> np.ndarray:
    """Line numbers of the lines in ``data[start:stop]`` that hold anything but whitespace.

    ``first_line`` is the line number of the byte at ``start``. Short lines are checked byte by
    byte (vectorised); a line longer than 64 bytes counts as non-blank, and the caller verifies
    the count against the parser's.
    """
    chunk = data[start:stop]
    newlines = np.flatnonzero(chunk == _NL)
    starts = np.concatenate(([0], newlines + 1))
    stops = np.concatenate((newlines, [len(chunk)]))
    keep = starts < len(chunk)
    starts, stops = starts[keep], stops[keep]
    numbers = np.arange(len(keep))[keep] + first_line
    length = stops - starts
    short = length < 64
    blank = np.zeros(len(starts), dtype=bool)
    if short.any():
        width = 64
        idx = starts[short, None] + np.arange(width)[None, :]
        within = idx < stops[short, None]
        chars = chunk[np.minimum(idx, len(chunk) - 1)]
        is_space = np.isin(chars, (32, 9, 13)) | ~within
        blank[short] = is_space.all(axis=1)
    return numbers[~blank]
