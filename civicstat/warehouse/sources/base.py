"""What every source reader yields: chunks of source rows with their physical line numbers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class RowProblem:
    """A source record the reader could not turn into a row (e.g. a wrong number of fields)."""

    line: int
    text: str
    reason: str


@dataclass
class Chunk:
    """Consecutive source rows: a frame of source columns and the line each row starts on.

    ``lines`` are physical lines for CSV (header = line 1) and JSON lines, and 1-based row
    numbers for Parquet. ``problems`` are records of this stretch of the file the reader had to
    leave out; they go to quarantine.
    """

    frame: pd.DataFrame
    lines: np.ndarray
    problems: list[RowProblem] = field(default_factory=list)


@dataclass
class SourceFile:
    """An opened source file: its columns, the number of records (when known) and its chunks."""

    columns: tuple[str, ...]
    total_rows: int | None
    chunks: Iterator[Chunk]
    location: str = "line"  # how `lines` count: "line" or "row"
    columns_vary: bool = False  # JSON lines: a chunk may hold keys the first object lacks
