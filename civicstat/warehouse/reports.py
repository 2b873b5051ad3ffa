"""What an ingest returns and what the load log holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

LOADED, SKIPPED, FAILED = "loaded", "skipped", "failed"


@dataclass(frozen=True)
class LoadRecord:
    """One row of the ``_loads`` table: one attempt to load one file."""

    load_id: int
    dataset: str
    file: str
    sha256: str
    mapping: str
    rows_read: int
    loaded: int
    updated: int
    quarantined: int
    status: str  # loaded | skipped | failed
    started_at: datetime
    duration_s: float
    message: str


@dataclass(frozen=True)
class FileReport(LoadRecord):
    """A load record plus what the ingest noticed about the file's columns."""

    absent_columns: tuple[str, ...] = ()  # contract columns the file cannot fill (left NULL)
    unmapped_columns: tuple[str, ...] = ()  # file columns no rule reads (ignored)
    location: str = "line"  # quarantine locations count "line"s (CSV, JSON lines) or "row"s


@dataclass(frozen=True)
class IngestReport:
    """The files of one ``ingest`` call, in order."""

    dataset: str
    files: tuple[FileReport, ...]

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def loaded(self) -> int:
        return sum(f.loaded for f in self.files)

    @property
    def updated(self) -> int:
        return sum(f.updated for f in self.files)

    @property
    def quarantined(self) -> int:
        return sum(f.quarantined for f in self.files)
