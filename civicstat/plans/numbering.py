"""Plan numbers: goal "2", objective "2.1", initiative "2.11".

Kept free of Django so the admin forms, the YAML validator and the tests share one rule.
"""

from __future__ import annotations

import re

_GOAL = re.compile(r"^[1-9][0-9]*$")
_CHILD = re.compile(r"^[0-9]+$")

LEVELS = ("goal", "objective", "initiative")


def number_problem(level: str, number: str, parent_number: str | None) -> str | None:
    """Why ``number`` is not a valid number for a ``level`` under ``parent_number``; None if valid.

    A goal is a positive integer. An objective is its goal's number, a dot and one digit ("2.1").
    An initiative is its objective's number followed by one or more digits ("2.11", "2.110").
    """
    if level == "goal":
        if not _GOAL.match(number):
            return f"'{number}' is not a goal number (expected a whole number such as 2)"
        return None
    if not parent_number:
        return f"'{number}' cannot be checked: the parent has no number"
    if level == "objective":
        prefix = f"{parent_number}."
        rest = number[len(prefix) :] if number.startswith(prefix) else None
        if rest is None or len(rest) != 1 or not _CHILD.match(rest) or rest == "0":
            return (
                f"'{number}' is not an objective number of goal {parent_number} "
                f"(expected {parent_number}.1 to {parent_number}.9)"
            )
        return None
    if level == "initiative":
        rest = number[len(parent_number) :] if number.startswith(parent_number) else None
        if not rest or not _CHILD.match(rest):
            return (
                f"'{number}' is not an initiative number of objective {parent_number} "
                f"(expected {parent_number} followed by digits, e.g. {parent_number}1)"
            )
        return None
    raise ValueError(f"unknown plan level {level!r}")


def sort_key(number: str) -> tuple:
    """Order numbers naturally: 2.9 before 2.10 at the same level."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"\.", number or ""))
