"""The events layer's exceptions: each message names the file, event or field and what was
expected."""


class EventsError(Exception):
    """Base of every error the events app raises on purpose."""
