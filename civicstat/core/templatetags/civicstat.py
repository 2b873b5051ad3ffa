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
    text = number_format(
        round(float(value), decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True
    )
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


@register.simple_tag
def content_lang() -> str:
    """`` lang="en"`` for an element holding the city's own content (plan pages, measure and
    event names, published charts and analyses: written, or rendered by a refresh, in the site's
    LANGUAGE_CODE) while the reader has chosen another interface language, so screen readers
    pronounce it right (WCAG 3.1.2, language of parts); nothing when the two agree."""
    from django.conf import settings
    from django.utils.html import format_html
    from django.utils.translation import get_language

    content = settings.LANGUAGE_CODE
    current = get_language() or content
    if current.split("-")[0].lower() == content.split("-")[0].lower():
        return ""
    return format_html(' lang="{}"', content)


@register.inclusion_tag("includes/status_badge.html")
def status_badge(status, prefix=""):
    return {"status": status, "prefix": prefix}


@register.filter
def basename(path) -> str:
    """A file's name without the server's folders (provenance shows which file, not where)."""
    return str(path or "").replace("\\", "/").rsplit("/", 1)[-1]


@register.filter
def unit_for(value, unit) -> str:
    """The unit as it reads after ``value``: "1 event", "27 events". Units are stored in the
    plural; for exactly one, a plain English plural loses its "s" (other languages keep the
    stored text)."""
    from django.utils.translation import get_language

    text = str(unit or "")
    try:
        one = float(value) == 1
    except (TypeError, ValueError):
        one = False
    english = (get_language() or "en").startswith("en")
    if one and english and text.endswith("s") and not text.endswith(("ss", "us", "is")):
        return text[:-1]
    return text
