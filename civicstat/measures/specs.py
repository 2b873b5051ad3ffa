"""The Django side's view of computation specs: validation messages for forms and plan files."""

from __future__ import annotations


def spec_problems(spec: dict) -> list[tuple[str, str]]:
    """Problems with a computation spec as (field path, message) pairs; empty when valid."""
    from civicstat.measures.engine import MeasureSpec, SpecError

    try:
        MeasureSpec.from_dict(spec)
    except SpecError as exc:
        return [(getattr(exc, "path", ""), getattr(exc, "detail", str(exc)))]
    return []
