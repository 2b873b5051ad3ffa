"""The Django side's view of computation specs: validation messages for forms and plan files."""

from __future__ import annotations

from civicstat.measures.engine import MeasureSpec, SpecError


def spec_problems(spec: dict) -> list[tuple[str, str]]:
    """Problems with a computation spec as (field path, message) pairs; empty when valid."""
    try:
        MeasureSpec.from_dict(spec)
    except SpecError as exc:
        return [(issue.path, issue.problem) for issue in exc.issues]
    return []
