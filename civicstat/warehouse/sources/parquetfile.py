"""Parquet reading: typed columns streamed by batch; locations are 1-based row numbers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from civicstat.warehouse.errors import UnreadableFileError
from civicstat.warehouse.sources.base import Chunk, SourceFile


def open_parquet(path: Path, chunk_rows: int) -> SourceFile:
    """Open a Parquet file; its schema names the columns."""
    if path.stat().st_size == 0:
        raise UnreadableFileError(path, "the file is empty; expected a Parquet file")
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise UnreadableFileError(path, f"is not a Parquet file ({exc}); expected Parquet") from exc
    return SourceFile(
        columns=tuple(parquet.schema_arrow.names),
        total_rows=parquet.metadata.num_rows,
        chunks=_chunks(path, parquet, chunk_rows),
        location="row",
    )


def _chunks(path: Path, parquet: pq.ParquetFile, chunk_rows: int) -> Iterator[Chunk]:
    done = 0
    try:
        for batch in parquet.iter_batches(batch_size=chunk_rows):
            frame = to_pandas(pa.Table.from_batches([batch]))
            lines = np.arange(done + 1, done + batch.num_rows + 1, dtype=np.int64)
            done += batch.num_rows
            yield Chunk(frame=frame, lines=lines)
    except (pa.ArrowException, OSError) as exc:
        raise UnreadableFileError(path, f"cannot be read after row {done} ({exc})") from exc


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow to pandas keeping nulls: nullable integers and booleans, text as str, dates as
    datetime64."""

    def mapper(type_: pa.DataType) -> object:
        if pa.types.is_integer(type_):
            return pd.Int64Dtype()
        if pa.types.is_boolean(type_):
            return pd.BooleanDtype()
        return None

    return table.to_pandas(types_mapper=mapper, date_as_object=False)
