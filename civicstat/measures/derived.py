"""Derived datasets: Ibis views built from warehouse tables by the pure analytics layers.

A measure spec names a dataset; it may be a warehouse table (calls_for_service) or a derived view
(cfs_segments: one row per call and response-time segment, computed by civicstat.safety). The
refresh resolves names through this registry, so derived views are never stored: they are
expressions compiled into each measure's single query, and their base tables' loads are recorded
as the measure's provenance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ibis.expr.types as ir

from civicstat.warehouse import dataset_table

Builder = Callable[[Callable[[str], ir.Table]], ir.Table]


@dataclass(frozen=True)
class Derived:
    name: str
    bases: tuple[str, ...]
    build: Builder
    description: str = ""


_DERIVED: dict[str, Derived] = {}


def register_derived(name: str, bases: tuple[str, ...], description: str = ""):
    def decorator(build: Builder) -> Builder:
        _DERIVED[name] = Derived(name, tuple(bases), build, description)
        return build

    return decorator


def derived(name: str) -> Derived | None:
    _load_builtin()
    return _DERIVED.get(name)


def base_datasets(name: str) -> tuple[str, ...]:
    """The warehouse tables a dataset name reads (itself, for a table)."""
    found = derived(name)
    if found is None:
        return (name,)
    return tuple(sorted({b for base in found.bases for b in base_datasets(base)}))


def resolver(con):
    """name → Ibis table: warehouse tables (contract columns only) or derived views."""
    cache: dict[str, ir.Table] = {}

    def resolve(name: str) -> ir.Table:
        if name not in cache:
            found = derived(name)
            cache[name] = found.build(resolve) if found else dataset_table(con, name)
        return cache[name]

    return resolve


_loaded = False


def _load_builtin() -> None:
    """Import the modules that register the built-in derived views (once)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    from civicstat.measures import derived_views  # noqa: F401
