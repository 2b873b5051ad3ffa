"""The measure engine's exception family.

Every message names what the person editing a measure needs to act on: the field path in the spec
(``aggregate.p``, ``filter.and[1].eq``), the dataset and column, and what was expected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class MeasureError(Exception):
    """Base class of every error the measure engine raises on purpose."""


@dataclass(frozen=True)
class SpecIssue:
    """One problem in a measure spec: where it is (a dotted field path) and what is wrong."""

    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}" if self.path else self.problem


class SpecError(MeasureError, ValueError):
    """A measure spec (dict/YAML form) is malformed or inconsistent.

    Carries every issue found, so an admin form can show them all at once; ``path`` is the first.
    """

    def __init__(self, issues: Sequence[SpecIssue] | SpecIssue) -> None:
        self.issues: tuple[SpecIssue, ...] = (
            (issues,) if isinstance(issues, SpecIssue) else tuple(issues)
        )
        if not self.issues:
            raise ValueError("SpecError needs at least one issue")
        self.path = self.issues[0].path
        super().__init__("; ".join(str(i) for i in self.issues))


class CompileError(MeasureError):
    """A valid spec that does not fit the table it is compiled against (missing column, wrong
    column type, an operation the backend cannot express)."""

    def __init__(self, path: str, problem: str, *, dataset: str = "") -> None:
        self.path = path
        self.dataset = dataset
        self.problem = problem
        where = f"dataset {dataset!r}: " if dataset else ""
        super().__init__(f"{where}{path}: {problem}" if path else f"{where}{problem}")


class ExecutionError(MeasureError):
    """The backend failed while running a compiled measure; carries the SQL that failed."""

    def __init__(self, dataset: str, problem: str, sql: str = "") -> None:
        self.dataset = dataset
        self.problem = problem
        self.sql = sql
        super().__init__(f"dataset {dataset!r}: running the measure failed: {problem}")


class StatusRuleError(MeasureError, ValueError):
    """A status rule is malformed (unknown direction, a range target for a one-sided rule…)."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}" if path else problem)


class SuppressionError(MeasureError, ValueError):
    """Counts handed to small-cell suppression are not usable (negative, not whole numbers,
    totals that do not add up)."""
