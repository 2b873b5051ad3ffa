"""Datasets the web apps themselves produce (events, page views…), pushed into the warehouse.

An app registers a *source*: a function that receives a writable Ibis/DuckDB connection and
loads its dataset through the warehouse (so contracts, load log and quarantine apply as for any
file a city ingests). `civicstat refresh` runs every source before computing measures, and apps
may also run their own source after a change (in a background task, never in a web request).

    from civicstat.measures.sources import register_source

    @register_source("community_events")
    def export_events(con) -> None:
        ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

SourceFn = Callable[[object], object]


@dataclass(frozen=True)
class Source:
    dataset: str
    export: SourceFn


_SOURCES: dict[str, Source] = {}


def register_source(dataset: str) -> Callable[[SourceFn], SourceFn]:
    def decorator(fn: SourceFn) -> SourceFn:
        _SOURCES[dataset] = Source(dataset, fn)
        return fn

    return decorator


def sources() -> list[Source]:
    return [_SOURCES[name] for name in sorted(_SOURCES)]
