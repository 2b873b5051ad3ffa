"""Analysis producers: functions the refresh calls to compute published analyses (PURE).

    @register_analysis("heart", datasets=("crisis_responses",))
    def heart_programs(ctx: AnalysisContext) -> list[Analysis]:
        responses = ctx.resolve("crisis_responses")
        ...

A producer receives the refresh's dataset resolver (warehouse tables and derived views, read-only)
and the refresh date. It is skipped, and the skip recorded, when one of its datasets has never
been loaded: a city without a gunshot-detection pilot has no gunshot analysis, and that is not an
error. Anything else it raises fails the refresh, which then publishes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from civicstat.dashboards.analysis.blocks import Analysis


@dataclass(frozen=True)
class AnalysisContext:
    resolve: Callable[[str], Any]
    as_of: date


ProducerFn = Callable[[AnalysisContext], Iterable[Analysis]]


@dataclass(frozen=True)
class Producer:
    name: str
    datasets: tuple[str, ...]
    produce: ProducerFn


_PRODUCERS: dict[str, Producer] = {}


def register_analysis(name: str, datasets: Iterable[str]) -> Callable[[ProducerFn], ProducerFn]:
    def decorator(fn: ProducerFn) -> ProducerFn:
        _PRODUCERS[name] = Producer(name, tuple(datasets), fn)
        return fn

    return decorator


def producers() -> list[Producer]:
    return [_PRODUCERS[name] for name in sorted(_PRODUCERS)]


def unregister(name: str) -> None:
    """Tests only: remove a producer they registered."""
    _PRODUCERS.pop(name, None)
