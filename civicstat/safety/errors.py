"""The safety analytics' exception family (pure layer: no Django).

Every message names what a city analyst needs to act on: the file (and, where one applies, the
feature or row, the column or the YAML key) and what was expected instead. Modules of
``civicstat.safety`` raise these, never bare ``ValueError``; callers catch ``SafetyError``.
"""

from __future__ import annotations

from pathlib import Path


class SafetyError(Exception):
    """Base class of every error the safety analytics raise on purpose."""


class SafetyInputError(SafetyError, ValueError):
    """An input file or table cannot be used as it is.

    ``source`` is the file (or dataset name), ``where`` the row, feature or column at fault
    (empty when the whole input is), ``problem`` what was found and what was expected.
    """

    def __init__(self, source: str | Path, problem: str, where: str = "") -> None:
        self.source = str(source)
        self.where = where
        self.problem = problem
        location = f"{self.source}: {where}" if where else self.source
        super().__init__(f"{location}: {problem}")


class SafetyConfigError(SafetyError, ValueError):
    """An analysis configuration (YAML file or mapping) is malformed.

    ``key`` is the dotted YAML path of the offending value, e.g. ``factors[2].operationalisation``.
    """

    def __init__(self, source: str | Path, key: str, problem: str) -> None:
        self.source = str(source)
        self.key = key
        self.problem = problem
        location = f"{self.source}: {key}" if key else self.source
        super().__init__(f"{location}: {problem}")


class SafetyModelError(SafetyError, RuntimeError):
    """A model cannot be fitted or evaluated on the data given (e.g. no outcome events at all)."""
