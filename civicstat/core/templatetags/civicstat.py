"""Template helpers for public pages: value formatting in the measure's own unit."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


def format_measure_value(value, measure) -> str:
    """A value as a resident reads it: 27, 12.0%, 11.3 minutes. None → an em dash."""
    if value is None:
        return "—"
    decimals = getattr(measure, "decimals", 0) or 0
    fmt = getattr(measure, "value_format", "number")
    text = number_format(round(float(value), decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True)
    if fmt == "percent":
        return f"{text}%"
    if fmt == "minutes":
        return _("%(value)s min") % {"value": text}
    if fmt == "seconds":
        return _("%(value)s s") % {"value": text}
    if fmt == "currency":
        return f"${text}"
    return text


@register.filter
def measure_value(value, measure):
    return format_measure_value(value, measure)


@register.inclusion_tag("includes/status_badge.html")
def status_badge(status, prefix=""):
    return {"status": status, "prefix": prefix}


@register.filter
def basename(path) -> str:
    """A file's name without the server's folders (provenance shows which file, not where)."""
    return str(path or "").replace("\\", "/").rsplit("/", 1)[-1]
