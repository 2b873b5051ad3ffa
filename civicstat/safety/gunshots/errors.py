"""The gunshot-detection analytics' exception (part of the safety layer's family)."""

from __future__ import annotations

from civicstat.safety.errors import SafetyInputError


class GunshotDataError(SafetyInputError):
    """An input table or argument of the gunshot measures cannot be used.

    ``source`` is the dataset (``gunshot_alerts``, ``gunshot_outcomes``, ``calls_for_service``,
    ``confirmed_shootings``) or the argument's owner (``MatchRule``, ``Period``); ``where`` the
    row key or column at fault; ``problem`` what was found and what was expected.
    """
