"""The parts of a published analysis, as frozen dataclasses with a JSON round trip (PURE)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from civicstat.dashboards.charts.table import Table


class AnalysisError(ValueError):
    """An analysis that cannot be published as it is (the message says which part and why)."""


@dataclass(frozen=True)
class Figure:
    """A headline number, already formatted: ``value`` "11.3 min", ``label`` "Average minutes to
    scene"; ``note`` says what it rests on ("7,746 responses") or why it is withheld."""

    label: str
    value: str
    note: str = ""
    suppressed: bool = False

    kind = "figure"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "value": self.value,
            "note": self.note,
            "suppressed": self.suppressed,
        }


@dataclass(frozen=True)
class TableBlock:
    table: Table
    note: str = ""

    kind = "table"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "table": self.table.as_dict(), "note": self.note}


@dataclass(frozen=True)
class ChartBlock:
    """A chart is never alone: ``summary`` says in words what it shows and ``table`` holds its
    data (WCAG: a text alternative and an equivalent table)."""

    chart_id: str
    title: str
    svg: str
    summary: str
    table: Table

    kind = "chart"

    def __post_init__(self) -> None:
        if not self.summary.strip():
            raise AnalysisError(f"chart {self.chart_id!r} has no text summary")
        if not self.table.rows:
            raise AnalysisError(f"chart {self.chart_id!r} has an empty data table")

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "chart_id": self.chart_id,
            "title": self.title,
            "svg": self.svg,
            "summary": self.summary,
            "table": self.table.as_dict(),
        }


@dataclass(frozen=True)
class TextBlock:
    text: str

    kind = "text"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text}


Block = Figure | TableBlock | ChartBlock | TextBlock


def block_from_dict(raw: Mapping[str, Any]) -> Block:
    kind = raw.get("kind")
    if kind == "figure":
        return Figure(raw["label"], raw["value"], raw.get("note", ""), bool(raw.get("suppressed")))
    if kind == "table":
        return TableBlock(Table.from_dict(raw["table"]), raw.get("note", ""))
    if kind == "chart":
        return ChartBlock(
            raw["chart_id"], raw["title"], raw["svg"], raw["summary"], Table.from_dict(raw["table"])
        )
    if kind == "text":
        return TextBlock(raw["text"])
    raise AnalysisError(f"unknown block kind {kind!r}")


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]
    intro: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "heading": self.heading,
            "intro": self.intro,
            "blocks": [b.as_dict() for b in self.blocks],
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Section:
        return cls(
            raw["heading"], tuple(block_from_dict(b) for b in raw["blocks"]), raw.get("intro", "")
        )

    @property
    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]


@dataclass(frozen=True)
class Analysis:
    """What one page panel shows. ``key`` names it ("heart/community_response_team");
    ``method`` says in plain words how it was computed; ``datasets`` are the warehouse datasets
    it read (their loads are recorded as its provenance); ``parameters`` the settings used."""

    key: str
    title: str
    sections: tuple[Section, ...]
    method: str = ""
    datasets: tuple[str, ...] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)
    period_label: str = ""

    def __post_init__(self) -> None:
        if not self.key or len(self.key) > 120:
            raise AnalysisError(f"analysis key {self.key!r} must be 1 to 120 characters")
        ids = [b.chart_id for s in self.sections for b in s.blocks if isinstance(b, ChartBlock)]
        if len(ids) != len(set(ids)):
            raise AnalysisError(f"analysis {self.key!r}: two charts share an id ({ids})")

    def content(self) -> dict[str, Any]:
        return {"sections": [s.as_dict() for s in self.sections]}

    @staticmethod
    def sections_from(content: Mapping[str, Any]) -> tuple[Section, ...]:
        return tuple(Section.from_dict(s) for s in content.get("sections", []))
