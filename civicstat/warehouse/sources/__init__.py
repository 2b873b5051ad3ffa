"""Source file readers: CSV, Parquet and JSON lines, streamed in chunks with line numbers."""

from __future__ import annotations

from pathlib import Path

from civicstat.warehouse.errors import UnreadableFileError
from civicstat.warehouse.mappings import SourceOptions
from civicstat.warehouse.sources.base import Chunk, RowProblem, SourceFile
from civicstat.warehouse.sources.csvfile import open_csv
from civicstat.warehouse.sources.jsonlines import open_jsonl
from civicstat.warehouse.sources.parquetfile import open_parquet

__all__ = ["Chunk", "RowProblem", "SourceFile", "detect_format", "open_source"]

_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}


def detect_format(path: Path, options: SourceOptions) -> str:
    """The format the file extension names, else the mapping's ``source.format``."""
    fmt = _EXTENSIONS.get(path.suffix.lower()) or options.format
    if fmt is None:
        raise UnreadableFileError(
            path,
            f"has an unknown extension {path.suffix!r}; expected .csv, .parquet or .jsonl "
            "(or set source.format in the mapping)",
        )
    return fmt


def open_source(path: Path, options: SourceOptions, chunk_rows: int = 50_000) -> SourceFile:
    """Open a source file for reading; raises UnreadableFileError when it cannot be read at all."""
    if not path.is_file():
        raise UnreadableFileError(path, "does not exist or is not a file")
    fmt = detect_format(path, options)
    if fmt == "parquet":
        return open_parquet(path, chunk_rows)
    if fmt == "jsonl":
        return open_jsonl(path, options.encoding, chunk_rows)
    delimiter = (
        "\t" if path.suffix.lower() == ".tsv" and options.delimiter == "," else options.delimiter
    )
    return open_csv(path, options.encoding, delimiter, chunk_rows)
